#pragma once
// Mean silhouette of a clustering (cosine distance): how much closer clips are to their own
// cluster than to the nearest other one, in [-1, 1]. Noise (label -1) is left out.
//
//   double s = meanSilhouette(matrix.values, matrix.dimension, clusters.labels);
//
// Threading: a pure function. Cost O(n^2 d): above maxRows rows an evenly spaced subset of
// queries is scored against all rows.
#include <cstddef>
#include <span>
#include <vector>

namespace crowlingo {

// NaN when fewer than two clusters have members.
double meanSilhouette(std::span<const float> rows, int dimension, const std::vector<int>& labels,
                      std::size_t maxRows = 5000);

} // namespace crowlingo
