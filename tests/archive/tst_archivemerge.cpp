// Sharded embedding: the shares of a folder partition it, and merging the shards' archives gives
// what one process embedding the whole folder gives (same recordings, clips, vectors), with the
// shards' labels carried over; parts that do not belong together are refused.
#include "ArchiveTestKit.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveMerge.h"
#include "core/pipeline/ClipsByHand.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/archive/FolderScanner.h"
#include "core/archive/Sharding.h"
#include "core/common/Error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>
#include <numeric>
#include <tuple>

using namespace crowlingo;
using testkit::clipVectors;
namespace fs = std::filesystem;

class TestArchiveMerge : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }
    fs::path root() const { return dir() / "rec"; }
    Model model = Model::createRandom(testkit::tinyConfig(), 1);

    EmbedFolderOptions options(ShardSpec shard = {}) const
    {
        EmbedFolderOptions o;
        o.segment = SegmentSpec::parse("events");
        o.batchSize = 8;
        o.shard = shard;
        return o;
    }

    fs::path embedShard(int index, int count, const std::string& name)
    {
        Archive a = Archive::create(dir() / name, root());
        embedFolder(a, model, options({index, count}));
        return a.file();
    }

    // One of two shards of a folder, cut into 1-s windows.
    EmbedFolderOptions windows(int shard) const
    {
        EmbedFolderOptions o = options({shard, 2});
        o.segment = SegmentSpec::parse("window:1");
        return o;
    }

    // The two shards of `recordings` in 1-s windows, embedded into "<name>-1.crowlingo" and "-2".
    std::vector<fs::path> windowShards(const fs::path& recordings, const std::string& name)
    {
        std::vector<fs::path> parts;
        for (int i = 1; i <= 2; ++i) {
            Archive a = Archive::create(dir() / (name + "-" + std::to_string(i) + ".crowlingo"), recordings);
            embedFolder(a, model, windows(i));
            parts.push_back(a.file());
        }
        return parts;
    }

