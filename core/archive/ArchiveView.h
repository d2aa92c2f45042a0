#pragma once
// Everything the workbench shows about one archive, read in one go on a worker thread: clips,
// recordings, the active model's embeddings with a cosine neighbour index, the stored map and
// clustering, and the labels. Indices ("clip index") are positions in `clips` (ordered by id).
//
//   const ArchiveView v = ArchiveView::load(file, progress);       // on a worker thread
//   const ClipRow& c = v.clips[i];  float x = v.xy[2 * i];
//
// Threading: load() opens its own Archive connection, so it may run on any thread; a snapshot is
// then owned by one thread (the GUI's ArchiveSession), which applies later edits (labels, a new map).
// Qt-free, so the workbench, benchmarks and tools read an archive the same way.
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/Projection.h"
#include "core/archive/Archive.h"
#include "core/common/Progress.h"

#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace crowlingo {

// Two numberings meet in the view: a clip index (a position in `clips`, the int the workbench
// passes around) and a row of `embeddings` (clips without a vector have none, so the two differ).
// Rows are their own type, so that one is never used for the other; the view converts.
enum class EmbeddingRow : std::int64_t { none = -1 };

// The active model's vectors, each scaled to unit length (cosine similarity = dot product). The
// rows are shared with the neighbour index that searches them: one copy in memory, not two.
struct UnitEmbeddings {
    int dimension = 0;
    std::shared_ptr<const std::vector<float>> storage; // row-major, rows() x dimension; null when empty

    std::size_t rows() const { return storage && dimension > 0 ? storage->size() / std::size_t(dimension) : 0; }
    std::span<const float> values() const { return storage ? std::span<const float>(*storage) : std::span<const float>(); }
    const float* row(std::size_t i) const { return storage->data() + i * std::size_t(dimension); }
    std::span<const float> vector(EmbeddingRow r) const { return {row(std::size_t(r)), std::size_t(dimension)}; }
};

struct ArchiveView {
    std::filesystem::path file;
    std::filesystem::path root;
    std::string modelId;                          // the archive's active model ("" if none)
    std::filesystem::path modelDir;               // that model's folder if the archive remembers it (else empty)
    double timeExpansion = 1.0;                   // archive meta "time_expansion"
    int timeScale = 1;                            // analysis time scale the model reads clips at (ArchiveSettings)
    std::string segmenter;                        // archive meta "segmenter" (SegmentSpec text); empty if never embedded

    std::vector<ClipRow> clips;                   // ordered by id
    std::unordered_map<ClipId, int> indexOfClip;
    std::vector<RecordingRow> recordings;
    std::vector<std::filesystem::path> recordingFiles; // absolute, per recording
    std::vector<int> recordingOfClip;             // per clip: index into recordings (-1 if unknown)

    UnitEmbeddings embeddings;
    std::vector<EmbeddingRow> rowOfClip;          // per clip: its row in embeddings, or none
    std::vector<int> clipOfRow;                   // per row of embeddings: its clip index (-1: not a clip of the view)
    std::shared_ptr<const NeighbourIndex> index;  // over embeddings' rows; null without embeddings

    bool hasProjection = false;
    std::string projectionParams;                 // JSON of the computation that made the map
    std::optional<ProjectionMethod> projectionMethod; // read from projectionParams; none for a map from elsewhere
    std::vector<float> xy;                        // per clip x, y (NaN for clips not on the map)
    // Clips with a vector that the stored map does not hold (drawn by hand, or embedded since the
    // map was computed) are placed among their nearest neighbours on it (core/analysis/MapPlacement.h)
    // while few enough to search for (kMaxPlacementWork); clipsOffMap counts those left off.
    std::vector<char> placedOnMap;                // per clip: its position was placed, not computed
    int clipsPlaced = 0;
    int clipsOffMap = 0;
    // Placement searches at most this many vector comparisons (clips to place x clips): about a
    // second of exact search, so that opening an archive never waits long for it.
    static constexpr double kMaxPlacementWork = 5e6;

    bool hasClustering = false;
    std::string clusteringParams;                 // JSON of the computation that made the clusters
    std::vector<int> cluster;                     // per clip; -1 noise (and every clip without clustering)
    std::vector<char> clustered;                  // per clip: the clustering holds it (else it came after)
    std::vector<std::string> label;               // per clip; "" = none (a "user" label wins over imported ones)
    std::vector<std::string> ownLabel;            // per clip: its "user" label alone ("" = none), for undo

    static ArchiveView load(const std::filesystem::path& file, const Progress& progress = {});

    int clipCount() const { return int(clips.size()); }
    // A clip's cluster (-1 noise), or -2 where there is no clustering or it does not hold the clip
    // (drawn by hand, or embedded since): such a clip is in no cluster, and not noise either.
    static constexpr int kNotClustered = -2;
    int clusterOf(int clipIndex) const
    {
        const auto i = std::size_t(clipIndex);
        if (!hasClustering || (i < clustered.size() && !clustered[i])) return kNotClustered;
        return cluster[i];
    }
    int indexOf(ClipId id) const;                 // -1 if not in the archive
    std::filesystem::path audioFile(int clipIndex) const;
    std::string recordingPath(int clipIndex) const; // relative path as stored
    // Installs a map / clustering given per clip id (clips missing from ids get NaN / -1; with
    // vectors, the map's are placed among their neighbours where that is cheap enough).
    void setProjection(const std::vector<ClipId>& ids, const std::vector<float>& xy, std::string params);
    void setClustering(const std::vector<ClipId>& ids, const std::vector<int>& labels, std::string params);
    // The label shown per clip from all the archive's label rows (a "user" label wins over imported
    // ones), and each clip's own.
    void setLabels(const std::vector<LabelRow>& rows);
    // The clips to listen to first in a cluster (core's clusterExemplars over its members'
    // vectors): the medoid, then its nearest members; at most `count`. Empty for noise (-1).
    std::vector<int> clusterExemplars(int clusterId, int count) const;

private:
    void placeClipsMissingFromTheMap();
};

} // namespace crowlingo
