#pragma once
// Internal to core/analysis: nearest centroids and Lloyd's k-means iterations, reproducible on any
// CPU, BLAS kernel and thread count (ExactRerank.h: faiss proposes the nearest centroids, the
// fixed-order kernel decides; centroids are summed in double in row order). Used for the lists
// of the approximate kNN graph (ClusteredKnn.h) and for k-means clustering (KMeans.h).
//
//   std::vector<float> c = initialCentroids(...);                  // k x dim
//   lloydIterations(rows, n, dim, c, 25, spherical, threads);      // refines c in place
//   std::vector<std::int64_t> nearest = nearestCentroids(rows, n, dim, c, 1, threads);
//
// Threading: call from one thread; uses up to `threads` threads (and faiss' OpenMP threads as the
// caller's OmpThreadLimit allows).
#include "core/common/Progress.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace crowlingo {

// For each of the n rows, the indices of its `take` nearest centroids (squared L2), nearest first,
// the lower index first on a tie.
std::vector<std::int64_t> nearestCentroids(const float* rows, std::size_t n, std::size_t dim, const std::vector<float>& centroids,
                                           std::size_t take, int threads);

// Up to `iterations` Lloyd steps (assign, then move each centroid to its rows' mean), stopping early
// when no assignment changes. Spherical: centroids normalised after each step (for the cosine
// metric on normalised rows). A centroid left without rows moves to the row farthest from its own
// centroid (the lowest index on a tie), as scikit-learn relocates empty clusters. Throws Cancelled
// between steps.
void lloydIterations(const float* rows, std::size_t n, std::size_t dim, std::vector<float>& centroids, int iterations, bool spherical,
                     int threads, const Progress& progress = {});

} // namespace crowlingo
