#include "core/analysis/detail/KnnSearch.h"

#include "core/analysis/detail/ClusteredKnn.h"
#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/ExactRerank.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <faiss/IndexFlat.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo {

using faiss_idx = faiss::Index::idx_t;

KnnSearch::KnnSearch(std::span<const float> rows, int dimension, Metric metric, std::size_t exactUpTo)
    : dim_(dimension), metric_(metric)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot build kNN index: data is not a whole number of " + std::to_string(dimension) +
                         "-dimensional vectors");
    n_ = rows.size() / std::size_t(dimension);
    data_ = prepare(rows);
    approximate_ = n_ > exactUpTo;
    if (metric == Metric::Cosine) {
        index_ = std::make_unique<faiss::IndexFlatIP>(dimension);
    } else {
        index_ = std::make_unique<faiss::IndexFlatL2>(dimension);
    }
    OmpThreadLimit limit(threadCount());
    if (n_ > 0) index_->add(faiss_idx(n_), data_.data());
}

KnnSearch::~KnnSearch() = default;
KnnSearch::KnnSearch(KnnSearch&&) noexcept = default;
KnnSearch& KnnSearch::operator=(KnnSearch&&) noexcept = default;

std::vector<float> KnnSearch::prepare(std::span<const float> rows) const
{
    std::vector<float> out(rows.begin(), rows.end());
    if (metric_ == Metric::Cosine) normaliseRows(out, dim_);
    return out;
}

float KnnSearch::distance(const float* a, const float* b) const
{
    return preparedDistance(metric_, a, b, std::size_t(dim_));
}

KnnResult KnnSearch::search(std::span<const float> queries, int k) const
{
    if (queries.size() % std::size_t(dim_) != 0)
        throw UsageError("cannot search neighbours: queries are not " + std::to_string(dim_) + "-dimensional");
    const std::vector<float> q = prepare(queries);
    return searchPrepared(q.data(), q.size() / std::size_t(dim_), k);
}

KnnResult KnnSearch::searchPrepared(const float* q, std::size_t nq, int k) const
{
    KnnResult r;
    r.k = std::max(k, 0);
    r.index.assign(nq * std::size_t(r.k), -1);
    r.distance.assign(nq * std::size_t(r.k), std::numeric_limits<float>::infinity());
    if (nq == 0 || r.k == 0 || n_ == 0) return r;
    // BLAS proposes (faiss, k + margin candidates), the fixed-order kernel decides (ExactRerank.h).
    const std::size_t kk = std::min(std::size_t(r.k) + std::size_t(kRerankMargin), n_);
    OmpThreadLimit limit(OmpThreadLimit::forWork(double(nq) * double(n_) * dim_));
    std::vector<faiss_idx> ids(nq * kk);
    std::vector<float> d(nq * kk);
    // Bounded batches: faiss' exact search allocates nq x block distance tiles.
    const std::size_t batch = 4096;
    for (std::size_t s = 0; s < nq; s += batch) {
        const std::size_t m = std::min(batch, nq - s);
        index_->search(faiss_idx(m), q + s * std::size_t(dim_), faiss_idx(kk), d.data() + s * kk, ids.data() + s * kk);
    }
    const auto dim = std::size_t(dim_);
    parallelFor(nq, nq * kk * dim > 4'000'000 ? threadCount() : 1, [&](std::size_t begin, std::size_t end, int) {
        std::vector<Candidate> candidates;
        for (std::size_t i = begin; i < end; ++i) {
            candidates.clear();
            for (std::size_t c = 0; c < kk; ++c) {
                const faiss_idx id = ids[i * kk + c];
                if (id >= 0) candidates.push_back({preparedDistance(metric_, q + i * dim, data_.data() + std::size_t(id) * dim, dim), id});
            }
            keepNearest(candidates, std::size_t(r.k), r.distance.data() + i * std::size_t(r.k), r.index.data() + i * std::size_t(r.k));
        }
    });
    return r;
}

KnnResult KnnSearch::searchSelf(int k, const Progress& progress) const
{
    KnnResult r = approximate_ ? clusteredSelfKnn(data_.data(), n_, dim_, metric_, k, {}, progress)
                               : searchPrepared(data_.data(), n_, k);
    const std::size_t kk = std::size_t(r.k);
    if (kk == 0) return r;
    for (std::size_t i = 0; i < n_; ++i) {
        std::int64_t* idx = r.index.data() + i * kk;
        float* dist = r.distance.data() + i * kk;
        std::size_t pos = kk; // where row i sits, if found
        for (std::size_t j = 0; j < kk; ++j)
            if (idx[j] == std::int64_t(i)) { pos = j; break; }
        if (pos == kk) pos = kk - 1; // not found (duplicates, or a miss of the approximate graph): drop the farthest
        for (std::size_t j = pos; j > 0; --j) {
            idx[j] = idx[j - 1];
            dist[j] = dist[j - 1];
        }
        idx[0] = std::int64_t(i);
        dist[0] = 0.0f;
    }
    return r;
}

} // namespace crowlingo
