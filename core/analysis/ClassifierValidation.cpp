#include "core/analysis/ClassifierValidation.h"

#include "core/common/Rng.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

namespace crowlingo {

double averagePrecision(std::span<const float> scores, std::span<const std::int8_t> truth)
{
    const std::size_t n = std::min(scores.size(), truth.size());
    const auto positives = std::count_if(truth.begin(), truth.begin() + std::ptrdiff_t(n), [](auto t) { return t > 0; });
    if (positives == 0) return NAN;
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return scores[a] > scores[b]; });
    double ap = 0;
    int tp = 0, seen = 0, recalledBefore = 0;
    for (std::size_t i = 0; i < n;) {
        std::size_t j = i; // a run of tied scores is one threshold
        while (j < n && scores[order[j]] == scores[order[i]]) {
            tp += truth[order[j]] > 0;
            ++seen;
            ++j;
        }
        ap += double(tp - recalledBefore) / double(positives) * (double(tp) / seen);
        recalledBefore = tp;
        i = j;
    }
    return ap;
}

PrecisionRecall precisionRecallAt(std::span<const float> scores, std::span<const std::int8_t> truth, float threshold)
{
    PrecisionRecall r;
    for (std::size_t i = 0; i < std::min(scores.size(), truth.size()); ++i) {
        const bool pos = truth[i] > 0;
        r.positives += pos;
        if (scores[i] >= threshold) (pos ? r.truePositives : r.falsePositives)++;
    }
    const int flagged = r.truePositives + r.falsePositives;
    r.precision = flagged ? double(r.truePositives) / flagged : NAN;
    r.recall = r.positives ? double(r.truePositives) / r.positives : NAN;
    return r;
}

CrossValidation crossValidate(std::span<const float> rows, int dimension, const ClassTargets& targets,
                              const CrossValidationOptions& options)
{
    const std::size_t n = targets.rows(), k = targets.classes.size(), d = std::size_t(dimension);
    CrossValidation cv;
    int fewest = 1 << 30;
    std::vector<bool> estimable(k);
    for (std::size_t c = 0; c < k; ++c) {
        estimable[c] = targets.count(c, +1) >= 2 && targets.count(c, -1) >= 1;
        if (estimable[c]) fewest = std::min(fewest, targets.count(c, +1));
    }
    for (std::size_t c = 0; c < k; ++c) {
        ClassQuality q;
        q.name = targets.classes[c];
        q.positives = targets.count(c, +1);
        q.negatives = targets.count(c, -1);
        q.averagePrecision = NAN;
        cv.classes.push_back(std::move(q));
    }
    if (fewest == 1 << 30) return cv;
    cv.folds = std::clamp(std::min(options.folds, fewest), 2, std::max(2, options.folds));

    // Stratified folds: rows grouped by their first positive class (or "negative only"), each group
    // shuffled and dealt round-robin, continuing where the last group stopped.
    std::map<long, std::vector<std::size_t>> groups;
    for (std::size_t i = 0; i < n; ++i) {
        long key = -1;
        for (std::size_t c = 0; c < k; ++c)
            if (targets.at(i, c) > 0) { key = long(c); break; }
        groups[key].push_back(i);
    }
    std::vector<int> fold(n);
    Rng rng(Rng::mix(options.seed, 0x636c6173u));
    int next = 0;
    for (auto& [key, members] : groups) {
        for (std::size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[rng.below(i)]);
        for (std::size_t i : members) fold[i] = next++ % cv.folds;
    }

    std::vector<float> heldOut(n * k, NAN);
    for (int f = 0; f < cv.folds; ++f) {
        std::vector<std::size_t> train, test;
        for (std::size_t i = 0; i < n; ++i) (fold[i] == f ? test : train).push_back(i);
        if (test.empty()) continue;
        // Classes the training part can still learn; the rest keep NaN for this fold.
        std::vector<std::size_t> learnable;
        for (std::size_t c = 0; c < k; ++c) {
            int pos = 0, neg = 0;
            for (std::size_t i : train) { pos += targets.at(i, c) > 0; neg += targets.at(i, c) < 0; }
            if (estimable[c] && pos > 0 && neg > 0) learnable.push_back(c);
        }
        if (learnable.empty()) continue;
        std::vector<std::string> names;
        for (std::size_t c : learnable) names.push_back(targets.classes[c]);
        ClassTargets part(train.size(), names);
        std::vector<float> x(train.size() * d), xt(test.size() * d);
        for (std::size_t r = 0; r < train.size(); ++r) {
            std::copy_n(rows.begin() + std::ptrdiff_t(train[r] * d), d, x.begin() + std::ptrdiff_t(r * d));
            for (std::size_t c = 0; c < learnable.size(); ++c) part.set(r, c, targets.at(train[r], learnable[c]));
        }
        for (std::size_t r = 0; r < test.size(); ++r)
            std::copy_n(rows.begin() + std::ptrdiff_t(test[r] * d), d, xt.begin() + std::ptrdiff_t(r * d));
        const LinearClassifier model = trainLinearClassifier(x, dimension, part, options.fit);
        const std::vector<float> p = model.probabilities(xt);
        for (std::size_t r = 0; r < test.size(); ++r)
            for (std::size_t c = 0; c < learnable.size(); ++c) heldOut[test[r] * k + learnable[c]] = p[r * learnable.size() + c];
    }
    for (std::size_t c = 0; c < k; ++c) {
        if (!estimable[c]) continue;
        ClassQuality& q = cv.classes[c];
        for (std::size_t i = 0; i < n; ++i) {
            const std::int8_t t = targets.at(i, c);
            if (t == 0 || std::isnan(heldOut[i * k + c])) continue;
            q.scores.push_back(heldOut[i * k + c]);
            q.truth.push_back(t);
            q.rows.push_back(i);
        }
        q.averagePrecision = averagePrecision(q.scores, q.truth);
    }
    return cv;
}

} // namespace crowlingo
