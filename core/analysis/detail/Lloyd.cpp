#include "core/analysis/detail/Lloyd.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/ExactRerank.h"
#include "core/analysis/detail/ParallelFor.h"

#include <faiss/utils/distances.h>

#include <algorithm>
#include <cmath>

namespace crowlingo {

std::vector<std::int64_t> nearestCentroids(const float* rows, std::size_t n, std::size_t dim, const std::vector<float>& centroids,
                                           std::size_t take, int threads)
{
    const std::size_t k = centroids.size() / dim;
    take = std::min(take, k);
    std::vector<std::int64_t> nearest(n * take, -1);
    if (n == 0 || take == 0) return nearest;
    const std::size_t propose = std::min(k, take + std::size_t(kRerankMargin));
    std::vector<float> unused(n * propose);
    std::vector<std::int64_t> proposed(n * propose);
    faiss::knn_L2sqr(rows, centroids.data(), dim, n, k, propose, unused.data(), proposed.data());
    std::vector<float> distance(n * take);
    parallelFor(n, double(n) * double(propose) * double(dim) > 4e6 ? threads : 1, [&](std::size_t begin, std::size_t end, int) {
        std::vector<Candidate> c;
        c.reserve(propose);
        for (std::size_t i = begin; i < end; ++i) {
            c.clear();
            for (std::size_t p = 0; p < propose; ++p) {
                const std::int64_t l = proposed[i * propose + p];
                if (l >= 0) c.push_back({squaredL2(rows + i * dim, centroids.data() + std::size_t(l) * dim, dim), l});
            }
            keepNearest(c, take, distance.data() + i * take, nearest.data() + i * take);
        }
    });
    return nearest;
}

void lloydIterations(const float* rows, std::size_t n, std::size_t dim, std::vector<float>& centroids, int iterations, bool spherical,
                     int threads, const Progress& progress)
{
    const std::size_t k = centroids.size() / dim;
    if (n == 0 || k == 0) return;
    std::vector<std::int64_t> previous;
    std::vector<double> sum(k * dim);
    std::vector<std::size_t> count(k);
    for (int iteration = 0; iteration < iterations; ++iteration) {
        progress.checkCancelled();
        progress(double(iteration) / double(iterations), "k-means: iterations");
        std::vector<std::int64_t> assigned = nearestCentroids(rows, n, dim, centroids, 1, threads);
        if (assigned == previous) break;
        std::fill(sum.begin(), sum.end(), 0.0);
        std::fill(count.begin(), count.end(), 0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto l = std::size_t(assigned[i]);
            ++count[l];
            double* s = sum.data() + l * dim;
            const float* x = rows + i * dim;
            for (std::size_t j = 0; j < dim; ++j) s[j] += x[j];
        }
        // Empty clusters take the farthest rows, one each, farthest first (each such row then
        // counts as taken, its distance as 0).
        std::vector<float> own;
        for (std::size_t l = 0; l < k; ++l) {
            if (count[l] > 0) continue;
            if (own.empty()) {
                own.resize(n);
                for (std::size_t i = 0; i < n; ++i) own[i] = squaredL2(rows + i * dim, centroids.data() + std::size_t(assigned[i]) * dim, dim);
            }
            const std::size_t far = std::size_t(std::max_element(own.begin(), own.end()) - own.begin());
            if (!(own[far] > 0)) break; // every row sits on a centroid: nothing to move
            own[far] = 0;
            const auto from = std::size_t(assigned[far]);
            double* s = sum.data() + from * dim;
            for (std::size_t j = 0; j < dim; ++j) s[j] -= rows[far * dim + j];
            --count[from];
            for (std::size_t j = 0; j < dim; ++j) sum[l * dim + j] = rows[far * dim + j];
            count[l] = 1;
            assigned[far] = std::int64_t(l);
        }
        for (std::size_t l = 0; l < k; ++l) {
            if (count[l] == 0) continue;
            float* c = centroids.data() + l * dim;
            for (std::size_t j = 0; j < dim; ++j) c[j] = float(sum[l * dim + j] / double(count[l]));
            if (spherical) {
                const double norm = std::sqrt(double(dot(c, c, dim)));
                if (norm > 0)
                    for (std::size_t j = 0; j < dim; ++j) c[j] = float(c[j] / norm);
            }
        }
        previous = std::move(assigned);
    }
}

} // namespace crowlingo
