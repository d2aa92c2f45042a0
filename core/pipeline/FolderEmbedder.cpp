#include "core/pipeline/FolderEmbedder.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/ArchiveWriterLock.h"
#include "core/archive/ClipFeatures.h"
#include "core/archive/FolderScanner.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/archive/SelectionClips.h"
#include "core/audio/TimeExpansionAdvice.h"
#include "core/pipeline/ModelAdaptation.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"
#include "core/model/AnalysisScale.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

// What a decode worker hands to the inference loop: one piece of one recording. Long recordings
// arrive in several pieces so memory stays bounded; the last piece carries `last = true`.
struct Piece {
    std::size_t job = 0;
    std::vector<Clip> clips;
    std::vector<Spectrogram> mels;
    bool last = false;
    std::optional<std::string> error;
    RecordingRow recording;          // filled on the last piece
};

// A recording segmented while the time scale was chosen, kept so that it is not segmented again.
struct SegmentedRecording {
    std::vector<Clip> clips;
    SignalStats stats;  // of the samples segmenting read
    std::string damage; // what segmenting found wrong with the file, if anything
};

struct Job {
    ScannedFile file;
    std::string relPath;
    std::vector<ClipRow> existingClips; // non-empty: re-embed these clips with a new model
    std::optional<SegmentedRecording> segmented;
    std::vector<Clip> byHand;           // cut anew: the clips the researcher drew on it, cut again too
};

// A queue between the decode workers and the inference loop, bounded by the clips it holds (a
// piece is taken whenever the queue is empty, however many clips it has).
class PieceQueue {
public:
    explicit PieceQueue(std::size_t capacityClips) : capacity_(capacityClips) {}
    bool push(Piece p, const std::atomic<bool>& stop)
    {
        std::unique_lock lock(m_);
        notFull_.wait(lock, [&] { return q_.empty() || clips_ < capacity_ || stop; });
        if (stop) return false;
        clips_ += p.mels.size();
        q_.push_back(std::move(p));
        notEmpty_.notify_one();
        return true;
    }
    // The next piece if one is waiting, without waiting for one.
    std::optional<Piece> tryPop()
    {
        std::unique_lock lock(m_);
        if (q_.empty()) return std::nullopt;
        return take();
    }
    std::optional<Piece> pop(const std::function<bool()>& done)
    {
        std::unique_lock lock(m_);
        while (q_.empty()) {
            if (done()) return std::nullopt;
            notEmpty_.wait_for(lock, std::chrono::milliseconds(50));
        }
        return take();
    }
    void wakeAll() { notFull_.notify_all(); notEmpty_.notify_all(); }

private:
    Piece take() // m_ held, q_ not empty
    {
        Piece p = std::move(q_.front());
        q_.pop_front();
        clips_ -= p.mels.size();
        notFull_.notify_one();
        return p;
    }

    std::mutex m_;
    std::condition_variable notFull_, notEmpty_;
    std::deque<Piece> q_;
    std::size_t clips_ = 0;
    std::size_t capacity_;
};

constexpr std::size_t kClipsPerPiece = 256;

// What the inference loop holds for a recording until its last piece has been through the model.
struct PendingRecording {
    std::vector<Clip> clips;
    std::vector<std::vector<float>> vectors;
    std::optional<std::string> failure; // the model failed on it: the recording is stored as failed
};

