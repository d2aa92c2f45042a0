#pragma once
// Internal to core/analysis: k nearest neighbours under the cosine (1 - cos) or Euclidean metric,
// with faiss. search() is exact (IndexFlat, BLAS). searchSelf() — the kNN graph of the indexed rows,
// O(N² d) exactly — is exact up to `exactUpTo` rows and approximate above (ClusteredKnn.h: recall
// about 0.999, a fraction of the work). Used by UMAP (the kNN graph and transform()), HDBSCAN (core
// distances) and trustworthiness.
//
//   KnnSearch knn(rows, dimension, Metric::Cosine);
//   KnnResult self = knn.searchSelf(15);            // row i: itself first (distance 0), then 14
//   KnnResult other = knn.search(newRows, 15);     // for rows that are not in the index
//
// Threading: search()/searchSelf() may run from several threads once constructed (faiss searches
// are const); faiss itself uses OpenMP threads. Both paths give the same bits on any thread count,
// CPU and BLAS kernel: faiss proposes k + 8 candidates, the fixed-order kernel of Distance.h gives
// their distances and decides (ExactRerank.h).
#include "core/analysis/detail/Distance.h"
#include "core/analysis/Projection.h"
#include "core/common/Progress.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace faiss { struct Index; }

namespace crowlingo {

struct KnnResult {
    int k = 0;
    std::vector<std::int64_t> index; // n x k, row-major, nearest first; -1 where fewer than k exist
    std::vector<float> distance;     // n x k: 1 - cos (cosine) or L2 (Euclidean), >= 0
    std::size_t rows() const { return k > 0 ? index.size() / std::size_t(k) : 0; }
};

// The distance of two prepared rows (L2-normalised for cosine): 1 - cos, or L2.
inline float preparedDistance(Metric metric, const float* a, const float* b, std::size_t dim)
{
    return metric == Metric::Cosine ? std::max(0.0f, 1.0f - dot(a, b, dim)) : std::sqrt(std::max(0.0f, squaredL2(a, b, dim)));
}

// A faiss result as that distance: the inner product of prepared rows (cosine) or squared L2.
inline float distanceFromFaiss(Metric metric, float raw)
{
    return metric == Metric::Cosine ? std::max(0.0f, 1.0f - raw) : std::sqrt(std::max(0.0f, raw));
}

class KnnSearch {
public:
    KnnSearch(std::span<const float> rows, int dimension, Metric metric, std::size_t exactUpTo = 20'000);
    ~KnnSearch();
    KnnSearch(KnnSearch&&) noexcept;
    KnnSearch& operator=(KnnSearch&&) noexcept;

    std::size_t size() const { return n_; }
    int dimension() const { return dim_; }
    Metric metric() const { return metric_; }
    // Whether searchSelf() is approximate.
    bool isApproximate() const { return approximate_; }
    // Rows as indexed: L2-normalised for the cosine metric.
    const std::vector<float>& data() const { return data_; }

    KnnResult search(std::span<const float> queries, int k) const;
    // Each indexed row against the index; column 0 is the row itself at distance 0 (as umap-learn's
    // kNN graphs), even when duplicates tie with it. The approximate graph reports progress and
    // may throw Cancelled; the exact one (a few seconds at most) runs through.
    KnnResult searchSelf(int k, const Progress& progress = {}) const;

    // Distance between two prepared vectors (normalised already for cosine).
    float distance(const float* a, const float* b) const;
    // Prepares query rows the way indexed rows were prepared (normalises for cosine).
    std::vector<float> prepare(std::span<const float> rows) const;

private:
    KnnResult searchPrepared(const float* queries, std::size_t nq, int k) const;

    int dim_ = 0;
    std::size_t n_ = 0;
    Metric metric_ = Metric::Cosine;
    bool approximate_ = false;
    std::vector<float> data_;
    std::unique_ptr<faiss::Index> index_;
};

} // namespace crowlingo
