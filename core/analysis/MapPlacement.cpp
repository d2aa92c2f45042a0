#include "core/analysis/MapPlacement.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace crowlingo {

std::optional<MapPoint> placeAmongNeighbours(std::span<const float> similarity, std::span<const float> xy)
{
    const std::size_t k = std::min(similarity.size(), xy.size() / 2);
    if (k == 0) return std::nullopt;
    if (k == 1) return MapPoint{xy[0], xy[1]};
    std::vector<double> excess(k); // d_i - rho, rho the nearest's distance
    for (std::size_t i = 0; i < k; ++i) excess[i] = std::max(0.0, double(similarity[0]) - double(similarity[i]));
    // sigma by bisection, as smooth_knn_dist finds it: sum_i exp(-excess_i / sigma) = log2(k).
    const double target = std::log2(double(k));
    const auto total = [&](double sigma) {
        double sum = 0;
        for (double e : excess) sum += std::exp(-e / sigma);
        return sum;
    };
    double lo = 0, hi = 1e6, sigma = 1;
    for (int step = 0; step < 64; ++step) {
        sigma = (lo + hi) / 2;
        if (total(sigma) > target) hi = sigma;
        else lo = sigma;
    }
    double wx = 0, wy = 0, wsum = 0;
    for (std::size_t i = 0; i < k; ++i) {
        const double w = std::exp(-excess[i] / sigma); // sigma > 0: the midpoint of a bracket above 0
        wx += w * xy[2 * i];
        wy += w * xy[2 * i + 1];
        wsum += w;
    }
    return MapPoint{float(wx / wsum), float(wy / wsum)};
}

} // namespace crowlingo
