#include "core/analysis/ClusterMetrics.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace crowlingo {

namespace {

struct Contingency {
    std::map<std::pair<int, int>, double> joint;
    std::map<int, double> rows, cols;
    double n = 0;
};

Contingency contingency(const std::vector<int>& a, const std::vector<int>& b, const char* what)
{
    if (a.size() != b.size())
        throw UsageError(std::string("cannot compute ") + what + ": labelings of " + std::to_string(a.size()) +
                         " and " + std::to_string(b.size()) + " items");
    Contingency c;
    for (std::size_t i = 0; i < a.size(); ++i) {
        c.joint[{a[i], b[i]}] += 1;
        c.rows[a[i]] += 1;
        c.cols[b[i]] += 1;
    }
    c.n = double(a.size());
    return c;
}

double pairs(double m) { return m * (m - 1) / 2; }

} // namespace

double adjustedRandIndex(const std::vector<int>& a, const std::vector<int>& b)
{
    const Contingency c = contingency(a, b, "the adjusted Rand index");
    double index = 0, sumRows = 0, sumCols = 0;
    for (const auto& [key, m] : c.joint) index += pairs(m);
    for (const auto& [key, m] : c.rows) sumRows += pairs(m);
    for (const auto& [key, m] : c.cols) sumCols += pairs(m);
    const double total = pairs(c.n);
    if (total == 0) return 1.0;
    const double expected = sumRows * sumCols / total;
    const double maximum = (sumRows + sumCols) / 2;
    // Both trivial (one cluster each, or singletons each): the partitions agree perfectly.
    if (maximum == expected) return 1.0;
    return (index - expected) / (maximum - expected);
}

double normalizedMutualInfo(const std::vector<int>& a, const std::vector<int>& b)
{
    const Contingency c = contingency(a, b, "normalised mutual information");
    if (c.n == 0 || (c.rows.size() == 1 && c.cols.size() == 1)) return 1.0;
    double mi = 0, ha = 0, hb = 0;
    for (const auto& [key, m] : c.joint)
        mi += m / c.n * std::log(c.n * m / (c.rows.at(key.first) * c.cols.at(key.second)));
    for (const auto& [key, m] : c.rows) ha -= m / c.n * std::log(m / c.n);
    for (const auto& [key, m] : c.cols) hb -= m / c.n * std::log(m / c.n);
    const double mean = (ha + hb) / 2;
    if (mean <= 0) return 1.0;
    return std::clamp(mi / mean, 0.0, 1.0);
}

} // namespace crowlingo
