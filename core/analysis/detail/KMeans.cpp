#include "core/analysis/detail/KMeans.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/Lloyd.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Rng.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

namespace {

constexpr std::size_t kChunk = 4096; // fixed chunks: sums do not depend on the thread count

// Greedy k-means++ (Arthur & Vassilvitskii; greedy trials as scikit-learn): each new centre is the
// best of 2 + log(k) candidates drawn in proportion to the squared distance to the nearest centre.
std::vector<float> kmeansPlusPlus(const std::vector<float>& x, std::size_t n, std::size_t dim, int k, Rng& rng)
{
    std::vector<float> centres(std::size_t(k) * dim);
    std::vector<float> nearest(n);
    const int trials = 2 + int(std::log(double(k)));
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
    const int threads = n > kChunk ? threadCount() : 1;

    std::size_t first = std::size_t(rng.below(n));
    std::copy_n(x.data() + first * dim, dim, centres.data());
    for (std::size_t i = 0; i < n; ++i) nearest[i] = squaredL2(x.data() + i * dim, centres.data(), dim);

    std::vector<double> chunkSum(chunks);
    std::vector<float> candidateDistance(n);
    for (int c = 1; c < k; ++c) {
        double total = 0;
        for (std::size_t i = 0; i < n; ++i) total += nearest[i];
        double bestPotential = -1;
        std::size_t bestCandidate = 0;
        std::vector<float> bestNearest;
        for (int t = 0; t < trials; ++t) {
            // Draw in proportion to nearest[] (uniformly when all points coincide with centres).
            std::size_t pick = std::size_t(rng.below(n));
            if (total > 0) {
                double r = rng.uniform() * total;
                for (std::size_t i = 0; i < n; ++i) {
                    r -= nearest[i];
                    if (r < 0) { pick = i; break; }
                }
            }
            const float* candidate = x.data() + pick * dim;
            parallelFor(chunks, threads, [&](std::size_t b, std::size_t e, int) {
                for (std::size_t ch = b; ch < e; ++ch) {
                    double s = 0;
                    for (std::size_t i = ch * kChunk; i < std::min(n, (ch + 1) * kChunk); ++i) {
                        candidateDistance[i] = std::min(nearest[i], squaredL2(x.data() + i * dim, candidate, dim));
                        s += candidateDistance[i];
                    }
                    chunkSum[ch] = s;
                }
            });
            double potential = 0;
            for (double s : chunkSum) potential += s;
            if (bestPotential < 0 || potential < bestPotential) {
                bestPotential = potential;
                bestCandidate = pick;
                bestNearest = candidateDistance;
            }
        }
        std::copy_n(x.data() + bestCandidate * dim, dim, centres.data() + std::size_t(c) * dim);
        nearest = std::move(bestNearest);
    }
    return centres;
}

} // namespace

KMeansResult kmeans(std::span<const float> rows, int dimension, int k, Metric metric, std::uint64_t seed,
                    const Progress& progress)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot cluster: data is not a whole number of vectors");
    if (k < 1) throw UsageError("cannot cluster: k-means needs k >= 1, got " + std::to_string(k));
    const std::size_t n = rows.size() / std::size_t(dimension);
    const std::size_t dim = std::size_t(dimension);
    KMeansResult r;
    r.labels.assign(n, -1);
    r.distance.assign(n, 0.0f);
    if (n == 0) return r;
    r.k = int(std::min<std::size_t>(std::size_t(k), n));
    std::vector<float> x(rows.begin(), rows.end());
    if (metric == Metric::Cosine) normaliseRows(x, dimension);

    progress(0.0, "k-means: seeding");
    Rng rng(Rng::mix(seed, 0x6B6D65616E73ull));
    const int threads = threadCount();
    OmpThreadLimit limit(OmpThreadLimit::forWork(double(n) * r.k * dimension));
    r.centroids = kmeansPlusPlus(x, n, dim, r.k, rng);
    if (metric == Metric::Cosine) normaliseRows(r.centroids, dimension);
    progress.checkCancelled();
    // 25 Lloyd steps at most (faiss' default), reproducible on any CPU (Lloyd.h); L2 on normalised
    // rows with normalised centroids is spherical k-means for the cosine metric.
    lloydIterations(x.data(), n, dim, r.centroids, 25, metric == Metric::Cosine, threads, progress.part(0.3, 0.95));
    const std::vector<std::int64_t> id = nearestCentroids(x.data(), n, dim, r.centroids, 1, threads);
    for (std::size_t i = 0; i < n; ++i) {
        r.labels[i] = int(id[i]);
        const float* c = r.centroids.data() + std::size_t(id[i]) * dim;
        r.distance[i] = metric == Metric::Cosine ? std::max(0.0f, 1.0f - dot(x.data() + i * dim, c, dim))
                                                 : std::sqrt(std::max(0.0f, squaredL2(x.data() + i * dim, c, dim)));
    }
    progress(1.0, "k-means");
    return r;
}

} // namespace crowlingo
