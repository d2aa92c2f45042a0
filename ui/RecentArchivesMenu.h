#pragma once
// File > Open Recent: the archives opened lately, newest first (at most 8, kept in QSettings
// under "recentArchives"; files that no longer exist are not offered).
//
//   auto* recent = new RecentArchivesMenu(this);
//   fileMenu->addMenu(recent);
//   connect(recent, &RecentArchivesMenu::openRequested, window, &MainWindow::openArchive);
//   connect(recent, &RecentArchivesMenu::filesChanged, startPage, &StartPage::setRecentFiles);
//   recent->add("field.crowlingo");   // after it opened
//
// Threading: GUI thread only.
#include <QMenu>
#include <QStringList>

namespace crowlingo::ui {

class RecentArchivesMenu : public QMenu {
    Q_OBJECT
public:
    explicit RecentArchivesMenu(QWidget* parent = nullptr);

    QStringList files() const; // those that exist, newest first
    void add(const QString& file);
    void refresh();            // rebuilds the menu and emits filesChanged

Q_SIGNALS:
    void openRequested(const QString& file);
    void filesChanged(const QStringList& files);
};

} // namespace crowlingo::ui
