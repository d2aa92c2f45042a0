#pragma once
// Turns the recordings under an archive's root folder into clips and embeddings: scan, decode +
// resample + segment + log-mel on worker threads, batched inference on the calling thread, one
// transaction per recording. Resumable and incremental: a recording already stored with the same
// size, mtime, segmentation and model is skipped (cut from selection tables: and the same
// selections); an interrupted run loses at most the recordings
// in flight. A new model re-embeds the existing clips and becomes the archive's active model only
// once every clip has its vector (the old vectors stay until then).
//
//   Archive archive = Archive::openOrCreate("field.crowlingo", "recordings/");
//   EmbedReport r = embedFolder(archive, Model::load("resources/models/default"), {}, progress);
//   for (auto& [path, why] : r.errors) std::cerr << path << ": " << why << "\n";
//
// Threading: call from one thread; it starts and joins its own decode workers.
#include "core/archive/Sharding.h"
#include "core/common/Progress.h"
#include "core/segment/Segmenter.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

class Archive;
class Model;


struct EmbedFolderOptions {
    SegmentSpec segment = SegmentSpec::parse("events");
    // Table segmentation: the Raven column the clips' labels come from ("": the one an earlier run
    // named, kept with the archive, else Annotation, Label, Species, Call Type or Type, whichever
    // comes first).
    std::string selectionLabelColumn;
    double timeExpansion = 1.0;
    // Analysis time scale (AnalysisScale.h), stored with the archive on its first embedding and kept
    // after. An archive that has one keeps it for kStoredOrAsTrained and kStoredOrChosen; a new
    // archive gets 1 (as the model was trained) or one chosen from the clips of a few files. 1, 2
    // or 4 ask for that scale (refused for an archive that holds clips read at another).
    static constexpr int kStoredOrAsTrained = -1, kStoredOrChosen = 0;
    int timeScale = kStoredOrAsTrained;
    // The folder the model was loaded from, if any: remembered by the archive under the id its
    // vectors are filed under (ArchiveSettings::rememberModelDir), so that adapt, neighbours --file and the GUI find
    // the model again, read at the archive's time scale.
    std::filesystem::path modelDir;
    int batchSize = 32;
    int decodeWorkers = 0;       // 0: one per two cores, at least one
    // Try again the files that failed before. Without it they are retried only when the model or
    // the clip settings changed since, or when the failure was one of access (permission denied,
    // file missing, I/O error); otherwise their earlier error is reported again.
    bool retryFailed = false;
    // Embed only this share of the folder's files (a Slurm array task); the archive remembers its
    // shard and refuses another one. Join the shards' archives with mergeArchives().
    ShardSpec shard;
};

struct EmbedReport {
    int filesFound = 0;          // in this run's share of the folder (all of it unless sharded)
    int filesEmbedded = 0;       // (re)computed in this run
    int filesUnchanged = 0;      // already in the archive
    int filesFailed = 0;
    int timeScale = 1;           // the archive's analysis time scale (the model read clips this much finer)
    std::int64_t clipsEmbedded = 0;
    Seconds audioSeconds = 0;    // of the recordings processed in this run
    double wallSeconds = 0;
    bool cancelled = false;
    std::vector<std::pair<std::string, std::string>> errors; // relative path, reason
    // Recordings embedded, but odd: NaN samples, digital silence, a constant signal, clipping, a
    // truncated file. Also kept in the archive (RecordingRow::error of an embedded recording).
    std::vector<std::pair<std::string, std::string>> notes;  // relative path, what is odd
    // Recordings embedded in this run in which the segmentation found no clip (no event stood out,
    // or the file is shorter than a window): in the archive, but nothing of them on the map.
    std::vector<std::string> withoutClips;                  // relative paths
    // Set when the recordings' sample rates say the time expansion is probably wrong (a bat folder
    // read at 1): what the model hears of them and the factor that fits (TimeExpansionAdvice.h).
    std::optional<std::string> timeExpansionAdvice;
    // Table segmentation (--segment table): selections that gave no clip ("<table> line N: why"),
    // and the clips labelled with their selection's label in this run.
    bool fromSelections = false;     // the clips are the tables' selections
    std::vector<std::string> recut;  // recordings cut again because their selections changed
    std::vector<std::string> selectionProblems;
    int clipsLabelledFromSelections = 0;
};

// Live figures for a progress display.
struct EmbedStatus {
    int filesDone = 0;
    int filesToDo = 0;
    std::int64_t clipsDone = 0;
    Seconds audioSecondsDone = 0;
    double clipsPerSecond = 0;
    double realTimeFactor = 0;   // seconds of audio per second of wall time
    std::string currentFile;
};

EmbedReport embedFolder(Archive& archive, const Model& model, const EmbedFolderOptions& options,
                        const Progress& progress = {},
                        const std::function<void(const EmbedStatus&)>& onStatus = {});

} // namespace crowlingo
