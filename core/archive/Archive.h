#pragma once
// The archive: one SQLite file (*.crowlingo, WAL mode, versioned schema with migrations) holding
// recordings, clips, embeddings per model, labels and the provenance of every computation.
//
//   Archive a = Archive::create("field.crowlingo", "recordings/");   // or Archive::open(file)
//   for (const ClipRow& c : a.clips()) ...
//   EmbeddingMatrix m = a.embeddings(a.activeModel());
//
// Threading: an Archive (one SQLite connection) is used by one thread at a time; open one per
// thread — WAL lets readers run while one writer commits.
// Paths of recordings are stored relative to the archive's root folder, and the root folder
// relative to the archive file, so moving the archive together with its recordings keeps it valid.
#include "core/common/Types.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

struct Clip;

struct RecordingRow {
    std::int64_t id = 0;
    std::string path;          // relative to root(), generic form ('/' separators)
    std::int64_t size = 0;     // bytes, for change detection
    std::int64_t mtime = 0;    // seconds since epoch, for change detection
    Seconds duration = 0;
    SampleRate sampleRate = 0;
    int channels = 0;
    std::string status;        // "embedded", "error"
    std::string error;         // why the file could not be used; for an embedded one, what is odd
                               // about it (NaN samples, silence, clipping), or ""
};

struct ClipRow {
    ClipId id = 0;
    std::int64_t recordingId = 0;
    std::string path;          // the recording's path (relative to root)
    Seconds start = 0;
    Seconds end = 0;
    Hertz lowHz = 0;
    Hertz highHz = 0;
    bool byHand = false;       // drawn by the researcher, not found by the segmentation
};

// What the clips table's segmenter column holds for a clip drawn by hand.
inline constexpr const char* kClipByHandSegmenter = "hand";

struct EmbeddingMatrix {
    std::vector<ClipId> clipIds; // row order
    int dimension = 0;
    std::vector<float> values;   // row-major, clipIds.size() x dimension
    std::size_t rows() const { return clipIds.size(); }
    const float* row(std::size_t i) const { return values.data() + i * std::size_t(dimension); }
};

// A stored 2-D map or clustering: one value set per clip, with the computation that made it.
struct StoredProjection {
    std::int64_t computationId = 0;
    std::string modelId;
    std::string paramsJson;
    std::vector<ClipId> clipIds;
    std::vector<float> xy;               // clipIds.size() x 2
};

struct StoredClustering {
    std::int64_t computationId = 0;
    std::string modelId;
    std::string paramsJson;
    std::vector<ClipId> clipIds;
    std::vector<int> labels;             // -1 = noise
    std::vector<float> probability;
    std::vector<float> outlierScore;
};

// A classifier trained from labels (see core/archive/CallClassifier.h), kept under its name.
struct StoredClassifier {
    std::string name;
    std::string modelId;                 // the embeddings it reads
    std::string createdAt;               // ISO 8601 UTC
    std::vector<std::string> classes;
    int dimension = 0;
    std::vector<float> weights;          // classes x dimension
    std::vector<float> bias;             // classes
    std::string reportJson;              // labels used, fit, cross-validated figures
};

struct LabelRow {
    ClipId clipId = 0;
    std::string label;
    std::string source;        // "user", an imported file name, ...
};

// The retrieval space of one model's vectors (core/analysis/RetrievalSpace.h), as stored.
struct StoredRetrievalSpace {
    std::string modelId;
    int inputDimension = 0;
    int outputDimension = 0;
    std::vector<float> mean;         // inputDimension
    std::vector<float> projection;   // inputDimension x outputDimension, row-major
    std::int64_t fittedOn = 0;       // how many vectors the model had when it was fitted
};

// Inverted lists over one model's vectors (core/analysis/InvertedLists.h), as stored.
struct StoredNeighbourLists {
    std::string modelId;
    int dimension = 0;
    std::vector<float> centroids;     // lists x dimension
    std::vector<ClipId> clipIds;      // ascending
    std::vector<std::int32_t> lists;  // the list of each of clipIds
};

// What a search through stored lists needs first: their centroids, and the last clip they hold
// (a later clip was added since).
struct StoredListCentroids {
    int dimension = 0;
    std::vector<float> centroids; // lists x dimension
    ClipId lastClip = 0;
};

class Archive {
public:
    static constexpr int kSchemaVersion = 6;

    // Creates a new archive file (error if it exists) whose recordings live under root.
    static Archive create(const std::filesystem::path& file, const std::filesystem::path& root);
    // Opens an existing archive, migrating an older schema; error if missing or not an archive.
    static Archive open(const std::filesystem::path& file);
    // For commands that only read (export, neighbours, evaluate without import): opens without
    // write access, so an archive on read-only media or in a read-only folder opens too (then
    // SQLite's immutable mode, as nothing can change it there). Writes throw ArchiveError. An
    // archive of an older schema must be opened once with open() to be updated.
    static Archive openReadOnly(const std::filesystem::path& file);
    // open() if the file exists, else create().
    static Archive openOrCreate(const std::filesystem::path& file, const std::filesystem::path& root);

