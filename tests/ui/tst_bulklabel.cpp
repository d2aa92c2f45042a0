// Bulk labelling: a rectangle on the map selects many clips, the label bar labels them, and the
// labels are in the archive at once (read back through a second connection).
#include "UiTestArchive.h"
#include "UiTestWindow.h"

#include "ui/ArchiveSession.h"
#include "ui/ClipFilterProxy.h"
#include "ui/ClipTablePanel.h"
#include "ui/LabelBar.h"
#include "ui/MainWindow.h"
#include "ui/MapView.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <set>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

class TestBulkLabel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void rectangleSelectionLabelledAndStored()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        MapView* map = w.mapView();

        // A rectangle around every clip of kind 1 (their points' bounding box, slightly grown).
        QRectF box;
        std::set<int> kind1;
        for (int i = 0; i < w.session()->clipCount(); ++i) {
            if (a.kindOf(w.session()->data().clips[std::size_t(i)].id) != 1) continue;
            kind1.insert(i);
            const QPointF p = map->widgetPosition(i);
            box = box.isNull() ? QRectF(p, QSizeF(1, 1)) : box.united(QRectF(p, QSizeF(1, 1)));
        }
        const QRect rect = box.adjusted(-4, -4, 4, 4).toAlignedRect();
        std::set<int> inside;
        for (int i = 0; i < w.session()->clipCount(); ++i)
            if (QRectF(rect).contains(map->widgetPosition(i))) inside.insert(i);
        QVERIFY(std::includes(inside.begin(), inside.end(), kind1.begin(), kind1.end()));

        QTest::mousePress(map, Qt::LeftButton, Qt::ShiftModifier, rect.topLeft());
        QTest::mouseMove(map, rect.bottomRight());
        QTest::mouseRelease(map, Qt::LeftButton, Qt::ShiftModifier, rect.bottomRight());
        const QVector<int> selected = w.session()->selection();
        QCOMPARE(std::set<int>(selected.begin(), selected.end()), inside);

        // Type the label and press Enter, as a user would.
        QLineEdit* edit = w.labelBar()->lineEdit();
        edit->setFocus();
        QTest::keyClicks(edit, QStringLiteral("chiffchaff"));
        QSignalSpy changed(w.session(), &ArchiveSession::labelsChanged);
        QTest::keyClick(edit, Qt::Key_Return);
        QCOMPARE(changed.size(), 1);

        // A second connection sees exactly these clips labelled, by the user.
        std::set<ClipId> expected;
        for (int i : inside) expected.insert(w.session()->data().clips[std::size_t(i)].id);
        const Archive reread = Archive::open(a.path());
        std::set<ClipId> labelled;
        for (const LabelRow& l : reread.labels()) {
            QCOMPARE(l.label, std::string("chiffchaff"));
            QCOMPARE(l.source, std::string("user"));
            labelled.insert(l.clipId);
        }
        QCOMPARE(labelled, expected);

        // The table's label filter finds them.
        QVERIFY(testkit::showClipTable(w));
        w.clipTable()->proxy()->setLabelFilter(QStringLiteral("chiffchaff"));
        QCOMPARE(w.clipTable()->proxy()->rowCount(), int(expected.size()));

        // Clearing the label of one clip removes it from the archive too.
        w.session()->setSelection({});
        const int first = *inside.begin();
        w.session()->setCurrentClip(first);
        QVERIFY(w.labelBar()->applyLabel(QString()));
        const Archive again = Archive::open(a.path());
        QCOMPARE(again.labels().size(), expected.size() - 1);
    }

    // Ctrl+Z takes label edits back one by one, in the archive too, down to imported labels.
    void undoTakesEditsBack()
    {
        UiTestArchive a;
        {
            Archive archive = Archive::open(a.path());
            archive.setLabel(archive.clips().at(5).id, "imported-owl", "field-notes.csv");
        }
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        ArchiveSession* s = w.session();
        const auto shown = [&](int i) { return s->data().label[std::size_t(i)]; };
        const auto stored = [&](int i) {
            const ClipId id = s->data().clips[std::size_t(i)].id;
            for (const LabelRow& l : Archive::open(a.path()).labels())
                if (l.clipId == id && l.source == "user") return l.label;
            return std::string();
        };
        QVERIFY(!s->canUndoLabel());
        QCOMPARE(shown(5), std::string("imported-owl"));

        QVERIFY(s->applyLabel({3}, "wren"));
        QVERIFY(s->applyLabel({3, 4}, "robin"));
        QVERIFY(s->applyLabel({5}, "tawny"));
        QCOMPARE(shown(5), std::string("tawny"));
        QVERIFY(s->canUndoLabel());
        QVERIFY(s->undoLabelText().contains("tawny"));

        // Ctrl+Z on the map (not a text field) undoes, newest first.
        w.mapView()->setFocus();
        QTest::keyClick(w.mapView(), Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(shown(5), std::string("imported-owl"));
        QCOMPARE(stored(5), std::string());
        QVERIFY(s->undoLabel());
        QCOMPARE(shown(3), std::string("wren"));
        QCOMPARE(stored(3), std::string("wren"));
        QCOMPARE(shown(4), std::string());
        QCOMPARE(stored(4), std::string());
        QVERIFY(s->undoLabel());
        QCOMPARE(stored(3), std::string());
        QVERIFY(!s->canUndoLabel());
        QVERIFY(!s->undoLabel());

        // Clearing a clip's own label shows the imported one again (as the exports do); undo
        // brings the own label back.
        QVERIFY(s->applyLabel({5}, "tawny"));
        QVERIFY(s->applyLabel({5}, QString()));
        QCOMPARE(shown(5), std::string("imported-owl"));
        QCOMPARE(stored(5), std::string());
        QVERIFY(s->undoLabel());
        QCOMPARE(shown(5), std::string("tawny"));
        QCOMPARE(stored(5), std::string("tawny"));
        QVERIFY(s->undoLabel());
        QCOMPARE(shown(5), std::string("imported-owl"));
        QVERIFY(!s->canUndoLabel());

        // Ctrl+Z in the label field right after Enter takes the label back; once the field is
        // edited again, Ctrl+Z is the field's own text undo.
        s->setSelection({});
        s->setCurrentClip(6);
        QLineEdit* field = w.labelBar()->lineEdit();
        w.labelBar()->focusEdit();
        QTest::keyClicks(field, QStringLiteral("wren"));
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(shown(6), std::string("wren"));
        QTest::keyClick(field, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(shown(6), std::string());
        QCOMPARE(stored(6), std::string());
        QVERIFY(!s->canUndoLabel());
        QTest::keyClicks(field, QStringLiteral("x"));
        const QString typed = field->text();
        QTest::keyClick(field, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(field->text() != typed); // the field's undo
        QCOMPARE(shown(6), std::string());
    }

    // An edit is written as the archive's label journal (read as labels by every reader at once)
    // and folded into its label table while the window idles, or when the archive is closed.
    void labelEditsAreFoldedWhileTheWindowIdles()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        ArchiveSession* s = w.session();
        const auto storedAs = [&](const std::string& label) {
            int n = 0;
            for (const LabelRow& l : Archive::openReadOnly(a.path()).labels("user")) n += l.label == label;
            return n;
        };
        const auto journalled = [&] { return Archive::openReadOnly(a.path()).journalledLabelClips(); };
        QVERIFY(s->applyLabel({0, 1, 2}, QStringLiteral("finch")));
        QCOMPARE(journalled(), std::int64_t(3));
        QCOMPARE(storedAs("finch"), 3);
        QTRY_COMPARE(journalled(), std::int64_t(0));
        QCOMPARE(storedAs("finch"), 3);

        QVERIFY(s->applyLabel({3}, QStringLiteral("wren")));
        QVERIFY(s->undoLabel());
        QCOMPARE(journalled(), std::int64_t(2));
        s->close();
        QCOMPARE(journalled(), std::int64_t(0));
        QCOMPARE(storedAs("wren"), 0);
        QCOMPARE(storedAs("finch"), 3);
    }

    // Undo puts back the label a clip had before the edit, also when another program wrote it
    // after the window's last edit (the window keeps the clips' own labels between edits).
    void undoPutsBackALabelWrittenElsewhere()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        ArchiveSession* s = w.session();
        const ClipId id = s->data().clips[2].id;
        const auto stored = [&] {
            for (const LabelRow& l : Archive::openReadOnly(a.path()).labels("user"))
                if (l.clipId == id) return l.label;
            return std::string();
        };
        QVERIFY(s->applyLabel({2}, QStringLiteral("wren")));
        Archive::open(a.path()).setLabel(id, "robin"); // as `crowlingo-cli import --source user` would
        s->checkForOutsideChanges();
        QCOMPARE(s->data().label[2], std::string("robin"));
        QVERIFY(s->applyLabel({2}, QStringLiteral("tawny")));
        QCOMPARE(stored(), std::string("tawny"));
        QVERIFY(s->undoLabel());
        QCOMPARE(stored(), std::string("robin"));
        QCOMPARE(s->data().label[2], std::string("robin"));
    }

    void labelFileImportedFromTheWindow()
    {
        // File > Import Labels: the CLI's matching rules; the labels show at once (map legend,
        // session), a user's own label still wins, and rows that match nothing are reported.
        UiTestArchive a;
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        ArchiveSession* s = w.session();
        QVERIFY(s->applyLabel({0}, QStringLiteral("mine")));
        const QString file = QDir(a.dir()).filePath(QStringLiteral("field notes.csv"));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Text));
            f.write(QStringLiteral("clip_id,label\n%1,imported\n%2,imported\n999999,lost\n")
                        .arg(s->data().clips[0].id).arg(s->data().clips[1].id).toUtf8());
        }
        const QString summary = w.importLabels(file);
        QVERIFY2(summary.contains(QStringLiteral("3 rows, 2 matched")), qPrintable(summary));
        QCOMPARE(s->data().label[0], std::string("mine"));      // the user's own label wins
        QCOMPARE(s->data().label[1], std::string("imported"));
        QVERIFY(s->labelNames().contains(QStringLiteral("imported")));
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("importLabelsBox"));
        QVERIFY(box);
        QVERIFY2(box->detailedText().contains(QStringLiteral("line 4")), qPrintable(box->detailedText()));
        bool stored = false;
        for (const LabelRow& l : Archive::openReadOnly(a.path()).labels())
            stored |= l.source == "field notes.csv" && l.label == "imported";
        QVERIFY(stored);

        // A file that is no label table: an error, nothing changes.
        const QString bad = QDir(a.dir()).filePath(QStringLiteral("bad.csv"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Text));
            f.write("species;begin\nowl;1\n");
        }
        QSignalSpy errors(s, &ArchiveSession::errorOccurred);
        QVERIFY(w.importLabels(bad).isEmpty());
        QCOMPARE(errors.count(), 1);
        QVERIFY2(errors.first().at(0).toString().contains(QStringLiteral("bad.csv")), qPrintable(errors.first().at(0).toString()));
    }
};

QTEST_MAIN(TestBulkLabel)
#include "tst_bulklabel.moc"
