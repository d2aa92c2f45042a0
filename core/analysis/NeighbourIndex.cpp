#include "core/analysis/NeighbourIndex.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/ExactRerank.h"
#include "core/analysis/InvertedLists.h"
#include "core/common/Error.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/utils/distances.h>

#include <array>
#include <cmath>

namespace crowlingo {

struct NeighbourIndex::Impl {
    int dim = 0;
    std::size_t n = 0;
    bool approximate = false;
    std::unique_ptr<faiss::Index> index;           // null when searching shared rows
    std::shared_ptr<const std::vector<float>> shared; // unit rows kept with the caller
    std::shared_ptr<const InvertedLists> lists;       // searched through these lists when set
    int probes = 0;
};

void normaliseRows(std::span<float> x, int dim)
{
    for (std::size_t off = 0; off + std::size_t(dim) <= x.size(); off += std::size_t(dim)) {
        // Eight running sums, added in a fixed order: the same bits on any CPU, and the compiler
        // can use vector instructions, which one running sum forbids (a sixth of a CLI
        // neighbours query at 10^6 clips went here).
        std::array<double, 8> part{};
        int j = 0;
        for (; j + 8 <= dim; j += 8)
#pragma GCC unroll 8
            for (int k = 0; k < 8; ++k) part[std::size_t(k)] += double(x[off + j + k]) * x[off + j + k];
        double s = ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
        for (; j < dim; ++j) s += double(x[off + j]) * x[off + j];
        if (s <= 0) continue;
        const float inv = float(1.0 / std::sqrt(s));
        for (int j = 0; j < dim; ++j) x[off + j] *= inv;
    }
}

std::vector<Neighbour> nearestRows(std::span<const float> query, std::span<const float> rows, int dimension, int k)
{
    if (dimension <= 0 || query.size() != std::size_t(dimension) || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot search neighbours: the query and the rows differ in dimension");
    const auto dim = std::size_t(dimension);
    std::vector<float> q(query.begin(), query.end()), row(dim);
    normaliseRows(q, dimension);
    std::vector<Neighbour> best;
    if (k <= 0) return best;
    best.reserve(std::size_t(k) + 1);
    const auto before = [](const Neighbour& a, const Neighbour& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.row < b.row);
    };
    for (std::size_t r = 0; r < rows.size() / dim; ++r) {
        std::copy_n(rows.data() + r * dim, dim, row.begin());
        normaliseRows(row, dimension);
        const Neighbour candidate{std::int64_t(r), dot(q.data(), row.data(), dim)};
        if (best.size() == std::size_t(k) && !before(candidate, best.back())) continue;
        best.insert(std::upper_bound(best.begin(), best.end(), candidate, before), candidate);
        if (best.size() > std::size_t(k)) best.pop_back();
    }
    return best;
}

NeighbourIndex::NeighbourIndex(std::span<const float> rows, int dimension, NeighbourIndexOptions options)
    : d(std::make_unique<Impl>())
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot build neighbour index: data is not a whole number of vectors");
    d->dim = dimension;
    d->n = rows.size() / std::size_t(dimension);
    d->approximate = options.forceApproximate || d->n > options.exactUpTo;
    if (d->approximate) {
        auto hnsw = std::make_unique<faiss::IndexHNSWFlat>(dimension, options.hnswM, faiss::METRIC_INNER_PRODUCT);
        hnsw->hnsw.efConstruction = options.hnswEfConstruction;
        hnsw->hnsw.efSearch = options.hnswEfSearch;
        d->index = std::move(hnsw);
    } else {
        d->index = std::make_unique<faiss::IndexFlatIP>(dimension);
    }
    // The index keeps its own copy, so rows go in normalised a block at a time: opening a large
    // archive does not also fill (and page-fault in) a second full-size temporary. HNSW takes all
    // rows in one call: its graph depends on how the rows are batched.
    const std::size_t blockRows = d->approximate ? std::max<std::size_t>(d->n, 1) : 4096;
    std::vector<float> block;
    for (std::size_t first = 0; first < d->n; first += blockRows) {
        const std::size_t m = std::min(blockRows, d->n - first);
        const auto begin = rows.begin() + std::ptrdiff_t(first * std::size_t(dimension));
        block.assign(begin, begin + std::ptrdiff_t(m * std::size_t(dimension)));
        normaliseRows(block, dimension);
        d->index->add(faiss::Index::idx_t(m), block.data());
    }
}