    ~Archive();
    Archive(Archive&&) noexcept;
    Archive& operator=(Archive&&) noexcept;

    const std::filesystem::path& file() const;
    std::filesystem::path root() const;                    // absolute
    std::filesystem::path absolutePath(const std::string& relativePath) const;
    std::string relativePath(const std::filesystem::path& absolute) const;
    int schemaVersion() const;

    std::optional<std::string> meta(const std::string& key) const;
    void setMeta(const std::string& key, const std::string& value);

    // Recordings
    std::vector<RecordingRow> recordings() const;
    std::optional<RecordingRow> recording(const std::string& relativePath) const;
    // Replaces the recording's clips and their embeddings (for modelId) in one transaction, so a
    // crash leaves either the old state or the new one, never half a recording. A new clip with
    // exactly an old clip's span (start, end and band) and origin (Clip::byHand) keeps that clip's
    // labels. Clips drawn by hand are replaced too: the caller passes them again (cut anew). An
    // empty vector stores the clip without one (merge: a failed recording's clips that the merged
    // model never read).
    void storeRecording(const RecordingRow& recording, const std::vector<Clip>& clips,
                        const std::string& segmenter, const std::string& modelId,
                        const std::vector<std::vector<float>>& embeddings);
    // Records a file that could not be used, with the reason. Clips it gave before stay, with
    // their vectors and labels (the researcher's work): a file being copied, or damaged and then
    // restored, is read again later, and cut again where it was, its labels kept (storeRecording).
    void storeRecordingError(const RecordingRow& recording);
    // Removes recordings no longer on disk (and their clips, embeddings, labels).
    void removeRecording(const std::string& relativePath);

    // Clips
    // Adds one clip to a recording already in the archive, with its vector of modelId, in one
    // transaction (core/pipeline/ClipsByHand.h embeds and checks it first). Returns its id.
    ClipId addClip(std::int64_t recordingId, const Clip& clip, const std::string& segmenter,
                   const std::string& modelId, const std::vector<float>& embedding);
    // Replaces clip `old` by `clip` with its vector of modelId, in one transaction: the new clip
    // takes the old one's labels (every source, with their times); the old one goes with its
    // vectors, map place and cluster (they were the old span's). Returns the new clip's id.
    ClipId replaceClip(ClipId old, const Clip& clip, const std::string& segmenter, const std::string& modelId,
                       const std::vector<float>& embedding);
    // Removes one clip with its vectors and labels; false if there was none.
    bool removeClip(ClipId id);
    std::vector<ClipRow> clips() const;                   // ordered by id
    std::optional<ClipRow> clip(ClipId id) const;
    std::vector<ClipRow> clipsOfRecording(std::int64_t recordingId) const; // ordered by id
    std::int64_t clipCount() const;
    // Changes whenever another connection (another process, or another Archive object) has
    // committed a change since this one last looked; never for this connection's own writes
    // (SQLite's PRAGMA data_version). Cheap: a view polls it to notice the CLI writing.
    std::int64_t dataVersion() const;

    // Embeddings
    std::string activeModel() const;                      // model id whose embeddings are shown; "" if none
    void setActiveModel(const std::string& modelId);
    std::vector<std::string> modelsWithEmbeddings() const;
    std::int64_t embeddingCount(const std::string& modelId) const;
    // Clips of recordings that can be read (not in error) without a vector of modelId: 0 when the
    // model can become the active one.
    std::int64_t usableClipsWithoutVector(const std::string& modelId) const;
    EmbeddingMatrix embeddings(const std::string& modelId) const; // ordered by clip id
    // The same rows in blocks of at most blockRows, for readers that need not hold all of them.
    void forEachEmbeddingBlock(const std::string& modelId, std::size_t blockRows,
                               const std::function<void(const EmbeddingMatrix& block)>& use) const;
    // The highest clip id with a vector of modelId (nullopt if none), without reading the others.
    std::optional<ClipId> lastEmbeddedClip(const std::string& modelId) const;
    // The clip ids of embeddings(modelId), in its order, without the vectors.
    std::vector<ClipId> embeddedClips(const std::string& modelId) const;
    // The vectors of these clips, in this order, without reading the others (a clip without one is
    // left out).
    EmbeddingMatrix embeddingsOf(const std::string& modelId, const std::vector<ClipId>& ids) const;
    std::optional<std::vector<float>> embedding(ClipId id, const std::string& modelId) const;
    // Adds vectors for existing clips (re-embedding with another model), one transaction.
    void storeEmbeddings(const std::string& modelId, const std::vector<ClipId>& ids,
                         const std::vector<std::vector<float>>& vectors);
    void removeEmbeddings(const std::string& modelId);