// Runs the clips of the pieces through the model in one call and files the vectors with their
// recordings; a recording that failed already is left out. A ModelError (a vector that is not
// finite) fails only the recording it came from, so the pieces are then run one by one to find it.
void embedPieces(Embedder& embedder, const std::vector<Piece>& pieces,
                 std::map<std::size_t, PendingRecording>& pending)
{
    std::vector<const Piece*> todo;
    std::vector<const Spectrogram*> mels;
    for (const Piece& p : pieces) {
        if (p.error || p.mels.empty() || pending[p.job].failure) continue;
        todo.push_back(&p);
        for (const Spectrogram& s : p.mels) mels.push_back(&s);
    }
    auto file = [&](const Piece& p, std::vector<std::vector<float>>& vectors, std::size_t first) {
        PendingRecording& acc = pending[p.job];
        acc.clips.insert(acc.clips.end(), p.clips.begin(), p.clips.end());
        for (std::size_t k = 0; k < p.mels.size(); ++k) acc.vectors.push_back(std::move(vectors[first + k]));
    };
    if (todo.empty()) return;
    try {
        std::vector<std::vector<float>> vectors = embedder.embedBatch(mels);
        std::size_t first = 0;
        for (const Piece* p : todo) {
            file(*p, vectors, first);
            first += p->mels.size();
        }
        return;
    } catch (const ModelError&) {
    }
    for (const Piece* p : todo) {
        if (pending[p->job].failure) continue;
        try {
            std::vector<std::vector<float>> vectors = embedder.embedBatch(p->mels);
            file(*p, vectors, 0);
        } catch (const ModelError& e) {
            pending[p->job].failure = e.what(); // this recording fails, the run goes on
        }
    }
}

// What is odd about a recording once it has been read: damage, garbage samples, silence, clipping.
std::string recordingNote(const std::string& damage, const SignalStats& stats)
{
    std::string note = damage;
    if (const std::string signal = describeSignalProblems(stats); !signal.empty())
        note += (note.empty() ? "" : "; ") + signal;
    return note;
}

// Decodes one job and pushes its pieces. Errors become one error piece (the file is reported).
void decodeJob(std::size_t index, const Job& job, const MelSpectrogram& mel, const EmbedFolderOptions& opt,
               const SelectionClips* selections, PieceQueue& queue, const std::atomic<bool>& stop)
{
    RecordingRow rec;
    rec.path = job.relPath;
    rec.size = job.file.size;
    rec.mtime = job.file.mtime;
    try {
        AudioReader reader(job.file.path, {.targetRate = mel.params().sampleRate, .timeExpansion = opt.timeExpansion});
        // Fewer samples than one spectrogram hop is no recording (a stub left by a crashed recorder).
        const double analysed = reader.duration() * opt.timeExpansion * mel.params().sampleRate;
        if (analysed < mel.params().hop)
            throw AudioError(fileError("embed", job.file.path, "too short to analyse: " + std::to_string(reader.info().frames) +
                                       " sample(s); at least one spectrogram step (" + std::to_string(mel.params().hop) +
                                       " samples at " + std::to_string(int(mel.params().sampleRate)) + " Hz) is needed"));
        rec.duration = reader.duration();
        rec.sampleRate = reader.info().sampleRate;
        rec.channels = reader.info().channels;
        std::vector<Clip> clips;
        std::string clipNote; // selections, or clips drawn by hand, the recording is too short for
        // What was read of the recording: by this reader, and by segmenting it earlier if it was.
        auto damage = [&] { return reader.damage().empty() && job.segmented ? job.segmented->damage : reader.damage(); };
        auto note = [&] {
            SignalStats stats = reader.signalStats();
            if (job.segmented) stats.add(job.segmented->stats);
            const std::string n = recordingNote(damage(), stats);
            return clipNote.empty() ? n : n.empty() ? clipNote : n + "; " + clipNote;
        };
        if (job.segmented) {
            clips = job.segmented->clips;
        } else if (job.existingClips.empty() && selections) {
            const auto it = selections->byRecording.find(job.relPath);
            int pastEnd = 0;
            if (it != selections->byRecording.end()) clips = clipsWithin(it->second, reader.duration(), &pastEnd);
            if (pastEnd > 0)
                clipNote = std::to_string(pastEnd) + " selection(s) of the table start after the recording's end ("
                                + std::to_string(reader.duration()) + " s)";
        } else if (job.existingClips.empty()) {
            clips = segment(reader, opt.segment, Progress{{}, [&] { return stop.load(); }});
        } else {
            for (const ClipRow& c : job.existingClips) clips.push_back({c.start, c.end, c.lowHz, c.highHz, c.byHand});
        }
        if (job.existingClips.empty() && !job.byHand.empty()) {
            // The researcher's own clips stay where they were drawn, as long as the recording still holds them.
            int gone = 0;
            for (const Clip& c : job.byHand) {
                if (c.end <= reader.duration() + 1e-9) clips.push_back(c);
                else ++gone;
            }
            std::stable_sort(clips.begin(), clips.end(), [](const Clip& a, const Clip& b) { return a.start < b.start; });
            if (gone > 0) {
                const std::string lost = std::to_string(gone) + " clip(s) drawn by hand end after the recording's end ("
                                         + std::to_string(reader.duration()) + " s) and were removed";
                clipNote = clipNote.empty() ? lost : clipNote + "; " + lost;
            }
        }
        if (clips.empty()) {
            rec.error = note();
            queue.push(Piece{index, {}, {}, true, std::nullopt, rec}, stop);
            return;
        }
        std::size_t kept = 0;
        for (std::size_t first = 0; first < clips.size(); first += kClipsPerPiece) {
            if (stop) return;
            Piece p{index, {}, {}, false, std::nullopt, rec};
            const std::size_t last = std::min(clips.size(), first + kClipsPerPiece);
            for (std::size_t i = first; i < last; ++i) {
                Spectrogram s = clipLogMel(reader, mel, clips[i].start, clips[i].end);
                if (s.frames == 0 && !damage().empty()) continue; // past where a damaged file ends
                if (s.frames == 0)
                    throw AudioError(fileError("embed", job.file.path, "recording holds no samples"));
                p.clips.push_back(clips[i]);
                p.mels.push_back(std::move(s));
                ++kept;
            }
            p.last = last == clips.size();
            if (p.last && kept == 0 && !damage().empty())
                throw AudioError(fileError("embed", job.file.path, "no audio could be decoded: " + damage()));
            // Every sample has been read by now: say what is odd about the recording, if anything.
            if (p.last) p.recording.error = note();
            if (!queue.push(std::move(p), stop)) return;
        }
    } catch (const std::exception& e) {
        queue.push(Piece{index, {}, {}, true, std::string(e.what()), rec}, stop);
    }
}

} // namespace

