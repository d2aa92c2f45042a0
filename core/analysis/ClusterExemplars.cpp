// clusterExemplars (declared in Clustering.h): clips to listen to, per cluster.
#include "core/analysis/Clustering.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"


#include <algorithm>
#include <cmath>
#include <numeric>

namespace crowlingo {

namespace {
constexpr std::size_t kExactUpTo = 2000;  // exact medoid below this many members
constexpr std::size_t kCandidates = 200;  // above: medoid among the members nearest the centroid
}

std::vector<std::vector<std::size_t>> clusterExemplars(std::span<const float> rows, int dimension,
                                                       const std::vector<int>& labels, int perCluster, Metric metric)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0 ||
        rows.size() / std::size_t(dimension) != labels.size())
        throw UsageError("cannot pick cluster exemplars: rows and labels do not match");
    const std::size_t dim = std::size_t(dimension);
    std::vector<float> x(rows.begin(), rows.end());
    if (metric == Metric::Cosine) normaliseRows(x, dimension);
    auto distance = [&](std::size_t a, std::size_t b) { return preparedDistance(metric, x.data() + a * dim, x.data() + b * dim, dim); };

    const int maxLabel = labels.empty() ? -1 : *std::max_element(labels.begin(), labels.end());
    std::vector<std::vector<std::size_t>> members(std::size_t(maxLabel + 1));
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0) members[std::size_t(labels[i])].push_back(i);

    std::vector<std::vector<std::size_t>> out(members.size());
    for (std::size_t c = 0; c < members.size(); ++c) {
        const std::vector<std::size_t>& m = members[c];
        if (m.empty() || perCluster <= 0) continue;
        // Medoid candidates, and the members they are scored against.
        std::vector<std::size_t> candidates = m, reference = m;
        if (m.size() > kExactUpTo) {
            std::vector<double> centre(dim, 0.0);
            for (std::size_t i : m)
                for (std::size_t j = 0; j < dim; ++j) centre[j] += x[i * dim + j];
            std::vector<float> centroid(dim);
            for (std::size_t j = 0; j < dim; ++j) centroid[j] = float(centre[j] / double(m.size()));
            if (metric == Metric::Cosine) normaliseRows(centroid, dimension);
            std::vector<std::pair<float, std::size_t>> byCentre;
            for (std::size_t i : m) byCentre.emplace_back(squaredL2(x.data() + i * dim, centroid.data(), dim), i);
            std::partial_sort(byCentre.begin(), byCentre.begin() + std::ptrdiff_t(kCandidates), byCentre.end());
            candidates.clear();
            for (std::size_t r = 0; r < kCandidates; ++r) candidates.push_back(byCentre[r].second);
            reference.clear();
            for (std::size_t r = 0; r < kExactUpTo; ++r) reference.push_back(m[r * m.size() / kExactUpTo]);
        }
        std::vector<double> total(candidates.size(), 0.0);
        parallelFor(candidates.size(), candidates.size() > 256 ? threadCount() : 1, [&](std::size_t b, std::size_t e, int) {
            for (std::size_t a = b; a < e; ++a)
                for (std::size_t r : reference) total[a] += distance(candidates[a], r);
        });
        const std::size_t medoid = candidates[std::size_t(std::min_element(total.begin(), total.end()) - total.begin())];
        std::vector<std::pair<float, std::size_t>> near;
        near.reserve(m.size());
        for (std::size_t i : m) near.emplace_back(i == medoid ? -1.0f : distance(medoid, i), i);
        const std::size_t keep = std::min(near.size(), std::size_t(perCluster));
        std::partial_sort(near.begin(), near.begin() + std::ptrdiff_t(keep), near.end());
        for (std::size_t r = 0; r < keep; ++r) out[c].push_back(near[r].second);
    }
    return out;
}

} // namespace crowlingo