    // Labels (never mixed with cluster ids)
    void setLabel(ClipId id, const std::string& label, const std::string& source = "user");
    void setLabels(const std::vector<ClipId>& ids, const std::string& label, const std::string& source = "user");
    void clearLabel(ClipId id, const std::string& source = "user");
    void clearLabels(const std::vector<ClipId>& ids, const std::string& source = "user"); // one transaction
    // labels[i] for ids[i] from `source`, all in one transaction; an empty label removes the clip's
    // label from that source (how undo puts back what an edit replaced).
    void writeLabels(const std::vector<ClipId>& ids, const std::vector<std::string>& labels,
                     const std::string& source = "user");
    std::vector<LabelRow> labels() const;                          // all sources
    std::vector<LabelRow> labels(const std::string& source) const; // one source
    std::vector<LabelRow> labelsOf(ClipId id) const;               // one clip's, every source
    // The same edit as writeLabels, committed as a journal of a few rows (milliseconds for 10^5
    // clips, where a row per clip takes hundreds) and as durable; every reader, labels() included,
    // sees it at once. foldLabelJournal moves it into the label table later; writeLabels, and
    // anything that deletes clips, folds the whole journal first (core/archive/LabelJournal.h).
    // Opening does not: a journal left by a killed process is read as labels until then.
    void journalLabels(const std::vector<ClipId>& ids, const std::vector<std::string>& labels,
                       const std::string& source = "user");
    // Folds the journal's oldest edits, at least maxClips clips of them unless fewer are left, in
    // one transaction; returns the clips still journalled.
    std::int64_t foldLabelJournal(std::int64_t maxClips);
    // The same without waiting: nullopt, at once and with nothing folded, while another connection
    // writes (a window folding while it idles must not freeze behind a long write elsewhere).
    std::optional<std::int64_t> tryFoldLabelJournal(std::int64_t maxClips);
    std::int64_t journalledLabelClips() const;

    // Provenance: every computation stored with its parameters (JSON) and the model id.
    std::int64_t recordComputation(const std::string& kind, const std::string& modelId, const std::string& paramsJson);

    // Maps and clusterings: each store adds a computation; the latest for a model is the current one.
    std::int64_t storeProjection(const std::string& modelId, const std::string& paramsJson,
                                 const std::vector<ClipId>& ids, const std::vector<float>& xy);
    std::optional<StoredProjection> latestProjection(const std::string& modelId) const;
    std::int64_t storeClustering(const std::string& modelId, const std::string& paramsJson,
                                 const std::vector<ClipId>& ids, const std::vector<int>& labels,
                                 const std::vector<float>& probability, const std::vector<float>& outlierScore);
    std::optional<StoredClustering> latestClustering(const std::string& modelId) const;

    // Classifiers: storing one under an existing name replaces it (one transaction), and records
    // the training as a computation with the report as its parameters.
    void storeClassifier(const StoredClassifier& classifier);
    std::vector<StoredClassifier> classifiers() const;   // by name
    std::optional<StoredClassifier> classifier(const std::string& name) const;
    bool removeClassifier(const std::string& name);       // false if there was none

    // Retrieval spaces: one per model id; storing replaces it. None in an archive of schema 3
    // opened read-only.
    void storeRetrievalSpace(const StoredRetrievalSpace& space);
    std::optional<StoredRetrievalSpace> retrievalSpace(const std::string& modelId) const;
    void removeRetrievalSpace(const std::string& modelId);
    // Neighbour lists: one set per model id; storing replaces it. None in an archive of schema 3
    // opened read-only. With `vectors` (the model id's stored vectors of lists.clipIds, in that
    // order) each list's clips are also kept with their vectors, in one transaction, for
    // listMembers; without, a search reads each candidate's vector from the embeddings.
    void storeNeighbourLists(const StoredNeighbourLists& lists, const EmbeddingMatrix* vectors = nullptr);
    std::optional<StoredNeighbourLists> neighbourLists(const std::string& modelId) const;
    void removeNeighbourLists(const std::string& modelId);
    // Only while the lists' members are kept with their vectors (stored with `vectors`, and no
    // clip deleted since): the centroids, and the clips of the given lists with their vectors.
    std::optional<StoredListCentroids> listCentroids(const std::string& modelId) const;
    EmbeddingMatrix listMembers(const std::string& modelId, std::span<const std::int32_t> lists) const;

    // Runs PRAGMA integrity_check; returns "ok" or SQLite's report.
    std::string integrityCheck() const;
    // Before a command writes: PRAGMA quick_check (reads every page, seconds for gigabytes), and
    // an ArchiveError saying how to recover if the archive is damaged, so that nothing is written
    // on top of the damage. `what` names the command ("import labels into").
    void requireIntact(const std::string& what) const;

private:
    Archive();
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