namespace {

// A failure to reach the file rather than to read its content (the messages AudioReader makes from
// the system's error text).
bool isAccessFailure(const std::string& error)
{
    for (const int code : {EACCES, EPERM, ENOENT, EIO, ESTALE, ENODEV, ENXIO})
        if (error.find(std::error_code(code, std::generic_category()).message()) != std::string::npos) return true;
    return error.find("file does not exist") != std::string::npos;
}

// Durations (as the model hears them) of the clips of up to 12 evenly spaced files, stopping once
// 200 clips are known: enough to choose a time scale without decoding a whole season twice.
std::vector<double> sampleClipSeconds(const std::vector<ScannedFile>& files, const EmbedFolderOptions& opt,
                                      int sampleRate, const Progress& progress,
                                      std::map<std::filesystem::path, SegmentedRecording>& segmented)
{
    std::vector<double> seconds;
    const std::size_t n = files.size(), picks = std::min<std::size_t>(n, 12);
    for (std::size_t k = 0; k < picks && seconds.size() < 200 && !progress.isCancelled(); ++k) {
        const std::filesystem::path& file = files[k * n / picks].path;
        try {
            AudioReader reader(file, {.targetRate = sampleRate, .timeExpansion = opt.timeExpansion});
            SegmentedRecording r;
            r.clips = segment(reader, opt.segment, Progress{{}, progress.cancelled});
            if (progress.isCancelled()) break; // the clips of an interrupted segmentation are not all
            for (const Clip& c : r.clips) seconds.push_back((c.end - c.start) * opt.timeExpansion);
            r.stats = reader.signalStats();
            r.damage = reader.damage();
            segmented[file] = std::move(r);
        } catch (const std::exception&) {
            // A file that cannot be read is reported when it is embedded; the scale comes from the others.
        }
    }
    return seconds;
}

// Whether a recording's stored clips are the ones its selections give now.
bool sameSpans(const std::vector<ClipRow>& stored, const std::map<std::string, std::vector<SelectionClip>>& selections,
               const std::string& recording, Seconds duration)
{
    using Span = std::tuple<double, double, double, double>;
    std::vector<Span> now, had;
    if (const auto it = selections.find(recording); it != selections.end())
        for (const Clip& c : clipsWithin(it->second, duration)) now.emplace_back(c.start, c.end, c.lowHz, c.highHz);
    for (const ClipRow& c : stored)
        if (!c.byHand) had.emplace_back(c.start, c.end, c.lowHz, c.highHz); // not the table's
    std::sort(now.begin(), now.end());
    std::sort(had.begin(), had.end());
    return now == had;
}

// The archive's analysis time scale (EmbedFolderOptions::timeScale says which), chosen, if it must
// be, from the durations `clipSeconds` gives (as the model hears them).
int decideTimeScale(const Archive& archive, const ArchiveSettings& settings, const Model& model,
                    const EmbedFolderOptions& opt, const Progress& progress,
                    const std::function<std::vector<double>()>& clipSeconds)
{
    const bool asked = opt.timeScale > 0;
    const bool hasClips = archive.clipCount() > 0;
    if (hasClips || settings.hasTimeScale) { // 1 for archives embedded before scales existed
        const int stored = settings.timeScale;
        if (asked && opt.timeScale != stored && hasClips)
            throw UsageError(fileError("embed into", archive.file(),
                                       "this archive is analysed at time scale " + std::to_string(stored) + ", not "
                                           + std::to_string(opt.timeScale) + "; to read it differently, create a new archive"));
        if (!asked || hasClips)
            return stored;
    }
    if (asked)
        return opt.timeScale;
    if (opt.timeScale == EmbedFolderOptions::kStoredOrAsTrained)
        return 1;
    progress(0.0, "choosing the analysis time scale from the clips of a few recordings");
    return chooseTimeScale(clipSeconds(), model.config());
}

} // namespace

