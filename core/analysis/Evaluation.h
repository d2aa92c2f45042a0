#pragma once
// Labels as evaluation: how well an embedding groups what the researcher says belongs together.
//
//   std::vector<double> p = knnPrecision(rows, dim, labels, {1, 5, 10});  // leave-one-out, cosine
//
// Threading: a pure function (faiss may use several threads inside).
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

// Leave-one-out kNN precision@k with cosine similarity: for each labelled row, the fraction of
// its k nearest other labelled rows that share its label, averaged over rows. Rows whose label
// is empty are ignored (neither queries nor neighbours).
std::vector<double> knnPrecision(std::span<const float> rows, int dimension, const std::vector<std::string>& labels,
                                 const std::vector<int>& ks);

} // namespace crowlingo
