#pragma once
// Labels as evaluation: how well an embedding groups what the researcher says belongs together.
//
//   std::vector<double> p = knnPrecision(rows, dim, labels, {1, 5, 10});  // leave-one-out, cosine
//   PairedDifference d = pairedBootstrap(modelPerQuery[1], baselinePerQuery[1]); // is it more than chance?
//
// Threading: pure functions (faiss may use several threads inside).
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

// Leave-one-out kNN precision@k with cosine similarity: for each labelled row, the fraction of
// its k nearest other labelled rows that share its label, averaged over rows. Rows whose label
// is empty are ignored (neither queries nor neighbours).
std::vector<double> knnPrecision(std::span<const float> rows, int dimension, const std::vector<std::string>& labels,
                                 const std::vector<int>& ks);

// The same per query: [k][q] is the precision@ks[k] of the q-th labelled row (rows in order, those
// without a label skipped). knnPrecision is meanPrecision of it: callers that need both search once.
std::vector<std::vector<double>> knnPrecisionPerQuery(std::span<const float> rows, int dimension,
                                                      const std::vector<std::string>& labels, const std::vector<int>& ks);
std::vector<double> meanPrecision(const std::vector<std::vector<double>>& perQuery); // per k; 0 without queries

// mean(a) - mean(b) over paired values (one query scored two ways), with a 95 % interval from a
// paired bootstrap: the pairs resampled with replacement `resamples` times, from a fixed seed, so
// the interval is the same on every machine. It says how far the difference would move with
// another draw of queries like these; queries share neighbours, so it is on the narrow side.
// UsageError if a and b differ in length or are empty.
struct PairedDifference {
    double mean = 0, low = 0, high = 0;
};
PairedDifference pairedBootstrap(std::span<const double> a, std::span<const double> b, int resamples = 2000,
                                 std::uint64_t seed = 1);

} // namespace crowlingo