private Q_SLOTS:
    void initTestCase()
    {
        testkit::writeCorpus(root(), 7, 10.0, 11);
        // A file that cannot be used: its error must survive the merge too.
        std::ofstream(root() / "not-audio.wav") << "this is text, not a RIFF file";
    }

    void parsesShardSpecs()
    {
        const ShardSpec s = ShardSpec::parse("2/4");
        QCOMPARE(s.index, 2);
        QCOMPARE(s.count, 4);
        QCOMPARE(s.toString(), std::string("2/4"));
        for (const char* bad : {"", "3", "0/2", "3/2", "1/0", "a/b", "1/2/3", "-1/2", "1 /2"})
            QVERIFY_THROWS_EXCEPTION(UsageError, ShardSpec::parse(bad));
    }

    void sharesPartitionTheFilesAndBalanceBytes()
    {
        std::vector<ScannedFile> files;
        for (int i = 0; i < 23; ++i) files.push_back({"/r/f" + std::to_string(i), 1000 + (i * 7919) % 5000, 0});
        const int n = 4;
        std::map<fs::path, int> owner;
        std::vector<std::int64_t> bytes(n, 0);
        for (int s = 1; s <= n; ++s) {
            const std::vector<ScannedFile> share = shareOf(files, {s, n});
            QVERIFY(std::is_sorted(share.begin(), share.end(), [](auto& a, auto& b) { return a.path < b.path; }));
            for (const ScannedFile& f : share) {
                QVERIFY2(owner.emplace(f.path, s).second, "a file in two shares");
                bytes[std::size_t(s - 1)] += f.size;
            }
            // Deterministic: the same input gives the same share, whatever its order.
            std::vector<ScannedFile> reversed(files.rbegin(), files.rend());
            const std::vector<ScannedFile> again = shareOf(reversed, {s, n});
            QCOMPARE(again.size(), share.size());
            for (std::size_t i = 0; i < share.size(); ++i) QCOMPARE(again[i].path, share[i].path);
        }
        QCOMPARE(owner.size(), files.size());
        // Largest-first to the lightest share: shares differ by at most the largest file.
        std::int64_t largest = 0;
        for (const ScannedFile& f : files) largest = std::max(largest, f.size);
        const auto [lo, hi] = std::minmax_element(bytes.begin(), bytes.end());
        QVERIFY2(*hi - *lo <= largest, qPrintable(QString("shares %1..%2 bytes").arg(*lo).arg(*hi)));
        // More shares than files: the extra shares are empty, not an error.
        QCOMPARE(shareOf({files.front()}, {3, 3}).size(), std::size_t(0));
    }

    void mergedShardsEqualOneProcess()
    {
        Archive whole = Archive::create(dir() / "whole.crowlingo", root());
        const EmbedReport wholeReport = embedFolder(whole, model, options());
        QCOMPARE(wholeReport.filesFailed, 1);
        QVERIFY(whole.clipCount() > 20);

        std::vector<fs::path> parts;
        int found = 0;
        for (int s = 1; s <= 3; ++s) {
            Archive a = Archive::create(dir() / ("part" + std::to_string(s) + ".crowlingo"), root());
            const EmbedReport r = embedFolder(a, model, options({s, 3}));
            found += r.filesFound;
            QVERIFY2(r.filesFound >= 2 && r.filesFound <= 4, "shares of 8 files in 3 are 2 or 3 files");
            QCOMPARE(a.meta("shard").value_or(""), (ShardSpec{s, 3}.toString()));
            parts.push_back(a.file());
        }
        QCOMPARE(found, wholeReport.filesFound);
        // A label given in a shard travels with its clip.
        ClipRow labelled;
        {
            Archive p2 = Archive::open(parts[1]);
            labelled = p2.clips().at(1);
            p2.setLabel(labelled.id, "song", "user");
        }

        const MergeReport m = mergeArchives(dir() / "merged.crowlingo", parts);
        QVERIFY(m.warnings.empty());
        QCOMPARE(m.failedRecordings, 1);
        QCOMPARE(m.labels, std::int64_t(1));
        QVERIFY(!fs::exists(dir() / "merged.crowlingo.merging"));

        const Archive merged = Archive::open(dir() / "merged.crowlingo");
        QCOMPARE(merged.integrityCheck(), std::string("ok"));
        QCOMPARE(merged.activeModel(), whole.activeModel());
        QCOMPARE(merged.meta("segmenter"), whole.meta("segmenter"));
        QVERIFY(!merged.meta("shard"));
        QCOMPARE(merged.recordings().size(), whole.recordings().size());
        for (const RecordingRow& r : whole.recordings()) {
            const auto mr = merged.recording(r.path);
            QVERIFY2(mr.has_value(), r.path.c_str());
            QCOMPARE(mr->status, r.status);
            QCOMPARE(mr->error, r.error);
            QCOMPARE(mr->size, r.size);
        }
        const auto expected = clipVectors(whole);
        const auto got = clipVectors(merged);
        QCOMPARE(got.size(), expected.size());
        for (const auto& [key, v] : expected) {
            const auto it = got.find(key);
            QVERIFY2(it != got.end(), std::get<0>(key).c_str());
            QCOMPARE(it->second.size(), v.size());
            for (std::size_t i = 0; i < v.size(); ++i) QVERIFY(std::abs(it->second[i] - v[i]) <= 1e-5f);
        }
        bool labelFound = false;
        for (const LabelRow& l : merged.labels()) {
            const ClipRow c = *merged.clip(l.clipId);
            labelFound = c.path == labelled.path && c.start == labelled.start && c.end == labelled.end && l.label == "song";
        }
        QVERIFY(labelFound);

        // Sharded archives refuse another shard and a whole-folder run.
        Archive p1 = Archive::open(parts[0]);
        QVERIFY_THROWS_EXCEPTION(UsageError, embedFolder(p1, model, options({2, 3})));
        QVERIFY_THROWS_EXCEPTION(UsageError, embedFolder(p1, model, options()));
    }

    void warnsAboutMissingShards()
    {
        const fs::path a = embedShard(1, 2, "half1.crowlingo");
        const MergeReport m = mergeArchives(dir() / "half.crowlingo", {a});
        QCOMPARE(m.warnings.size(), std::size_t(1));
        QVERIFY(m.warnings[0].find("2/2") != std::string::npos);
        // The rest can be added later by an ordinary (incremental) embed of the merged archive.
        Archive merged = Archive::open(dir() / "half.crowlingo");
        const EmbedReport r = embedFolder(merged, model, options());
        QVERIFY(r.filesEmbedded > 0);
        QVERIFY(r.filesUnchanged > 0);
    }

    void refusesPartsThatDoNotBelongTogether()
    {
        const fs::path a = embedShard(1, 2, "ok1.crowlingo");
        // Another segmentation of the same folder.
        fs::path other;
        {
            Archive b = Archive::create(dir() / "windowed.crowlingo", root());
            EmbedFolderOptions o = options({2, 2});
            o.segment = SegmentSpec::parse("window:1");
            embedFolder(b, model, o);
            other = b.file();
        }
        QVERIFY_THROWS_EXCEPTION(ArchiveError, mergeArchives(dir() / "bad1.crowlingo", {a, other}));
        QVERIFY(!fs::exists(dir() / "bad1.crowlingo"));
        // Another model.
        fs::path otherModel;
        {
            Archive b = Archive::create(dir() / "othermodel.crowlingo", root());
            embedFolder(b, Model::createRandom(testkit::tinyConfig(), 2), options({2, 2}));
            otherModel = b.file();
        }
        QVERIFY_THROWS_EXCEPTION(ArchiveError, mergeArchives(dir() / "bad2.crowlingo", {a, otherModel}));
        // A shard whose embedding was interrupted.
        fs::path unfinished;
        {
            Archive b = Archive::create(dir() / "unfinished.crowlingo", root());
            int polls = 0;
            embedFolder(b, model, options({2, 2}), Progress{{}, [&] { return ++polls > 1; }});
            QVERIFY(b.activeModel().empty());
            unfinished = b.file();
        }
        QVERIFY_THROWS_EXCEPTION(ArchiveError, mergeArchives(dir() / "bad3.crowlingo", {a, unfinished}));
        // An output that exists already is never overwritten.
        QVERIFY_THROWS_EXCEPTION(UsageError, mergeArchives(a, {other}));
        QVERIFY(fs::exists(a));
    }

    void timeExpansionComparedAsANumber()
    {
        // Embed and merge share one rule: "1.000000" (as archives stored it before 2026-12-06),
        // "1.0000000001" and "1" are the same setting (embed would add to either); 2 is another.
        const fs::path a = embedShard(1, 2, "te1.crowlingo"), b = embedShard(2, 2, "te2.crowlingo");
        Archive::open(b).setMeta("time_expansion", "1.0000000001");
        QVERIFY(mergeArchives(dir() / "te-near.crowlingo", {a, b}).warnings.empty());
        Archive::open(b).setMeta("time_expansion", "1.000000");
        const MergeReport m = mergeArchives(dir() / "te.crowlingo", {a, b});
        QVERIFY(m.warnings.empty());
        QCOMPARE(Archive::open(dir() / "te.crowlingo").meta("time_expansion").value_or(""), std::string("1"));
        Archive::open(b).setMeta("time_expansion", "2");
        try {
            mergeArchives(dir() / "te-bad.crowlingo", {a, b});
            QFAIL("merged shards read at different time expansions");
        } catch (const ArchiveError& e) {
            QVERIFY2(std::string(e.what()).find("time expansion (2) differs") != std::string::npos, e.what());
        }
    }

    // A part holding a recording that could not be read when it was last embedded, but had been
    // before: its clips, vectors and labels are merged with it (Archive::storeRecordingError keeps them).
    void aFailedRecordingKeepsItsClipsAndLabelsThroughAMerge()
    {
        const fs::path recordings = dir() / "turning";
        testkit::writeCorpus(recordings, 2, 6.0, 17);
        const std::vector<fs::path> parts = windowShards(recordings, "turning");
        Archive first = Archive::open(parts[0]);
        QVERIFY(first.clipCount() > 0);
        const std::string path = first.clips().front().path;
        std::vector<ClipId> ids;
        for (const ClipRow& c : first.clips())
            if (c.path == path) ids.push_back(c.id);
        first.setLabels(ids, "caw");
        // Unreadable, at the same size (so it stays in its shard).
        const fs::path file = recordings / path;
        const std::string garbage(std::size_t(fs::file_size(file)), 'x');
        const auto written = fs::last_write_time(file);
        std::ofstream(file, std::ios::binary | std::ios::trunc) << garbage;
        fs::last_write_time(file, written + std::chrono::seconds(5)); // changed, within the same second
        QCOMPARE(embedFolder(first, model, windows(1)).filesFailed, 1);

        const MergeReport m = mergeArchives(dir() / "turning.crowlingo", parts);
        QCOMPARE(m.failedRecordings, 1);
        Archive merged = Archive::open(dir() / "turning.crowlingo");
        QCOMPARE(merged.recording(path)->status, std::string("error"));
        std::int64_t kept = 0;
        for (const ClipRow& c : merged.clips()) kept += c.path == path;
        QCOMPARE(kept, std::int64_t(ids.size()));
        QCOMPARE(merged.labels().size(), ids.size());
        QCOMPARE(merged.embeddingCount(merged.activeModel()), merged.clipCount());
    }

    // A clip drawn by hand stays one through a merge, labelled as it was, even where it spans the
    // same time as a window of the segmentation (but another band).
    void clipsDrawnByHandKeepTheirOriginAndLabelsThroughAMerge()
    {
        const fs::path recordings = dir() / "drawn";
        testkit::writeCorpus(recordings, 2, 6.0, 19);
        const std::vector<fs::path> parts = windowShards(recordings, "drawn");
        Archive first = Archive::open(parts[0]);
        const ClipRow window = first.clips().front();
        QVERIFY(!window.byHand);
        first.setLabel(window.id, "window");
        addClipByHand(first, model, {window.path, window.start, window.end, 1000, 5000, "drawn"});
        const std::int64_t clips = first.clipCount() + Archive::open(parts[1]).clipCount();

        mergeArchives(dir() / "drawn.crowlingo", parts);
        Archive merged = Archive::open(dir() / "drawn.crowlingo");
        QCOMPARE(merged.clipCount(), clips);
        std::map<std::tuple<double, double, double, double, bool>, std::string> labelOf;
        for (const LabelRow& l : merged.labels()) {
            const ClipRow c = *merged.clip(l.clipId);
            labelOf[{c.start, c.end, c.lowHz, c.highHz, c.byHand}] = l.label;
        }
        const std::map<std::tuple<double, double, double, double, bool>, std::string> expected{
            {{window.start, window.end, window.lowHz, window.highHz, false}, "window"},
            {{window.start, window.end, 1000.0, 5000.0, true}, "drawn"}};
        QCOMPARE(labelOf, expected);
        QCOMPARE(merged.embeddingCount(merged.activeModel()), merged.clipCount());
    }
    // A shard that changed model while one of its files was broken: that recording's clips have
    // only the old model's vectors. The merge keeps them and their labels (without a vector of the
    // merged model), and says so; the file, once readable, is cut again and gets its vectors.
    void aFailedRecordingsClipsWithoutTheMergedModelsVectorsKeepTheirLabels()
    {
        const fs::path recordings = dir() / "switched";
        testkit::writeCorpus(recordings, 2, 6.0, 23);
        const Model other = Model::createRandom(testkit::tinyConfig(), 5);
        const std::vector<fs::path> parts = windowShards(recordings, "switched");
        Archive first = Archive::open(parts[0]);
        const std::string path = first.clips().front().path;
        std::vector<ClipId> ids;
        for (const ClipRow& c : first.clips())
            if (c.path == path) ids.push_back(c.id);
        first.setLabels(ids, "caw");
        const fs::path file = recordings / path;
        std::string original;
        {
            std::ifstream in(file, std::ios::binary);
            original.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto written = fs::last_write_time(file);
        std::ofstream(file, std::ios::binary | std::ios::trunc) << std::string(original.size(), 'x');
        fs::last_write_time(file, written + std::chrono::seconds(5));
        QCOMPARE(embedFolder(first, other, windows(1)).filesFailed, 1); // the other model, while broken
        QCOMPARE(first.activeModel(), other.id());
        {
            Archive second = Archive::open(parts[1]);
            QCOMPARE(embedFolder(second, other, windows(2)).filesFailed, 0);
        }

        const MergeReport m = mergeArchives(dir() / "switched.crowlingo", parts);
        QCOMPARE(m.failedRecordings, 1);
        QVERIFY2(std::any_of(m.warnings.begin(), m.warnings.end(),
                             [](const std::string& w) { return w.find("kept with their labels") != std::string::npos; }),
                 "no warning about the clips kept without vectors");
        Archive merged = Archive::open(dir() / "switched.crowlingo");
        QCOMPARE(merged.activeModel(), other.id());
        std::int64_t kept = 0;
        for (const ClipRow& c : merged.clips()) kept += c.path == path;
        QCOMPARE(kept, std::int64_t(ids.size()));
        QCOMPARE(merged.labels().size(), ids.size());
        QCOMPARE(merged.usableClipsWithoutVector(other.id()), std::int64_t(0));
        QCOMPARE(merged.embeddingCount(other.id()), merged.clipCount() - std::int64_t(ids.size()));

        // Restored: cut again where it was, with the merged model's vectors and every label.
        std::ofstream(file, std::ios::binary | std::ios::trunc) << original;
        fs::last_write_time(file, written + std::chrono::seconds(10));
        EmbedFolderOptions whole = options();
        whole.segment = SegmentSpec::parse("window:1");
        QCOMPARE(embedFolder(merged, other, whole).filesFailed, 0);
        QCOMPARE(merged.embeddingCount(other.id()), merged.clipCount());
        QCOMPARE(merged.labels().size(), ids.size());
    }
};

QTEST_GUILESS_MAIN(TestArchiveMerge)
#include "tst_archivemerge.moc"
