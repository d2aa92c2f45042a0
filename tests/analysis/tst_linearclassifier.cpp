// The classifier over embeddings: solved to optimality (the gradient, computed here independently,
// vanishes), class balancing, honest cross-validation (random labels score at chance), average
// precision against hand-computed cases, and the active-learning picks.
#include "AnalysisTestData.h"
#include "core/analysis/ClassifierValidation.h"
#include "core/analysis/LabelSuggestions.h"
#include "core/analysis/LinearClassifier.h"
#include "core/common/Error.h"

#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

// Targets for blob data: rows of blob `positive` are +1, rows of the blobs in `negatives` -1.
ClassTargets targetsFor(const analysis_test::Data& d, int positive, const std::vector<int>& negatives)
{
    ClassTargets t(d.size(), {"pos"});
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (d.truth[i] == positive) t.set(i, 0, +1);
        else if (std::find(negatives.begin(), negatives.end(), d.truth[i]) != negatives.end()) t.set(i, 0, -1);
    }
    return t;
}

} // namespace

class TestLinearClassifier : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void solutionIsOptimal()
    {
        // Overlapping blobs, unequal class sizes, two classes: the stated objective's gradient at the
        // returned weights, recomputed in double here on standardised features, is ~0.
        const analysis_test::Data d = analysis_test::blobs(3, 40, 16, 0.8, 11);
        ClassTargets t(d.size(), {"a", "b"});
        for (std::size_t i = 0; i < d.size(); ++i) {
            t.set(i, 0, d.truth[i] == 0 ? 1 : -1);
            if (i % 3 != 0) t.set(i, 1, d.truth[i] == 1 ? 1 : -1); // class b: some rows carry no information
        }
        for (const FeatureScaling scaling : {FeatureScaling::Global, FeatureScaling::PerFeature}) {
        const LinearClassifierOptions o{.l2 = 0.05, .scaling = scaling};
        const LinearClassifier c = trainLinearClassifier(d.rows, d.dimension, t, o);
        QVERIFY2(c.gradientNorm < 1e-4, qPrintable(QString::number(c.gradientNorm)));

        const std::size_t n = d.size(), dim = std::size_t(d.dimension);
        std::vector<double> mean(dim, 0), sd(dim, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < dim; ++j) mean[j] += d.rows[i * dim + j] / double(n);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < dim; ++j) sd[j] += std::pow(d.rows[i * dim + j] - mean[j], 2) / double(n);
        if (scaling == FeatureScaling::Global) {
            double total = 0;
            for (double v : sd) total += v;
            std::fill(sd.begin(), sd.end(), total / double(dim));
        }
        for (double& s : sd) s = std::sqrt(s);
        for (std::size_t k = 0; k < 2; ++k) {
            std::vector<double> w(dim);
            double b = c.bias[k];
            for (std::size_t j = 0; j < dim; ++j) {
                w[j] = c.weights[k * dim + j] * sd[j];
                b += c.weights[k * dim + j] * mean[j];
            }
            const double pos = t.count(k, 1), neg = t.count(k, -1);
            std::vector<double> g(dim + 1, 0);
            for (std::size_t i = 0; i < n; ++i) {
                const int y = t.at(i, k);
                if (y == 0) continue;
                double z = b;
                for (std::size_t j = 0; j < dim; ++j) z += w[j] * (d.rows[i * dim + j] - mean[j]) / sd[j];
                const double r = (y > 0 ? 0.5 / pos : 0.5 / neg) * (1 / (1 + std::exp(-z)) - (y > 0));
                for (std::size_t j = 0; j < dim; ++j) g[j] += r * (d.rows[i * dim + j] - mean[j]) / sd[j];
                g[dim] += r;
            }
            double worst = 0;
            for (std::size_t j = 0; j < dim; ++j) worst = std::max(worst, std::abs(g[j] + o.l2 * w[j]));
            worst = std::max(worst, std::abs(g[dim]));
            QVERIFY2(worst < 2e-4, qPrintable(QStringLiteral("class %1: gradient %2").arg(k).arg(worst)));
        }
        }
    }

    void fewExamplesSeparateBlobs()
    {
        // 5 examples of blob 0 and 5 of each other blob; every other point is classified right.
        const analysis_test::Data d = analysis_test::blobs(4, 60, 32, 2.0, 5);
        std::vector<float> x;
        ClassTargets t(20, {"zero"});
        std::vector<int> taken(4, 0);
        std::size_t row = 0;
        for (std::size_t i = 0; i < d.size() && row < 20; ++i) {
            if (taken[std::size_t(d.truth[i])]++ >= 5) continue;
            x.insert(x.end(), d.rows.begin() + std::ptrdiff_t(i * 32), d.rows.begin() + std::ptrdiff_t((i + 1) * 32));
            t.set(row++, 0, d.truth[i] == 0 ? 1 : -1);
        }
        QCOMPARE(row, std::size_t(20));
        const LinearClassifier c = trainLinearClassifier(x, 32, t);
        const std::vector<float> p = c.probabilities(d.rows);
        int wrong = 0;
        for (std::size_t i = 0; i < d.size(); ++i) wrong += (p[i] >= 0.5f) != (d.truth[i] == 0);
        QVERIFY2(wrong <= 2, qPrintable(QString::number(wrong)));
    }

    void rareClassIsNotDrownedOut()
    {
        // 6 positives against 300 negatives of overlapping blobs: with the classes weighed equally,
        // the positives' own centre scores above one half; unbalanced it would not need to.
        const analysis_test::Data d = analysis_test::blobs(2, 300, 8, 0.7, 9);
        ClassTargets t(d.size(), {"rare"});
        int positives = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            if (d.truth[i] == 0 && positives < 6) { t.set(i, 0, 1); ++positives; }
            else if (d.truth[i] == 1) t.set(i, 0, -1);
        }
        const LinearClassifier c = trainLinearClassifier(d.rows, 8, t);
        std::vector<float> held;
        for (std::size_t i = 0; i < d.size(); ++i)
            if (d.truth[i] == 0 && t.at(i, 0) == 0) held.insert(held.end(), d.rows.begin() + std::ptrdiff_t(i * 8), d.rows.begin() + std::ptrdiff_t(i * 8 + 8));
        const std::vector<float> p = c.probabilities(held);
        const double found = double(std::count_if(p.begin(), p.end(), [](float v) { return v >= 0.5f; })) / double(p.size());
        QVERIFY2(found > 0.6, qPrintable(QString::number(found)));
    }

    void missingCounterExamplesAreExplained()
    {
        const analysis_test::Data d = analysis_test::blobs(1, 10, 4, 1.0, 1);
        ClassTargets t(d.size(), {"caw"});
        for (std::size_t i = 0; i < d.size(); ++i) t.set(i, 0, 1);
        try {
            trainLinearClassifier(d.rows, 4, t);
            QFAIL("trained without counter-examples");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("caw") && QString(e.what()).contains("negative"), e.what());
        }
    }

    void averagePrecisionByHand()
    {
        const std::vector<float> s{0.9f, 0.8f, 0.7f, 0.6f};
        const std::vector<std::int8_t> t{1, -1, 1, -1};
        QVERIFY(std::abs(averagePrecision(s, t) - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)) < 1e-12);
        // Tied scores form one threshold: one positive and one negative tied at the top.
        QVERIFY(std::abs(averagePrecision(std::vector<float>{0.5f, 0.5f}, std::vector<std::int8_t>{1, -1}) - 0.5) < 1e-12);
        QVERIFY(std::isnan(averagePrecision(std::vector<float>{0.5f}, std::vector<std::int8_t>{-1})));
        const PrecisionRecall pr = precisionRecallAt(s, t, 0.75f);
        QCOMPARE(pr.truePositives, 1);
        QCOMPARE(pr.falsePositives, 1);
        QCOMPARE(pr.precision, 0.5);
        QCOMPARE(pr.recall, 0.5);
        QVERIFY(std::isnan(precisionRecallAt(s, t, 0.95f).precision));
    }

    void crossValidationDoesNotLeak()
    {
        // Random labels in 64 dimensions with 60 examples: a classifier fits its training set
        // perfectly, yet held out it can only guess. Real structure scores near 1.
        const analysis_test::Data d = analysis_test::blobs(2, 30, 64, 0.0, 4); // one cloud, no signal
        ClassTargets noise(d.size(), {"x"});
        std::mt19937 rng(2);
        for (std::size_t i = 0; i < d.size(); ++i) noise.set(i, 0, (rng() & 1) ? 1 : -1);
        const LinearClassifier fitted = trainLinearClassifier(d.rows, 64, noise);
        const std::vector<float> p = fitted.probabilities(d.rows);
        std::vector<std::int8_t> truth(noise.values.begin(), noise.values.end());
        QVERIFY(averagePrecision(p, truth) > 0.95);
        const CrossValidation cv = crossValidate(d.rows, 64, noise);
        QCOMPARE(cv.folds, 5);
        QCOMPARE(cv.classes[0].scores.size(), d.size());
        QVERIFY2(cv.classes[0].averagePrecision < 0.75, qPrintable(QString::number(cv.classes[0].averagePrecision)));

        const analysis_test::Data s = analysis_test::blobs(2, 30, 64, 1.0, 4);
        const CrossValidation real = crossValidate(s.rows, 64, targetsFor(s, 0, {1}));
        QVERIFY2(real.classes[0].averagePrecision > 0.95, qPrintable(QString::number(real.classes[0].averagePrecision)));
    }

    void crossValidationNeedsTwoPositives()
    {
        const analysis_test::Data d = analysis_test::blobs(2, 10, 8, 2.0, 3);
        ClassTargets t = targetsFor(d, 0, {1});
        int kept = 0;
        for (std::size_t i = 0; i < d.size(); ++i)
            if (t.at(i, 0) > 0 && kept++ > 0) t.set(i, 0, 0);
        const CrossValidation cv = crossValidate(d.rows, 8, t);
        QCOMPARE(cv.folds, 0);
        QVERIFY(std::isnan(cv.classes[0].averagePrecision));
        QCOMPARE(cv.classes[0].positives, 1);
    }

    void suggestionsAreUncertainAndNotDuplicates()
    {
        // Rows 0..3 are copies of one direction with scores nearest 0.5; only one of them is picked.
        // Row 4 is labelled; row 5 duplicates it and is skipped; rows 6, 7 are distinct.
        const std::vector<float> rows{1, 0, 0,  1, 0, 0,  1, 0, 0,  1, 0, 0,  0, 1, 0,  0, 1, 0,  0, 0, 1,  1, 1, 0};
        const std::vector<float> scores{0.5f, 0.51f, 0.49f, 0.52f, 0.5f, 0.5f, 0.9f, 0.3f};
        const std::vector<bool> labelled{false, false, false, false, true, false, false, false};
        const std::vector<std::size_t> picked = clipsWorthLabelling(rows, 3, scores, labelled, {.count = 5});
        QCOMPARE(picked, (std::vector<std::size_t>{0, 7, 6}));

        const std::vector<SimilarRow> ranked = rankByExamples(rows, 3, std::vector<float>{0, 2, 0, 0, 3, 0}, 3,
                                                              std::vector<bool>(8, false));
        QCOMPARE(ranked.size(), std::size_t(3));
        QVERIFY((ranked[0].row == 4 && ranked[1].row == 5) || (ranked[0].row == 5 && ranked[1].row == 4));
        QCOMPARE(ranked[2].row, std::size_t(7));
        QVERIFY(std::abs(ranked[0].similarity - 1.f) < 1e-6f);
        QVERIFY(std::abs(ranked[2].similarity - std::sqrt(0.5f)) < 1e-6f);
    }
};

QTEST_GUILESS_MAIN(TestLinearClassifier)
#include "tst_linearclassifier.moc"
