#pragma once
// Internal to core/analysis: k-means, the clustering behind cluster() with ClusterMethod::Kmeans.
// Seeded with greedy k-means++ (written here, deterministic for a seed), refined by Lloyd's
// iterations (Lloyd.h); spherical (normalised centroids) for the cosine metric. The same labels on
// any CPU, BLAS kernel and thread count.
//
//   KMeansResult r = kmeans(rows, dimension, 10, Metric::Cosine, 42, progress);
//   r.labels[i] in [0, k);  r.distance[i] = distance of row i to its centroid
//
// Threading: uses threadCount() threads (and faiss' OpenMP threads); call it from one thread.
#include "core/analysis/Projection.h"
#include "core/common/Progress.h"

#include <cstdint>
#include <span>
#include <vector>

namespace crowlingo {

struct KMeansResult {
    int k = 0;
    std::vector<float> centroids; // k x dimension (normalised for cosine)
    std::vector<int> labels;
    std::vector<float> distance;  // 1 - cos or L2, to the own centroid
};

KMeansResult kmeans(std::span<const float> rows, int dimension, int k, Metric metric, std::uint64_t seed,
                    const Progress& progress = {});

} // namespace crowlingo
