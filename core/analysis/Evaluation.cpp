#include "core/analysis/Evaluation.h"

#include "core/analysis/NeighbourIndex.h"
#include "core/common/Error.h"

#include <algorithm>

namespace crowlingo {

std::vector<double> knnPrecision(std::span<const float> rows, int dim, const std::vector<std::string>& labels,
                                 const std::vector<int>& ks)
{
    if (dim <= 0 || rows.size() != labels.size() * std::size_t(dim))
        throw UsageError("cannot evaluate: " + std::to_string(labels.size()) + " labels for a matrix of another size");
    std::vector<float> kept;
    std::vector<const std::string*> keptLabels;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i].empty()) continue;
        kept.insert(kept.end(), rows.begin() + std::ptrdiff_t(i) * dim, rows.begin() + std::ptrdiff_t(i + 1) * dim);
        keptLabels.push_back(&labels[i]);
    }
    std::vector<double> out(ks.size(), 0.0);
    if (keptLabels.size() < 2) return out;
    const int kMax = *std::max_element(ks.begin(), ks.end());
    const NeighbourIndex index(kept, dim);
    const auto hits = index.searchRows(kept, kMax, true);
    for (std::size_t q = 0; q < hits.size(); ++q) {
        for (std::size_t j = 0; j < ks.size(); ++j) {
            const int k = std::min<int>(ks[j], int(hits[q].size()));
            int same = 0;
            for (int r = 0; r < k; ++r) same += *keptLabels[std::size_t(hits[q][std::size_t(r)].row)] == *keptLabels[q];
            out[j] += k ? double(same) / k : 0.0;
        }
    }
    for (double& v : out) v /= double(hits.size());
    return out;
}

} // namespace crowlingo
