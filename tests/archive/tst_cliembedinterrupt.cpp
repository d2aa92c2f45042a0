// A real SIGINT to `crowlingo-cli embed` part-way through, then the same command again: the
// archive ends with every clip exactly once, each with its vector, and passes integrity_check.
// Then: embed refused while another process writes to the archive; exit status 3 for an unusable file.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveWriterLock.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <set>
#include <tuple>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestCliEmbedInterrupt : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }

    QStringList embedArgs() const
    {
        return {"embed", QString::fromStdString((dir() / "rec").string()), "-o",
                QString::fromStdString((dir() / "a.crowlingo").string()), "--model",
                QString::fromStdString((dir() / "model").string()), "--segment", "window:0.25", "--batch", "16"};
    }

    static std::int64_t recordingsStored(const fs::path& file)
    {
        try {
            return std::int64_t(Archive::open(file).recordings().size());
        } catch (const std::exception&) {
            return 0; // not created yet
        }
    }

private Q_SLOTS:
    void sigintThenRerunGivesEveryClipOnce()
    {
        testkit::writeCorpus(dir() / "rec", 12, 30.0, 11);
        Model::createRandom(testkit::tinyConfig(), 5).save(dir() / "model");

        QProcess first;
        first.setProcessChannelMode(QProcess::MergedChannels);
        first.start(CROWLINGO_CLI_PATH, embedArgs());
        QVERIFY(first.waitForStarted());
        // Interrupt once the first recordings are committed, well before the end.
        QTRY_VERIFY_WITH_TIMEOUT(recordingsStored(dir() / "a.crowlingo") >= 2 || first.state() == QProcess::NotRunning, 120000);
        QVERIFY2(first.state() == QProcess::Running, "embedding finished before it could be interrupted");
        QVERIFY2(first.state() == QProcess::Running, "embedding finished before it could be interrupted");
        ::kill(pid_t(first.processId()), SIGINT);
        QVERIFY(first.waitForFinished(60000));
        const QString out1 = QString::fromUtf8(first.readAll());
        QCOMPARE(first.exitCode(), 130);
        QVERIFY2(out1.contains("run the same command again"), qPrintable(out1));
        const std::int64_t afterStop = recordingsStored(dir() / "a.crowlingo");
        QVERIFY(afterStop >= 2 && afterStop < 12);

        QProcess second;
        second.setProcessChannelMode(QProcess::MergedChannels);
        second.start(CROWLINGO_CLI_PATH, embedArgs());
        QVERIFY(second.waitForFinished(300000));
        const QString out2 = QString::fromUtf8(second.readAll());
        QVERIFY2(second.exitCode() == 0, qPrintable(out2));
        QVERIFY2(out2.contains(QString("%1 unchanged").arg(afterStop)), qPrintable(out2));

        const Archive a = Archive::open(dir() / "a.crowlingo");
        QCOMPARE(a.recordings().size(), std::size_t(12));
        QCOMPARE(a.clipCount(), std::int64_t(12 * 120)); // 30 s in 0.25 s windows
        std::set<std::tuple<std::int64_t, double, double>> seen;
        for (const ClipRow& c : a.clips()) QVERIFY2(seen.emplace(c.recordingId, c.start, c.end).second, "duplicate clip");
        QCOMPARE(a.embeddingCount(a.activeModel()), a.clipCount());
        QCOMPARE(a.integrityCheck(), std::string("ok"));

        // While another process writes to the archive (here: this test, holding the writers' lock as
        // an embed does), embed is refused at once, with a message naming that process.
        {
            const ArchiveWriterLock busy(dir() / "a.crowlingo", "embed");
            QProcess rival;
            rival.setProcessChannelMode(QProcess::MergedChannels);
            rival.start(CROWLINGO_CLI_PATH, embedArgs());
            QVERIFY(rival.waitForFinished(60000));
            const QString rivalOut = QString::fromUtf8(rival.readAll());
            QVERIFY2(rival.exitCode() != 0 && rivalOut.contains("busy") &&
                         rivalOut.contains(QString("process %1 (embed)").arg(QCoreApplication::applicationPid())),
                     qPrintable(rivalOut));
        }

        // A file that cannot be used: listed, and the exit status says so (3), the rest complete.
        { std::ofstream(dir() / "rec" / "notes.wav") << "not audio at all\n"; }
        QProcess third;
        third.setProcessChannelMode(QProcess::MergedChannels);
        third.start(CROWLINGO_CLI_PATH, embedArgs());
        QVERIFY(third.waitForFinished(300000));
        const QString out3 = QString::fromUtf8(third.readAll());
        QVERIFY2(third.exitCode() == 3 && out3.contains("notes.wav") && out3.contains("12 unchanged, 1 failed"), qPrintable(out3));
    }
};

QTEST_GUILESS_MAIN(TestCliEmbedInterrupt)
#include "tst_cliembedinterrupt.moc"
