// Exports from the window: the embeddings .npy and clip table are byte for byte what core's
// exporters write for the same archive; the cluster table has one row per clip with its cluster
// and label.
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"
#include "ui/MainWindow.h"

#include "core/archive/EmbeddingExport.h"
#include "core/common/Csv.h"

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
        QSignalSpy done(&w, &MainWindow::exportFinished);
        w.exportEmbeddings(out.filePath(QStringLiteral("gui.npy")), out.filePath(QStringLiteral("gui.csv")));
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

    void clusterTableHasClusterAndLabelPerClip()
    {
        UiTestArchive a;
        QTemporaryDir out;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QVERIFY(w.session()->applyLabel({0}, QStringLiteral("song, thrush"))); // needs quoting in CSV
        QSignalSpy done(&w, &MainWindow::exportFinished);
        const QString file = out.filePath(QStringLiteral("clusters.csv"));
        w.exportClusters(file);
        QVERIFY(done.wait(20000));
        QVERIFY2(done.last().at(0).toBool(), qPrintable(done.last().at(1).toString()));

        CsvReader in(file.toStdString());
        std::vector<std::string> row;
        QVERIFY(in.next(row));
        QCOMPARE(row.size(), std::size_t(8));
        QCOMPARE(row[0], std::string("clip_id"));
        QCOMPARE(row[4], std::string("cluster"));
        QCOMPARE(row[7], std::string("label"));
        int rows = 0;
        const ClipId first = a.ids().front();
        while (in.next(row)) {
            ++rows;
            const ClipId id = std::stoll(row[0]);
            QCOMPARE(std::stoi(row[4]), a.kindOf(id));
            QCOMPARE(row[7], id == first ? std::string("song, thrush") : std::string());
        }
        QCOMPARE(rows, a.clipCount());
    }
};

QTEST_MAIN(TestExport)
#include "tst_export.moc"
