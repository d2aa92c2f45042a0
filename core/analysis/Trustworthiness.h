#pragma once
// Trustworthiness of a low-dimensional map (Venna & Kaski 2001), as scikit-learn's
// sklearn.manifold.trustworthiness: 1 - 2/(n k (2n - 3k - 1)) sum_i sum_{j in map-kNN(i)}
// max(0, rank_i(j) - k), where rank_i(j) is j's rank among i's neighbours in the original space.
// 1: every map neighbour is a true neighbour. The bench reports it for this UMAP and umap-learn.
//
//   double t = trustworthiness(embeddings, 256, map.xy, 2, 15);           // Euclidean originals
//   double tc = trustworthiness(embeddings, 256, map.xy, 2, 15, Metric::Cosine);
//
// Threading: uses threadCount() threads (and BLAS threads); call it from one thread.
// Cost: O(n^2 d) — exact ranks need every distance; about a second at 10k x 256 on two cores.
// With sampleRows = m < n, only m rows spread evenly over the data are ranked (each against all n)
// and their mean penalty stands for all: O(m n d), an estimate for maps too large to rank whole.
#include "core/analysis/Projection.h"

#include <cstddef>
#include <span>

namespace crowlingo {

// Throws UsageError unless 1 <= k < n / 2 (scikit-learn's condition) and the shapes match.
double trustworthiness(std::span<const float> original, int dimension, std::span<const float> embedded,
                       int embeddedDimension, int k = 15, Metric metric = Metric::Euclidean, std::size_t sampleRows = 0);

} // namespace crowlingo
