// The archive file: schema, transactions, relative paths, labels, .npy export.
#include "core/archive/Archive.h"
#include "core/archive/EmbeddingExport.h"
#include "core/archive/FolderScanner.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestArchive : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }

    static RecordingRow rec(const std::string& path)
    {
        RecordingRow r;
        r.path = path;
        r.size = 1000;
        r.mtime = 42;
        r.duration = 10;
        r.sampleRate = 22050;
        r.channels = 1;
        return r;
    }
    static std::vector<float> vec(float a, float b) { return {a, b, 0.5f}; }

private Q_SLOTS:
    void createOpenAndSchemaVersion()
    {
        fs::create_directories(dir() / "rec");
        {
            Archive a = Archive::create(dir() / "a.crowlingo", dir() / "rec");
            QCOMPARE(a.schemaVersion(), Archive::kSchemaVersion);
            QCOMPARE(a.root(), (dir() / "rec").lexically_normal());
        }
        Archive b = Archive::open(dir() / "a.crowlingo");
        QCOMPARE(b.meta("root").value(), std::string("rec"));
        QVERIFY_THROWS_EXCEPTION(ArchiveError, Archive::create(dir() / "a.crowlingo", dir() / "rec"));
    }

    void openRejectsNonArchives()
    {
        QVERIFY_THROWS_EXCEPTION(ArchiveError, Archive::open(dir() / "missing.crowlingo"));
        { std::ofstream(dir() / "text.crowlingo") << "hello, I am not a database\n"; }
        try {
            Archive::open(dir() / "text.crowlingo");
            QFAIL("opened a text file as an archive");
        } catch (const ArchiveError& e) {
            QVERIFY2(std::string(e.what()).find("text.crowlingo") != std::string::npos, e.what());
        }
    }

    void storeRecordingReplacesClipsAtomically()
    {
        fs::create_directories(dir() / "r2");
        Archive a = Archive::create(dir() / "b.crowlingo", dir() / "r2");
        a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}, {2, 3}}, "window:1", "m1", {vec(1, 0), vec(0, 1), vec(1, 1)});
        QCOMPARE(a.clipCount(), 3);
        QCOMPARE(a.embeddingCount("m1"), 3);
        // Storing again replaces, never duplicates.
        a.storeRecording(rec("x.wav"), {{0, 2}, {2, 4}}, "window:2", "m1", {vec(1, 0), vec(0, 1)});
        QCOMPARE(a.clipCount(), 2);
        QCOMPARE(a.embeddingCount("m1"), 2);
        // Mismatched counts are refused and change nothing.
        QVERIFY_THROWS_EXCEPTION(ArchiveError, a.storeRecording(rec("y.wav"), {{0, 1}}, "w", "m1", {}));
        QCOMPARE(a.recordings().size(), std::size_t(1));
        // An error replaces the clips and keeps the reason.
        RecordingRow bad = rec("x.wav");
        bad.error = "truncated";
        a.storeRecordingError(bad);
        QCOMPARE(a.clipCount(), 0);
        QCOMPARE(a.recording("x.wav")->status, std::string("error"));
        QCOMPARE(a.recording("x.wav")->error, std::string("truncated"));
        QCOMPARE(a.integrityCheck(), std::string("ok"));
    }

    void embeddingsPerModelAndActiveModel()
    {
        fs::create_directories(dir() / "r3");
        Archive a = Archive::create(dir() / "c.crowlingo", dir() / "r3");
        a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}}, "w", "old", {vec(1, 2), vec(3, 4)});
        const auto clips = a.clips();
        a.storeEmbeddings("new", {clips[0].id}, {vec(9, 9)});
        QCOMPARE(a.embeddingCount("old"), 2);
        QCOMPARE(a.embeddingCount("new"), 1);
        const EmbeddingMatrix m = a.embeddings("old");
        QCOMPARE(m.rows(), std::size_t(2));
        QCOMPARE(m.dimension, 3);
        QCOMPARE(m.row(1)[0], 3.0f);
        QCOMPARE(a.embedding(clips[0].id, "new")->at(0), 9.0f);
        a.setActiveModel("old");
        QCOMPARE(a.activeModel(), std::string("old"));
    }

    void labelsAreKeptPerSource()
    {
        fs::create_directories(dir() / "r4");
        Archive a = Archive::create(dir() / "d.crowlingo", dir() / "r4");
        a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}}, "w", "m", {vec(1, 2), vec(3, 4)});
        const auto clips = a.clips();
        a.setLabels({clips[0].id, clips[1].id}, "caw");
        a.setLabel(clips[1].id, "rattle");
        a.setLabel(clips[1].id, "caw", "import.csv");
        const auto labels = a.labels();
        QCOMPARE(labels.size(), std::size_t(3));
        QCOMPARE(labels[1].label, std::string("caw"));       // clip 2, import.csv
        QCOMPARE(labels[2].label, std::string("rattle"));    // clip 2, user
        a.clearLabel(clips[0].id);
        QCOMPARE(a.labels().size(), std::size_t(2));
    }

    void movedArchiveWithRecordingsStillResolves()
    {
        fs::create_directories(dir() / "site/audio");
        { std::ofstream(dir() / "site/audio/a.wav") << "x"; }
        fs::path rel;
        {
            Archive a = Archive::create(dir() / "site/site.crowlingo", dir() / "site/audio");
            a.storeRecording(rec("a.wav"), {{0, 1}}, "w", "m", {vec(1, 1)});
        }
        fs::rename(dir() / "site", dir() / "moved");
        Archive b = Archive::open(dir() / "moved/site.crowlingo");
        QCOMPARE(b.absolutePath(b.clips().front().path), (dir() / "moved/audio/a.wav").lexically_normal());
        QVERIFY(fs::exists(b.absolutePath("a.wav")));
    }

    void npyHeaderIsValid()
    {
        const std::vector<float> values = {1, 2, 3, 4, 5, 6};
        writeNpy(dir() / "x.npy", values, 2, 3);
        std::ifstream in(dir() / "x.npy", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        QCOMPARE(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
        const std::size_t headerLen = std::uint8_t(bytes[8]) | (std::uint8_t(bytes[9]) << 8);
        QCOMPARE((10 + headerLen) % 64, std::size_t(0));        // data aligned as NumPy requires
        const std::string header = bytes.substr(10, headerLen);
        QVERIFY(header.find("'descr': '<f4'") != std::string::npos);
        QVERIFY(header.find("'shape': (2, 3)") != std::string::npos);
        QCOMPARE(header.back(), '\n');
        QCOMPARE(bytes.size(), 10 + headerLen + values.size() * 4);
        float last;
        std::memcpy(&last, bytes.data() + bytes.size() - 4, 4);
        QCOMPARE(last, 6.0f);
    }

    void scannerSkipsHiddenSurvivesLoopsAndIgnoresCase()
    {
        const fs::path root = dir() / "scan";
        fs::create_directories(root / "a/b");
        fs::create_directories(root / ".hidden");
        for (const char* f : {"a/one.WAV", "a/b/two.flac", "three.Mp3", ".hidden/four.wav", "a/.five.wav", "notes.txt"})
            std::ofstream(root / f) << "x";
        fs::create_directory_symlink(root, root / "a/b/loop"); // a loop back to the top
        const FolderScan s = scanFolder(root);
        QStringList names;
        for (const auto& f : s.files) names << QString::fromStdString(f.path.filename().string());
        names.sort();
        QCOMPARE(names, QStringList({"one.WAV", "three.Mp3", "two.flac"}));
    }
};

QTEST_GUILESS_MAIN(TestArchive)
#include "tst_archive.moc"
