// Training killed with SIGKILL resumes from its last checkpoint and ends with exactly the weights
// of an uninterrupted run; a half-written checkpoint (the temporary file of a write that was
// killed) is ignored, and a damaged checkpoint is refused with a clear error, never loaded.
#include "archive/ArchiveTestKit.h"

#include "core/model/Model.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <fstream>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestCliTrainKill : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    QString path(const fs::path& p) const { return QString::fromStdString(p.string()); }

    QStringList trainArgs(const fs::path& out, bool resume = false) const
    {
        QStringList args{"--threads", "1", "train", path(dir() / "rec"), "--out", path(out), "--init", path(dir() / "init"),
                         "--steps", "2000", "--batch", "8", "--seed", "3", "--segment", "window:0.5",
                         "--checkpoint-minutes", "0.005"};
        if (resume) args << "--resume";
        return args;
    }

    static QString runToEnd(const QStringList& args, int* exitCode)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(CROWLINGO_CLI_PATH, args);
        p.waitForFinished(600000);
        *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        return QString::fromUtf8(p.readAll());
    }

private Q_SLOTS:
    void initTestCase()
    {
        testkit::writeCorpus(dir() / "rec", 3, 20.0, 23);
        Model::createRandom(testkit::tinyConfig(), 9).save(dir() / "init");
    }

    void killedRunResumesToTheSameWeights()
    {
        int rc = 0;
        QString out = runToEnd(trainArgs(dir() / "reference"), &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        const std::string reference = Model::load(dir() / "reference").id();

        // Kill once a checkpoint exists and training has gone on past it.
        const fs::path run = dir() / "killed";
        QProcess p;
        p.start(CROWLINGO_CLI_PATH, trainArgs(run));
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(fs::exists(run / "checkpoint.safetensors") || p.state() != QProcess::Running, 120000);
        QTest::qWait(150);
        QVERIFY2(p.state() == QProcess::Running, "training finished before it could be killed");
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished(10000));
        QVERIFY2(!fs::exists(run / "model.safetensors"), "the killed run wrote a final model");
        // What a kill in the middle of writing the next checkpoint leaves behind.
        std::ofstream(run / "checkpoint.safetensors.tmp", std::ios::binary) << "\x10\x00\x00\x00\x00\x00\x00\x00{\"half\":";

        out = runToEnd(trainArgs(run, true), &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        QCOMPARE(Model::load(run).id(), reference);
        // The loss log has every step once, as the uninterrupted run's.
        const auto steps = [](const fs::path& csv) {
            std::ifstream in(csv);
            std::vector<std::string> firstColumn;
            for (std::string line; std::getline(in, line);) firstColumn.push_back(line.substr(0, line.find(',')));
            return firstColumn;
        };
        QCOMPARE(steps(run / "loss.csv"), steps(dir() / "reference" / "loss.csv"));
    }

    void damagedCheckpointIsRefused()
    {
        const fs::path run = dir() / "damaged";
        QProcess p;
        p.start(CROWLINGO_CLI_PATH, trainArgs(run));
        QVERIFY(p.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(fs::exists(run / "checkpoint.safetensors") || p.state() != QProcess::Running, 120000);
        ::kill(pid_t(p.processId()), SIGKILL);
        p.waitForFinished(10000);
        QVERIFY(fs::exists(run / "checkpoint.safetensors"));
        // Cut in half, as a disk filling up or a copy interrupted would leave it.
        fs::resize_file(run / "checkpoint.safetensors", fs::file_size(run / "checkpoint.safetensors") / 2);
        int rc = 0;
        const QString out = runToEnd(trainArgs(run, true), &rc);
        QVERIFY2(rc != 0, qPrintable(out));
        QVERIFY2(out.contains("checkpoint.safetensors") && out.contains("truncated"), qPrintable(out));
        QVERIFY(!fs::exists(run / "model.safetensors"));
    }
};

QTEST_GUILESS_MAIN(TestCliTrainKill)
#include "tst_clitrainkill.moc"
