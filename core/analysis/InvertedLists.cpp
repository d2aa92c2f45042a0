#include "core/analysis/InvertedLists.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/Lloyd.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/RetrievalSpace.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace crowlingo {

namespace {

// Each row's nearest centroid, in blocks so that progress is reported and a cancel is heard.
std::vector<std::int32_t> nearestListOf(std::span<const float> rows, std::size_t dim, const std::vector<float>& centroids,
                                        const Progress& progress)
{
    const std::size_t n = rows.size() / dim;
    std::vector<std::int32_t> list(n);
    constexpr std::size_t kBlockRows = 65'536;
    OmpThreadLimit limit(threadCount());
    for (std::size_t first = 0; first < n; first += kBlockRows) {
        progress.checkCancelled();
        progress(double(first) / double(std::max<std::size_t>(n, 1)), "neighbour index: assigning clips to lists");
        const std::size_t m = std::min(kBlockRows, n - first);
        const std::vector<std::int64_t> nearest = nearestCentroids(rows.data() + first * dim, m, dim, centroids, 1, threadCount());
        for (std::size_t i = 0; i < m; ++i) list[first + i] = std::int32_t(nearest[i]);
    }
    return list;
}

} // namespace

std::size_t InvertedLists::listsFor(std::size_t rows)
{
    return std::max<std::size_t>(1, std::size_t(std::lround(2.0 * std::sqrt(double(rows)))));
}

InvertedLists InvertedLists::build(std::span<const float> unitRows, int dimension, const InvertedListsParams& params,
                                   const Progress& progress)
{
    if (dimension <= 0 || unitRows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot build neighbour lists: data is not a whole number of vectors");
    const auto dim = std::size_t(dimension);
    const std::size_t n = unitRows.size() / dim;
    InvertedLists r;
    r.dim_ = dimension;
    if (n == 0) {
        r.start_.assign(1, 0);
        return r;
    }
    const std::size_t lists = std::clamp<std::size_t>(params.lists > 0 ? params.lists : listsFor(n), 1, n);
    // k-means on evenly spaced rows (no random draw: the same rows wherever it runs), started
    // from every (sample / lists)-th of them.
    const std::vector<std::size_t> picked = evenlySpacedRows(n, lists * std::size_t(std::max(params.sampleRowsPerList, 1)));
    std::vector<float> sample(picked.size() * dim);
    for (std::size_t i = 0; i < picked.size(); ++i) std::copy_n(unitRows.data() + picked[i] * dim, dim, sample.data() + i * dim);
    r.centroids_.resize(lists * dim);
    for (std::size_t l = 0; l < lists; ++l)
        std::copy_n(sample.data() + (l * picked.size() / lists) * dim, dim, r.centroids_.data() + l * dim);
    {
        OmpThreadLimit limit(threadCount());
        lloydIterations(sample.data(), picked.size(), dim, r.centroids_, params.iterations, false, threadCount(),
                        progress.part(0.0, 0.4));
    }
    r.assign(nearestListOf(unitRows, dim, r.centroids_, progress.part(0.4, 1.0)));
    return r;
}

InvertedLists InvertedLists::fromAssignment(int dimension, std::vector<float> centroids, std::span<const std::int32_t> listOfRow)
{
    if (dimension <= 0 || centroids.empty() || centroids.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot read neighbour lists: centroids are not a whole number of vectors");
    InvertedLists r;
    r.dim_ = dimension;
    r.centroids_ = std::move(centroids);
    const auto lists = std::int32_t(r.centroids_.size() / std::size_t(dimension));
    for (const std::int32_t l : listOfRow)
        if (l < -1 || l >= lists)
            throw UsageError("cannot read neighbour lists: list " + std::to_string(l) + " of " + std::to_string(lists));
    r.assign(listOfRow);
    return r;
}

void InvertedLists::assign(std::span<const std::int32_t> listOfRow)
{
    const std::size_t lists = centroids_.size() / std::size_t(dim_);
    rows_ = listOfRow.size();
    start_.assign(lists + 1, 0);
    for (const std::int32_t l : listOfRow)
        if (l >= 0) ++start_[std::size_t(l) + 1];
    std::partial_sum(start_.begin(), start_.end(), start_.begin());
    members_.resize(start_.back());
    std::vector<std::size_t> fill(start_.begin(), start_.end() - 1);
    for (std::size_t i = 0; i < listOfRow.size(); ++i)
        if (listOfRow[i] >= 0) members_[fill[std::size_t(listOfRow[i])]++] = std::int64_t(i);
}

std::vector<std::int32_t> InvertedLists::listOfRows() const
{
    std::vector<std::int32_t> list(rows_, -1);
    for (std::size_t l = 0; l + 1 < start_.size(); ++l)
        for (std::size_t m = start_[l]; m < start_[l + 1]; ++m) list[std::size_t(members_[m])] = std::int32_t(l);
    return list;
}

void InvertedLists::add(std::span<const float> unitRows)
{
    if (unitRows.size() % std::size_t(dim_) != 0)
        throw UsageError("cannot add to neighbour lists: data is not a whole number of vectors");
    if (unitRows.empty()) return;
    std::vector<std::int32_t> list = listOfRows();
    const std::vector<std::int32_t> added = nearestListOf(unitRows, std::size_t(dim_), centroids_, {});
    list.insert(list.end(), added.begin(), added.end());
    assign(list);
}

std::vector<std::int32_t> InvertedLists::nearestLists(const float* query, int probes) const
{
    const std::size_t lists = listCount(), dim = std::size_t(dim_);
    std::vector<std::pair<float, std::int32_t>> byDistance(lists);
    for (std::size_t l = 0; l < lists; ++l) byDistance[l] = {squaredL2(query, centroids_.data() + l * dim, dim), std::int32_t(l)};
    const std::size_t take = std::min(lists, std::size_t(std::max(probes, 1)));
    std::partial_sort(byDistance.begin(), byDistance.begin() + std::ptrdiff_t(take), byDistance.end());
    std::vector<std::int32_t> nearest(take);
    for (std::size_t i = 0; i < take; ++i) nearest[i] = byDistance[i].second;
    return nearest;
}

} // namespace crowlingo