EmbedReport embedFolder(Archive& archive, const Model& givenModel, const EmbedFolderOptions& opt,
                        const Progress& progress, const std::function<void(const EmbedStatus&)>& onStatus)
{
    const auto t0 = std::chrono::steady_clock::now();
    const ArchiveWriterLock writing(archive.file(), "embed");
    archive.requireIntact("embed into");
    EmbedReport report;
    const std::string segmenter = opt.segment.toString();

    // 1. What is there, and what needs doing.
    progress(0.0, "scanning " + archive.root().string());
    FolderScan scan = scanFolder(archive.root());
    for (const auto& [path, why] : scan.problems) report.errors.emplace_back(archive.relativePath(path), why);
    const std::string shard = opt.shard.toString();
    const ArchiveSettings stored = ArchiveSettings::read(archive);
    if (!stored.shard.empty() && stored.shard != shard)
        throw UsageError(fileError("embed into", archive.file(), "this archive holds shard " + stored.shard +
                                   ", not " + shard + "; give each shard its own archive"));
    // The researcher's selections, if they are the clips: read from the whole folder's recordings
    // (before it is shared out). A table that cannot be read matters only if a recording needs
    // cutting: re-embedding clips already cut (adapt) goes on without it.
    std::optional<SelectionClips> selections;
    std::string selectionsError;
    // The label column named once is the archive's: a rerun without it must not relabel every clip
    // from another column.
    const std::string labelColumn = !opt.selectionLabelColumn.empty()
        ? opt.selectionLabelColumn : archive.meta("selection_label_column").value_or("");
    if (opt.segment.mode == SegmentSpec::Mode::Table) {
        std::vector<std::string> recordings;
        for (const ScannedFile& f : scan.files) recordings.push_back(archive.relativePath(f.path));
        try {
            selections = readSelectionClips(selectionTablePath(opt.segment, archive.root()), archive.root(), recordings,
                                            labelColumn);
        } catch (const UsageError& e) {
            selectionsError = e.what();
        }
    }
    const auto needSelections = [&]() -> const SelectionClips& {
        if (!selections) throw UsageError(selectionsError);
        return *selections;
    };
    // Chosen from the whole folder, before it is shared out, so that every shard of a Slurm array
    // reads at the same scale and their archives can be merged.
    std::map<std::filesystem::path, SegmentedRecording> segmented;
    report.timeScale = decideTimeScale(archive, stored, givenModel, opt, progress, [&] {
        if (opt.segment.mode != SegmentSpec::Mode::Table)
            return sampleClipSeconds(scan.files, opt, givenModel.config().mel.sampleRate, progress, segmented);
        std::vector<double> seconds; // every selection's, as drawn: no audio needs decoding
        for (const auto& [recording, clips] : needSelections().byRecording)
            for (const SelectionClip& c : clips) seconds.push_back((c.clip.end - c.clip.start) * opt.timeExpansion);
        return seconds;
    });
    const Model model = givenModel.withTimeScale(report.timeScale);
    const std::string modelId = model.id();
    if (!opt.shard.isWhole()) {
        scan.files = shareOf(scan.files, opt.shard);
        archive.setMeta("shard", shard);
    }
    report.filesFound = int(scan.files.size());

    std::map<std::int64_t, std::vector<ClipRow>> clipsByRecording;
    for (ClipRow& c : archive.clips()) clipsByRecording[c.recordingId].push_back(std::move(c));
    const std::map<std::string, RecordingRow> known = [&] {
        std::map<std::string, RecordingRow> m;
        for (RecordingRow& r : archive.recordings()) m.emplace(r.path, std::move(r));
        return m;
    }();
    const EmbeddingMatrix current = archive.embeddings(modelId);
    const std::set<ClipId> haveVector(current.clipIds.begin(), current.clipIds.end());
    // Re-segmenting would replace clips, and with them the researcher's labels: refuse, and say how.
    // (Archives written before 2026-12-06 stored "10.000000": compared as numbers, to that precision.)
    const bool sameExpansion = ArchiveSettings::sameTimeExpansion(stored.timeExpansion, opt.timeExpansion);
    if ((stored.segmenter != segmenter || !sameExpansion) && archive.clipCount() > 0)
        throw UsageError(fileError("embed into", archive.file(),
            "this archive was segmented with \"" + stored.segmenter + "\" and time expansion "
                + ArchiveSettings::timeExpansionText(stored.timeExpansion) + "; to segment differently, create a new archive"));

    // Files that failed are tried again when asked, when the model or the clip settings changed since
    // they failed (a new model or segmentation may read them), and always when the failure was one
    // of access (permissions fixed, a disk remounted), which costs nothing to retry.
    const std::string attempt = modelId + " " + segmenter + " " + std::to_string(opt.timeExpansion);
    const bool retryAllFailures = opt.retryFailed || archive.meta("failures_attempt").value_or(attempt) != attempt;

    std::vector<Job> jobs;
    std::int64_t bytesToDo = 0;
    for (const ScannedFile& f : scan.files) {
        Job job{f, archive.relativePath(f.path), {}, {}};
        auto it = known.find(job.relPath);
        const bool unchanged = it != known.end() && it->second.size == f.size && it->second.mtime == f.mtime;
        if (unchanged && it->second.status == "error" && !retryAllFailures && !isAccessFailure(it->second.error)) {
            report.errors.emplace_back(job.relPath, it->second.error);
            ++report.filesFailed;
            continue;
        }
        if (unchanged && it->second.status != "error" && selections
            && !sameSpans(clipsByRecording[it->second.id], selections->byRecording, job.relPath, it->second.duration)) {
            // Selections drawn, moved or deleted since it was cut: cut again (storeRecording keeps
            // the labels of clips whose selection stayed).
            report.recut.push_back(job.relPath);
        } else if (unchanged && it->second.status != "error") { // (a failed file that reaches here is being retried)
            const auto& clips = clipsByRecording[it->second.id];
            const bool complete = std::all_of(clips.begin(), clips.end(), [&](const ClipRow& c) { return haveVector.count(c.id); });
            if (complete) { ++report.filesUnchanged; continue; }
            job.existingClips = clips; // same clips, new model: keep clip ids, add vectors
        }
        if (auto it = segmented.find(f.path); it != segmented.end() && job.existingClips.empty())
            job.segmented = std::move(it->second);
        if (it != known.end() && job.existingClips.empty())
            for (const ClipRow& c : clipsByRecording[it->second.id])
                if (c.byHand) job.byHand.push_back({c.start, c.end, c.lowHz, c.highHz, true});
        bytesToDo += std::max<std::int64_t>(f.size, 1);
        jobs.push_back(std::move(job));
    }
    if (std::any_of(jobs.begin(), jobs.end(), [](const Job& j) { return j.existingClips.empty() && !j.segmented; })
        && opt.segment.mode == SegmentSpec::Mode::Table)
        needSelections();
    progress(0.0, std::to_string(jobs.size()) + " of " + std::to_string(scan.files.size()) + " files to embed");
    ArchiveSettings settings = stored;
    settings.segmenter = segmenter;
    settings.timeExpansion = opt.timeExpansion;
    settings.timeScale = report.timeScale;
    settings.writeEmbedSettings(archive);
    if (opt.segment.mode == SegmentSpec::Mode::Table && !labelColumn.empty())
        archive.setMeta("selection_label_column", labelColumn);
    // "complete" only once a run got through every file: a merge must tell an interrupted shard
    // from one that simply had nothing to embed.
    archive.setMeta("embed_state", "running");
    // The model's input spec travels with its vectors, so that later work (evaluation baselines,
    // queries) reads clips exactly as the model did.
    archive.setMeta("model_config:" + modelId, model.config().toJsonString());
    if (!opt.modelDir.empty()) ArchiveSettings::rememberModelDir(archive, modelId, opt.modelDir);
    {
        nlohmann::json params = {{"segmenter", segmenter}, {"time_expansion", opt.timeExpansion}, {"time_scale", report.timeScale},
                                 {"files_to_embed", jobs.size()}, {"batch", opt.batchSize}, {"shard", shard}};
        archive.recordComputation("embed", modelId, params.dump());
    }

    // 2. Decode on workers, infer here, one transaction per recording.
    const MelSpectrogram mel(model.config().mel);
    Embedder embedder(model, EmbedOptions{.batchSize = opt.batchSize});
    PieceQueue queue(8 * kClipsPerPiece);
    std::atomic<bool> stop{false};
    std::atomic<std::size_t> nextJob{0};
    std::atomic<int> workersRunning{0};
    const int nWorkers = opt.decodeWorkers > 0 ? opt.decodeWorkers : std::max(1, threadCount() / 2);
    std::vector<std::thread> workers;
    for (int w = 0; w < std::min<int>(nWorkers, int(jobs.size())); ++w) {
        ++workersRunning;
        workers.emplace_back([&] {
            for (std::size_t i; !stop && (i = nextJob++) < jobs.size();)
                decodeJob(i, jobs[i], mel, opt, selections ? &*selections : nullptr, queue, stop);
            --workersRunning;
            queue.wakeAll();
        });
    }

    std::map<std::size_t, PendingRecording> pending;
    std::int64_t bytesDone = 0;
    EmbedStatus status;
    status.filesToDo = int(jobs.size());
    // Files what the model made of a piece; the recording's one transaction on its last piece.
    auto finishPiece = [&](const Piece& piece) {
        const Job& job = jobs[piece.job];
        status.currentFile = job.relPath;
        PendingRecording& acc = pending[piece.job];
        if (!piece.error && !acc.failure && !piece.mels.empty())
            status.clipsDone += std::int64_t(piece.clips.size());
        if (piece.last) {
            if (const std::optional<std::string> error = piece.error ? piece.error : acc.failure) {
                RecordingRow r = piece.recording;
                r.error = *error;
                archive.storeRecordingError(r);
                report.errors.emplace_back(job.relPath, *error);
                ++report.filesFailed;
            } else if (!job.existingClips.empty()) {
                std::vector<ClipId> ids;
                for (const ClipRow& c : job.existingClips) ids.push_back(c.id);
                archive.storeEmbeddings(modelId, ids, acc.vectors);
                ++report.filesEmbedded;
            } else {
                archive.storeRecording(piece.recording, acc.clips, segmenter, modelId, acc.vectors);
                ++report.filesEmbedded;
                if (!piece.recording.error.empty()) report.notes.emplace_back(job.relPath, piece.recording.error);
                if (acc.clips.empty()) report.withoutClips.push_back(job.relPath);
            }
            report.clipsEmbedded += std::int64_t(acc.vectors.size());
            report.audioSeconds += piece.recording.duration;
            pending.erase(piece.job);
            bytesDone += std::max<std::int64_t>(job.file.size, 1);
            ++status.filesDone;
            status.audioSecondsDone = report.audioSeconds;
        }
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        status.clipsPerSecond = wall > 0 ? double(status.clipsDone) / wall : 0;
        status.realTimeFactor = wall > 0 ? status.audioSecondsDone / wall : 0;
        if (onStatus) onStatus(status);
        progress(bytesToDo ? double(bytesDone) / double(bytesToDo) : 1.0, job.relPath);
    };
    try {
        while (auto head = queue.pop([&] { return workersRunning == 0; })) {
            if (progress.isCancelled()) { report.cancelled = true; break; }
            // The pieces already waiting go through the model with it: a folder of one-call files
            // would otherwise run it one window at a time.
            std::vector<Piece> group;
            std::size_t groupClips = head->mels.size();
            group.push_back(std::move(*head));
            while (groupClips < std::size_t(opt.batchSize)) {
                std::optional<Piece> more = queue.tryPop();
                if (!more) break;
                groupClips += more->mels.size();
                group.push_back(std::move(*more));
            }
            embedPieces(embedder, group, pending);
            for (const Piece& piece : group) finishPiece(piece);
        }
    } catch (...) {
        stop = true;
        queue.wakeAll();
        for (auto& w : workers) w.join();
        throw;
    }
    stop = true;
    queue.wakeAll();
    for (auto& w : workers) w.join();

    // The selections' labels, on the clips cut from them (also those of an earlier run that stopped
    // before labelling them).
    report.fromSelections = opt.segment.mode == SegmentSpec::Mode::Table;
    if (selections) {
        report.selectionProblems = selections->problems;
        report.clipsLabelledFromSelections = labelSelectionClips(archive, *selections);
    }
    // Every failure now on record was met with these settings (a cancelled run may have left some
    // untried, so it does not say so).
    if (!report.cancelled) archive.setMeta("failures_attempt", attempt);
    // 3. The new model becomes active once every clip has its vector (but those of recordings that
    // cannot be read now: their clips stay for their labels, without the new model's vector).
    if (!report.cancelled && archive.usableClipsWithoutVector(modelId) == 0) {
        archive.setActiveModel(modelId);
        archive.setMeta("embed_state", "complete");
        // 4. The vectors in the space clips are compared in, kept with the archive, so that every
        // later reader (on any machine) compares the same bits without fitting it again.
        progress(1.0, "fitting the space clips are compared in");
        storeRetrievalSpace(archive, modelId);
    }
    std::vector<SampleRate> rates;
    for (const RecordingRow& r : archive.recordings())
        if (r.sampleRate > 0) rates.push_back(r.sampleRate);
    report.timeExpansionAdvice =
        timeExpansionAdvice(rates, opt.timeExpansion, givenModel.config().mel.sampleRate, givenModel.config().mel.fMin);
    report.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    progress(1.0, "done");
    return report;
}

} // namespace crowlingo
