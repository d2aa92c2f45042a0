// The Slurm recipe for real: a one-node cluster on this machine (packaging/slurm/local-cluster.sh),
// the synthetic corpus embedded by a 4-task job array and merged, mapped and clustered by the
// dependent job (packaging/slurm/submit.sh); the merged archive must equal a single-process
// `crowlingo-cli embed` of the same folder. Needs root and Debian's slurmctld/slurmd, which
// packaging/setup-debian.sh installs.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

#include <map>
#include <tuple>

using namespace crowlingo;
using testkit::clipVectors;
namespace fs = std::filesystem;

namespace {

QString run(const QString& program, const QStringList& args, const QProcessEnvironment& env, int timeoutMs, int* exitCode)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        *exitCode = -1;
        return QString::fromUtf8(p.readAll()) + "\n(timed out)";
    }
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return QString::fromUtf8(p.readAll());
}

} // namespace

class TestSlurmArray : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    QString path(const fs::path& p) const { return QString::fromStdString(p.string()); }
    QString slurmScript(const char* name) const
    {
        return QString(CROWLINGO_SOURCE_DIR) + "/packaging/slurm/" + name;
    }
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    bool clusterStarted = false;
    QStringList asRoot; // sudo's arguments when not root

    QString cluster(const QString& command, int* rc)
    {
        const QStringList args{command, path(dir() / "cluster")};
        if (asRoot.isEmpty()) return run(slurmScript("local-cluster.sh"), args, env, 60000, rc);
        return run("sudo", asRoot + QStringList{slurmScript("local-cluster.sh")} + args, env, 60000, rc);
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The daemons need root: run their script through password-less sudo when not root.
        if (::geteuid() != 0) {
            int rc = 0;
            run("sudo", {"-n", "true"}, env, 10000, &rc);
            QVERIFY2(rc == 0, "the Slurm test starts slurmctld/slurmd: run it as root or with password-less sudo");
            asRoot = {"-n", "--preserve-env=PATH"};
        }
        QVERIFY2(fs::exists("/usr/sbin/slurmctld") && fs::exists("/usr/sbin/slurmd"),
                 "slurmctld/slurmd missing: run packaging/setup-debian.sh");
        int rc = 0;
        const QString out = cluster("start", &rc);
        QVERIFY2(rc == 0, qPrintable(out));
        const QString conf = out.trimmed().section('=', 1);
        QVERIFY2(conf.endsWith("slurm.conf"), qPrintable(out));
        env.insert("SLURM_CONF", conf);
        env.insert("PATH", env.value("PATH") + ":/usr/sbin");
        clusterStarted = true;
    }

    void arrayThenMergeEqualsOneProcess()
    {
        testkit::writeCorpus(dir() / "rec", 10, 30.0, 21);
        int rc = 0;
        QString out = run(slurmScript("submit.sh"),
                          {"--tasks", "4", "--cpus", "1", "--cli", CROWLINGO_CLI_PATH, "--wait",
                           path(dir() / "rec"), path(dir() / "merged.crowlingo")},
                          env, 600000, &rc);
        QString logs;
        for (const auto& e : fs::directory_iterator(dir() / "merged.parts"))
            if (e.path().extension() == ".log") {
                QFile f(path(e.path()));
                f.open(QIODevice::ReadOnly);
                logs += path(e.path().filename()) + ":\n" + QString::fromUtf8(f.readAll()).right(600) + "\n";
            }
        QVERIFY2(rc == 0, qPrintable(out + logs));
        for (int i = 1; i <= 4; ++i)
            QVERIFY2(fs::exists(dir() / "merged.parts" / ("part-" + std::to_string(i) + ".crowlingo")), qPrintable(logs));

        out = run(CROWLINGO_CLI_PATH, {"embed", path(dir() / "rec"), "-o", path(dir() / "single.crowlingo")}, env,
                  600000, &rc);
        QVERIFY2(rc == 0, qPrintable(out));

        const Archive merged = Archive::open(dir() / "merged.crowlingo");
        const Archive single = Archive::open(dir() / "single.crowlingo");
        QCOMPARE(merged.integrityCheck(), std::string("ok"));
        QCOMPARE(merged.activeModel(), single.activeModel());
        QCOMPARE(merged.recordings().size(), std::size_t(10));
        const auto expected = clipVectors(single);
        const auto got = clipVectors(merged);
        QVERIFY(expected.size() > 30);
        QCOMPARE(got.size(), expected.size());
        float worst = 0;
        for (const auto& [key, v] : expected) {
            const auto it = got.find(key);
            QVERIFY2(it != got.end(), qPrintable(QString("clip %1 at %2 s missing").arg(std::get<0>(key).c_str()).arg(std::get<1>(key))));
            for (std::size_t i = 0; i < v.size(); ++i) worst = std::max(worst, std::abs(it->second[i] - v[i]));
        }
        // Same model, same clips; only thread counts and batch make-up differ between the runs.
        QVERIFY2(worst <= 1e-4f, qPrintable(QString("largest vector difference %1").arg(worst)));
        // The dependent job also made the map and the clusters.
        const auto map = merged.latestProjection(merged.activeModel());
        QVERIFY(map.has_value());
        QCOMPARE(map->clipIds.size(), got.size());
        const auto clusters = merged.latestClustering(merged.activeModel());
        QVERIFY(clusters.has_value());
        QCOMPARE(clusters->labels.size(), got.size());
    }

    void cleanupTestCase()
    {
        if (!clusterStarted) return;
        int rc = 0;
        cluster("stop", &rc);
    }
};

QTEST_GUILESS_MAIN(TestSlurmArray)
#include "tst_slurmarray.moc"
