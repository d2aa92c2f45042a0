#include "core/analysis/Silhouette.h"

#include "core/analysis/NeighbourIndex.h"
#include "core/common/Error.h"

#include <cmath>
#include <limits>
#include <map>

namespace crowlingo {

double meanSilhouette(std::span<const float> rows, int dim, const std::vector<int>& labels, std::size_t maxRows)
{
    if (dim <= 0 || rows.size() != labels.size() * std::size_t(dim))
        throw UsageError("cannot compute silhouette: labels and matrix differ in size");
    std::vector<float> unit(rows.begin(), rows.end());
    normaliseRows(unit, dim);
    std::map<int, int> sizes;
    for (int l : labels)
        if (l >= 0) ++sizes[l];
    if (sizes.size() < 2) return std::numeric_limits<double>::quiet_NaN();

    const std::size_t n = labels.size();
    const std::size_t step = std::max<std::size_t>(1, n / std::max<std::size_t>(1, maxRows));
    double sum = 0;
    std::size_t scored = 0;
    for (std::size_t i = 0; i < n; i += step) {
        if (labels[i] < 0) continue;
        std::map<int, double> total; // summed cosine distance from i to each cluster
        for (std::size_t j = 0; j < n; ++j) {
            if (j == i || labels[j] < 0) continue;
            double dot = 0;
            for (int k = 0; k < dim; ++k) dot += double(unit[i * std::size_t(dim) + std::size_t(k)]) * unit[j * std::size_t(dim) + std::size_t(k)];
            total[labels[j]] += 1.0 - dot;
        }
        const int own = sizes[labels[i]] - 1;
        if (own == 0) { ++scored; continue; } // a singleton scores 0, as in scikit-learn
        const double a = total[labels[i]] / own;
        double b = std::numeric_limits<double>::infinity();
        for (const auto& [label, count] : sizes)
            if (label != labels[i]) b = std::min(b, total[label] / count);
        sum += (b - a) / std::max(a, b);
        ++scored;
    }
    return scored ? sum / double(scored) : std::numeric_limits<double>::quiet_NaN();
}

} // namespace crowlingo
