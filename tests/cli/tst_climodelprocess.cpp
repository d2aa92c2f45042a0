// crowlingo-cli starts without LibTorch and hands the commands that run the model to
// crowlingo-cli-model (app/cli/ModelCommands.h). Checked on the real executables: which libraries
// each command actually loads (the dynamic loader's own trace), that a handed-over command answers
// exactly as the runner does (help, errors, exit status), and that a crowlingo-cli without its
// runner still does its light work and says clearly what is missing for the rest.
#include "CliRun.h"
#include "core/common/NumericsEnvironment.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCliModelProcess : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString file_; // a short synthetic recording

    // Runs a program with the dynamic loader tracing the libraries it loads (LD_DEBUG=libs, on stderr).
    static CliRun runTraced(const QString& program, const QStringList& args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("LD_DEBUG", "libs");
        p.setProcessEnvironment(env);
        p.start(program, args);
        if (!p.waitForFinished(120000)) return {-1, {}, QStringLiteral("timed out")};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    static CliRun run(const QString& program, const QStringList& args)
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(120000)) return {-1, {}, QStringLiteral("timed out")};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    static CliRun runWith(const QProcessEnvironment& env, const QStringList& args)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(CROWLINGO_CLI_PATH, args);
        if (!p.waitForFinished(120000)) return {-1, {}, QStringLiteral("timed out")};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    static bool loadsLibTorch(const CliRun& r) { return r.err.contains("calling init: ") && r.err.contains("libtorch"); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        const CliRun r = runCli({"synth", tmp_.filePath("rec"), "--files", "1", "--minutes", "0.05", "--seed", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        file_ = tmp_.filePath("rec/rec_000.flac");
        QVERIFY(QFile::exists(file_));
    }

    // Light commands never load LibTorch; a model command does, in the runner that replaced crowlingo-cli.
    void onlyModelCommandsLoadLibTorch()
    {
        for (const QStringList& args : {QStringList{"info", file_}, QStringList{"--help"},
                                        QStringList{"segment", file_}}) {
            const CliRun r = runTraced(CROWLINGO_CLI_PATH, args);
            QVERIFY2(r.code == 0, qPrintable(args.join(' ') + ": " + r.err.right(2000)));
            QVERIFY2(r.err.contains("calling init: "), "LD_DEBUG=libs traced nothing: the check below would prove nothing");
            QVERIFY2(!loadsLibTorch(r), qPrintable(args.join(' ') + " loaded LibTorch"));
        }
        const CliRun model = runTraced(CROWLINGO_CLI_PATH, {"reconstruct", "--help"});
        QVERIFY2(model.code == 0, qPrintable(model.err.right(2000)));
        QVERIFY2(loadsLibTorch(model), "reconstruct --help did not reach crowlingo-cli-model");
    }

    // Commands that compute nothing with OpenBLAS or OpenMP start once; one that may (cluster)
    // first re-executes itself with those libraries' settings (NumericsEnvironment.h), as a
    // model command's runner does. Counted with the loader's trace: each start of a program says
    // "initialize program" once.
    void onlyNumericCommandsStartTwice()
    {
        const CliRun synth = runCli({"synth", tmp_.filePath("starts"), "--files", "2", "--minutes", "0.2", "--seed", "6"});
        QVERIFY2(synth.code == 0, qPrintable(synth.err));
        const CliRun made = runCli({"embed", tmp_.filePath("starts"), "-o", tmp_.filePath("starts.crowlingo")});
        QVERIFY2(made.code == 0, qPrintable(made.err));
        const QString archive = tmp_.filePath("starts.crowlingo");
        const auto starts = [](const QStringList& args) {
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.remove("OMP_WAIT_POLICY"); // unset, so that a command that wants it must re-execute
            env.insert("LD_DEBUG", "libs");
            p.setProcessEnvironment(env);
            p.start(CROWLINGO_CLI_PATH, args);
            if (!p.waitForFinished(120000)) return std::pair(-1, -1);
            return std::pair(p.exitCode(), int(QString::fromUtf8(p.readAllStandardError()).count("initialize program: ")));
        };
        for (const QStringList& args : {QStringList{"info", file_}, QStringList{"segment", file_},
                                        QStringList{"neighbours", archive, "1"}, QStringList{"recordings", archive},
                                        QStringList{"export", archive, "--clips", tmp_.filePath("clips.csv"), "--force"}}) {
            const auto [code, count] = starts(args);
            QVERIFY2(code == 0, qPrintable(args.join(' ')));
            QVERIFY2(count == 1, qPrintable(args.join(' ') + QStringLiteral(": %1 program starts").arg(count)));
        }
        const auto [code, count] = starts({"cluster", archive, "--method", "kmeans", "-k", "2"});
        QCOMPARE(code, 0);
        QCOMPARE(count, 2);
    }

    // What a handed-over command prints and returns is the runner's, byte for byte.
    void handedOverCommandsAnswerAsTheRunner_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("help") << QStringList{"embed", "--help"};
        QTest::newRow("missing output") << QStringList{"embed", "DIR"};
        QTest::newRow("bad option") << QStringList{"train", "DIR", "--out", "OUT", "--no-such-option"};
        QTest::newRow("no model folder") << QStringList{"reconstruct", "FILE", "--png", "OUT", "--model", "/nonexistent"};
    }
    void handedOverCommandsAnswerAsTheRunner()
    {
        QFETCH(QStringList, args);
        for (QString& a : args) a.replace("DIR", tmp_.filePath("rec")).replace("FILE", file_).replace("OUT", tmp_.filePath("out"));
        const CliRun viaCli = runCli(args);
        const CliRun direct = run(CROWLINGO_CLI_MODEL_PATH, args);
        QCOMPARE(viaCli.code, direct.code);
        QCOMPARE(viaCli.out, direct.out);
        QCOMPARE(viaCli.err, direct.err);
        if (args.contains("--help")) {
            QCOMPARE(viaCli.code, 0);
            QVERIFY2(viaCli.out.contains("--time-expansion"), qPrintable(viaCli.out)); // the real options, not a stand-in's
        } else {
            QVERIFY(viaCli.code != 0);
            QVERIFY(!viaCli.err.isEmpty());
        }
    }

    // The BLAS kernel a real run uses is one for the CPU's widest vector instructions, whatever
    // OpenBLAS picks by itself (Debian 12's falls back to SSE3 on CPUs newer than itself); a kernel
    // the user set is kept.
    void blasKernelFitsTheCpu()
    {
        const QStringList args{"reconstruct", file_, "--png", tmp_.filePath("k.png"), "--force"};
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("OPENBLAS_CORETYPE");
        env.remove("OMP_WAIT_POLICY");
        CliRun r = runWith(env, args);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QRegularExpression kernelSaid("OpenBLAS kernel (\\w+)\\)");
        const QRegularExpressionMatch m = kernelSaid.match(r.err);
        if (!m.hasMatch()) QSKIP(qPrintable("the BLAS is not OpenBLAS here: " + r.err.left(300)));
        const std::string kernel = m.captured(1).toStdString();
        QVERIFY2(crowlingo::betterOpenBlasKernel(kernel, crowlingo::cpuVectorUnits()).empty(),
                 qPrintable("ran with OpenBLAS kernel " + m.captured(1) + " on a CPU that has wider vector units"));
        if (crowlingo::cpuVectorUnits() >= crowlingo::VectorUnits::Avx) {
            env.insert("OPENBLAS_CORETYPE", "Sandybridge");
            r = runWith(env, args);
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QVERIFY2(r.err.contains("OpenBLAS kernel Sandybridge)"), qPrintable(r.err));
        }
    }

    // A crowlingo-cli copied away from its runner: light work still done, model work refused clearly.
    void withoutTheRunner()
    {
        const QString alone = tmp_.filePath("alone/crowlingo-cli");
        QVERIFY(QDir().mkpath(tmp_.filePath("alone")));
        QVERIFY(QFile::copy(CROWLINGO_CLI_PATH, alone));
        CliRun r = run(alone, {"info", file_});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("rec_000.flac"), qPrintable(r.out));
        r = run(alone, {"--help"});
        QVERIFY2(r.code == 0 && r.out.contains("embed") && r.out.contains("reconstruct"), qPrintable(r.out));
        r = run(alone, {"embed", tmp_.filePath("rec"), "-o", tmp_.filePath("x.crowlingo")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("crowlingo-cli-model") && r.err.contains("reinstall"), qPrintable(r.err));
        QVERIFY(!QFile::exists(tmp_.filePath("x.crowlingo")));
    }
};

QTEST_GUILESS_MAIN(TestCliModelProcess)
#include "tst_climodelprocess.moc"
