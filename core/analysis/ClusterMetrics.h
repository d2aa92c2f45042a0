#pragma once
// Agreement between two labelings of the same items: adjusted Rand index (Hubert & Arabie) and
// normalised mutual information (arithmetic-mean normalisation, scikit-learn's default). Label
// values are arbitrary ints; -1 (noise) is treated as one more label, as scikit-learn does.
//
//   double ari = adjustedRandIndex(truth, clusters.labels);      // 1: identical partitions
//   double nmi = normalizedMutualInfo(truth, clusters.labels);   // in [0, 1]
//
// Threading: pure functions; call from any thread.
#include <vector>

namespace crowlingo {

// 1 for identical partitions (whatever the ids), about 0 for independent ones, can be negative.
// Throws UsageError if the labelings differ in length.
double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b);
// MI / ((H(a) + H(b)) / 2), in [0, 1]; 1 when both labelings have a single label.
double normalizedMutualInfo(const std::vector<int>& a, const std::vector<int>& b);

} // namespace crowlingo
