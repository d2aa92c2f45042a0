#pragma once
// Internal to core/analysis: HDBSCAN* over rows, the clustering behind cluster() with
// ClusterMethod::Hdbscan. Core distance = distance to the min_samples-th nearest other row
// (faiss kNN; cosine distance 1 - cos on normalised rows, or Euclidean).
//
//   HdbscanOptions o;  o.minClusterSize = 10;  o.metric = Metric::Euclidean;
//   FlatClustering c = hdbscan(rows, dimension, o, progress);
//
// Threading: uses o.threads threads internally; call it from one thread.
#include "core/analysis/detail/CondensedTree.h"
#include "core/analysis/Projection.h"
#include "core/common/Progress.h"

#include <span>

namespace crowlingo {

struct HdbscanOptions {
    int minClusterSize = 10;
    int minSamples = 0;               // 0: = minClusterSize
    Metric metric = Metric::Cosine;
    std::size_t exactMstUpTo = 20'000; // Prim's O(n^2) spanning tree up to here, kNN approximation above
    int threads = 1;
};

FlatClustering hdbscan(std::span<const float> rows, int dimension, const HdbscanOptions& options,
                       const Progress& progress = {});

} // namespace crowlingo
