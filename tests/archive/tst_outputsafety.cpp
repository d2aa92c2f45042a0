// Outputs never destroy the archive or an input, replace an existing file only when told to, and
// appear whole or not at all: a full disk (simulated with RLIMIT_FSIZE, so writes past the limit
// fail with EFBIG) is an error that leaves the old file and no temporary file behind. Through core
// and through the real crowlingo-cli. Also: CSV cells a spreadsheet would run as formulas.
#include "core/archive/Archive.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/EmbeddingExport.h"
#include "core/archive/LabelImport.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"
#include "core/segment/Segmenter.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <cmath>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

std::string readBytes(const fs::path& f)
{
    std::ifstream in(f, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const fs::path& f, const std::string& bytes)
{
    std::ofstream(f, std::ios::binary) << bytes;
}

// Every file under dir, with its bytes: "nothing touched" is this map unchanged.
std::map<std::string, std::string> snapshot(const fs::path& dir)
{
    std::map<std::string, std::string> m;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) m[fs::relative(e.path(), dir).string()] = readBytes(e.path());
    return m;
}

// Names of leftover temporary files (".<name>.<random>.tmp") under dir.
QStringList temporaryFiles(const fs::path& dir)
{
    QStringList names;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().extension() == ".tmp") names << QString::fromStdString(e.path().string());
    return names;
}

// 16-bit mono PCM WAV of a 1 kHz tone.
void writeWav(const fs::path& f, double seconds, int rate = 16000)
{
    const auto n = std::uint32_t(seconds * rate);
    std::string b = "RIFF";
    const auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) b += char((v >> (8 * i)) & 0xff); };
    const auto u16 = [&](std::uint16_t v) { b += char(v & 0xff); b += char(v >> 8); };
    u32(36 + 2 * n);
    b += "WAVEfmt ";
    u32(16); u16(1); u16(1); u32(std::uint32_t(rate)); u32(std::uint32_t(rate) * 2); u16(2); u16(16);
    b += "data";
    u32(2 * n);
    for (std::uint32_t i = 0; i < n; ++i) u16(std::uint16_t(std::int16_t(8000 * std::sin(2 * M_PI * 1000.0 * i / rate))));
    writeBytes(f, b);
}

// While alive, files of this process (and the processes it starts) cannot grow past `bytes`: a
// write beyond fails with EFBIG instead of raising SIGXFSZ, as on a full disk.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        getrlimit(RLIMIT_FSIZE, &old_);
        oldHandler_ = std::signal(SIGXFSZ, SIG_IGN);
        rlimit r = old_;
        r.rlim_cur = bytes;
        setrlimit(RLIMIT_FSIZE, &r);
    }
    ~FileSizeLimit()
    {
        setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, oldHandler_);
    }

private:
    rlimit old_{};
    void (*oldHandler_)(int) = nullptr;
};

constexpr rlim_t kDiskBytes = 64 * 1024; // the "full 64-KB filesystem" of the report

struct CliRun {
    int exitCode = -1;
    QString output;
};

CliRun runCli(const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(CROWLINGO_CLI_PATH, args);
    if (!p.waitForFinished(120000)) return {};
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAll())};
}

QString q(const fs::path& p) { return QString::fromStdString(p.string()); }

} // namespace

class TestOutputSafety : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    fs::path archiveFile() const { return dir() / "a.crowlingo"; }
    std::vector<ClipId> ids;
    // Labels a spreadsheet would run as formulas, and what the user typed.
    const std::vector<std::string> risky{"=HYPERLINK(\"http://x\",\"y\")", "+1", "-2", "@SUM(A1)", "'quoted", "caw"};

    // A fresh folder for one test (the archive stays in dir()).
    fs::path fresh(const std::string& name) const
    {
        fs::create_directories(dir() / name);
        return dir() / name;
    }

