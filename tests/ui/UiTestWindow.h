#pragma once
// Shared by the UI tests: the workbench window shown and an archive opened in it, as a user starts.
//
//   MainWindow w;  QVERIFY(showAndOpen(w, archive.file()));
#include "ui/ArchiveSession.h"
#include "ui/ClipTableModel.h"
#include "ui/ClipTablePanel.h"
#include "ui/MainWindow.h"

#include <QApplication>
#include <QDockWidget>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QString>
#include <QTest>

namespace crowlingo::testkit {

// Shows the window at 1400 x 900 and opens the archive in it; false if either did not happen in time.
inline bool showAndOpen(ui::MainWindow& w, const QString& archiveFile)
{
    w.resize(1400, 900);
    w.show();
    if (!QTest::qWaitForWindowExposed(&w)) return false;
    QSignalSpy opened(w.session(), &ui::ArchiveSession::archiveOpened);
    w.openArchive(archiveFile);
    return opened.wait(20000);
}

// Brings the clip table's tab to the front, as a user clicks it; the table holds its rows only
// while it is on screen. False if the rows did not come in time.
inline bool showClipTable(ui::MainWindow& w)
{
    auto* dock = w.findChild<QDockWidget*>(QStringLiteral("tableDock"));
    if (!dock) return false;
    dock->show();
    dock->raise();
    return QTest::qWaitFor([&] { return w.clipTable()->model()->rowCount() == w.session()->clipCount(); }, 5000);
}

// A left-button drag on a widget from one point to another, as a user's mouse makes it.
inline void drag(QWidget* widget, QPoint from, QPoint to)
{
    QTest::mousePress(widget, Qt::LeftButton, {}, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(to), widget->mapToGlobal(QPointF(to)), Qt::NoButton, Qt::LeftButton, {});
    QApplication::sendEvent(widget, &move);
    QTest::mouseRelease(widget, Qt::LeftButton, {}, to);
}

} // namespace crowlingo::testkit
