// Embedding a folder into an archive: resumable after cancellation, incremental, robust to bad
// files, model changes keep clips and switch the active model only when complete.
#include "ArchiveTestKit.h"
#include "BadInputCorpus.h"

#include "core/archive/Archive.h"
#include "core/archive/ClipByHandRemoval.h"
#include "core/pipeline/ClipsByHand.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/archive/RecordingOverview.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Error.h"
#include "core/archive/ClipFeatures.h"
#include "core/audio/AudioReader.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/model/Embedder.h"

#include <QTemporaryDir>
#include <QtTest>

#include <sndfile.h>

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <set>
#include <tuple>

using namespace crowlingo;
namespace fs = std::filesystem;


class TestFolderEmbedder : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path root() const { return fs::path(tmp.path().toStdString()) / "rec"; }
    fs::path archiveFile() const { return fs::path(tmp.path().toStdString()) / "a.crowlingo"; }
    Model model = Model::createRandom(testkit::tinyConfig(), 1);

    EmbedFolderOptions options() const
    {
        EmbedFolderOptions o;
        o.segment = SegmentSpec::parse("window:1");
        o.batchSize = 8;
        return o;
    }

    // Every clip once: no two clips of a recording share start and end; one vector per clip.
    // The clip's stored vector is what the model gives for those samples of the file, read as
    // embedFolder reads clips (to float32 rounding).
    static void verifyVectorOf(const Archive& a, const Model& model, ClipId id, const fs::path& file, double start, double end)
    {
        const MelSpectrogram mel(model.config().mel);
        AudioReader reader(file, {.targetRate = mel.params().sampleRate});
        Embedder embedder(model, {});
        const std::vector<float> expected = embedder.embed(clipLogMel(reader, mel, start, end));
        const std::vector<float> stored = *a.embedding(id, model.id());
        QCOMPARE(stored.size(), expected.size());
        for (std::size_t i = 0; i < stored.size(); ++i) QVERIFY(std::abs(stored[i] - expected[i]) < 1e-5f);
    }

    // source -> label of one clip
    static std::map<std::string, std::string> labelsOf(const Archive& a, ClipId id)
    {
        std::map<std::string, std::string> byWhom;
        for (const LabelRow& l : a.labels())
            if (l.clipId == id) byWhom[l.source] = l.label;
        return byWhom;
    }

    static void verifyComplete(const Archive& a, const std::string& modelId)
    {
        std::set<std::tuple<std::int64_t, double, double>> seen;
        for (const ClipRow& c : a.clips()) QVERIFY2(seen.emplace(c.recordingId, c.start, c.end).second, "duplicate clip");
        QCOMPARE(a.embeddingCount(modelId), a.clipCount());
        QCOMPARE(a.integrityCheck(), std::string("ok"));
    }

