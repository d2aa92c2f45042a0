#pragma once
// Clusters of embeddings (or of map coordinates): HDBSCAN (written here: core distances from a
// faiss kNN, mutual-reachability minimum spanning tree, condensed tree, excess-of-mass selection)
// and k-means (k-means++ then Lloyd, Lloyd.h). Noise is cluster -1. Ids are made stable across re-runs by matchClusterIds.
// HDBSCAN follows the hdbscan package: core distance = distance to the min_samples-th nearest
// other row; EOM selection with allow_single_cluster = false; probabilities and GLOSH scores as
// hdbscan computes them. The spanning tree is exact (Prim, O(n^2 d)) up to 20,000 rows; above,
// it is built from the kNN graph (3 x min_samples neighbours) with the components joined by the
// cheapest edges between nearby components (see MutualReachabilityMst.cpp). The cosine metric
// works on L2-normalised rows (distance 1 - cos). Same input ⇒ bitwise the same output on any
// thread count, x86-64 CPU and BLAS kernel, for HDBSCAN and k-means alike (see Projection.h and
// ExactRerank.h: BLAS proposes, the project's fixed-order distance code decides; tested in
// tests/analysis/tst_reproducibility).
//
//   ClusterParams p;  p.method = ClusterMethod::Hdbscan;  p.minClusterSize = 10;
//   Clusters c = cluster(matrix.values, matrix.dimension, p, progress);
//   c.labels = matchClusterIds(previousIds, previousLabels, currentIds, c.labels);
//
// Threading: cluster() may use several threads internally; call it from one thread.
#include "core/analysis/Projection.h"
#include "core/common/Progress.h"
#include "core/common/Types.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

enum class ClusterMethod { Hdbscan, Kmeans };

// Where clusters are looked for: among the embeddings, or on the 2-D map the user sees (as AVGN
// clusters its UMAP). Automatic is the map when it is a UMAP, else the embeddings: on the labelled
// sets HDBSCAN on the UMAP map agrees with the labels far better and leaves no clip as noise
// (BENCHMARKS.md, "Clustering: which space"); a PCA map is no place to look for call types.
enum class ClusterSpace { Automatic, Embeddings, Map };
const char* clusterSpaceName(ClusterSpace space); // "automatic", "embeddings", "map"

struct ClusterParams {
    ClusterMethod method = ClusterMethod::Hdbscan;
    int minClusterSize = 10;
    int minSamples = 0;           // 0: = minClusterSize
    Metric metric = Metric::Cosine;
    int k = 10;                   // k-means
    std::uint64_t seed = 42;
    ClusterSpace space = ClusterSpace::Automatic; // as asked; where it was found is spaceUsed()
    std::string toJson() const;   // provenance
    // Reads toJson()'s text back (keys it lacks keep their defaults). Throws UsageError for
    // malformed JSON or unknown values.
    static ClusterParams fromJson(const std::string& json);
    // Where a stored clustering was found ("found_in", written by clusterArchive; older archives
    // wrote "on_map"): Embeddings or Map, never Automatic. Embeddings for text it cannot read.
    static ClusterSpace spaceUsed(const std::string& json);
};

struct Clusters {
    std::vector<int> labels;           // per row; -1 = noise
    std::vector<float> probability;    // membership strength in [0, 1] (HDBSCAN), 1 for k-means
    std::vector<float> outlierScore;   // GLOSH in [0, 1] (HDBSCAN); distance-based for k-means
    int count() const;                 // number of clusters (labels >= 0)
};

Clusters cluster(std::span<const float> rows, int dimension, const ClusterParams& params,
                 const Progress& progress = {});

// Renumbers `labels` (for clips `ids`) so that clusters which mostly persist keep the id they had
// in (previousIds, previousLabels): matched by overlap (greedy on the largest Jaccard overlap,
// at least 50 %, counted on the clips present in both runs so that removed or added clips do not
// by themselves break a match); new clusters get fresh ids above the previous maximum, in order of
// their current label. Noise stays -1. Throws UsageError if ids and labels differ in length.
std::vector<int> matchClusterIds(const std::vector<ClipId>& previousIds, const std::vector<int>& previousLabels,
                                 const std::vector<ClipId>& ids, const std::vector<int>& labels);

// Indices (into rows) of the clips nearest each cluster's medoid, `perCluster` each (the medoid
// first), for listening. Result[label] for labels 0..max label (empty where a label is unused).
// The medoid minimises the summed distance to the cluster's members (for clusters above 2000
// members: among the 200 members nearest the centroid, against 2000 evenly spaced members).
std::vector<std::vector<std::size_t>> clusterExemplars(std::span<const float> rows, int dimension,
                                                       const std::vector<int>& labels, int perCluster = 5,
                                                       Metric metric = Metric::Cosine);

} // namespace crowlingo
