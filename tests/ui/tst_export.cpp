// Exports from the window are byte for byte what core's exporters (the CLI's) write for the same
// archive: embeddings .npy + clip table, and the cluster table with the labels just made;
// Raven and Audacity tables come one per recording.
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"
#include "ui/ArchiveJobs.h"
#include "ui/MainWindow.h"

#include "core/archive/ClusterExport.h"
#include "core/archive/EmbeddingExport.h"
#include "core/archive/LabelResolution.h"
#include "core/common/Csv.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

static QByteArray readAll(const QString& file)
{
    QFile f(file);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

class TestExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void embeddingsAndClipTableMatchCore()
    {
        UiTestArchive a;
        QTemporaryDir out;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QSignalSpy done(w.jobs(), &ArchiveJobs::exportFinished);
        w.jobs()->exportEmbeddings(out.filePath(QStringLiteral("gui.npy")), out.filePath(QStringLiteral("gui.csv")));
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));

        const Archive archive = Archive::open(a.path());
        const EmbeddingMatrix m = archive.embeddings(archive.activeModel());
        writeNpy(out.filePath(QStringLiteral("core.npy")).toStdString(), m.values, m.rows(), m.dimension);
        writeClipTable(out.filePath(QStringLiteral("core.csv")).toStdString(), archive, m.clipIds);
        const QByteArray guiCsv = readAll(out.filePath(QStringLiteral("gui.csv")));
        QVERIFY(!guiCsv.isEmpty());
        QCOMPARE(guiCsv, readAll(out.filePath(QStringLiteral("core.csv"))));
        QCOMPARE(guiCsv.count('\n'), a.clipCount() + 1);
        // The GUI normalises its own copy of the vectors for cosine search; the export must not.
        QCOMPARE(readAll(out.filePath(QStringLiteral("gui.npy"))), readAll(out.filePath(QStringLiteral("core.npy"))));
    }

    void clusterTableMatchesCore()
    {
        UiTestArchive a;
        QTemporaryDir out;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QVERIFY(w.session()->applyLabel({0}, QStringLiteral("song, thrush"))); // needs quoting in CSV
        QSignalSpy done(w.jobs(), &ArchiveJobs::exportFinished);
        const QString file = out.filePath(QStringLiteral("gui_clusters.csv"));
        w.jobs()->exportClusters(file);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));

        // Byte for byte what core's exporter writes for the same archive (the CLI's export).
        const QString reference = out.filePath(QStringLiteral("core_clusters.csv"));
        writeClusterCsv(reference.toStdString(), Archive::open(a.path()));
        QCOMPARE(readAll(file), readAll(reference));

        // And it holds what the window showed: every clip, its cluster, the new label.
        CsvReader in(file.toStdString());
        std::vector<std::string> header, row;
        QVERIFY(in.next(header));
        const auto column = [&](const char* name) { return std::size_t(std::find(header.begin(), header.end(), name) - header.begin()); };
        const std::size_t idCol = column("clip_id"), clusterCol = column("cluster"), labelCol = column("label");
        QVERIFY(clusterCol < header.size() && labelCol < header.size());
        int rows = 0;
        while (in.next(row)) {
            ++rows;
            const ClipId id = std::stoll(row[idCol]);
            QCOMPARE(std::stoi(row[clusterCol]), a.kindOf(id));
            QCOMPARE(row[labelCol], id == a.ids().front() ? std::string("song, thrush") : std::string());
        }
        QCOMPARE(rows, a.clipCount());
    }

    void aClipLabelledByTwoFilesShowsTheSameLabelInTheWindowAndTheCsv()
    {
        // Two imported files disagree on a clip; the window and the CSV apply one rule
        // (core/archive/LabelResolution.h), which `evaluate` uses too.
        UiTestArchive a;
        const ClipId clip = a.ids()[5];
        {
            Archive archive = Archive::open(a.path());
            archive.setLabel(clip, "later-file", "zeta.csv");
            archive.setLabel(clip, "earlier-name", "alpha.csv");
        }
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        const int index = w.session()->data().indexOf(clip);
        QCOMPARE(w.session()->data().label[std::size_t(index)], std::string("earlier-name"));
        QTemporaryDir out;
        const std::string csv = out.filePath(QStringLiteral("c.csv")).toStdString();
        writeClusterCsv(csv, Archive::open(a.path()));
        CsvReader in(csv);
        std::vector<std::string> header, row;
        QVERIFY(in.next(header));
        bool found = false;
        while (in.next(row))
            if (std::stoll(row[0]) == clip) {
                found = true;
                QCOMPARE(row[12], std::string("earlier-name"));
            }
        QVERIFY(found);
        // The researcher's own label then wins in both.
        QVERIFY(w.session()->applyLabel({index}, QStringLiteral("mine")));
        QCOMPARE(w.session()->data().label[std::size_t(index)], std::string("mine"));
        QCOMPARE(shownLabels(Archive::open(a.path()).labels()).at(clip).label, std::string("mine"));
    }

    void ravenAndAudacityTablesPerRecording()
    {
        UiTestArchive a;
        QTemporaryDir out;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QSignalSpy done(w.jobs(), &ArchiveJobs::exportFinished);
        w.jobs()->exportTables(out.filePath(QStringLiteral("raven")), false);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));
        w.jobs()->exportTables(out.filePath(QStringLiteral("audacity")), true);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));
        QCOMPARE(QDir(out.filePath(QStringLiteral("raven"))).entryList(QDir::Files).size(), a.options().recordings);
        QCOMPARE(QDir(out.filePath(QStringLiteral("audacity"))).entryList(QDir::Files).size(), a.options().recordings);
    }

    // The save dialog's "replace?" covers ordinary files, never the open archive: core refuses it
    // and the window reports it; the archive stays byte for byte as it was.
    void exportOntoTheOpenArchiveIsRefused()
    {
        UiTestArchive a;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        const QByteArray before = readAll(a.file());
        QSignalSpy done(w.jobs(), &ArchiveJobs::exportFinished);
        w.jobs()->exportClusters(a.file());
        QVERIFY(done.wait(20000));
        QVERIFY(!done.last().at(0).toBool());
        QVERIFY2(done.last().at(1).toString().contains(a.file()), qPrintable(done.last().at(1).toString()));
        w.jobs()->exportEmbeddings(a.file() + QStringLiteral("-wal"), a.file() + QStringLiteral("_clips.csv"));
        QVERIFY(done.wait(20000));
        QVERIFY(!done.last().at(0).toBool());
        QCOMPARE(readAll(a.file()), before);
        QVERIFY(!QFile::exists(a.file() + QStringLiteral("_clips.csv")));
    }

    // A folder dialog does not ask about the files in the folder; offscreen nobody can answer, so
    // files of the same names are not replaced.
    void tablesDoNotReplaceFilesUnasked()
    {
        UiTestArchive a;
        QTemporaryDir out;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QSignalSpy done(w.jobs(), &ArchiveJobs::exportFinished);
        w.jobs()->exportTables(out.path(), true);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));
        const QStringList files = QDir(out.path()).entryList(QDir::Files);
        QVERIFY(!files.isEmpty());
        QFile mine(out.filePath(files.front()));
        QVERIFY(mine.open(QIODevice::WriteOnly | QIODevice::Truncate));
        mine.write("mine\n");
        mine.close();
        w.jobs()->exportTables(out.path(), true);
        QVERIFY(done.wait(20000));
        QVERIFY(!done.last().at(0).toBool());
        QCOMPARE(readAll(out.filePath(files.front())), QByteArray("mine\n"));
        w.jobs()->exportTables(out.path(), true, true);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));
        QVERIFY(readAll(out.filePath(files.front())) != QByteArray("mine\n"));
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