private Q_SLOTS:
    void initTestCase()
    {
        // The vectors below are compared to float32 rounding; bfloat16 is checked in tst_embedder.
        setPrecisionChoice(PrecisionChoice::Float32);
        testkit::writeCorpus(root(), 4, 12.0);
    }

    void cancelThenResumeGivesEveryClipOnce()
    {
        Archive a = Archive::create(archiveFile(), root());
        int pieces = 0;
        const Progress stopEarly{{}, [&] { return ++pieces > 2; }};
        const EmbedReport first = embedFolder(a, model, options(), stopEarly);
        QVERIFY(first.cancelled);
        QVERIFY(first.filesEmbedded < 4);
        QVERIFY(a.activeModel().empty()); // incomplete: no active model yet
        const EmbedReport second = embedFolder(a, model, options());
        QVERIFY(!second.cancelled);
        QCOMPARE(second.filesEmbedded + second.filesUnchanged, 4);
        QCOMPARE(second.filesUnchanged, first.filesEmbedded);
        QCOMPARE(a.clipCount(), 4 * 12); // window:1 over 12 s files
        verifyComplete(a, model.id());
        QCOMPARE(a.activeModel(), model.id());
    }

    // A complete embedding stores the vectors in the space clips are compared in, and a later run
    // that adds clips stores them again for all of them.
    void theRetrievalSpaceIsStoredForEveryClip()
    {
        ModelConfig wide = testkit::tinyConfig();
        wide.encoderDim = 64;
        wide.readout.keepRows = true; // 4 rows x 64 = 256 values per clip: more than the space's 128 axes
        const Model wideModel = Model::createRandom(wide, 2);
        const fs::path folder = fs::path(tmp.path().toStdString()) / "wide";
        testkit::writeCorpus(folder, 4, 12.0, 5);
        Archive a = Archive::create(fs::path(tmp.path().toStdString()) / "wide.crowlingo", folder);
        embedFolder(a, wideModel, options());
        QCOMPARE(a.clipCount(), 48);
        QVERIFY(hasCurrentRetrievalSpace(a, wideModel.id()));
        QCOMPARE(a.embeddings(retrievalSpaceId(wideModel.id())).dimension, 47);
        testkit::writeCorpus(folder / "new", 1, 5.0, 98);
        embedFolder(a, wideModel, options());
        QCOMPARE(a.clipCount(), 53);
        QVERIFY(hasCurrentRetrievalSpace(a, wideModel.id()));
        QCOMPARE(a.embeddingCount(retrievalSpaceId(wideModel.id())), 53);
    }

    void rerunIsIncremental()
    {
        Archive a = Archive::open(archiveFile());
        const EmbedReport again = embedFolder(a, model, options());
        QCOMPARE(again.filesEmbedded, 0);
        QCOMPARE(again.filesUnchanged, 4);
        // One new file: only it is embedded.
        testkit::writeCorpus(root() / "new", 1, 5.0, 99);
        const EmbedReport added = embedFolder(a, model, options());
        QCOMPARE(added.filesEmbedded, 1);
        QCOMPARE(added.filesUnchanged, 4);
        QCOMPARE(a.clipCount(), 4 * 12 + 5);
        verifyComplete(a, model.id());
    }

    void badFilesAreReportedAndTheRestEmbeds()
    {
        { std::ofstream(root() / "notes.wav") << "this is not audio\n"; }
        { std::ofstream(root() / "empty.flac"); }
        Archive a = Archive::open(archiveFile());
        const EmbedReport r = embedFolder(a, model, options());
        QCOMPARE(r.filesFailed, 2);
        QCOMPARE(r.errors.size(), std::size_t(2));
        for (const auto& [path, why] : r.errors) {
            QVERIFY2(why.find(path.substr(path.rfind('/') + 1)) != std::string::npos, why.c_str()); // names the file
        }
        QCOMPARE(a.recording("notes.wav")->status, std::string("error"));
        QCOMPARE(a.clipCount(), 4 * 12 + 5);
        // The overview lists exactly the two unreadable files as problems, with their reasons.
        std::vector<std::string> problems;
        for (const RecordingOverview& o : overviewRecordings(a.recordings(), a.clips()))
            if (o.shownBy(RecordingFilter::WithProblems)) {
                problems.push_back(o.recording.path);
                QVERIFY2(o.note().starts_with("not read: "), o.note().c_str());
                QCOMPARE(o.clips, std::int64_t(0));
            }
        QCOMPARE(problems, (std::vector<std::string>{"empty.flac", "notes.wav"}));
        // Unchanged bad files are reported again, not retried.
        const EmbedReport again = embedFolder(a, model, options());
        QCOMPARE(again.filesFailed, 2);
        QCOMPARE(again.filesEmbedded, 0);
        fs::remove(root() / "notes.wav");
        fs::remove(root() / "empty.flac");
    }

    void recordingsWithoutClipsAreNamed()
    {
        // A quiet recording next to one with calls: with event detection it gives no clip, and the
        // report names it (the CLI and the GUI list these files).
        const fs::path dir = fs::path(tmp.path().toStdString()) / "quiet";
        testkit::writeCorpus(dir, 1, 6.0, 11);
        std::vector<float> hiss(22050 * 3);
        std::uint32_t state = 7;
        for (float& v : hiss) v = 1e-4f * (float((state = state * 1664525u + 1013904223u) >> 8) / float(1 << 24) - 0.5f);
        QVERIFY(testkit::writeFrames(dir / "quiet.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 22050, 1, hiss));
        Archive a = Archive::create(fs::path(tmp.path().toStdString()) / "quiet.crowlingo", dir);
        const EmbedReport r = embedFolder(a, model, EmbedFolderOptions{.segment = SegmentSpec::parse("events")});
        QCOMPARE(r.filesEmbedded, 2);
        QCOMPARE(r.withoutClips, std::vector<std::string>{"quiet.wav"});
        QVERIFY(a.clipCount() > 0);

        // Later, the archive's overview still tells them apart (the Recordings list, `recordings`).
        const std::vector<RecordingOverview> all = overviewRecordings(a.recordings(), a.clips());
        QCOMPARE(all.size(), std::size_t(2));
        std::int64_t clips = 0;
        for (const RecordingOverview& o : all) {
            clips += o.clips;
            const bool quiet = o.recording.path == "quiet.wav";
            QCOMPARE(o.shownBy(RecordingFilter::WithoutClips), quiet);
            QCOMPARE(o.clips == 0, quiet);
            QCOMPARE(o.note().starts_with("no clip"), quiet);
            QVERIFY(!o.shownBy(RecordingFilter::WithProblems));
        }
        QCOMPARE(clips, a.clipCount());
        const RecordingTally t = tallyRecordings(all);
        QCOMPARE(t.withoutClips, std::size_t(1));
        QCOMPARE(t.withProblems, std::size_t(0));
    }

    void aSyllableShorterThanOneFftFrameIsEmbedded()
    {
        // 20 ms at 32 kHz: 640 samples, less than the 1024-sample analysis frame at 22.05 kHz.
        std::vector<float> x(640);
        for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.5f * float(std::sin(2 * M_PI * 3000.0 * double(i) / 32000));
        QVERIFY(testkit::writeFrames(root() / "syllable.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 32000, 1, x));
        Archive a = Archive::open(archiveFile());
        const EmbedReport r = embedFolder(a, model, options());
        QCOMPARE(r.filesFailed, 0);
        QCOMPARE(r.filesEmbedded, 1);
        QCOMPARE(a.recording("syllable.wav")->status, std::string("embedded"));
        int clips = 0;
        for (const ClipRow& c : a.clips()) clips += c.path == "syllable.wav";
        QCOMPARE(clips, 1);
        verifyComplete(a, model.id());
    }

    void eachOfManyOneCallFilesGetsItsOwnVector()
    {
        // One call per file: the files waiting in the queue go through the model together, and
        // each vector must still be filed under its own recording. Every file's stored vector is
        // compared with its clip embedded alone.
        const fs::path dir = fs::path(tmp.path().toStdString()) / "calls";
        fs::create_directories(dir);
        for (int i = 0; i < 40; ++i) {
            const int samples = 600 + 550 * i; // 27 ms to 1 s: part of one patch column to three windows
            const double hz = 500.0 + 180.0 * i;
            std::vector<float> x(std::size_t(samples), 0.0f);
            for (int n = 0; n < samples; ++n)
                x[std::size_t(n)] = 0.4f * float(std::sin(2 * M_PI * hz * n / 22050.0)) * float(n % (40 + i) < 20);
            QVERIFY(testkit::writeFrames(dir / ("call_" + std::to_string(100 + i) + ".wav"), SF_FORMAT_WAV | SF_FORMAT_PCM_16,
                                         22050, 1, x));
        }
        const fs::path file = fs::path(tmp.path().toStdString()) / "calls.crowlingo";
        Archive a = Archive::create(file, dir);
        EmbedFolderOptions o;
        o.segment = SegmentSpec::parse("whole");
        o.batchSize = 8;
        const EmbedReport r = embedFolder(a, model, o);
        QCOMPARE(r.filesEmbedded, 40);
        QCOMPARE(r.timeScale, 1);
        Embedder alone(model, EmbedOptions{.batchSize = 1, .skipEmptyColumns = false});
        const MelSpectrogram mel(model.config().mel);
        double worst = 0;
        for (const auto& [key, stored] : testkit::clipVectors(a)) {
            AudioReader reader(dir / std::get<0>(key), {.targetRate = model.config().mel.sampleRate});
            const std::vector<float> v = alone.embed(clipLogMel(reader, mel, std::get<1>(key), std::get<2>(key)));
            QCOMPARE(stored.size(), v.size());
            for (std::size_t j = 0; j < v.size(); ++j)
                worst = std::max(worst, double(std::abs(stored[j] - v[j])));
        }
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
    }

    void newModelKeepsClipsAndOldVectorsUntilComplete()
    {
        Archive a = Archive::open(archiveFile());
        const auto clipsBefore = a.clips();
        const Model other = Model::createRandom(testkit::tinyConfig(), 2);
        QVERIFY(other.id() != model.id());
        int pieces = 0;
        const EmbedReport partial = embedFolder(a, other, options(), Progress{{}, [&] { return ++pieces > 2; }});
        QVERIFY(partial.cancelled);
        QCOMPARE(a.activeModel(), model.id());            // old model still shown
        QCOMPARE(a.embeddingCount(model.id()), a.clipCount()); // old vectors kept
        embedFolder(a, other, options());
        QCOMPARE(a.activeModel(), other.id());
        QCOMPARE(a.clips().size(), clipsBefore.size()); // the syllable included
        QCOMPARE(a.clips().front().id, clipsBefore.front().id); // same clips, new vectors
        verifyComplete(a, other.id());
    }

    // A file that failed is tried again when it may now work: with retryFailed, after a model
    // change, and after a failure of access (here: permission denied, then permission given).
    void failedFilesAreRetriedWhenTheyMayNowWork()
    {
        const fs::path base = fs::path(tmp.path().toStdString());
        const fs::path dir = base / "retry";
        testkit::writeCorpus(dir, 1, 3.0);
        testkit::writeCorpus(base / "retry-source", 1, 2.0, 9);
        fs::path recording;
        for (const auto& e : fs::recursive_directory_iterator(base / "retry-source"))
            if (e.path().extension() == ".flac") recording = e.path(); // (libsndfile reads it by content, whatever the name)
        QVERIFY(!recording.empty());
        // notes.wav is a text file exactly as long as a real recording, so that it can become that
        // recording with its size and time unchanged: "unchanged" to the folder scanner.
        const auto size = std::size_t(fs::file_size(recording));
        { std::ofstream(dir / "notes.wav") << std::string(size, 'x'); }
        const auto mtime = fs::last_write_time(dir / "notes.wav");
        auto become = [&](bool audio) {
            if (audio) fs::copy_file(recording, dir / "notes.wav", fs::copy_options::overwrite_existing);
            else std::ofstream(dir / "notes.wav") << std::string(size, 'x');
            fs::last_write_time(dir / "notes.wav", mtime);
        };

        // Same model and settings, file unchanged: the failure is reported again, not retried ...
        Archive a = Archive::create(base / "retry-a.crowlingo", dir);
        QCOMPARE(embedFolder(a, model, options()).filesFailed, 1);
        become(true);
        QCOMPARE(embedFolder(a, model, options()).filesFailed, 1);
        QCOMPARE(a.recording("notes.wav")->status, std::string("error"));
        // ... unless asked.
        EmbedFolderOptions retry = options();
        retry.retryFailed = true;
        const EmbedReport retried = embedFolder(a, model, retry);
        for (const auto& [path, why] : retried.errors) qInfo("%s: %s", path.c_str(), why.c_str());
        QCOMPARE(retried.filesFailed, 0);
        QCOMPARE(a.recording("notes.wav")->status, std::string("embedded"));

        // Another model retries on its own.
        become(false);
        Archive b = Archive::create(base / "retry-b.crowlingo", dir);
        QCOMPARE(embedFolder(b, model, options()).filesFailed, 1);
        become(true);
        QCOMPARE(embedFolder(b, Model::createRandom(testkit::tinyConfig(), 2), options()).filesFailed, 0);
        QCOMPARE(b.recording("notes.wav")->status, std::string("embedded"));

        // Permission denied, then given: retried without being asked. (As root, permissions only
        // count once the override is dropped.)
        const bool root = ::geteuid() == 0;
        if (root) testkit::setFileAccessOverride(false);
        fs::permissions(dir / "notes.wav", fs::perms::none);
        Archive c = Archive::create(base / "retry-c.crowlingo", dir);
        const EmbedReport denied = embedFolder(c, model, options());
        fs::permissions(dir / "notes.wav", fs::perms::owner_read | fs::perms::owner_write);
        if (root) testkit::setFileAccessOverride(true);
        QCOMPARE(denied.filesFailed, 1);
        QVERIFY2(c.recording("notes.wav")->error.find("ermission") != std::string::npos, c.recording("notes.wav")->error.c_str());
        QCOMPARE(embedFolder(c, model, options()).filesFailed, 0);
        QCOMPARE(c.recording("notes.wav")->status, std::string("embedded"));
    }

    void timeScaleIsChosenFromTheClipsAndKept()
    {
        // The tiny model's window is 32 frames of 256 samples (0.37 s): 80-ms clips fit 4x finer.
        const fs::path dir = fs::path(tmp.path().toStdString()) / "scale";
        testkit::writeCorpus(dir / "rec", 2, 3.0, 5);
        EmbedFolderOptions o = options();
        o.segment = SegmentSpec::parse("window:0.08");
        o.timeScale = EmbedFolderOptions::kStoredOrChosen;
        Archive a = Archive::create(dir / "short.crowlingo", dir / "rec");
        const EmbedReport r = embedFolder(a, model, o);
        QCOMPARE(r.timeScale, 4);
        QCOMPARE(a.meta("time_scale").value_or(""), std::string("4"));
        const Model reading = model.withTimeScale(4);
        QCOMPARE(a.activeModel(), reading.id());
        verifyComplete(a, reading.id());
        // The config stored with the vectors is the one they were read with.
        const ModelConfig stored = ModelConfig::fromJsonString(a.meta("model_config:" + reading.id()).value_or(""));
        QCOMPARE(stored.mel.hop, model.config().mel.hop / 4);
        QCOMPARE(stored.timeScale, 4);

        // Later runs read at the archive's scale, whatever the default; another scale is refused.
        EmbedFolderOptions later = options();
        later.segment = o.segment;
        QCOMPARE(embedFolder(a, model, later).filesUnchanged, 2);
        QCOMPARE(a.activeModel(), reading.id());
        later.timeScale = 2;
        QVERIFY_THROWS_EXCEPTION(UsageError, embedFolder(a, model, later));

        // Clips as long as the window: read as trained. Asked explicitly: the scale asked.
        Archive b = Archive::create(dir / "long.crowlingo", dir / "rec");
        o.segment = SegmentSpec::parse("window:1");
        QCOMPARE(embedFolder(b, model, o).timeScale, 1);
        QCOMPARE(b.activeModel(), model.id());
        Archive c = Archive::create(dir / "asked.crowlingo", dir / "rec");
        o.timeScale = 2;
        QCOMPARE(embedFolder(c, model, o).timeScale, 2);
        QCOMPARE(c.activeModel(), model.withTimeScale(2).id());
    }

    void recordingsSegmentedToChooseTheScaleGiveWhatSegmentingAgainGives()
    {
        // Choosing the time scale segments a few recordings; their clips and what was read of them
        // are handed on rather than found again. The archive must be the one a run that segments
        // every recording while embedding makes: the same clips, vectors and notes (a clipped
        // recording is noted from everything read of it).
        const fs::path dir = fs::path(tmp.path().toStdString()) / "sampled";
        testkit::writeCorpus(dir / "rec", 3, 4.0, 11);
        std::vector<float> x(22050 * 3, 0.0f);
        for (std::size_t n = 0; n < x.size(); ++n)
            if ((n / 5000) % 3 == 1) // 0.23-s bursts, driven past full scale
                x[n] = std::clamp(3.0f * float(std::sin(2 * M_PI * 2500.0 * double(n) / 22050)), -1.0f, 1.0f);
        QVERIFY(testkit::writeFrames(dir / "rec" / "clipped.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 22050, 1, x));

        EmbedFolderOptions chosen = options();
        chosen.segment = SegmentSpec::parse("events");
        chosen.timeScale = EmbedFolderOptions::kStoredOrChosen;
        Archive a = Archive::create(dir / "chosen.crowlingo", dir / "rec");
        const EmbedReport ra = embedFolder(a, model, chosen);
        QCOMPARE(ra.filesEmbedded, 4);
        EmbedFolderOptions given = chosen;
        given.timeScale = ra.timeScale;
        Archive b = Archive::create(dir / "given.crowlingo", dir / "rec");
        QCOMPARE(embedFolder(b, model, given).filesEmbedded, 4);

        const auto va = testkit::clipVectors(a), vb = testkit::clipVectors(b);
        QVERIFY(va.size() > 8);
        QCOMPARE(va.size(), vb.size());
        for (const auto& [key, v] : va) {
            QVERIFY2(vb.count(key), qPrintable(QString::fromStdString(std::get<0>(key))));
            const std::vector<float>& w = vb.at(key);
            for (std::size_t j = 0; j < v.size(); ++j) QVERIFY(std::abs(v[j] - w[j]) < 1e-5f);
        }
        bool notedClipping = false;
        for (const RecordingRow& r : a.recordings()) {
            QCOMPARE(r.error, b.recording(r.path)->error);
            notedClipping = notedClipping || r.error.find("clipped") != std::string::npos;
        }
        QVERIFY(notedClipping); // control: the note is there to compare
    }

    void changingTheSegmentationIsRefused()
    {
        Archive a = Archive::open(archiveFile());
        EmbedFolderOptions o = options();
        o.segment = SegmentSpec::parse("window:2");
        QVERIFY_THROWS_EXCEPTION(UsageError, embedFolder(a, model, o));
    }

    // --segment table: the clips are the researcher's selections as drawn (band included), each
    // labelled with its selection's label under the table's name; a selection that gives no clip
    // is reported by table and line, one past the recording's end as a note on the recording.
    void clipsAreTheSelectionsOfTables()
    {
        const fs::path dir = fs::path(tmp.path().toStdString()) / "selections";
        testkit::writeCorpus(dir, 3, 6.0, 11); // rec_000.flac .. rec_002.flac, 6 s each
        const fs::path notes = dir / "annotations";
        fs::create_directories(notes);
        const std::string header = "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\n";
        auto write = [&](const std::string& name, const std::string& rows) { std::ofstream(notes / name) << header << rows; };
        // rec_000: two calls (each listed once per view, as Raven lists them), one unlabelled, one past the end.
        write("rec_000.Table.1.selections.txt", "1\tWaveform 1\t1\t0.5\t0.9\t1000\t4000\tcaw\n"
                                                "1\tSpectrogram 1\t1\t0.5\t0.9\t1000\t4000\tcaw\n"
                                                "2\tSpectrogram 1\t1\t2.25\t2.375\t3000\t8000\trattle\n"
                                                "3\tSpectrogram 1\t1\t4\t4.5\t500\t9000\t\n"
                                                "4\tSpectrogram 1\t1\t7\t7.5\t500\t9000\tcaw\n");
        // rec_002: one call drawn twice; "ghost" is no recording of the folder. rec_001 has no table.
        write("rec_002.Table.1.selections.txt", "1\tSpectrogram 1\t1\t1\t1.2\t0\t11000\tcaw\n"
                                                "2\tSpectrogram 1\t1\t1\t1.2\t0\t11000\tcaw\n");
        write("ghost.Table.1.selections.txt", "1\tSpectrogram 1\t1\t1\t2\t0\t1000\tcaw\n");

        const fs::path file = fs::path(tmp.path().toStdString()) / "selections.crowlingo";
        Archive a = Archive::create(file, dir);
        EmbedFolderOptions o = options();
        o.segment = SegmentSpec::parse("table"); // the tables under the recordings folder
        o.timeScale = EmbedFolderOptions::kStoredOrChosen;
        const EmbedReport r = embedFolder(a, model, o);
        QVERIFY(r.fromSelections);
        QCOMPARE(r.filesFailed, 0);
        using Span = std::tuple<std::string, double, double, double, double>;
        std::set<Span> clips;
        for (const ClipRow& c : a.clips()) clips.emplace(c.path, c.start, c.end, c.lowHz, c.highHz);
        const std::set<Span> drawn = {{"rec_000.flac", 0.5, 0.9, 1000, 4000}, {"rec_000.flac", 2.25, 2.375, 3000, 8000},
                                      {"rec_000.flac", 4, 4.5, 500, 9000}, {"rec_002.flac", 1, 1.2, 0, 11000}};
        QCOMPARE(clips, drawn);
        verifyComplete(a, model.id());

        std::map<std::pair<std::string, double>, LabelRow> labels; // (recording, start) -> label
        for (const LabelRow& l : a.labels()) {
            const ClipRow c = *a.clip(l.clipId);
            labels[{c.path, c.start}] = l;
        }
        QCOMPARE(labels.size(), std::size_t(3)); // the unlabelled selection's clip has none
        const auto labelAt = [&](const std::string& path, double start) { return labels[std::make_pair(path, start)]; };
        QCOMPARE(labelAt("rec_000.flac", 2.25).label, std::string("rattle"));
        QCOMPARE(labelAt("rec_000.flac", 0.5).source, std::string("rec_000.Table.1.selections.txt"));
        QCOMPARE(labelAt("rec_002.flac", 1.0).label, std::string("caw"));
        QCOMPARE(r.clipsLabelledFromSelections, 3);

        // Tables in name order, lines in order: ghost's row, then rec_002's second drawing of one call.
        QCOMPARE(r.selectionProblems.size(), std::size_t(2));
        QVERIFY2(r.selectionProblems[0].starts_with("ghost.Table.1.selections.txt line 2: no recording named \"ghost.*\""),
                 r.selectionProblems[0].c_str());
        QVERIFY2(r.selectionProblems[1].starts_with("rec_002.Table.1.selections.txt line 3: the same span as"),
                 r.selectionProblems[1].c_str());
        QCOMPARE(r.withoutClips, std::vector<std::string>{"rec_001.flac"});
        QCOMPARE(r.notes.size(), std::size_t(1));
        QCOMPARE(r.notes[0].first, std::string("rec_000.flac"));
        QVERIFY2(r.notes[0].second.find("1 selection(s) of the table start after the recording's end") != std::string::npos,
                 r.notes[0].second.c_str());

        // A rerun has nothing to do; a label its run stored no longer (an interrupted run) comes back,
        // and the researcher's own label on a selection's clip stays beside it.
        const ClipId caw = [&] { for (const ClipRow& c : a.clips()) if (c.start == 0.5) return c.id; return ClipId(0); }();
        a.clearLabel(caw, "rec_000.Table.1.selections.txt");
        a.setLabel(caw, "crow", "user");
        const EmbedReport again = embedFolder(a, model, o);
        QCOMPARE(again.filesUnchanged, 3);
        QCOMPARE(again.clipsLabelledFromSelections, 1);
        QCOMPARE(a.labels().size(), std::size_t(4));
        QCOMPARE(a.labels("user").size(), std::size_t(1));

        // Selections drawn and relabelled since: the recording is cut again; the clips whose
        // selection stayed keep every label (the researcher's too), and the table's changed label wins.
        write("rec_000.Table.1.selections.txt", "1\tSpectrogram 1\t1\t0.5\t0.9\t1000\t4000\tcaw\n"
                                                "2\tSpectrogram 1\t1\t2.25\t2.375\t3000\t8000\ttrill\n"
                                                "3\tSpectrogram 1\t1\t4\t4.5\t500\t9000\t\n"
                                                "4\tSpectrogram 1\t1\t5\t5.5\t500\t9000\tcaw\n");
        const EmbedReport recut = embedFolder(a, model, o);
        QCOMPARE(recut.recut, std::vector<std::string>{"rec_000.flac"});
        QCOMPARE(recut.filesEmbedded, 1);
        QCOMPARE(a.clipCount(), std::int64_t(5));
        verifyComplete(a, model.id());
        std::map<std::tuple<double, std::string>, std::string> bySpan; // (start, source) -> label
        for (const LabelRow& l : a.labels()) bySpan[{a.clip(l.clipId)->start, l.source}] = l.label;
        const std::string rec0 = "rec_000.Table.1.selections.txt";
        QCOMPARE(bySpan[std::make_tuple(0.5, std::string("user"))], std::string("crow"));
        QCOMPARE(bySpan[std::make_tuple(0.5, rec0)], std::string("caw"));
        QCOMPARE(bySpan[std::make_tuple(2.25, rec0)], std::string("trill"));
        QCOMPARE(bySpan[std::make_tuple(5.0, rec0)], std::string("caw"));
        QCOMPARE(a.labels().size(), std::size_t(5)); // rec_000: 3 from its table and 1 user label; rec_002: 1
        QCOMPARE(embedFolder(a, model, o).recut.size(), std::size_t(0)); // and then it is settled

        // Re-embedding the clips with another model (as adapt does) needs no table: it may be gone.
        fs::remove_all(notes);
        const Model other = Model::createRandom(testkit::tinyConfig(), 2);
        const EmbedReport moved = embedFolder(a, other, o);
        QCOMPARE(moved.filesFailed, 0);
        QCOMPARE(a.activeModel(), other.id());
        QCOMPARE(a.embeddingCount(other.id()), std::int64_t(5));
        // ... but a new archive, whose recordings need cutting, stops before storing anything.
        Archive b = Archive::create(fs::path(tmp.path().toStdString()) / "no-table.crowlingo", dir);
        try {
            embedFolder(b, model, o);
            QFAIL("embedded without the tables");
        } catch (const UsageError& e) {
            QVERIFY2(std::string(e.what()).find("no Raven selection table") != std::string::npos, e.what());
        }
        QCOMPARE(b.clipCount(), std::int64_t(0));
        QVERIFY(b.recordings().empty());
        QVERIFY(!b.meta("segmenter"));
    }

    // A labelled recording that cannot be read for a while (a copy in progress, a damaged file later
    // restored) keeps its clips, vectors and labels; another model still becomes active meanwhile;
    // restored, the recording is cut again where it was and every label is where it was.
    void aRecordingThatTurnsUnreadableKeepsItsClipsAndLabels()
    {
        const fs::path dir = fs::path(tmp.path().toStdString()) / "turning";
        testkit::writeCorpus(dir, 2, 6.0, 13);
        Archive a = Archive::create(fs::path(tmp.path().toStdString()) / "turning.crowlingo", dir);
        QCOMPARE(embedFolder(a, model, options()).filesFailed, 0);
        QCOMPARE(a.clipCount(), std::int64_t(12));
        std::map<std::pair<std::string, double>, std::string> labelled; // (recording, start) -> label
        for (const ClipRow& c : a.clips())
            if (c.path == "rec_000.flac" && c.start < 3) {
                a.setLabel(c.id, "caw" + std::to_string(int(c.start)));
                labelled[{c.path, c.start}] = "caw" + std::to_string(int(c.start));
            }
        QCOMPARE(labelled.size(), std::size_t(3));
        const auto labelsNow = [&] {
            std::map<std::pair<std::string, double>, std::string> m;
            for (const LabelRow& l : a.labels()) {
                const ClipRow c = *a.clip(l.clipId);
                m[{c.path, c.start}] = l.label;
            }
            return m;
        };

        const fs::path file = dir / "rec_000.flac";
        std::string original;
        {
            std::ifstream in(file, std::ios::binary);
            original.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::ofstream(file, std::ios::binary | std::ios::trunc) << "not audio any more";
        const EmbedReport broken = embedFolder(a, model, options());
        QCOMPARE(broken.filesFailed, 1);
        QCOMPARE(a.recording("rec_000.flac")->status, std::string("error"));
        QCOMPARE(a.clipCount(), std::int64_t(12));
        QCOMPARE(labelsNow(), labelled);

        const Model other = Model::createRandom(testkit::tinyConfig(), 2);
        QCOMPARE(embedFolder(a, other, options()).filesFailed, 1);
        QCOMPARE(a.activeModel(), other.id()); // the readable recording's clips all have its vectors
        QCOMPARE(a.embeddingCount(other.id()), std::int64_t(6));

        std::ofstream(file, std::ios::binary | std::ios::trunc) << original;
        const EmbedReport restored = embedFolder(a, other, options());
        QCOMPARE(restored.filesFailed, 0);
        QCOMPARE(restored.filesEmbedded, 1);
        QCOMPARE(a.recording("rec_000.flac")->status, std::string("embedded"));
        QCOMPARE(a.clipCount(), std::int64_t(12));
        QCOMPARE(a.usableClipsWithoutVector(other.id()), std::int64_t(0));
        QCOMPARE(labelsNow(), labelled);
        verifyComplete(a, other.id());
    }

    // A clip the researcher draws (Recording view, add-clip): embedded at once exactly as embedFolder
    // reads clips, compared in the retrieval space, and kept, with its label, when its recording is
    // cut again or the archive changes model; removable, unlike the segmentation's clips.
    void clipsDrawnByHandAreEmbeddedAndKept()
    {
        ModelConfig wide = testkit::tinyConfig();
        wide.encoderDim = 64;
        wide.readout.keepRows = true; // 256 values: more than the retrieval space's 128 axes, so it is stored
        const Model model = Model::createRandom(wide, 2);
        const fs::path dir = fs::path(tmp.path().toStdString()) / "byhand";
        testkit::writeCorpus(dir, 3, 12.0, 21);
        Archive a = Archive::create(fs::path(tmp.path().toStdString()) / "byhand.crowlingo", dir);
        QCOMPARE(embedFolder(a, model, options()).filesFailed, 0);
        QCOMPARE(a.clipCount(), std::int64_t(36)); // more than the 32 from which a retrieval space is stored
        QVERIFY(hasCurrentRetrievalSpace(a, model.id()));

        const ClipId id = addClipByHand(a, model, {"rec_000.flac", 1.25, 1.55, 500, 4000, "chip"});
        const ClipRow drawn = *a.clip(id);
        QVERIFY(drawn.byHand);
        QCOMPARE(drawn.start, 1.25);
        QCOMPARE(drawn.end, 1.55);
        QCOMPARE(drawn.lowHz, 500.0);
        QCOMPARE(drawn.highHz, 4000.0);
        QCOMPARE(a.clipCount(), std::int64_t(37));
        const std::vector<ClipRow> all = a.clips();
        QCOMPARE(std::count_if(all.begin(), all.end(), [](const ClipRow& c) { return c.byHand; }), 1);
        const std::vector<LabelRow> labels = a.labels();
        QCOMPARE(labels.size(), std::size_t(1));
        QCOMPARE(labels[0].clipId, id);
        QCOMPARE(labels[0].label, std::string("chip"));
        QCOMPARE(labels[0].source, std::string("user"));
        // Its vector is what the model gives for those samples, read as embedFolder reads clips.
        verifyVectorOf(a, model, id, dir / "rec_000.flac", 1.25, 1.55);
        // Moved into the retrieval space like the others, and found among them.
        QVERIFY(hasCurrentRetrievalSpace(a, model.id()));
        const EmbeddingMatrix space = retrievalVectors(a, model.id());
        QVERIFY(std::find(space.clipIds.begin(), space.clipIds.end(), id) != space.clipIds.end());

        // Refused, each with its reason.
        const auto refused = [&](const ClipByHand& c, const char* why) {
            try {
                addClipByHand(a, model, c);
            } catch (const UsageError& e) {
                QVERIFY2(std::string(e.what()).find(why) != std::string::npos, e.what());
                return;
            }
            QFAIL(("accepted a clip that should be refused for: " + std::string(why)).c_str());
        };
        refused({"rec_000.flac", 1.25, 1.55, 500, 4000}, "already spans exactly this");
        refused({"rec_000.flac", 11.5, 12.5}, "the recording lasts");
        refused({"rec_000.flac", 2.0, 2.0}, "0 <= start < end");
        refused({"rec_000.flac", 2.0, 2.5, 3000, 1000}, "0 <= low < high");
        refused({"rec_000.flac", 2.0, 2.5, 1000, 30000}, "half its sample rate");
        refused({"nowhere.flac", 2.0, 2.5}, "no recording \"nowhere.flac\"");
        try {
            addClipByHand(a, Model::createRandom(testkit::tinyConfig(), 9), {"rec_000.flac", 3.0, 3.2});
            QFAIL("a clip embedded with another model than the archive's was accepted");
        } catch (const UsageError& e) {
            QVERIFY2(std::string(e.what()).find("model of the others") != std::string::npos, e.what());
        }
        const ClipId cut = a.clips().front().id;
        QVERIFY(!a.clip(cut)->byHand);
        QVERIFY_THROWS_EXCEPTION(UsageError, removeClipByHand(a, cut));
        QCOMPARE(a.clipCount(), std::int64_t(37));

        // The recording changes on disk (metadata rewritten): cut again, the drawn clip with it.
        const fs::file_time_type was = fs::last_write_time(dir / "rec_000.flac");
        fs::last_write_time(dir / "rec_000.flac", was + std::chrono::seconds(60));
        EmbedReport recut = embedFolder(a, model, options());
        QCOMPARE(recut.filesEmbedded, 1);
        QCOMPARE(a.clipCount(), std::int64_t(37));
        std::vector<ClipRow> byHand;
        for (const ClipRow& c : a.clips())
            if (c.byHand) byHand.push_back(c);
        QCOMPARE(byHand.size(), std::size_t(1));
        QCOMPARE(std::make_tuple(byHand[0].path, byHand[0].start, byHand[0].end, byHand[0].lowHz, byHand[0].highHz),
                 std::make_tuple(std::string("rec_000.flac"), 1.25, 1.55, 500.0, 4000.0));
        QCOMPARE(a.labels().size(), std::size_t(1));
        QCOMPARE(a.labels()[0].clipId, byHand[0].id);
        QCOMPARE(a.labels()[0].label, std::string("chip"));
        verifyComplete(a, model.id());

        // Another model: the drawn clip gets its vector like every other clip.
        const Model other = Model::createRandom(wide, 3);
        QCOMPARE(embedFolder(a, other, options()).filesFailed, 0);
        QCOMPARE(a.activeModel(), other.id());
        QVERIFY(a.embedding(byHand[0].id, other.id()).has_value());
        verifyComplete(a, other.id());

        // A recording replaced by a shorter one keeps the drawn clips it still holds, and says
        // which it lost.
        addClipByHand(a, other, {"rec_001.flac", 8.0, 8.4});
        addClipByHand(a, other, {"rec_001.flac", 0.5, 0.9, 0, 0, "early"});
        const fs::path shortDir = fs::path(tmp.path().toStdString()) / "byhand-short";
        testkit::writeCorpus(shortDir, 1, 4.0, 22);
        fs::copy_file(shortDir / "rec_000.flac", dir / "rec_001.flac", fs::copy_options::overwrite_existing);
        recut = embedFolder(a, other, options());
        QCOMPARE(recut.filesEmbedded, 1);
        QCOMPARE(recut.notes.size(), std::size_t(1));
        QVERIFY2(recut.notes[0].second.find("1 clip(s) drawn by hand end after the recording's end") != std::string::npos,
                 recut.notes[0].second.c_str());
        std::set<std::pair<double, double>> drawnOn001;
        for (const ClipRow& c : a.clips())
            if (c.byHand && c.path == "rec_001.flac") drawnOn001.emplace(c.start, c.end);
        QCOMPARE(drawnOn001, (std::set<std::pair<double, double>>{{0.5, 0.9}}));
        std::map<double, std::string> labelByStart;
        for (const LabelRow& l : a.labels())
            if (const ClipRow c = *a.clip(l.clipId); c.path == "rec_001.flac") labelByStart[c.start] = l.label;
        QCOMPARE(labelByStart, (std::map<double, std::string>{{0.5, "early"}}));
        verifyComplete(a, other.id());

        // Removed by hand: with its vectors and label, and the retrieval space still covers every clip.
        const std::int64_t before = a.clipCount();
        removeClipByHand(a, byHand[0].id);
        QCOMPARE(a.clipCount(), before - 1);
        QVERIFY(!a.clip(byHand[0].id));
        for (const LabelRow& l : a.labels()) QVERIFY(l.label != "chip");
        QVERIFY(hasCurrentRetrievalSpace(a, other.id()));
        verifyComplete(a, other.id());
    }

    // A box dragged to new edges (the Recording view, `redraw-clip`): the clip keeps its labels,
    // and its vector, map place and cluster are the new box's.
    void aClipDrawnByHandIsDrawnAgainWithItsLabels()
    {
        ModelConfig wide = testkit::tinyConfig();
        wide.encoderDim = 64;
        wide.readout.keepRows = true; // stored in a retrieval space, as above
        const Model model = Model::createRandom(wide, 4);
        const fs::path dir = fs::path(tmp.path().toStdString()) / "redraw";
        testkit::writeCorpus(dir, 3, 12.0, 23);
        Archive a = Archive::create(fs::path(tmp.path().toStdString()) / "redraw.crowlingo", dir);
        QCOMPARE(embedFolder(a, model, options()).filesFailed, 0);
        const ClipId id = addClipByHand(a, model, {"rec_001.flac", 2.30, 2.70, 0, 0, "chip"});
        a.setLabel(id, "chip-b", "second-annotator");
        const std::int64_t clips = a.clipCount();
        const std::map<std::string, std::string> labelsBefore = labelsOf(a, id);
        QCOMPARE(labelsBefore.size(), std::size_t(2));

        const ClipId redrawn = redrawClipByHand(a, model, id, {2.35, 2.62, 900, 5000});
        QVERIFY(redrawn != id);
        QVERIFY(!a.clip(id));
        QCOMPARE(a.clipCount(), clips);
        const ClipRow now = *a.clip(redrawn);
        QVERIFY(now.byHand);
        QCOMPARE(std::make_tuple(now.path, now.start, now.end, now.lowHz, now.highHz),
                 std::make_tuple(std::string("rec_001.flac"), 2.35, 2.62, 900.0, 5000.0));
        QCOMPARE(labelsOf(a, redrawn), labelsBefore);
        QVERIFY(labelsOf(a, id).empty());
        verifyVectorOf(a, model, redrawn, dir / "rec_001.flac", 2.35, 2.62);
        QVERIFY(hasCurrentRetrievalSpace(a, model.id()));
        const EmbeddingMatrix space = retrievalVectors(a, model.id());
        QVERIFY(std::find(space.clipIds.begin(), space.clipIds.end(), redrawn) != space.clipIds.end());
        QVERIFY(std::find(space.clipIds.begin(), space.clipIds.end(), id) == space.clipIds.end());
        verifyComplete(a, model.id());

        // The same box again changes nothing.
        QCOMPARE(redrawClipByHand(a, model, redrawn, {2.35, 2.62, 900, 5000}), redrawn);

        // Refused, each with its reason, and the clip left as it was.
        const ClipId cut = a.clips().front().id;
        const ClipRow cutClip = *a.clip(cut);
        const auto refused = [&](ClipId which, const Clip& box, const char* why) {
            try {
                redrawClipByHand(a, model, which, box);
            } catch (const UsageError& e) {
                QVERIFY2(std::string(e.what()).find(why) != std::string::npos, e.what());
                return;
            }
            QFAIL(("redrew a clip that should be refused for: " + std::string(why)).c_str());
        };
        refused(cut, {2.0, 2.5}, "cut by the archive's segmentation");
        refused(redrawn, {2.0, 12.5}, "the recording lasts");
        refused(redrawn, {2.5, 2.4}, "0 <= start < end");
        refused(redrawn, {2.3, 2.6, 4000, 3000}, "0 <= low < high");
        refused(987654, {2.3, 2.6}, "no clip 987654");
        const ClipRow sibling = [&] {
            for (const ClipRow& c : a.clips())
                if (c.path == "rec_001.flac" && !c.byHand) return c;
            return ClipRow{};
        }();
        QVERIFY(sibling.id != 0);
        refused(redrawn, {sibling.start, sibling.end, sibling.lowHz, sibling.highHz}, "already spans exactly this");
        QCOMPARE(std::make_tuple(a.clip(redrawn)->start, a.clip(redrawn)->end), std::make_tuple(2.35, 2.62));
        QCOMPARE(std::make_tuple(a.clip(cut)->start, a.clip(cut)->end), std::make_tuple(cutClip.start, cutClip.end));
        QCOMPARE(labelsOf(a, redrawn), labelsBefore);

        // Cut again with its recording (its file changed): kept where it was redrawn, with its labels.
        const fs::file_time_type was = fs::last_write_time(dir / "rec_001.flac");
        fs::last_write_time(dir / "rec_001.flac", was + std::chrono::seconds(60));
        QCOMPARE(embedFolder(a, model, options()).filesEmbedded, 1);
        std::vector<ClipRow> byHand;
        for (const ClipRow& c : a.clips())
            if (c.byHand) byHand.push_back(c);
        QCOMPARE(byHand.size(), std::size_t(1));
        QCOMPARE(std::make_tuple(byHand[0].start, byHand[0].end, byHand[0].lowHz, byHand[0].highHz),
                 std::make_tuple(2.35, 2.62, 900.0, 5000.0));
        QCOMPARE(labelsOf(a, byHand[0].id), labelsBefore);
        verifyComplete(a, model.id());
    }

    // Recorders name files by date and time, so two sites' folders both hold "dawn.flac": each
    // site's Raven table cuts the recording beside it, not whichever has that name.
    void eachSitesTableCutsTheRecordingBesideIt()
    {
        const fs::path base = fs::path(tmp.path().toStdString());
        testkit::writeCorpus(base / "site-audio", 2, 4.0, 19);
        const fs::path dir = base / "sites";
        const std::string header = "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tAnnotation\n";
        for (const auto& [site, from, start] : {std::tuple{"north", "rec_000.flac", "1"}, std::tuple{"south", "rec_001.flac", "2"}}) {
            fs::create_directories(dir / site);
            fs::copy_file(base / "site-audio" / from, dir / site / "dawn.flac");
            std::ofstream(dir / site / "dawn.Table.1.selections.txt")
                << header << "1\tSpectrogram 1\t1\t" << start << "\t" << start << ".5\t" << site << "\n";
        }
        Archive a = Archive::create(base / "sites.crowlingo", dir);
        EmbedFolderOptions o = options();
        o.segment = SegmentSpec::parse("table");
        const EmbedReport r = embedFolder(a, model, o);
        QCOMPARE(r.selectionProblems, std::vector<std::string>{});
        std::set<std::tuple<std::string, double, std::string>> got; // recording, start, label
        for (const LabelRow& l : a.labels()) {
            const ClipRow c = *a.clip(l.clipId);
            got.emplace(c.path, c.start, l.label);
        }
        const std::set<std::tuple<std::string, double, std::string>> want = {{"north/dawn.flac", 1.0, "north"},
                                                                              {"south/dawn.flac", 2.0, "south"}};
        QCOMPARE(got, want);
        QCOMPARE(a.clipCount(), std::int64_t(2));
    }
};

QTEST_GUILESS_MAIN(TestFolderEmbedder)
#include "tst_folderembedder.moc"
