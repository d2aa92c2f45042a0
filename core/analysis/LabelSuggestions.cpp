#include "core/analysis/LabelSuggestions.h"

#include "core/common/Error.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace crowlingo {

namespace {

std::vector<float> unitRow(std::span<const float> rows, std::size_t i, std::size_t d)
{
    std::vector<float> v(rows.begin() + std::ptrdiff_t(i * d), rows.begin() + std::ptrdiff_t((i + 1) * d));
    const float norm = cblas_snrm2(int(d), v.data(), 1);
    if (norm > 0) cblas_sscal(int(d), 1.f / norm, v.data(), 1);
    return v;
}

void checkShape(std::span<const float> rows, int dimension, std::size_t expectedRows, const char* what)
{
    if (dimension <= 0 || rows.size() != expectedRows * std::size_t(dimension))
        throw UsageError(std::string(what) + ": vectors and flags do not match");
}

} // namespace

std::vector<std::size_t> clipsWorthLabelling(std::span<const float> rows, int dimension, std::span<const float> scores,
                                             const std::vector<bool>& labelled, const SuggestionOptions& options)
{
    const std::size_t n = scores.size(), d = std::size_t(dimension);
    checkShape(rows, dimension, n, "suggest clips");
    if (labelled.size() != n) throw UsageError("suggest clips: vectors and flags do not match");
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (!labelled[i] && std::isfinite(scores[i])) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) {
        return std::abs(scores[a] - options.threshold) < std::abs(scores[b] - options.threshold);
    });

    std::vector<std::vector<float>> kept; // unit vectors of labelled and picked clips
    for (std::size_t i = 0; i < n; ++i)
        if (labelled[i]) kept.push_back(unitRow(rows, i, d));
    std::vector<std::size_t> picked;
    for (std::size_t i : order) {
        if (int(picked.size()) >= options.count) break;
        std::vector<float> v = unitRow(rows, i, d);
        const bool duplicate = std::any_of(kept.begin(), kept.end(), [&](const std::vector<float>& k) {
            return cblas_sdot(int(d), v.data(), 1, k.data(), 1) >= options.duplicateCosine;
        });
        if (duplicate) continue;
        picked.push_back(i);
        kept.push_back(std::move(v));
    }
    return picked;
}

std::vector<SimilarRow> rankByExamples(std::span<const float> rows, int dimension, std::span<const float> examples,
                                        int count, const std::vector<bool>& exclude)
{
    const std::size_t d = std::size_t(dimension);
    if (dimension <= 0 || rows.size() % d != 0 || examples.size() % d != 0 || examples.empty())
        throw UsageError("search by example: no example, or vectors of another size");
    const std::size_t n = rows.size() / d, m = examples.size() / d;
    if (!exclude.empty() && exclude.size() != n) throw UsageError("search by example: vectors and flags do not match");
    std::vector<float> query(d, 0.f);
    for (std::size_t e = 0; e < m; ++e) {
        const std::vector<float> u = unitRow(examples, e, d);
        for (std::size_t j = 0; j < d; ++j) query[j] += u[j];
    }
    const float queryNorm = cblas_snrm2(int(d), query.data(), 1);
    if (queryNorm > 0) cblas_sscal(int(d), 1.f / queryNorm, query.data(), 1);
    std::vector<float> dots(n, 0.f), norms(n, 0.f);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(n), int(d), 1.f, rows.data(), int(d), query.data(), 1, 0.f,
                dots.data(), 1);
    for (std::size_t i = 0; i < n; ++i) norms[i] = cblas_snrm2(int(d), rows.data() + i * d, 1);
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n; ++i)
        if (exclude.empty() || !exclude[i]) order.push_back(i);
    auto cosine = [&](std::size_t i) { return norms[i] > 0 ? dots[i] / norms[i] : -2.f; };
    const std::size_t keep = std::min(order.size(), std::size_t(std::max(0, count)));
    std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(),
                      [&](auto a, auto b) { return cosine(a) > cosine(b); });
    std::vector<SimilarRow> ranked;
    for (std::size_t k = 0; k < keep; ++k) ranked.push_back({order[k], cosine(order[k])});
    return ranked;
}

} // namespace crowlingo
