#include "core/analysis/Evaluation.h"

#include "core/analysis/NeighbourIndex.h"
#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace crowlingo {

std::vector<double> knnPrecision(std::span<const float> rows, int dim, const std::vector<std::string>& labels,
                                 const std::vector<int>& ks)
{
    return meanPrecision(knnPrecisionPerQuery(rows, dim, labels, ks));
}

std::vector<double> meanPrecision(const std::vector<std::vector<double>>& perQuery)
{
    std::vector<double> out;
    for (const std::vector<double>& q : perQuery)
        out.push_back(q.empty() ? 0.0 : std::accumulate(q.begin(), q.end(), 0.0) / double(q.size()));
    return out;
}

std::vector<std::vector<double>> knnPrecisionPerQuery(std::span<const float> rows, int dim,
                                                      const std::vector<std::string>& labels, const std::vector<int>& ks)
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
    std::vector<std::vector<double>> out(ks.size());
    if (keptLabels.size() < 2) return out;
    const int kMax = *std::max_element(ks.begin(), ks.end());
    const NeighbourIndex index(kept, dim);
    const auto hits = index.searchRows(kept, kMax, true);
    for (std::size_t q = 0; q < hits.size(); ++q) {
        for (std::size_t j = 0; j < ks.size(); ++j) {
            const int k = std::min<int>(ks[j], int(hits[q].size()));
            int same = 0;
            for (int r = 0; r < k; ++r) same += *keptLabels[std::size_t(hits[q][std::size_t(r)].row)] == *keptLabels[q];
            out[j].push_back(k ? double(same) / k : 0.0);
        }
    }
    return out;
}

PairedDifference pairedBootstrap(std::span<const double> a, std::span<const double> b, int resamples, std::uint64_t seed)
{
    if (a.size() != b.size() || a.empty())
        throw UsageError("cannot compare: " + std::to_string(a.size()) + " and " + std::to_string(b.size()) + " paired values");
    if (resamples < 1) throw UsageError("cannot compare: at least one resample is needed");
    const std::size_t n = a.size();
    std::vector<double> d(n);
    for (std::size_t i = 0; i < n; ++i) d[i] = a[i] - b[i];
    PairedDifference out;
    out.mean = std::accumulate(d.begin(), d.end(), 0.0) / double(n);
    // std::mt19937_64's sequence is fixed by the standard (its distributions are not): indices are
    // taken from it directly.
    std::mt19937_64 rng(seed);
    std::vector<double> means(static_cast<std::size_t>(resamples));
    for (double& m : means) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i) sum += d[rng() % n];
        m = sum / double(n);
    }
    std::sort(means.begin(), means.end());
    const auto at = [&](double q) { return means[std::size_t(std::lround(q * double(resamples - 1)))]; };
    out.low = at(0.025);
    out.high = at(0.975);
    return out;
}

} // namespace crowlingo
