// SIGKILL to `crowlingo-cli embed` at random moments (24 runs: while it starts, creates the
// archive, embeds, commits), each followed by the checks a researcher's data needs: the archive
// opens and passes integrity_check, every clip is there exactly once, no recording is half stored,
// no vector is half written. Then one more run finishes the job and everything is there.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <random>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

constexpr int kFiles = 20;
constexpr int kClipsPerFile = 120; // 30 s in 0.25 s windows

std::int64_t recordingsStored(const fs::path& file)
{
    if (!fs::exists(file)) return 0;
    try {
        SQLite::Database db(file.string(), SQLite::OPEN_READONLY, 1000);
        return db.execAndGet("SELECT count(*) FROM recordings").getInt64();
    } catch (const std::exception&) {
        return 0;
    }
}

} // namespace

class TestKillDuringEmbed : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    fs::path archive() const { return dir() / "a.crowlingo"; }
    int dimension = 0;

    QStringList embedArgs() const
    {
        return {"--threads", "1", "embed", QString::fromStdString((dir() / "rec").string()), "-o",
                QString::fromStdString(archive().string()), "--model", QString::fromStdString((dir() / "model").string()),
                "--segment", "window:0.25", "--batch", "16"};
    }

    // Everything that must hold after any kill. Returns the number of complete recordings.
    int verifyConsistent(const QString& when)
    {
        if (!fs::exists(archive())) return 0; // killed before the archive existed: fine
        const auto fail = [&](const std::string& why) { return qPrintable(when + ": " + QString::fromStdString(why)); };
        const Archive a = Archive::open(archive());
        [&] { QVERIFY2(a.integrityCheck() == "ok", fail(a.integrityCheck())); }();
        SQLite::Database db(archive().string(), SQLite::OPEN_READONLY, 5000);
        const auto count = [&](const char* sql) { return db.execAndGet(sql).getInt64(); };
        [&] {
            QVERIFY2(count("SELECT count(*) FROM (SELECT recording_id, start_s, end_s FROM clips "
                           "GROUP BY 1, 2, 3 HAVING count(*) > 1)") == 0, fail("a clip stored twice"));
            QVERIFY2(count("SELECT count(*) FROM recordings r WHERE status = 'embedded' AND "
                           "(SELECT count(*) FROM clips c WHERE c.recording_id = r.id) != 120") == 0,
                     fail("a recording stored with only some of its clips"));
            QVERIFY2(count("SELECT count(*) FROM clips c WHERE NOT EXISTS "
                           "(SELECT 1 FROM embeddings e WHERE e.clip_id = c.id)") == 0, fail("a clip without its vector"));
            QVERIFY2(count("SELECT count(DISTINCT length(vector)) FROM embeddings") <= 1, fail("vectors of different sizes"));
            if (dimension > 0 && count("SELECT count(*) FROM embeddings") > 0)
                QVERIFY2(count("SELECT min(length(vector)) FROM embeddings") == dimension * 4, fail("a short vector"));
            QVERIFY2(count("SELECT count(*) FROM embeddings e WHERE NOT EXISTS "
                           "(SELECT 1 FROM clips c WHERE c.id = e.clip_id)") == 0, fail("a vector without its clip"));
        }();
        return int(a.recordings().size());
    }

private Q_SLOTS:
    void initTestCase()
    {
        testkit::writeCorpus(dir() / "rec", kFiles, 30.0, 17);
        const Model model = Model::createRandom(testkit::tinyConfig(), 5);
        model.save(dir() / "model");
        dimension = model.config().encoderDim;
    }

    void randomKillsNeverCorrupt()
    {
        // How long an uninterrupted run takes here, so that kills spread over all of it.
        double fullRunMs = 0;
        {
            QElapsedTimer t;
            t.start();
            QProcess p;
            p.start(CROWLINGO_CLI_PATH, embedArgs());
            QVERIFY(p.waitForFinished(300000));
            QCOMPARE(p.exitCode(), 0);
            fullRunMs = double(t.elapsed());
            qInfo("an uninterrupted run takes %.0f ms", fullRunMs);
        }
        std::mt19937 rng(20261126); // fixed: a failure can be replayed
        int killedMidEmbed = 0;
        for (int run = 0; run < 24; ++run) {
            if (run % 6 == 0) // start over now and then, so kills keep landing in every phase
                for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(archive().string() + suffix);
            QProcess p;
            p.start(CROWLINGO_CLI_PATH, embedArgs());
            QVERIFY(p.waitForStarted());
            const std::int64_t before = recordingsStored(archive());
            QString when;
            if (run % 2 == 0) {
                // At a random time: start-up, model loading, archive creation, or embedding.
                const int ms = std::uniform_int_distribution<int>(0, int(0.9 * fullRunMs))(rng);
                QTest::qWait(ms);
                when = QString("run %1, killed after %2 ms").arg(run).arg(ms);
            } else {
                // Right after some recordings were committed: mid-embed, maybe mid-transaction.
                const int k = std::uniform_int_distribution<int>(1, 4)(rng);
                QElapsedTimer t;
                t.start();
                while (recordingsStored(archive()) < before + k && p.state() == QProcess::Running && t.elapsed() < 60000)
                    QTest::qWait(2);
                when = QString("run %1, killed after %2 more recordings").arg(run).arg(k);
            }
            if (p.state() == QProcess::Running) {
                ::kill(pid_t(p.processId()), SIGKILL);
                killedMidEmbed += recordingsStored(archive()) > 0 && recordingsStored(archive()) < kFiles;
            }
            QVERIFY(p.state() == QProcess::NotRunning || p.waitForFinished(30000));
            const int stored = verifyConsistent(when);
            if (QTest::currentTestFailed()) return;
            qInfo("%s: %d of %d recordings stored", qPrintable(when), stored, kFiles);
        }
        QVERIFY2(killedMidEmbed >= 8, "too few kills landed while embedding: the test did not test much");

        // Finish: one uninterrupted run completes the archive from wherever the kills left it.
        QProcess last;
        last.setProcessChannelMode(QProcess::MergedChannels);
        last.start(CROWLINGO_CLI_PATH, embedArgs());
        QVERIFY(last.waitForFinished(300000));
        QVERIFY2(last.exitCode() == 0, last.readAll().constData());
        QCOMPARE(verifyConsistent("after the final run"), kFiles);
        const Archive a = Archive::open(archive());
        QCOMPARE(a.clipCount(), std::int64_t(kFiles * kClipsPerFile));
        QCOMPARE(a.embeddingCount(a.activeModel()), a.clipCount());
    }
};

QTEST_GUILESS_MAIN(TestKillDuringEmbed)
#include "tst_killduringembed.moc"
