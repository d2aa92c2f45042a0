// The .deb for real: CPack builds it from this build tree; its control data declares the
// libraries and the fast BLAS; apt can resolve it; unpacked into a fresh root, the installed
// crowlingo-cli finds its bundled model and embeds a folder, the installed GUI starts and draws,
// and the man page, desktop entry and AppStream metainfo are there and valid. As root, and when
// no crowlingo package is installed already, it is also installed with `apt-get install ./deb`,
// used from /usr/bin, and purged again.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <unistd.h>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

struct Run {
    int exitCode = -1;
    QString output;
};

Run run(const QString& program, const QStringList& args, int timeoutMs = 300000,
        const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted()) return {-1, program + ": could not start"};
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-1, QString::fromUtf8(p.readAll()) + "\n(timed out)"};
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.output = QString::fromUtf8(p.readAll());
    return r;
}

bool packageInstalled(const QString& name)
{
    const Run r = run("dpkg-query", {"-W", "-f=${Status}", name});
    return r.exitCode == 0 && r.output.contains("install ok installed");
}

} // namespace

class TestDebPackage : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    QString path(const fs::path& p) const { return QString::fromStdString(p.string()); }
    QString deb;
    bool installedBySelf = false;

    // The model, CLI and GUI of one installation (prefix = <root>/usr) do their job.
    void checkInstallation(const fs::path& prefix)
    {
        const QString cli = path(prefix / "bin/crowlingo-cli");
        Run r = run(cli, {"--version"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY2(r.output.contains(CROWLINGO_VERSION), qPrintable(r.output));

        // Without --model and without CROWLINGO_MODEL: the installed default model.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("CROWLINGO_MODEL");
        const fs::path archive = dir() / (prefix.parent_path().filename().string() + "-demo.crowlingo");
        r = run(cli, {"embed", path(dir() / "rec"), "-o", path(archive)}, 300000, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY2(r.output.contains(path(prefix / "share/crowlingo/models/default")), qPrintable(r.output));
        const Archive a = Archive::open(archive);
        QVERIFY(a.clipCount() > 5);
        QCOMPARE(a.embeddingCount(a.activeModel()), a.clipCount());

        // The installed GUI opens the archive and draws it.
        env.insert("QT_QPA_PLATFORM", "offscreen");
        const fs::path shot = dir() / (prefix.parent_path().filename().string() + "-gui.png");
        r = run(path(prefix / "bin/crowlingo"), {path(archive), "--screenshot", path(shot), "--size", "1280x800"}, 300000, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        const QImage image(path(shot));
        QCOMPARE(image.size(), QSize(1280, 800));

        // Every shared library the executables need resolves on this system.
        for (const char* exe : {"bin/crowlingo-cli", "libexec/crowlingo/crowlingo-cli-model", "bin/crowlingo"}) {
            r = run("ldd", {path(prefix / exe)});
            QVERIFY2(r.exitCode == 0 && !r.output.contains("not found"), qPrintable(r.output));
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        testkit::writeCorpus(dir() / "rec", 2, 20.0, 31);
        const QString build = qEnvironmentVariable("CROWLINGO_BUILD_DIR");
        QVERIFY(!build.isEmpty());
        const Run r = run("cpack", {"--config", build + "/CPackConfig.cmake", "-B", path(dir() / "package")}, 600000);
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        const QStringList debs = QDir(path(dir() / "package")).entryList({"crowlingo_*.deb"});
        QCOMPARE(debs.size(), 1);
        deb = path(dir() / "package") + "/" + debs.front();
    }

    void declaresWhatItNeeds()
    {
        const Run r = run("dpkg-deb", {"--field", deb, "Package", "Version", "Architecture", "Depends"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(r.output.contains("Package: crowlingo"));
        QVERIFY(r.output.contains(QString("Version: ") + CROWLINGO_VERSION));
        for (const char* dep : {"libtorch", "libopenblas0-openmp", "libqt6widgets6", "libqt6multimedia6", "libsndfile1",
                                "libsoxr0", "libfftw3-single3", "libsqlite3-0"})
            QVERIFY2(r.output.contains(dep), qPrintable(QString(dep) + " not declared:\n" + r.output));
        // apt can satisfy every dependency from this system's package lists.
        const Run sim = run("apt-get", {"install", "--simulate", "--no-install-recommends", deb});
        QVERIFY2(sim.exitCode == 0, qPrintable(sim.output));
    }

    void unpackedIntoAFreshRootItWorks()
    {
        const fs::path root = dir() / "fresh-root";
        const Run r = run("dpkg-deb", {"-x", deb, path(root)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        const fs::path usr = root / "usr";
        for (const char* f : {"share/crowlingo/models/default/model.safetensors", "share/crowlingo/models/default/config.json",
                              "share/icons/hicolor/scalable/apps/org.crowlingo.Workbench.svg",
                              "share/icons/hicolor/48x48/apps/org.crowlingo.Workbench.png",
                              "share/icons/hicolor/256x256/apps/org.crowlingo.Workbench.png",
                              "share/mime/packages/org.crowlingo.Workbench.xml", "share/doc/crowlingo/copyright",
                              "share/crowlingo/slurm/submit.sh"})
            QVERIFY2(fs::exists(usr / f), f);
        // The icons are the sizes their folders say.
        QCOMPARE(QImage(path(usr / "share/icons/hicolor/48x48/apps/org.crowlingo.Workbench.png")).size(), QSize(48, 48));

        const fs::path desktop = usr / "share/applications/org.crowlingo.Workbench.desktop";
        const fs::path metainfo = usr / "share/metainfo/org.crowlingo.Workbench.metainfo.xml";
        Run v = run("desktop-file-validate", {path(desktop)});
        QVERIFY2(v.exitCode == 0 && v.output.trimmed().isEmpty(), qPrintable(v.output));
        v = run("appstreamcli", {"validate", "--no-net", path(metainfo)});
        QVERIFY2(v.exitCode == 0, qPrintable(v.output));

        // The man page documents every subcommand, as the program itself lists them.
        const Run man = run("sh", {"-c", "zcat '" + path(usr / "share/man/man1/crowlingo-cli.1.gz") + "'"});
        QVERIFY2(man.exitCode == 0, qPrintable(man.output));
        const Run help = run(path(usr / "bin/crowlingo-cli"), {"--help"});
        int subcommands = 0;
        bool inList = false;
        for (const QString& line : help.output.split('\n')) {
            if (line.startsWith("Subcommands:")) { inList = true; continue; }
            const QString name = line.trimmed().section(' ', 0, 0);
            if (!inList || name.isEmpty()) continue;
            QVERIFY2(man.output.contains(".SS " + name), qPrintable("man page lacks " + name));
            ++subcommands;
        }
        QVERIFY(subcommands >= 10);
        QVERIFY(man.output.contains("--shard"));

        checkInstallation(usr);
    }

    void aptInstallsItOnThisMachine()
    {
        if (::geteuid() != 0) QSKIP("installing into the system needs root; the fresh-root check above ran");
        if (packageInstalled("crowlingo")) QSKIP("a crowlingo package is installed already; not replacing it");
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DEBIAN_FRONTEND", "noninteractive");
        const Run r = run("apt-get", {"install", "-y", "--no-install-recommends", deb}, 600000, env);
        installedBySelf = r.exitCode == 0;
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(packageInstalled("crowlingo"));
        checkInstallation("/usr");
    }

    void cleanupTestCase()
    {
        if (!installedBySelf) return;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("DEBIAN_FRONTEND", "noninteractive");
        run("apt-get", {"purge", "-y", "crowlingo"}, 600000, env);
        QVERIFY(!packageInstalled("crowlingo"));
    }
};

QTEST_GUILESS_MAIN(TestDebPackage)
#include "tst_debpackage.moc"