private Q_SLOTS:
    void initTestCase()
    {
        fs::create_directories(dir() / "rec");
        // Three recordings of 3,000 clips each: every table is bigger than kDiskBytes.
        {
            Archive a = Archive::create(archiveFile(), dir() / "rec");
            for (const char* path : {"site/x.flac", "y.wav", "-z.wav"}) {
                RecordingRow r;
                r.path = path;
                std::vector<Clip> clips;
                std::vector<std::vector<float>> vectors;
                for (int i = 0; i < 3000; ++i) {
                    clips.push_back({i * 0.5, i * 0.5 + 0.4, 500, 900});
                    vectors.push_back({float(i % 7), 1.0f});
                }
                a.storeRecording(r, clips, "window:0.5", "m", vectors);
            }
            a.setActiveModel("m");
            for (const ClipRow& c : a.clips()) ids.push_back(c.id);
            a.storeClustering("m", R"({"method":"hdbscan"})", ids, std::vector<int>(ids.size(), 0),
                              std::vector<float>(ids.size(), 1.0f), std::vector<float>(ids.size(), 0.0f));
            for (std::size_t i = 0; i < risky.size(); ++i) a.setLabel(ids[i], risky[i]);
        }
        // An archive named so that `--csv side.csv` would put its .json sidecar on it.
        fs::copy_file(archiveFile(), dir() / "side.csv.json");
        writeWav(dir() / "in.wav", 10.0);
    }

    // --- the archive and the inputs are never an output --------------------------------------

    void coreRefusesTheArchiveAndItsSidecars_data()
    {
        QTest::addColumn<QString>("target");
        QTest::newRow("archive") << q(archiveFile());
        QTest::newRow("via ..") << q(dir() / "rec" / ".." / "a.crowlingo");
        QTest::newRow("wal") << q(archiveFile().string() + "-wal");
        QTest::newRow("shm") << q(archiveFile().string() + "-shm");
        QTest::newRow("journal") << q(archiveFile().string() + "-journal");
        QTest::newRow("symlink to it") << q(dir() / "link.csv");
        QTest::newRow("hard link to it") << q(dir() / "hard.csv");
    }
    void coreRefusesTheArchiveAndItsSidecars()
    {
        QFETCH(QString, target);
        if (!fs::is_symlink(dir() / "link.csv")) {
            fs::create_symlink(archiveFile(), dir() / "link.csv");
            fs::create_hard_link(archiveFile(), dir() / "hard.csv");
        }
        const Archive a = Archive::open(archiveFile());
        const std::string before = readBytes(archiveFile());
        const fs::path t = target.toStdString();
        for (const bool replace : {false, true}) {
            const OutputRules rules{.replace = replace};
            for (int writer = 0; writer < 2; ++writer) {
                try {
                    if (writer == 0) writeClusterCsv(t, a, rules);
                    else writeClipTable(t, a, ids, rules);
                    QFAIL("the archive was accepted as an output");
                } catch (const OutputExistsError& e) {
                    QFAIL(e.what()); // must be refused as the archive, not as an existing file
                } catch (const UsageError& e) {
                    const QString m = QString::fromUtf8(e.what());
                    QVERIFY2(m.contains(target) && m.contains("which this command reads"), e.what());
                }
            }
        }
        QCOMPARE(readBytes(archiveFile()), before);
        QVERIFY(temporaryFiles(dir()).isEmpty());
    }

    void cliRefusesTheArchiveAndTheInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("victim");
        const QString a = q(archiveFile()), wav = q(dir() / "in.wav");
        QTest::newRow("export --clips") << QStringList{"export", a, "--clips", a} << a;
        QTest::newRow("export --embeddings") << QStringList{"export", a, "--embeddings", a, "--force"} << a;
        QTest::newRow("export --csv") << QStringList{"export", a, "--csv", a} << a;
        const QString side = q(dir() / "side.csv.json");
        QTest::newRow("export --csv sidecar") << QStringList{"export", side, "--csv", side.chopped(5), "--force"} << side;
        QTest::newRow("export --clips -wal") << QStringList{"export", a, "--clips", a + "-wal"} << a;
        QTest::newRow("export via ..") << QStringList{"export", a, "--csv", q(dir() / "x.csv"), "--clips", q(dir() / "rec/../a.crowlingo")} << a;
        QTest::newRow("segment --csv") << QStringList{"segment", wav, "--segment", "window:1", "--csv", wav, "--force"} << wav;
        QTest::newRow("mel --png") << QStringList{"mel", wav, "--png", wav} << wav;
        QTest::newRow("reconstruct --png") << QStringList{"reconstruct", wav, "--png", wav, "--force"} << wav;
    }
    void cliRefusesTheArchiveAndTheInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, victim);
        const auto before = snapshot(dir());
        const CliRun r = runCli(args);
        QVERIFY2(r.exitCode != 0, qPrintable(r.output));
        QVERIFY2(r.output.contains("error:") && r.output.contains(victim), qPrintable(r.output));
        QVERIFY2(!r.output.contains("wrote"), qPrintable(r.output));
        QVERIFY(!fs::exists(dir() / "x.csv"));
        const auto after = snapshot(dir());
        QCOMPARE(after.size(), before.size());
        QVERIFY(after == before); // every file byte for byte as it was
    }

    // --- existing outputs are replaced only with --force ----------------------------------------

    void existingOutputNeedsForce()
    {
        const fs::path out = fresh("force");
        writeBytes(out / "c.csv", "mine\n");
        const QString a = q(archiveFile()), csv = q(out / "c.csv");
        CliRun r = runCli({"export", a, "--csv", csv});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.output.contains("\"" + csv + "\" exists; use --force to replace it"), qPrintable(r.output));
        QCOMPARE(readBytes(out / "c.csv"), std::string("mine\n"));
        QVERIFY(!fs::exists(out / "c.csv.json")); // nothing of the pair written
        r = runCli({"export", a, "--csv", csv, "--force"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(readBytes(out / "c.csv").starts_with("clip_id,path,"));
        QVERIFY(fs::exists(out / "c.csv.json"));
        QVERIFY(temporaryFiles(out).isEmpty());

        // segment and mel, the same rule
        writeBytes(out / "s.csv", "mine\n");
        r = runCli({"segment", q(dir() / "in.wav"), "--segment", "window:1", "--csv", q(out / "s.csv")});
        QVERIFY(r.exitCode != 0 && r.output.contains("use --force"));
        QCOMPARE(readBytes(out / "s.csv"), std::string("mine\n"));
        r = runCli({"segment", q(dir() / "in.wav"), "--segment", "window:1", "--csv", q(out / "s.csv"), "--force"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(readBytes(out / "s.csv").starts_with("path,start_s,end_s,low_hz,high_hz\n"));
        QVERIFY(QString::fromStdString(readBytes(out / "s.csv")).count('\n') >= 10); // 1-s windows of 10 s
        writeBytes(out / "m.png", "mine\n");
        r = runCli({"mel", q(dir() / "in.wav"), "--png", q(out / "m.png")});
        QVERIFY(r.exitCode != 0 && r.output.contains("use --force"));
        QCOMPARE(readBytes(out / "m.png"), std::string("mine\n"));
        r = runCli({"mel", q(dir() / "in.wav"), "--png", q(out / "m.png"), "--force"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.output));
        QVERIFY(readBytes(out / "m.png").starts_with("\x89PNG"));
    }

    void folderExportRefusesBeforeWritingAny()
    {
        const fs::path out = fresh("raven");
        const Archive a = Archive::open(archiveFile());
        writeBytes(out / "y.Table.1.selections.txt", "mine\n"); // one of the three tables
        QVERIFY_THROWS_EXCEPTION(OutputExistsError, writeRavenTables(out, a));
        QCOMPARE(snapshot(out).size(), std::size_t(1)); // the other two were not written
        QCOMPARE(readBytes(out / "y.Table.1.selections.txt"), std::string("mine\n"));
        const CliRun r = runCli({"export", q(archiveFile()), "--raven", q(out)});
        QVERIFY(r.exitCode != 0 && r.output.contains("use --force"));
        QCOMPARE(snapshot(out).size(), std::size_t(1));
        QCOMPARE(writeRavenTables(out, a, {.replace = true}).size(), std::size_t(3));
        QVERIFY(readBytes(out / "y.Table.1.selections.txt").starts_with("Selection\t"));
        QCOMPARE(snapshot(out).size(), std::size_t(3));
    }

    // --- a full disk: an error, the old file kept, no temporary file left --------------------------

    void outputFileShortWriteKeepsTheTarget()
    {
        const fs::path out = fresh("short");
        writeBytes(out / "t.bin", "old");
        {
            OutputFile f(out / "t.bin", {.replace = true});
            const FileSizeLimit limit(kDiskBytes);
            const std::string chunk(10000, 'x');
            try {
                for (int i = 0; i < 10; ++i) f.write(chunk);
                f.commit();
                QFAIL("100 kB written past a 64 kB limit");
            } catch (const Error& e) {
                const QString m = QString::fromUtf8(e.what());
                QVERIFY2(m.contains(q(out / "t.bin")) && m.contains("File too large"), e.what());
            }
        }
        QCOMPARE(readBytes(out / "t.bin"), std::string("old"));
        QVERIFY2(temporaryFiles(out).isEmpty(), qPrintable(temporaryFiles(out).join(", ")));
        // Not committed: no trace at all.
        { OutputFile f(out / "never.bin"); f.write("x"); }
        QVERIFY(!fs::exists(out / "never.bin"));
        QVERIFY(temporaryFiles(out).isEmpty());
    }

    // The temporary name adds 12 bytes: a 250-byte name must still work (NAME_MAX is 255).
    void longFileNameIsWritten()
    {
        const fs::path out = fresh("long");
        const std::string name(250, 'n');
        OutputFile f(out / name);
        f.write("x");
        f.commit();
        QCOMPARE(readBytes(out / name), std::string("x"));
        QVERIFY(temporaryFiles(out).isEmpty());
    }

    void coreExportsOnAFullDisk()
    {
        const fs::path out = fresh("full");
        const Archive a = Archive::open(archiveFile()); // SQLite's files exist before the limit
        writeBytes(out / "c.csv", "old csv");
        writeBytes(out / "c.csv.json", "old json");
        {
            const FileSizeLimit limit(kDiskBytes);
            QVERIFY_THROWS_EXCEPTION(Error, writeClusterCsv(out / "c.csv", a, {.replace = true}));
            QVERIFY_THROWS_EXCEPTION(Error, writeRavenTables(out / "raven", a));
            QVERIFY_THROWS_EXCEPTION(Error, writeAudacityLabels(out / "audacity", a));
            QVERIFY_THROWS_EXCEPTION(Error, writeClipTable(out / "clips.csv", a, ids));
        }
        QCOMPARE(readBytes(out / "c.csv"), std::string("old csv"));
        QCOMPARE(readBytes(out / "c.csv.json"), std::string("old json"));
        QVERIFY(!fs::exists(out / "clips.csv"));
        // Folder exports: no file of the failed run is left, not even the ones that fitted.
        QCOMPARE(snapshot(out).size(), std::size_t(2));
        QVERIFY2(temporaryFiles(out).isEmpty(), qPrintable(temporaryFiles(out).join(", ")));
    }

    void cliOnAFullDiskFails()
    {
        const fs::path out = fresh("clifull");
        writeWav(out / "long.wav", 60.0);
        CliRun exportRun, segmentRun;
        {
            const FileSizeLimit limit(kDiskBytes); // inherited by the CLI
            exportRun = runCli({"export", q(archiveFile()), "--raven", q(out / "t"), "--audacity", q(out / "t")});
            segmentRun = runCli({"segment", q(out / "long.wav"), "--segment", "window:0.02", "--csv", q(out / "s.csv")});
        }
        QVERIFY2(exportRun.exitCode != 0, qPrintable(exportRun.output));
        QVERIFY2(exportRun.output.contains("File too large") && !exportRun.output.contains("wrote"), qPrintable(exportRun.output));
        QVERIFY2(segmentRun.exitCode != 0, qPrintable(segmentRun.output));
        QVERIFY2(segmentRun.output.contains(q(out / "s.csv")) && segmentRun.output.contains("File too large"),
                 qPrintable(segmentRun.output));
        QVERIFY(!fs::exists(out / "s.csv"));
        QVERIFY(!fs::exists(out / "t") || fs::is_empty(out / "t"));
        QVERIFY2(temporaryFiles(out).isEmpty(), qPrintable(temporaryFiles(out).join(", ")));
    }

    // --- spreadsheet formulas ------------------------------------------------------------------------

    void formulaCellsAreQuotedAndImportUndoesIt()
    {
        const fs::path out = fresh("formula");
        Archive a = Archive::open(archiveFile());
        writeClusterCsv(out / "c.csv", a);
        writeClipTable(out / "clips.csv", a, ids);
        CsvReader in(out / "c.csv");
        std::vector<std::string> row;
        QVERIFY(in.next(row));
        std::map<ClipId, std::pair<std::string, std::string>> pathAndLabel;
        while (in.next(row)) pathAndLabel[std::stoll(row[0])] = {row[1], row[12]};
        QCOMPARE(pathAndLabel.at(ids[0]).second, std::string("'=HYPERLINK(\"http://x\",\"y\")"));
        QCOMPARE(pathAndLabel.at(ids[1]).second, std::string("'+1"));
        QCOMPARE(pathAndLabel.at(ids[2]).second, std::string("'-2"));
        QCOMPARE(pathAndLabel.at(ids[3]).second, std::string("'@SUM(A1)"));
        QCOMPARE(pathAndLabel.at(ids[4]).second, std::string("''quoted"));
        QCOMPARE(pathAndLabel.at(ids[5]).second, std::string("caw"));
        QCOMPARE(pathAndLabel.at(ids.back()).first, std::string("'-z.wav"));
        QCOMPARE(pathAndLabel.at(ids.front()).first, std::string("site/x.flac"));
        CsvReader clips(out / "clips.csv");
        std::set<std::string> paths;
        while (clips.next(row)) paths.insert(row[1]);
        QCOMPARE(paths, (std::set<std::string>{"path", "site/x.flac", "y.wav", "'-z.wav"}));

        // Read back by label import: the user's own labels, not the guarded text.
        const LabelImportReport r = importLabels(a, out / "c.csv", "reimport");
        QVERIFY(r.unmatched.empty());
        std::map<ClipId, std::string> back;
        for (const LabelRow& l : a.labels())
            if (l.source == "reimport") back[l.clipId] = l.label;
        QCOMPARE(back.size(), risky.size());
        for (std::size_t i = 0; i < risky.size(); ++i) QCOMPARE(back.at(ids[i]), risky[i]);
    }

    void spreadsheetTextRoundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("written");
        QTest::newRow("equals") << "=1+1" << "'=1+1";
        QTest::newRow("plus") << "+x" << "'+x";
        QTest::newRow("minus") << "-x" << "'-x";
        QTest::newRow("at") << "@x" << "'@x";
        QTest::newRow("tab") << "\tx" << "'\tx";
        QTest::newRow("carriage return") << "\rx" << "'\rx";
        QTest::newRow("quote") << "'x" << "''x";
        QTest::newRow("plain") << "caw" << "caw";
        QTest::newRow("inner equals") << "a=b" << "a=b";
        QTest::newRow("empty") << "" << "";
    }
    void spreadsheetTextRoundTrips()
    {
        QFETCH(QString, text);
        QFETCH(QString, written);
        QCOMPARE(QString::fromStdString(spreadsheetText(text.toStdString())), written);
        QCOMPARE(QString::fromStdString(fromSpreadsheetText(written.toStdString())), text);
    }
};

QTEST_GUILESS_MAIN(TestOutputSafety)
#include "tst_outputsafety.moc"