NeighbourIndex::NeighbourIndex() : d(std::make_unique<Impl>()) {}

NeighbourIndex NeighbourIndex::sharedUnitRows(std::shared_ptr<const std::vector<float>> unitRows, int dimension,
                                              NeighbourIndexOptions options)
{
    if (!unitRows || dimension <= 0 || unitRows->size() % std::size_t(dimension) != 0)
        throw UsageError("cannot build neighbour index: data is not a whole number of vectors");
    if (options.forceApproximate || unitRows->size() / std::size_t(dimension) > options.exactUpTo)
        return NeighbourIndex(*unitRows, dimension, options);
    NeighbourIndex index;
    index.d->dim = dimension;
    index.d->n = unitRows->size() / std::size_t(dimension);
    index.d->shared = std::move(unitRows);
    return index;
}

NeighbourIndex NeighbourIndex::sharedUnitRows(std::shared_ptr<const std::vector<float>> unitRows, int dimension,
                                              std::shared_ptr<const InvertedLists> lists, NeighbourIndexOptions options)
{
    if (!unitRows || !lists || dimension <= 0 || unitRows->size() % std::size_t(dimension) != 0 || lists->dimension() != dimension
        || lists->rows() != unitRows->size() / std::size_t(dimension))
        throw UsageError("cannot build neighbour index: the lists were not made for these vectors");
    NeighbourIndex index;
    index.d->dim = dimension;
    index.d->n = unitRows->size() / std::size_t(dimension);
    index.d->approximate = true;
    index.d->shared = std::move(unitRows);
    index.d->lists = std::move(lists);
    index.d->probes = std::max(options.probes, 1);
    return index;
}

NeighbourIndex::~NeighbourIndex() = default;
NeighbourIndex::NeighbourIndex(NeighbourIndex&&) noexcept = default;
NeighbourIndex& NeighbourIndex::operator=(NeighbourIndex&&) noexcept = default;

std::size_t NeighbourIndex::size() const { return d->n; }
int NeighbourIndex::dimension() const { return d->dim; }
bool NeighbourIndex::isApproximate() const { return d->approximate; }
bool NeighbourIndex::usesLists() const { return d->lists != nullptr; }

std::vector<Neighbour> NeighbourIndex::search(std::span<const float> query, int k, std::int64_t excludeRow) const
{
    if (query.size() != std::size_t(d->dim))
        throw UsageError("cannot search neighbours: query has dimension " + std::to_string(query.size()) +
                         ", index has " + std::to_string(d->dim));
    std::vector<float> q(query.begin(), query.end());
    normaliseRows(q, d->dim);
    auto all = searchRowsNormalised(q, k, excludeRow >= 0 ? std::vector<std::int64_t>{excludeRow} : std::vector<std::int64_t>{});
    return all.front();
}

std::vector<std::vector<Neighbour>> NeighbourIndex::searchRows(std::span<const float> queries, int k, bool selfExclude) const
{
    std::vector<float> q(queries.begin(), queries.end());
    normaliseRows(q, d->dim);
    std::vector<std::int64_t> exclude;
    if (selfExclude) {
        exclude.resize(q.size() / std::size_t(d->dim));
        for (std::size_t i = 0; i < exclude.size(); ++i) exclude[i] = std::int64_t(i);
    }
    return searchRowsNormalised(q, k, exclude);
}

