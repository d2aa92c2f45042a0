// The archive file: schema, transactions, relative paths, labels, .npy export.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/ArchiveView.h"
#include "core/archive/ArchiveWriterLock.h"
#include "core/archive/EmbeddingExport.h"
#include "core/archive/FolderScanner.h"
#include "core/archive/LabelImport.h"
#include "core/archive/ListedNeighbours.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Error.h"
#include "core/model/Model.h"
#include "core/model/ModelConfig.h"
#include "core/segment/Segmenter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <sys/wait.h>
#include <unistd.h>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

// n vectors of `dimension` values drawn from a standard normal.
std::vector<std::vector<float>> gaussianVectors(std::mt19937& rng, int n, int dimension)
{
    std::normal_distribution<float> normal;
    std::vector<std::vector<float>> v(static_cast<std::size_t>(n), std::vector<float>(static_cast<std::size_t>(dimension)));
    for (auto& row : v)
        for (float& x : row) x = normal(rng);
    return v;
}

// n back-to-back clips of one second from the start of a recording.
std::vector<Clip> oneSecondClips(int n)
{
    std::vector<Clip> clips;
    for (int i = 0; i < n; ++i) clips.push_back({double(i), double(i + 1)});
    return clips;
}

std::string fileBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}
} // namespace

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

    void settingsAreReadOnceWithClearErrors()
    {
        Archive a = Archive::create(dir() / "settings.crowlingo", dir() / "rec");
        ArchiveSettings fresh = ArchiveSettings::read(a);
        QCOMPARE(fresh.timeExpansion, 1.0);
        QCOMPARE(fresh.timeScale, 1);
        QVERIFY(!fresh.hasTimeScale && !fresh.hasTimeExpansion && fresh.segmenter.empty() && fresh.shard.empty() && fresh.embedFinished);

        fresh.segmenter = "events";
        fresh.timeExpansion = 10;
        fresh.timeScale = 2;
        fresh.writeEmbedSettings(a);
        QCOMPARE(a.meta("time_expansion").value_or(""), std::string("10"));
        const ArchiveSettings back = ArchiveSettings::read(a);
        QCOMPARE(back.segmenter, std::string("events"));
        QCOMPARE(back.timeExpansion, 10.0);
        QCOMPARE(back.timeScale, 2);
        QVERIFY(back.hasTimeScale && back.hasTimeExpansion);
        QCOMPARE(ArchiveSettings::timeExpansionText(1.5), std::string("1.5"));

        a.setMeta("time_expansion", "10.000000"); // as archives stored it before these settings
        QCOMPARE(ArchiveSettings::read(a).timeExpansion, 10.0);

        // A hand-edited value names its key, what it holds and what it may hold.
        const auto errorFor = [&](const std::string& key, const std::string& value) {
            const std::string kept = a.meta(key).value_or("");
            a.setMeta(key, value);
            std::string message;
            try {
                ArchiveSettings::read(a);
            } catch (const ArchiveError& e) {
                message = e.what();
            }
            a.setMeta(key, kept);
            return message;
        };
        for (const std::string bad : {"ten", "", "10x", "0.005", "nan", "1e9"}) {
            const std::string m = errorFor("time_expansion", bad);
            QVERIFY2(m.find("\"time_expansion\" holds \"" + bad + "\"") != std::string::npos, m.c_str());
            QVERIFY2(m.find("from 0.01 to 1000") != std::string::npos, m.c_str());
            QVERIFY2(m.find("settings.crowlingo") != std::string::npos, m.c_str());
        }
        for (const std::string bad : {"0", "1.5", "17", "two"})
            QVERIFY(errorFor("time_scale", bad).find("\"time_scale\" holds \"" + bad + "\"") != std::string::npos);
        QVERIFY(errorFor("embed_state", "half").find("\"embed_state\"") != std::string::npos);
        a.setMeta("embed_state", "running");
        QVERIFY(!ArchiveSettings::read(a).embedFinished);
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

    // A file that is refused is not touched: SQLite would make an empty file a database, and
    // switching to WAL would convert another program's database.
    void refusedFilesAreLeftUntouched()
    {
        const fs::path empty = dir() / "empty.crowlingo";
        { std::ofstream touch(empty); }
        QVERIFY_THROWS_EXCEPTION(ArchiveError, Archive::open(empty));
        QCOMPARE(fs::file_size(empty), std::uintmax_t(0));

        const fs::path foreign = dir() / "birds.sqlite";
        {
            SQLite::Database db(foreign.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
            db.exec("CREATE TABLE birds(name TEXT); INSERT INTO birds VALUES('rook')");
        }
        const std::string before = fileBytes(foreign);
        try {
            Archive::open(foreign);
            QFAIL("opened another program's database");
        } catch (const ArchiveError& e) {
            QVERIFY2(std::string(e.what()).find("not a CrowLingo archive") != std::string::npos, e.what());
        }
        QVERIFY(fileBytes(foreign) == before); // still in its own journal mode, not WAL
        for (const char* suffix : {"-wal", "-shm"}) {
            QVERIFY(!fs::exists(empty.string() + suffix));
            QVERIFY(!fs::exists(foreign.string() + suffix));
        }
    }

    // Processes creating the same new archive at once (as two `embed` runs started together): one
    // archive results, every process ends up using it, and nothing half-made is left behind.
    void concurrentCreationMakesOneArchive()
    {
        fs::create_directories(dir() / "rec");
        constexpr int kRounds = 6, kProcesses = 6;
        for (int round = 0; round < kRounds; ++round) {
            const fs::path file = dir() / ("race" + std::to_string(round) + ".crowlingo");
            std::vector<pid_t> children;
            for (int c = 0; c < kProcesses; ++c) {
                const pid_t pid = ::fork();
                QVERIFY(pid >= 0);
                if (pid == 0) {
                    int code = 1;
                    try {
                        Archive a = Archive::openOrCreate(file, dir() / "rec");
                        a.setMeta("process " + std::to_string(c), "was here");
                        code = 0;
                    } catch (const std::exception& e) {
                        std::fprintf(stderr, "process %d: %s\n", c, e.what());
                    }
                    ::_exit(code);
                }
                children.push_back(pid);
            }
            for (const pid_t pid : children) {
                int status = 0;
                QCOMPARE(::waitpid(pid, &status, 0), pid);
                QVERIFY2(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a process could not create or open the archive");
            }
            const Archive a = Archive::open(file);
            QCOMPARE(a.integrityCheck(), std::string("ok"));
            for (int c = 0; c < kProcesses; ++c) QVERIFY(a.meta("process " + std::to_string(c)).has_value());
            for (const auto& e : fs::directory_iterator(dir()))
                QVERIFY2(e.path().filename().string().find(".creating") == std::string::npos, e.path().c_str());
        }
    }

    // What a process killed while creating an archive left behind is removed by the next creation
    // (only when that process is gone).
    void abandonedCreationIsRemoved()
    {
        fs::create_directories(dir() / "rec");
        const pid_t gone = ::fork();
        if (gone == 0) ::_exit(0);
        ::waitpid(gone, nullptr, 0);
        const fs::path file = dir() / "abandoned.crowlingo";
        const fs::path leftover = file.string() + ".creating-" + std::to_string(gone) + "-0";
        const fs::path running = file.string() + ".creating-" + std::to_string(::getpid()) + "-999";
        { std::ofstream(leftover) << "half made"; }
        { std::ofstream(running) << "being made"; }
        Archive::create(file, dir() / "rec");
        QVERIFY(!fs::exists(leftover));
        QVERIFY(fs::exists(running)); // its process still runs: not ours to remove
        fs::remove(running);
    }

    // One long-running writer (embed, adapt) at a time: a second process is refused at once with a
    // message naming the first; within one process the lock is re-entrant; released, it is gone.
    void writerLockRefusesASecondProcess()
    {
        fs::create_directories(dir() / "rec");
        const fs::path file = dir() / "locked.crowlingo";
        Archive::create(file, dir() / "rec");
        {
            const ArchiveWriterLock first(file, "embed");
            const ArchiveWriterLock again(file, "adapt"); // same process: fine
            int pipeFds[2];
            QCOMPARE(::pipe(pipeFds), 0);
            const pid_t pid = ::fork();
            if (pid == 0) {
                ::close(pipeFds[0]);
                std::string message = "not refused";
                try {
                    const ArchiveWriterLock second(file, "embed");
                } catch (const ArchiveError& e) {
                    message = e.what();
                }
                (void)!::write(pipeFds[1], message.data(), message.size());
                ::_exit(0);
            }
            ::close(pipeFds[1]);
            std::string message;
            char buf[512];
            for (ssize_t n; (n = ::read(pipeFds[0], buf, sizeof buf)) > 0;) message.append(buf, std::size_t(n));
            ::close(pipeFds[0]);
            ::waitpid(pid, nullptr, 0);
            QVERIFY2(message.find("busy") != std::string::npos, message.c_str());
            QVERIFY2(message.find("process " + std::to_string(::getpid()) + " (embed)") != std::string::npos, message.c_str());
        }
        QVERIFY(!fs::exists(file.string() + ".lock"));
        const ArchiveWriterLock afterwards(file, "embed"); // free again
    }

    // Archives whose vectors are filed under the old model ids (the weights' hash alone) have them
    // refiled, when they kept the model's config, under the id that covers the config too.
    void oldModelIdsAreRefiled()
    {
        fs::create_directories(dir() / "rec");
        const fs::path file = dir() / "old-ids.crowlingo";
        ModelConfig config;
        config.mel.hop = 512;
        const std::string weights(64, 'a'), unknown(64, 'b');
        {
            Archive a = Archive::create(file, dir() / "rec");
            RecordingRow r = rec("x.wav");
            a.storeRecording(r, {Clip{0.0, 1.0, 0, 0}}, "whole", weights, {vec(1, 2)});
            a.setActiveModel(weights);
            a.setMeta("model_config:" + weights, config.toJsonString());
            a.setMeta("model_dir:" + weights, "models/m");
            a.storeEmbeddings(unknown, {a.clips().front().id}, {vec(3, 4)}); // no config kept: left alone
        }
        {
            SQLite::Database db(file.string(), SQLite::OPEN_READWRITE);
            db.exec("DELETE FROM meta WHERE key = 'model_ids'"); // as an archive made before the change
        }
        const Archive a = Archive::open(file);
        const std::string id = modelIdFor(weights, config);
        QCOMPARE(a.activeModel(), id);
        QCOMPARE(a.embeddings(id).rows(), std::size_t(1));
        QCOMPARE(a.embeddings(weights).rows(), std::size_t(0));
        QCOMPARE(a.embeddings(unknown).rows(), std::size_t(1));
        QVERIFY(a.meta("model_config:" + id).has_value() && !a.meta("model_config:" + weights));
        QCOMPARE(a.meta("model_dir:" + id).value_or(""), std::string("models/m"));
        QCOMPARE(a.integrityCheck(), std::string("ok"));
    }

    // One damaged page: reading still works where it can, but a write is refused with a way out,
    // before anything is written on top of the damage.
    void damagedArchiveRefusesWrites()
    {
        fs::create_directories(dir() / "rec");
        const fs::path file = dir() / "damaged.crowlingo";
        {
            Archive a = Archive::create(file, dir() / "rec");
            for (int r = 0; r < 60; ++r)
                a.storeRecording(rec("r" + std::to_string(r) + ".wav"), {{0, 1}, {1, 2}}, "window:1", "m1",
                                 {std::vector<float>(256, float(r)), std::vector<float>(256, 0.5f)});
        } // closed: the WAL is folded into the file
        {
            Archive a = Archive::open(file);
            a.requireIntact("write to"); // intact: no error
        }
        const auto size = fs::file_size(file);
        QVERIFY(size > 16 * 4096);
        {
            std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(std::streamoff(size - 3 * 4096));
            const std::string garbage(4096, '\xA5');
            f.write(garbage.data(), std::streamsize(garbage.size()));
        }
        Archive a = Archive::open(file);
        { std::ofstream(dir() / "damaged-labels.csv") << "path,label\nr1.wav,caw\n"; }
        try {
            importLabels(a, dir() / "damaged-labels.csv", LabelImportOptions{});
            QFAIL("labels were imported into a damaged archive");
        } catch (const ArchiveError& e) {
            const std::string why = e.what();
            QVERIFY2(why.find("damaged") != std::string::npos && why.find(".recover") != std::string::npos, why.c_str());
        }
        QCOMPARE(a.labels().size(), std::size_t(0));
    }

    // An archive in a read-only folder (read-only media) opens for reading, with its contents;
    // a write is an error, and the folder gains no file.
    void readOnlyFolderOpensForReading()
    {
        const fs::path folder = dir() / "readonly";
        fs::create_directories(folder / "rec");
        const fs::path file = folder / "ro.crowlingo";
        {
            Archive a = Archive::create(file, folder / "rec");
            a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}}, "window:1", "m1", {vec(1, 0), vec(0, 1)});
            a.setActiveModel("m1");
        }
        const bool root = ::geteuid() == 0;
        if (root) testkit::setFileAccessOverride(false); // as root, permissions count only without the override
        fs::permissions(folder, fs::perms::owner_read | fs::perms::owner_exec);
        fs::permissions(file, fs::perms::owner_read);
        std::string failure;
        try {
            const Archive a = Archive::openReadOnly(file);
            if (a.clipCount() != 2 || a.embeddings("m1").rows() != 2 || a.activeModel() != "m1") failure = "contents differ";
            try {
                const_cast<Archive&>(a).setMeta("x", "y");
                failure = "a write succeeded";
            } catch (const ArchiveError&) {
            }
        } catch (const std::exception& e) {
            failure = e.what();
        }
        std::vector<std::string> names;
        for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
        fs::permissions(folder, fs::perms::owner_all);
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
        if (root) testkit::setFileAccessOverride(true);
        QVERIFY2(failure.empty(), failure.c_str());
        QCOMPARE(names.size(), std::size_t(2)); // rec/ and the archive: no -wal, -shm or lock file
    }

    // A write-protected archive: a clear error and no -shm/-wal left behind (SQLite would open it
    // read-only and make a write-protected -shm); a -shm left write-protected by such a run no
    // longer blocks the archive once it is writable again.
    void writeProtectedArchive()
    {
        fs::create_directories(dir() / "rec");
        const fs::path file = dir() / "protected.crowlingo";
        Archive::create(file, dir() / "rec");
        const bool root = ::geteuid() == 0;
        if (root) testkit::setFileAccessOverride(false);
        fs::permissions(file, fs::perms::owner_read | fs::perms::group_read);
        std::string message;
        try {
            Archive::open(file);
        } catch (const ArchiveError& e) {
            message = e.what();
        }
        const bool sideFiles = fs::exists(file.string() + "-shm") || fs::exists(file.string() + "-wal");
        // What an older version left: a -shm with the archive's read-only permissions.
        { std::ofstream(file.string() + "-shm"); }
        fs::permissions(file.string() + "-shm", fs::perms::owner_read | fs::perms::group_read);
        fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
        std::string reopened = "ok";
        try {
            Archive a = Archive::open(file);
            a.setMeta("written", "yes");
        } catch (const std::exception& e) {
            reopened = e.what();
        }
        if (root) testkit::setFileAccessOverride(true);
        QVERIFY2(message.find("cannot write to it") != std::string::npos, message.c_str());
        QVERIFY(!sideFiles);
        QCOMPARE(reopened, std::string("ok"));
        QCOMPARE(Archive::open(file).meta("written").value_or(""), std::string("yes"));
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
        // A file that cannot be read now keeps the reason, and the clips it gave, with their
        // vectors and labels: nothing the researcher did goes with a file being copied or damaged.
        a.setLabel(a.clips().front().id, "caw");
        RecordingRow bad = rec("x.wav");
        bad.error = "truncated";
        a.storeRecordingError(bad);
        QCOMPARE(a.clipCount(), 2);
        QCOMPARE(a.embeddingCount("m1"), 2);
        QCOMPARE(a.labels().size(), std::size_t(1));
        QCOMPARE(a.recording("x.wav")->status, std::string("error"));
        QCOMPARE(a.recording("x.wav")->error, std::string("truncated"));
        // ... and they do not hold back another model: only clips of readable recordings need its vector.
        QCOMPARE(a.usableClipsWithoutVector("m2"), std::int64_t(0));
        a.storeRecording(rec("z.wav"), {{0, 1}}, "window:2", "m1", {vec(1, 0)});
        QCOMPARE(a.usableClipsWithoutVector("m2"), std::int64_t(1));
        QCOMPARE(a.usableClipsWithoutVector("m1"), std::int64_t(0));
        QCOMPARE(a.integrityCheck(), std::string("ok"));
    }

    // A recording cut again (its file's metadata changed, a selection added to its table): a clip
    // cut exactly where one was (start, end and band) keeps every label that one had; a clip that
    // moved by a sample's worth, or changed band, starts unlabelled.
    void recuttingKeepsTheLabelsOfClipsWhoseSpanStayed()
    {
        fs::create_directories(dir() / "r3");
        Archive a = Archive::create(dir() / "recut.crowlingo", dir() / "r3");
        a.storeRecording(rec("x.wav"), {{0, 1, 100, 900}, {1, 2, 0, 0}, {2, 3, 0, 0}}, "events", "m1",
                         {vec(1, 0), vec(0, 1), vec(1, 1)});
        std::vector<ClipId> ids;
        for (const ClipRow& c : a.clips()) ids.push_back(c.id);
        a.setLabel(ids[0], "caw", "user");
        a.setLabel(ids[0], "crow", "truth.csv");
        a.setLabel(ids[1], "rattle", "user");
        a.journalLabels({ids[2]}, {"trill"}, "user"); // still in the journal when the clips go
        a.storeRecording(rec("x.wav"), {{0, 1, 100, 900}, {1.00001, 2, 0, 0}, {2, 3, 0, 0}, {4, 5, 0, 0}}, "events", "m1",
                         {vec(1, 0), vec(0, 1), vec(1, 1), vec(0, 1)});
        std::map<std::pair<double, std::string>, std::string> labels; // (start, source) -> label
        for (const LabelRow& l : a.labels()) labels[{a.clip(l.clipId)->start, l.source}] = l.label;
        const std::map<std::pair<double, std::string>, std::string> want = {
            {{0.0, "user"}, "caw"}, {{0.0, "truth.csv"}, "crow"}, {{2.0, "user"}, "trill"}};
        QCOMPARE(labels, want);
        // A band that changed is another clip.
        a.storeRecording(rec("x.wav"), {{0, 1, 100, 800}}, "events", "m1", {vec(1, 0)});
        QVERIFY(a.labels().empty());
        QCOMPARE(a.integrityCheck(), std::string("ok"));
    }

    // The view of an archive in which some clips have no vector of the active model: clip indices
    // and embedding rows differ, the view converts both ways, and neighbours come back as the
    // clips they are.
    void viewMapsClipsAndEmbeddingRows()
    {
        fs::create_directories(dir() / "rv");
        Archive a = Archive::create(dir() / "view.crowlingo", dir() / "rv");
        a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}}, "window:1", "other",
                         {vec(1, 0), vec(0, 1), vec(1, 1), vec(2, 0), vec(0, 2)});
        const auto clips = a.clips();
        // The active model's vectors for clips 1, 3 and 4 only; clip 4 points the way clip 1 does.
        a.storeEmbeddings("m", {clips[1].id, clips[3].id, clips[4].id}, {vec(1, 0), vec(0, 1), vec(2, 0.1f)});
        a.setActiveModel("m");
        const ArchiveView v = ArchiveView::load(a.file());
        QCOMPARE(v.clipCount(), 5);
        QCOMPARE(v.embeddings.rows(), std::size_t(3));
        QVERIFY(v.rowOfClip[0] == EmbeddingRow::none);
        QVERIFY(v.rowOfClip[2] == EmbeddingRow::none);
        const std::vector<int> expected{1, 3, 4};
        QCOMPARE(v.clipOfRow, expected);
        for (int clip : expected) QCOMPARE(v.clipOfRow[std::size_t(v.rowOfClip[std::size_t(clip)])], clip);
        // Unit length, in the clip's own direction.
        const std::span<const float> four = v.embeddings.vector(v.rowOfClip[4]);
        QVERIFY(std::abs(four[0] * four[0] + four[1] * four[1] + four[2] * four[2] - 1.f) < 1e-5f);
        QVERIFY(four[0] > four[1]);
        // Clip 1's nearest other vector is clip 4's (not row 2's clip, nor clip 2).
        const auto hits = v.index->search(v.embeddings.vector(v.rowOfClip[1]), 1, std::int64_t(v.rowOfClip[1]));
        QCOMPARE(hits.size(), std::size_t(1));
        QCOMPARE(v.clipOfRow[std::size_t(hits.front().row)], 4);
    }

    // With enough clips of wide vectors, the view compares clips in the archive's retrieval space
    // (core/archive/RetrievalEmbeddings.h), the same space `evaluate` and `neighbours` use.
    void viewComparesClipsInTheRetrievalSpace()
    {
        fs::create_directories(dir() / "rs");
        Archive a = Archive::create(dir() / "space.crowlingo", dir() / "rs");
        const int n = 40, dimension = 200;
        std::mt19937 rng(4);
        a.storeRecording(rec("x.wav"), oneSecondClips(n), "window:1", "m", gaussianVectors(rng, n, dimension));
        a.setActiveModel("m");
        const ArchiveView v = ArchiveView::load(a.file());
        QCOMPARE(v.embeddings.dimension, n - 1); // 40 centred vectors span 39 axes (of at most 128)
        const RetrievalEmbeddings r = computeRetrievalEmbeddings(a, "m");
        QCOMPARE(r.vectors.dimension, n - 1);
        const NeighbourIndex index(r.vectors.values, r.vectors.dimension);
        for (int row : {0, 13, 39}) {
            const auto fromView = v.index->search(v.embeddings.vector(EmbeddingRow(row)), 5, row);
            const auto fromArchive = index.search({r.vectors.row(std::size_t(row)), std::size_t(r.vectors.dimension)}, 5, row);
            QCOMPARE(fromView.size(), fromArchive.size());
            for (std::size_t k = 0; k < fromView.size(); ++k) QCOMPARE(fromView[k].row, fromArchive[k].row);
        }
        // Read a block at a time from a sample of evenly spaced rows, or fitted on all of them in
        // memory (as `evaluate` and `neighbours` do): the same space and vectors, also when the
        // sample is smaller than the archive.
        RetrievalSpaceParams p;
        p.maxFitRows = 34;
        const RetrievalEmbeddings streamed = computeRetrievalEmbeddings(a, "m", p);
        const RetrievalEmbeddings inMemory = toRetrievalSpace(a.embeddings("m"), p);
        QCOMPARE(streamed.vectors.dimension, 33);
        QCOMPARE(streamed.vectors.clipIds, inMemory.vectors.clipIds);
        QCOMPARE(streamed.vectors.values.size(), inMemory.vectors.values.size());
        for (std::size_t i = 0; i < streamed.vectors.values.size(); ++i)
            QVERIFY(std::abs(streamed.vectors.values[i] - inMemory.vectors.values[i]) < 1e-5f);
    }

    // Maps and clusters store the space and the vectors in it with the archive (its last bits depend
    // on the machine's BLAS), and every reader takes the stored ones. The space is kept as clips
    // come and go, until the archive has twice the clips it was fitted on.
    void theRetrievalSpaceIsStoredAndReadBack()
    {
        fs::create_directories(dir() / "rss");
        Archive a = Archive::create(dir() / "stored.crowlingo", dir() / "rss");
        std::mt19937 rng(9);
        const auto randomVectors = [&](int count) { return gaussianVectors(rng, count, 200); };
        const std::vector<Clip> clips = oneSecondClips(40);
        a.storeRecording(rec("x.wav"), clips, "window:1", "m", randomVectors(40));
        a.setActiveModel("m");
        QVERIFY(!hasCurrentRetrievalSpace(a, "m"));
        storeRetrievalSpace(a, "m");
        QVERIFY(hasCurrentRetrievalSpace(a, "m"));
        const EmbeddingMatrix stored = a.embeddings(retrievalSpaceId("m"));
        QCOMPARE(stored.dimension, 39);
        QCOMPARE(stored.clipIds, a.embeddedClips("m"));
        QCOMPARE(a.retrievalSpace("m")->fittedOn, std::int64_t(40));
        // Readers take the stored vectors, not a fit of their own: a marked one comes back as stored.
        std::vector<float> marked(stored.row(7), stored.row(7) + stored.dimension);
        marked[0] = 1234.5f;
        a.storeEmbeddings(retrievalSpaceId("m"), {stored.clipIds[7]}, {marked});
        QCOMPARE(retrievalVectors(a, "m").row(7)[0], 1234.5f);
        const ArchiveView view = ArchiveView::load(a.file());
        QCOMPARE(view.embeddings.dimension, 39);
        // A clip added since: readers keep the stored vectors and move the new clip into the stored
        // space; the next store keeps it.
        a.storeRecording(rec("y.wav"), {{0, 1}}, "window:1", "m", randomVectors(1));
        QVERIFY(!hasCurrentRetrievalSpace(a, "m"));
        const EmbeddingMatrix now = retrievalVectors(a, "m");
        QCOMPARE(now.rows(), std::size_t(41));
        QCOMPARE(now.row(7)[0], 1234.5f);
        const ClipId added = a.embeddedClips("m").back();
        QCOMPARE(now.clipIds.back(), added);
        const std::vector<float> expected = retrievalSpaceOf(a, "m").apply(*a.embedding(added, "m"));
        for (int j = 0; j < now.dimension; ++j) QCOMPARE(now.row(40)[j], expected[std::size_t(j)]);
        storeRetrievalSpace(a, "m");
        QVERIFY(hasCurrentRetrievalSpace(a, "m"));
        QCOMPARE(a.embeddingCount(retrievalSpaceId("m")), 41);
        QCOMPARE(retrievalVectors(a, "m").row(7)[0], 1234.5f); // kept, not fitted again
        // A recording removed: its rows go from both; the space stays.
        a.removeRecording("y.wav");
        QCOMPARE(a.embeddingCount(retrievalSpaceId("m")), 40);
        QVERIFY(hasCurrentRetrievalSpace(a, "m"));
        // Twice the clips it was fitted on: fitted again on all of them.
        a.storeRecording(rec("z.wav"), oneSecondClips(41), "window:1", "m", randomVectors(41));
        storeRetrievalSpace(a, "m");
        QVERIFY(hasCurrentRetrievalSpace(a, "m"));
        QCOMPARE(a.retrievalSpace("m")->fittedOn, std::int64_t(81));
        QVERIFY(retrievalVectors(a, "m").row(7)[0] != 1234.5f);
        // Where the space is the identity (few clips), nothing is stored.
        fs::create_directories(dir() / "rss2");
        Archive small = Archive::create(dir() / "small.crowlingo", dir() / "rss2");
        small.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}}, "window:1", "m", randomVectors(2));
        storeRetrievalSpace(small, "m");
        QCOMPARE(small.embeddingCount(retrievalSpaceId("m")), 0);
        QCOMPARE(retrievalVectors(small, "m").dimension, 200);
    }

    // Large archives keep neighbour lists with their vectors in the retrieval space (here "large"
    // is lowered to 100 clips): the view and the CLI path search through them, new clips join
    // them, removed ones leave them, and schema-3 archives do without them.
    void neighbourListsAreStoredWithTheSpace()
    {
        fs::create_directories(dir() / "nl");
        Archive a = Archive::create(dir() / "lists.crowlingo", dir() / "nl");
        std::mt19937 rng(21);
        const auto randomVectors = [&](int count) { return gaussianVectors(rng, count, 200); };
        const std::vector<Clip> clips = oneSecondClips(300);
        a.storeRecording(rec("x.wav"), clips, "window:1", "m", randomVectors(300));
        a.setActiveModel("m");
        storeRetrievalSpace(a, "m", {}, 100);
        const std::optional<StoredNeighbourLists> stored = a.neighbourLists(retrievalSpaceId("m"));
        QVERIFY(stored);
        QCOMPARE(stored->clipIds, a.embeddedClips("m"));
        QCOMPARE(stored->centroids.size(), InvertedLists::listsFor(300) * std::size_t(stored->dimension));

        // The view searches through them. With 35 lists the default 64 probes read every list, so
        // its neighbours are the exact ones.
        const ArchiveView view = ArchiveView::load(a.file());
        QVERIFY(view.index->usesLists());
        const EmbeddingMatrix m = retrievalVectors(a, "m");
        const NeighbourIndex exact(m.values, m.dimension);
        for (int row : {0, 150, 299}) {
            const auto fromView = view.index->search(view.embeddings.vector(EmbeddingRow(row)), 5, row);
            const auto fromExact = exact.search({m.row(std::size_t(row)), std::size_t(m.dimension)}, 5, row);
            QCOMPARE(fromView.size(), fromExact.size());
            for (std::size_t k = 0; k < fromView.size(); ++k) QCOMPARE(fromView[k].row, fromExact[k].row);
        }
        // The CLI's search, which reads only the probed lists' vectors, finds the same clips.
        for (int row : {0, 150, 299}) {
            const ClipId clip = m.clipIds[std::size_t(row)];
            const std::optional<std::vector<float>> q = storedSpaceVector(a, "m", *storedRetrievalSpace(a, "m"), clip);
            QVERIFY(q);
            const auto listed = listedNeighbours(a, "m", *q, 5, clip);
            QVERIFY(listed);
            const auto fromView = view.index->search(view.embeddings.vector(EmbeddingRow(row)), 5, row);
            QCOMPARE(listed->size(), fromView.size());
            for (std::size_t k = 0; k < fromView.size(); ++k) QCOMPARE(listed->at(k).clip, m.clipIds[std::size_t(fromView[k].row)]);
        }
        // It read them from the lists' members, kept with their vectors: every clip once, in the
        // list the lists give it, with its vector in the space.
        const std::optional<StoredListCentroids> heads = a.listCentroids(retrievalSpaceId("m"));
        QVERIFY(heads);
        QCOMPARE(heads->centroids, stored->centroids);
        QCOMPARE(heads->lastClip, stored->clipIds.back());
        std::map<ClipId, std::int32_t> listOfClip;
        for (std::size_t r = 0; r < stored->clipIds.size(); ++r) listOfClip[stored->clipIds[r]] = stored->lists[r];
        std::size_t membersSeen = 0;
        for (std::int32_t list = 0; list < std::int32_t(InvertedLists::listsFor(300)); ++list) {
            const EmbeddingMatrix members = a.listMembers(retrievalSpaceId("m"), std::vector<std::int32_t>{list});
            for (std::size_t r = 0; r < members.rows(); ++r) {
                QCOMPARE(listOfClip.at(members.clipIds[r]), list);
                const auto at = std::find(m.clipIds.begin(), m.clipIds.end(), members.clipIds[r]) - m.clipIds.begin();
                QVERIFY(std::equal(members.row(r), members.row(r) + m.dimension, m.row(std::size_t(at))));
            }
            membersSeen += members.rows();
        }
        QCOMPARE(membersSeen, std::size_t(300));
        // Without the members (lists stored before them) the candidates' vectors are read one by
        // one: the same clips come back.
        {
            SQLite::Database db((dir() / "lists.crowlingo").string(), SQLite::OPEN_READWRITE);
            db.exec("DELETE FROM neighbour_list_members");
        }
        QVERIFY(!a.listCentroids(retrievalSpaceId("m")));
        for (int row : {0, 150, 299}) {
            const ClipId clip = m.clipIds[std::size_t(row)];
            const auto listed = listedNeighbours(a, "m", *storedSpaceVector(a, "m", *storedRetrievalSpace(a, "m"), clip), 5, clip);
            QVERIFY(listed);
            const auto fromView = view.index->search(view.embeddings.vector(EmbeddingRow(row)), 5, row);
            for (std::size_t k = 0; k < fromView.size(); ++k) QCOMPARE(listed->at(k).clip, m.clipIds[std::size_t(fromView[k].row)]);
        }
        storeRetrievalSpace(a, "m", {}, 100); // stores the members again, the lists being current
        QVERIFY(a.listCentroids(retrievalSpaceId("m")));
        // Lists that do not hold every clip: the others go to their nearest list as they are read.
        StoredNeighbourLists partial = *stored;
        partial.clipIds.resize(250);
        partial.lists.resize(250);
        a.storeNeighbourLists(partial);
        const SearchableVectors s = searchableVectors(a, "m");
        QVERIFY(s.lists);
        QCOMPARE(s.lists->rows(), std::size_t(300));
        const std::vector<std::int32_t> own = s.lists->listOfRows();
        QCOMPARE(std::vector<std::int32_t>(own.begin(), own.begin() + 250), partial.lists);
        std::vector<float> row299(m.row(299), m.row(299) + m.dimension);
        normaliseRows(row299, m.dimension);
        QCOMPARE(own[299], s.lists->nearestLists(row299.data(), 1).front());
        // Made again when the vectors are current but the lists are missing.
        a.removeNeighbourLists(retrievalSpaceId("m"));
        QVERIFY(!searchableVectors(a, "m").lists);
        storeRetrievalSpace(a, "m", {}, 100);
        QVERIFY(a.neighbourLists(retrievalSpaceId("m")));

        // A clip added: it joins the list of its nearest centroid as the archive is read, and for
        // good at the next store; the other clips keep their lists.
        const std::vector<std::int32_t> before = a.neighbourLists(retrievalSpaceId("m"))->lists;
        a.storeRecording(rec("y.wav"), {{0, 1}}, "window:1", "m", randomVectors(1));
        QVERIFY(ArchiveView::load(a.file()).index->usesLists());
        QVERIFY(!listedNeighbours(a, "m", *storedSpaceVector(a, "m", *storedRetrievalSpace(a, "m"), m.clipIds[0]), 5)); // the CLI then reads all
        const SearchableVectors grown = searchableVectors(a, "m");
        QCOMPARE(grown.lists->rows(), std::size_t(301));
        storeRetrievalSpace(a, "m", {}, 100);
        const std::optional<StoredNeighbourLists> extended = a.neighbourLists(retrievalSpaceId("m"));
        QCOMPARE(extended->clipIds, a.embeddedClips("m"));
        QCOMPARE(std::vector<std::int32_t>(extended->lists.begin(), extended->lists.begin() + 300), before);
        QCOMPARE(extended->lists.back(), grown.lists->listOfRows().back());
        // A recording removed: its clips leave the lists at the next store, and their members go
        // at once (they would name clips no longer there).
        QVERIFY(a.listCentroids(retrievalSpaceId("m")));
        a.removeRecording("y.wav");
        QVERIFY(!a.listCentroids(retrievalSpaceId("m")));
        storeRetrievalSpace(a, "m", {}, 100);
        QCOMPARE(a.neighbourLists(retrievalSpaceId("m"))->lists, before);
        QVERIFY(a.listCentroids(retrievalSpaceId("m")));
        // However a clip is deleted (here by SQL, as another tool might), the members go with it,
        // and the CLI's search never names it: it reads the vectors that remain.
        const ClipId deleted = m.clipIds[150];
        const std::vector<float> deletedVector = *storedSpaceVector(a, "m", *storedRetrievalSpace(a, "m"), deleted);
        {
            SQLite::Database db((dir() / "lists.crowlingo").string(), SQLite::OPEN_READWRITE);
            db.exec("PRAGMA foreign_keys=ON");
            db.exec("DELETE FROM clips WHERE id = " + std::to_string(deleted));
        }
        QVERIFY(!a.listCentroids(retrievalSpaceId("m")));
        const auto afterDeletion = listedNeighbours(a, "m", deletedVector, 5);
        QVERIFY(afterDeletion);
        QCOMPARE(afterDeletion->size(), std::size_t(5));
        for (const ClipNeighbour& n : *afterDeletion) QVERIFY(n.clip != deleted);
        storeRetrievalSpace(a, "m", {}, 100);
        QVERIFY(a.listCentroids(retrievalSpaceId("m")));
        QCOMPARE(a.neighbourLists(retrievalSpaceId("m"))->clipIds.size(), std::size_t(299));
        // Below the threshold none are built.
        a.removeNeighbourLists(retrievalSpaceId("m"));
        storeRetrievalSpace(a, "m", {}, 1000);
        QVERIFY(!a.neighbourLists(retrievalSpaceId("m")));

        // An archive of schema 4 (lists without their members) opens read-only and is searched
        // through the lists as before.
        storeRetrievalSpace(a, "m", {}, 100);
        const ClipId probe = m.clipIds[10];
        const std::vector<float> probeVector = *storedSpaceVector(a, "m", *storedRetrievalSpace(a, "m"), probe);
        const std::optional<std::vector<ClipNeighbour>> throughMembers = listedNeighbours(a, "m", probeVector, 5, probe);
        QVERIFY(throughMembers && throughMembers->size() == 5);
        {
            SQLite::Database db((dir() / "lists.crowlingo").string(), SQLite::OPEN_READWRITE);
            db.exec("DROP TRIGGER clip_leaves_neighbour_lists; DROP TABLE neighbour_list_members; "
                    "ALTER TABLE neighbour_lists DROP COLUMN last_clip_id; DROP TABLE label_journal; PRAGMA user_version = 4");
        }
        {
            const Archive old = Archive::openReadOnly(dir() / "lists.crowlingo");
            QCOMPARE(old.schemaVersion(), 4);
            QVERIFY(old.neighbourLists(retrievalSpaceId("m")));
            QVERIFY(!old.listCentroids(retrievalSpaceId("m")));
            const auto listed = listedNeighbours(old, "m", probeVector, 5, probe);
            QVERIFY(listed);
            QCOMPARE(listed->size(), throughMembers->size());
            for (std::size_t k = 0; k < listed->size(); ++k) QCOMPARE(listed->at(k).clip, throughMembers->at(k).clip);
        }
        {
            Archive updated = Archive::open(dir() / "lists.crowlingo");
            QCOMPARE(updated.schemaVersion(), Archive::kSchemaVersion);
            QVERIFY(!updated.listCentroids(retrievalSpaceId("m"))); // lists from before: no members yet
            storeRetrievalSpace(updated, "m", {}, 100);
            QVERIFY(updated.listCentroids(retrievalSpaceId("m")));
        }

        // An archive of schema 3 (before the lists) opens read-only without them, and is updated
        // by the next opening with write access.
        a.storeNeighbourLists(*stored);
        {
            SQLite::Database db((dir() / "lists.crowlingo").string(), SQLite::OPEN_READWRITE);
            db.exec("DROP TRIGGER clip_leaves_neighbour_lists; DROP TABLE neighbour_list_members; "
                    "DROP TABLE neighbour_lists; DROP TABLE retrieval_spaces; DROP TABLE label_journal; "
                    "PRAGMA user_version = 3");
        }
        {
            const Archive old = Archive::openReadOnly(dir() / "lists.crowlingo");
            QCOMPARE(old.schemaVersion(), 3);
            QVERIFY(!old.neighbourLists(retrievalSpaceId("m")));
            QVERIFY(!old.retrievalSpace("m"));
            QVERIFY(!ArchiveView::load(old.file()).index->usesLists());
            QCOMPARE(retrievalVectors(old, "m").rows(), std::size_t(299)); // fitted as read (one clip was deleted above)
        }
        QCOMPARE(Archive::open(dir() / "lists.crowlingo").schemaVersion(), Archive::kSchemaVersion);
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
        QCOMPARE(a.labels("user").size(), std::size_t(1));
        QCOMPARE(a.labels("user").front().label, std::string("rattle"));
        QCOMPARE(a.labels("import.csv").front().clipId, clips[1].id);

        // The view: the label each clip shows (its own wins), and its own alone (what undo needs).
        a.setLabel(clips[0].id, "owl", "import.csv");
        const ArchiveView view = ArchiveView::load(a.file());
        QCOMPARE(view.label, (std::vector<std::string>{"owl", "rattle"}));
        QCOMPARE(view.ownLabel, (std::vector<std::string>{"", "rattle"}));
    }

    // What undo writes back: per clip a label, or "" for none, from one source; other sources stay.
    void writeLabelsSetsAndRemovesPerClip()
    {
        fs::create_directories(dir() / "r5");
        Archive a = Archive::create(dir() / "e.crowlingo", dir() / "r5");
        a.storeRecording(rec("x.wav"), {{0, 1}, {1, 2}, {2, 3}}, "w", "m", {vec(1, 2), vec(3, 4), vec(5, 6)});
        const auto clips = a.clips();
        a.setLabels({clips[0].id, clips[1].id}, "caw");
        a.setLabel(clips[1].id, "owl", "notes.csv");
        a.writeLabels({clips[0].id, clips[1].id, clips[2].id}, {"rattle", "", "coo"});
        std::map<ClipId, std::string> user;
        for (const LabelRow& l : a.labels("user")) user[l.clipId] = l.label;
        QCOMPARE(user, (std::map<ClipId, std::string>{{clips[0].id, "rattle"}, {clips[2].id, "coo"}}));
        QCOMPARE(a.labels("notes.csv").size(), std::size_t(1)); // another source is untouched
        a.clearLabels({clips[0].id, clips[2].id});
        QVERIFY(a.labels("user").empty());
        QVERIFY_THROWS_EXCEPTION(UsageError, a.writeLabels({clips[0].id}, {"a", "b"}));
        QCOMPARE(a.labels().size(), std::size_t(1)); // the refused call wrote nothing
    }

    // An edit written as a journal reads as labels at once, through any connection, and the same
    // at every step of folding it into the label table; edits apply in the order made; writing
    // row by row and deleting clips fold the journal first.
    void journalledLabelsReadAsLabelsAndFoldInOrder()
    {
        fs::create_directories(dir() / "r6");
        const fs::path file = dir() / "journal.crowlingo";
        Archive a = Archive::create(file, dir() / "r6");
        std::vector<Clip> many;
        std::vector<std::vector<float>> vectors;
        for (int i = 0; i < 20000; ++i) { // several journal records of one label
            many.push_back({0.1 * i, 0.1 * i + 0.1, 0, 0});
            vectors.push_back(vec(float(i), 1));
        }
        a.storeRecording(rec("x.wav"), many, "w", "m", vectors);
        a.storeRecording(rec("y.wav"), {{0, 1}, {1, 2}}, "w", "m", {vec(1, 2), vec(3, 4)});
        std::vector<ClipId> all;
        for (const ClipRow& c : a.clips()) all.push_back(c.id);
        a.setLabel(all[0], "owl", "notes.csv");
        a.setLabel(all[1], "old");

        a.journalLabels(all, std::vector<std::string>(all.size(), "song"));
        a.journalLabels({all[1], all[2], all[3], all[3]}, {"", "call", "x", "trill"}); // a repeated clip: the last counts
        using Key = std::pair<ClipId, std::string>;
        std::map<Key, std::string> expected;
        for (ClipId id : all) expected[{id, "user"}] = "song";
        expected.erase({all[1], "user"});
        expected[{all[2], "user"}] = "call";
        expected[{all[3], "user"}] = "trill";
        expected[{all[0], "notes.csv"}] = "owl";
        auto asMap = [](const std::vector<LabelRow>& rows) {
            std::map<Key, std::string> m;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (i > 0 && !(Key{rows[i - 1].clipId, rows[i - 1].source} < Key{rows[i].clipId, rows[i].source}))
                    throw std::runtime_error("labels not in (clip, source) order at row " + std::to_string(i));
                m[{rows[i].clipId, rows[i].source}] = rows[i].label;
            }
            return m;
        };
        auto ofSource = [&](const std::string& source) {
            std::map<Key, std::string> m;
            for (const auto& [k, v] : expected)
                if (k.second == source) m[k] = v;
            return m;
        };
        QCOMPARE(a.journalledLabelClips(), std::int64_t(all.size() + 3));
        QCOMPARE(asMap(a.labels()), expected);
        QCOMPARE(asMap(a.labels("user")), ofSource("user"));
        QCOMPARE(asMap(a.labels("notes.csv")), ofSource("notes.csv"));
        QCOMPARE(asMap(Archive::openReadOnly(file).labels()), expected); // another connection reads it too

        // Folded a record at a time: the same labels at every step, then the journal is empty.
        int slices = 0;
        for (std::int64_t left = a.journalledLabelClips(); left > 0; ++slices) {
            const std::int64_t next = a.foldLabelJournal(1);
            QVERIFY(next < left);
            left = next;
            QCOMPARE(asMap(a.labels()), expected);
        }
        QVERIFY2(slices >= 4, qPrintable(QString::number(slices)));
        {
            SQLite::Database db(file.string(), SQLite::OPEN_READONLY); // now all in the table itself
            QCOMPARE(db.execAndGet("SELECT count(*) FROM label_journal").getInt(), 0);
            QCOMPARE(db.execAndGet("SELECT count(*) FROM labels").getInt64(), std::int64_t(expected.size()));
        }

        // A row-by-row write after a journalled one comes after it.
        a.journalLabels({all[5]}, {"late"});
        a.writeLabels({all[5]}, {"later"});
        QCOMPARE(a.journalledLabelClips(), std::int64_t(0));
        QCOMPARE(asMap(a.labels("user"))[Key(all[5], "user")], std::string("later"));

        // A journalled label of a deleted clip goes with the clip: not to a new clip given its id.
        a.journalLabels({all.back()}, {"gone"});
        a.storeRecording(rec("y.wav"), {}, "w", "m", {});
        QCOMPARE(a.journalledLabelClips(), std::int64_t(0));
        a.storeRecording(rec("z.wav"), {{0, 1}, {1, 2}}, "w", "m", {vec(1, 2), vec(3, 4)});
        for (const LabelRow& l : a.labels()) QVERIFY(l.label != "gone");

        // A journal left by a process that never folded it is read as labels by the next one,
        // read-only or not, and folded by whichever folds first.
        a.journalLabels({all[7]}, {"kept"});
        QCOMPARE(asMap(Archive::openReadOnly(file).labels("user"))[Key(all[7], "user")], std::string("kept"));
        {
            Archive b = Archive::open(file);
            QCOMPARE(b.journalledLabelClips(), std::int64_t(1));
            QCOMPARE(asMap(b.labels("user"))[Key(all[7], "user")], std::string("kept"));
            QCOMPARE(b.foldLabelJournal(1), std::int64_t(0));
        }
        QCOMPARE(a.journalledLabelClips(), std::int64_t(0));
        QCOMPARE(asMap(a.labels("user"))[Key(all[7], "user")], std::string("kept"));

        // While another process writes, tryFoldLabelJournal gives up at once and folds nothing;
        // afterwards it folds.
        a.journalLabels({all[8]}, {"waiting"});
        {
            SQLite::Database writer(file.string(), SQLite::OPEN_READWRITE);
            SQLite::Transaction holding(writer, SQLite::TransactionBehavior::IMMEDIATE);
            QElapsedTimer clock;
            clock.start();
            QVERIFY(!a.tryFoldLabelJournal(1));
            QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
            QCOMPARE(a.journalledLabelClips(), std::int64_t(1));
        }
        QCOMPARE(a.tryFoldLabelJournal(1), std::optional<std::int64_t>(0));
        QCOMPARE(asMap(a.labels("user"))[Key(all[8], "user")], std::string("waiting"));
        QCOMPARE(a.integrityCheck(), std::string("ok"));
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
