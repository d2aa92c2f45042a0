#include "core/analysis/detail/FuzzySimplicialSet.h"

#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Threads.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo {

namespace {
constexpr int kBisectionSteps = 64;       // as umap-learn
constexpr double kTolerance = 1e-5;       // SMOOTH_K_TOLERANCE
constexpr double kMinScale = 1e-3;        // MIN_K_DIST_SCALE: sigma is at least this x mean distance
}

SmoothKnn smoothKnnDistances(const KnnResult& knn, double localConnectivity, bool skipFirst)
{
    const std::size_t n = knn.rows();
    const std::size_t k = std::size_t(knn.k);
    SmoothKnn out;
    out.rho.assign(n, 0.0f);
    out.sigma.assign(n, 1.0f);
    if (n == 0 || k == 0) return out;
    const double target = std::log2(double(k));

    double totalDistance = 0;
    std::size_t totalCount = 0;
    for (std::size_t i = 0; i < knn.distance.size(); ++i)
        if (knn.index[i] >= 0) { totalDistance += knn.distance[i]; ++totalCount; }
    const double meanDistance = totalCount ? totalDistance / double(totalCount) : 0.0;

    parallelFor(n, n > 4096 ? threadCount() : 1, [&](std::size_t begin, std::size_t end, int) {
        std::vector<double> nonZero;
        for (std::size_t i = begin; i < end; ++i) {
            const float* d = knn.distance.data() + i * k;
            const std::int64_t* idx = knn.index.data() + i * k;
            nonZero.clear();
            double rowSum = 0;
            std::size_t rowCount = 0;
            for (std::size_t j = 0; j < k; ++j) {
                if (idx[j] < 0) continue;
                rowSum += d[j];
                ++rowCount;
                if (d[j] > 0) nonZero.push_back(d[j]);
            }
            // rho: interpolated distance to the localConnectivity-th nearest non-zero neighbour.
            double rho = 0;
            if (double(nonZero.size()) >= localConnectivity) {
                const auto index = std::size_t(std::floor(localConnectivity));
                const double interpolation = localConnectivity - double(index);
                if (index > 0) {
                    rho = nonZero[index - 1];
                    if (interpolation > kTolerance && index < nonZero.size())
                        rho += interpolation * (nonZero[index] - nonZero[index - 1]);
                } else if (!nonZero.empty()) {
                    rho = interpolation * nonZero[0];
                }
            } else if (!nonZero.empty()) {
                rho = nonZero.back();
            }
            // sigma by bisection (doubling while no upper bound is known).
            double lo = 0, hi = std::numeric_limits<double>::infinity(), mid = 1.0;
            for (int step = 0; step < kBisectionSteps; ++step) {
                double psum = 0;
                for (std::size_t j = skipFirst ? 1 : 0; j < k; ++j) {
                    if (idx[j] < 0) continue;
                    const double excess = d[j] - rho;
                    psum += excess > 0 ? std::exp(-excess / mid) : 1.0;
                }
                if (std::abs(psum - target) < kTolerance) break;
                if (psum > target) {
                    hi = mid;
                    mid = (lo + hi) / 2;
                } else {
                    lo = mid;
                    mid = std::isinf(hi) ? mid * 2 : (lo + hi) / 2;
                }
            }
            const double floorMean = rho > 0 ? (rowCount ? rowSum / double(rowCount) : 0.0) : meanDistance;
            mid = std::max(mid, kMinScale * floorMean);
            out.rho[i] = float(rho);
            out.sigma[i] = float(mid);
        }
    });
    return out;
}

std::vector<float> membershipStrengths(const KnnResult& knn, const SmoothKnn& smooth, bool selfIndexed)
{
    const std::size_t n = knn.rows();
    const std::size_t k = std::size_t(knn.k);
    std::vector<float> w(n * k, 0.0f);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
            const std::int64_t col = knn.index[i * k + j];
            if (col < 0 || (selfIndexed && col == std::int64_t(i))) continue;
            const double excess = double(knn.distance[i * k + j]) - smooth.rho[i];
            w[i * k + j] = (excess <= 0 || smooth.sigma[i] == 0.0f) ? 1.0f : float(std::exp(-excess / smooth.sigma[i]));
        }
    }
    return w;
}

FuzzySimplicialSet FuzzySimplicialSet::fromKnn(const KnnResult& knn)
{
    const std::size_t n = knn.rows();
    const std::size_t k = std::size_t(knn.k);
    const SmoothKnn smooth = smoothKnnDistances(knn, 1.0, true);
    const std::vector<float> w = membershipStrengths(knn, smooth, true);

    // Directed entries and their transposes, sorted by (head, tail): the union is then one pass.
    struct Entry {
        std::int32_t head, tail;
        float w;
        bool transposed;
    };
    std::vector<Entry> entries;
    entries.reserve(2 * n * k);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            const std::int64_t col = knn.index[i * k + j];
            const float v = w[i * k + j];
            if (col < 0 || v <= 0) continue;
            entries.push_back({std::int32_t(i), std::int32_t(col), v, false});
            entries.push_back({std::int32_t(col), std::int32_t(i), v, true});
        }
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.head != b.head ? a.head < b.head : a.tail != b.tail ? a.tail < b.tail : a.transposed < b.transposed;
    });

    FuzzySimplicialSet g;
    g.n = n;
    g.rowStart.assign(n + 1, 0);
    for (std::size_t s = 0; s < entries.size();) {
        std::size_t e = s;
        double a = 0, at = 0; // A_ij and A_ji (a kNN list holds each neighbour once, so no sums)
        while (e < entries.size() && entries[e].head == entries[s].head && entries[e].tail == entries[s].tail) {
            (entries[e].transposed ? at : a) = entries[e].w;
            ++e;
        }
        const double v = a + at - a * at;
        if (v > 0) {
            g.column.push_back(entries[s].tail);
            g.weight.push_back(float(v));
            ++g.rowStart[std::size_t(entries[s].head) + 1];
        }
        s = e;
    }
    for (std::size_t i = 0; i < n; ++i) g.rowStart[i + 1] += g.rowStart[i];
    return g;
}

} // namespace crowlingo