std::vector<std::vector<Neighbour>> NeighbourIndex::searchRowsNormalised(const std::vector<float>& q, int k,
                                                                         const std::vector<std::int64_t>& exclude) const
{
    const std::size_t nq = q.size() / std::size_t(d->dim);
    std::vector<std::vector<Neighbour>> out(nq);
    if (d->n == 0 || k <= 0 || nq == 0) return out;
    if (d->lists) {
        for (std::size_t i = 0; i < nq; ++i)
            out[i] = searchLists(q.data() + i * std::size_t(d->dim), k, exclude.empty() ? -1 : exclude[std::min(i, exclude.size() - 1)]);
        return out;
    }
    // Ask for one more so that an excluded row can be dropped. The exact index also asks for
    // kRerankMargin more and ranks them by similarities computed in a fixed order (ExactRerank.h),
    // so the list is the same on any CPU, BLAS kernel and thread count.
    const std::size_t margin = d->approximate ? 0 : std::size_t(kRerankMargin);
    const faiss::Index::idx_t kk = std::min<faiss::Index::idx_t>(faiss::Index::idx_t(std::size_t(k) + (exclude.empty() ? 0 : 1) + margin),
                                                                 faiss::Index::idx_t(d->n));
    std::vector<float> sims(nq * std::size_t(kk));
    std::vector<faiss::Index::idx_t> ids(nq * std::size_t(kk));
    const auto dim = std::size_t(d->dim);
    const float* stored = nullptr; // the rows themselves, for the exact reranking
    if (d->shared) {
        // What IndexFlatIP::search does, over the caller's rows instead of a copy.
        stored = d->shared->data();
        faiss::knn_inner_product(q.data(), stored, dim, nq, d->n, std::size_t(kk), sims.data(), ids.data());
    } else {
        d->index->search(faiss::Index::idx_t(nq), q.data(), kk, sims.data(), ids.data());
        if (!d->approximate) stored = static_cast<const faiss::IndexFlat&>(*d->index).get_xb();
    }
    std::vector<Candidate> candidates;
    std::vector<float> negatedSimilarity(static_cast<std::size_t>(k));
    std::vector<std::int64_t> row(static_cast<std::size_t>(k));
    for (std::size_t i = 0; i < nq; ++i) {
        const std::int64_t skip = exclude.empty() ? -1 : exclude[std::min(i, exclude.size() - 1)];
        candidates.clear();
        for (faiss::Index::idx_t j = 0; j < kk; ++j) {
            const faiss::Index::idx_t id = ids[i * std::size_t(kk) + std::size_t(j)];
            if (id < 0 || id == skip) continue;
            const float sim = stored ? dot(q.data() + i * dim, stored + std::size_t(id) * dim, dim) : sims[i * std::size_t(kk) + std::size_t(j)];
            candidates.push_back({-sim, id}); // most similar first
        }
        keepNearest(candidates, std::size_t(k), negatedSimilarity.data(), row.data());
        for (std::size_t j = 0; j < std::size_t(k) && row[j] >= 0; ++j) out[i].push_back({row[j], -negatedSimilarity[j]});
    }
    return out;
}

std::vector<Neighbour> NeighbourIndex::searchLists(const float* query, int k, std::int64_t exclude) const
{
    // Every member of the probed lists, its similarity computed in a fixed order (Distance.h): the
    // same neighbours on any CPU. The best k are kept in a sorted run, most similar first, the
    // lower row first on a tie.
    const auto dim = std::size_t(d->dim);
    const float* rows = d->shared->data();
    std::vector<Neighbour> best;
    best.reserve(std::size_t(k) + 1);
    const auto before = [](const Neighbour& a, const Neighbour& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.row < b.row);
    };
    for (const std::int32_t list : d->lists->nearestLists(query, d->probes)) {
        for (const std::int64_t row : d->lists->members(list)) {
            if (row == exclude) continue;
            const Neighbour candidate{row, dot(query, rows + std::size_t(row) * dim, dim)};
            if (best.size() == std::size_t(k) && !before(candidate, best.back())) continue;
            best.insert(std::upper_bound(best.begin(), best.end(), candidate, before), candidate);
            if (best.size() > std::size_t(k)) best.pop_back();
        }
    }
    return best;
}

} // namespace crowlingo
