#include "core/analysis/Trustworthiness.h"

#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <faiss/utils/distances.h>

#include <algorithm>
#include <vector>

namespace crowlingo {

double trustworthiness(std::span<const float> original, int dimension, std::span<const float> embedded,
                       int embeddedDimension, int k, Metric metric, std::size_t sampleRows)
{
    if (dimension <= 0 || embeddedDimension <= 0 || original.size() % std::size_t(dimension) != 0 ||
        embedded.size() % std::size_t(embeddedDimension) != 0 ||
        original.size() / std::size_t(dimension) != embedded.size() / std::size_t(embeddedDimension))
        throw UsageError("cannot compute trustworthiness: the original and the map hold different numbers of points");
    const std::size_t n = original.size() / std::size_t(dimension);
    if (k < 1 || double(k) >= double(n) / 2)
        throw UsageError("cannot compute trustworthiness: k = " + std::to_string(k) + " must be >= 1 and < n/2 = " +
                         std::to_string(n / 2));
    const std::size_t kk = std::size_t(k);

    // Map neighbours (self first, then k others), exact.
    const KnnResult mapKnn = KnnSearch(embedded, embeddedDimension, Metric::Euclidean, SIZE_MAX).searchSelf(k + 1);
    // Original space: normalised rows for cosine (then squared L2 orders as 1 - cos does).
    std::vector<float> prepared(original.begin(), original.end());
    if (metric == Metric::Cosine) normaliseRows(prepared, dimension);
    const float* x = prepared.data();

    // The rows whose neighbourhoods are ranked: all, or `sampleRows` spread evenly over them.
    const std::size_t m = sampleRows > 0 && sampleRows < n ? sampleRows : n;
    auto rowOf = [&](std::size_t s) { return m == n ? s : s * n / m; };
    const auto dim = std::size_t(dimension);

    // Row blocks of the distance matrix: large (fewer BLAS calls), at most ~64 MB.
    const std::size_t block = std::clamp<std::size_t>((std::size_t(1) << 24) / std::max<std::size_t>(n, 1), 64, 1024);
    std::vector<float> dist(block * n), queries(block * dim);
    std::vector<double> penalty(m, 0.0);
    for (std::size_t b0 = 0; b0 < m; b0 += block) {
        const std::size_t rowsInBlock = std::min(block, m - b0);
        for (std::size_t r = 0; r < rowsInBlock; ++r)
            std::copy_n(x + rowOf(b0 + r) * dim, dim, queries.data() + r * dim);
        {
            OmpThreadLimit limit(threadCount());
            faiss::pairwise_L2sqr(dimension, std::int64_t(rowsInBlock), queries.data(), std::int64_t(n), x, dist.data());
        }
        parallelFor(rowsInBlock, threadCount(), [&](std::size_t begin, std::size_t end, int) {
            std::vector<float> scratch;
            for (std::size_t r = begin; r < end; ++r) {
                const std::size_t i = rowOf(b0 + r);
                const float* d = dist.data() + r * n;
                // The k-th smallest distance to another point: map neighbours closer than it rank
                // within k and cost nothing; only the others need their exact rank.
                scratch.clear();
                for (std::size_t m = 0; m < n; ++m)
                    if (m != i) scratch.push_back(d[m]);
                std::nth_element(scratch.begin(), scratch.begin() + std::ptrdiff_t(kk - 1), scratch.end());
                const float kth = scratch[kk - 1];
                for (std::size_t c = 1; c <= kk; ++c) {
                    const std::int64_t j = mapKnn.index[i * (kk + 1) + c];
                    if (j < 0 || d[std::size_t(j)] < kth) continue;
                    // Rank = 1 + points strictly closer (ties broken by index, as a stable sort).
                    std::size_t rank = 1;
                    for (std::size_t m = 0; m < n; ++m)
                        if (m != i && (d[m] < d[std::size_t(j)] || (d[m] == d[std::size_t(j)] && m < std::size_t(j)))) ++rank;
                    if (rank > kk) penalty[b0 + r] += double(rank - kk);
                }
            }
        });
    }
    double total = 0;
    for (double p : penalty) total += p;
    total *= double(n) / double(m); // a sample's mean penalty stands for every row's
    const double nn = double(n), kd = double(k);
    return 1.0 - total * 2.0 / (nn * kd * (2.0 * nn - 3.0 * kd - 1.0));
}

} // namespace crowlingo
