// The New Archive dialog as a user fills it in: a typed folder suggests an archive beside it,
// Browse… for the archive file enables Create at once, and updating an archive keeps the
// segmentation and time expansion it was made with; clips from selection tables are found or chosen.
#include "UiTestArchive.h"
#include "ui/NewArchiveDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QtTest>

using namespace crowlingo;
using namespace crowlingo::ui;

class TestNewArchiveDialog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Qt's own file dialog (the platform's cannot be answered from a test).
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
    }

    void aTypedFolderSuggestsAnArchiveBesideIt()
    {
        QTemporaryDir tmp;
        QVERIFY(QDir(tmp.path()).mkdir(QStringLiteral("frogs")));
        NewArchiveDialog dialog;
        dialog.show();
        QVERIFY(!dialog.createButton()->isEnabled());
        QTest::keyClicks(dialog.folderEdit(), tmp.filePath(QStringLiteral("frogs")));
        QCOMPARE(dialog.archiveFile(), tmp.filePath(QStringLiteral("frogs.crowlingo")));
        QVERIFY2(dialog.createButton()->isEnabled(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.problem(), QString());

        // A name the user typed is theirs: changing the folder keeps it.
        dialog.archiveEdit()->selectAll();
        QTest::keyClicks(dialog.archiveEdit(), tmp.filePath(QStringLiteral("mine.crowlingo")));
        dialog.folderEdit()->selectAll();
        QTest::keyClicks(dialog.folderEdit(), tmp.path());
        QCOMPARE(dialog.archiveFile(), tmp.filePath(QStringLiteral("mine.crowlingo")));
    }

    void browsingForTheArchiveEnablesCreate()
    {
        QTemporaryDir tmp;
        NewArchiveDialog dialog;
        dialog.setFolder(tmp.path());
        dialog.archiveEdit()->clear(); // as if the user emptied it
        QVERIFY(!dialog.createButton()->isEnabled());
        QVERIFY(dialog.problem().contains(QStringLiteral("where to save")));
        dialog.show();

        const QString chosen = tmp.filePath(QStringLiteral("season"));
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QFileDialog*>(QApplication::activeModalWidget()), 10000);
            auto* files = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            files->selectFile(chosen);
            static_cast<QDialog*>(files)->accept(); // QFileDialog::accept, through its public base
            answered = true;
        });
        QTest::mouseClick(dialog.archiveBrowseButton(), Qt::LeftButton);
        QVERIFY(answered);
        QCOMPARE(dialog.archiveFile(), chosen + QStringLiteral(".crowlingo"));
        QCOMPARE(dialog.problem(), QString());
        QVERIFY(dialog.createButton()->isEnabled());
    }

    void aMalformedSegmentationIsNamed()
    {
        QTemporaryDir tmp;
        NewArchiveDialog dialog;
        dialog.setFolder(tmp.path());
        QVERIFY(dialog.createButton()->isEnabled());
        dialog.segmentBox()->setCurrentText(QStringLiteral("window:-2"));
        QVERIFY(!dialog.createButton()->isEnabled());
        QVERIFY2(!dialog.problem().isEmpty(), "no reason given");
    }

    // Clips from the researcher's own selections: "table" needs Raven tables in the folder (said
    // before Create, not after a scan), and Selections… names any table file.
    void selectionTablesAreFoundOrChosen()
    {
        QTemporaryDir tmp;
        NewArchiveDialog dialog;
        dialog.setFolder(tmp.path());
        dialog.show();
        dialog.segmentBox()->setCurrentText(QStringLiteral("table"));
        // Looked for off the GUI thread: Create waits for the answer.
        QVERIFY(!dialog.createButton()->isEnabled());
        QTRY_VERIFY2(dialog.problem().contains(QStringLiteral("no Raven selection table")), qPrintable(dialog.problem()));
        QVERIFY(!dialog.createButton()->isEnabled());

        QVERIFY(QDir(tmp.path()).mkdir(QStringLiteral("notes")));
        QFile raven(tmp.filePath(QStringLiteral("notes/a.Table.1.selections.txt")));
        QVERIFY(raven.open(QIODevice::WriteOnly));
        raven.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n1\tSpectrogram 1\t1\t0.5\t0.9\n");
        raven.close();
        dialog.segmentBox()->setCurrentText(QStringLiteral("events"));
        QVERIFY(dialog.tablesFoundNote()->isHidden());
        dialog.segmentBox()->setCurrentText(QStringLiteral("table"));
        QCOMPARE(dialog.tablesFoundNote()->text(), QStringLiteral("Looking for selection tables…"));
        QTRY_VERIFY2(dialog.createButton()->isEnabled(), qPrintable(dialog.problem()));
        QCOMPARE(dialog.tablesFoundNote()->text(), QStringLiteral("Clips: the selections of a.Table.1.selections.txt."));
        QVERIFY(dialog.tablesFoundNote()->isVisible());

        const QString csv = tmp.filePath(QStringLiteral("calls.csv"));
        QFile table(csv);
        QVERIFY(table.open(QIODevice::WriteOnly));
        table.write("path,start_s,end_s,label\na.wav,1,2,caw\n");
        table.close();
        bool answered = false;
        QTimer::singleShot(0, this, [&] {
            QTRY_VERIFY_WITH_TIMEOUT(qobject_cast<QFileDialog*>(QApplication::activeModalWidget()), 10000);
            auto* files = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
            files->selectFile(csv);
            static_cast<QDialog*>(files)->accept();
            answered = true;
        });
        QTest::mouseClick(dialog.selectionsButton(), Qt::LeftButton);
        QVERIFY(answered);
        QCOMPARE(dialog.segmentBox()->currentText(), QStringLiteral("table:") + csv);
        QCOMPARE(QString::fromStdString(dialog.options().segment.table), csv);
        QTRY_VERIFY2(dialog.createButton()->isEnabled(), qPrintable(dialog.problem()));
    }

    // A folder of bat recordings (384 kHz) is offered time expansion 10 before anything is embedded,
    // hydrophone recordings (2 kHz) 0.1; bird recordings (44.1 kHz) nothing. Using the offer sets it.
    void theFoldersSampleRatesSuggestATimeExpansion()
    {
        QTemporaryDir tmp;
        const auto folderAt = [&](const QString& name, int rate) {
            QDir(tmp.path()).mkdir(name);
            for (int i = 0; i < 3; ++i)
                testkit::writeWav((tmp.filePath(name) + QStringLiteral("/r%1.wav").arg(i)).toStdString(),
                                  std::vector<float>(std::size_t(rate / 50), 0.1f), rate);
            return tmp.filePath(name);
        };
        NewArchiveDialog dialog;
        dialog.show();
        dialog.setFolder(folderAt(QStringLiteral("bats"), 384000));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.timeExpansionHint()->isVisible(), 10000);
        QVERIFY2(dialog.timeExpansionHint()->text().contains(QStringLiteral("384 kHz")), qPrintable(dialog.timeExpansionHint()->text()));
        QCOMPARE(dialog.useSuggestedTimeExpansionButton()->text(), QStringLiteral("Use ×10"));
        const QLabel* hint = dialog.timeExpansionHint();
        QVERIFY2(hint->height() >= hint->heightForWidth(hint->width()), "the reason is cut off"); // all its lines shown
        // For looking at the dialog by hand: CROWLINGO_SCREENSHOT_DIR=/tmp/shots tst_newarchivedialog
        if (qEnvironmentVariableIsSet("CROWLINGO_SCREENSHOT_DIR"))
            dialog.grab().save(qEnvironmentVariable("CROWLINGO_SCREENSHOT_DIR") + QStringLiteral("/new-archive-bats.png"));
        QTest::mouseClick(dialog.useSuggestedTimeExpansionButton(), Qt::LeftButton);
        QCOMPARE(dialog.options().timeExpansion, 10.0);
        QVERIFY(!dialog.timeExpansionHint()->isVisible()); // chosen: nothing more to say

        dialog.timeExpansionBox()->setValue(1.0);
        dialog.setFolder(folderAt(QStringLiteral("hydrophone"), 2000));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.timeExpansionHint()->isVisible(), 10000);
        QCOMPARE(dialog.useSuggestedTimeExpansionButton()->text(), QStringLiteral("Use ×0.1"));

        dialog.setFolder(folderAt(QStringLiteral("birds"), 44100));
        QVERIFY(!dialog.timeExpansionHint()->isVisible()); // the last folder's advice goes at once
        QTRY_VERIFY_WITH_TIMEOUT(dialog.folderRatesKnown(), 10000);
        QVERIFY(!dialog.timeExpansionHint()->isVisible());
    }

    void updatingAnArchiveKeepsItsSegmentation()
    {
        NewArchiveDialog dialog;
        dialog.setFolder(QDir::tempPath());
        dialog.setExistingArchive(QDir::temp().filePath("x.crowlingo"), 10.0, "window:1:0.5");
        const EmbedFolderOptions o = dialog.options();
        QCOMPARE(QString::fromStdString(o.segment.toString()), QString("window:1:0.5"));
        QCOMPARE(o.timeExpansion, 10.0);
        QCOMPARE(dialog.segmentBox()->currentText(), QString("window:1:0.5"));
        QVERIFY(!dialog.segmentBox()->isEnabled());
        QCOMPARE(dialog.archiveFile(), QDir::temp().filePath("x.crowlingo"));
    }

    void aNeverEmbeddedArchiveLeavesTheChoiceOpen()
    {
        NewArchiveDialog dialog;
        dialog.setExistingArchive(QDir::temp().filePath("y.crowlingo"), 1.0, QString());
        QVERIFY(dialog.segmentBox()->isEnabled());
    }
};

QTEST_MAIN(TestNewArchiveDialog)
#include "tst_newarchivedialog.moc"
