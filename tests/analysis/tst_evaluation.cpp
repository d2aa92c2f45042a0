// Labels as evaluation: leave-one-out kNN precision on constructed cases with known answers, and
// the interval of a difference between two ways of scoring the same queries.
#include "core/analysis/Evaluation.h"
#include "core/analysis/Silhouette.h"
#include "core/common/Error.h"

#include <cmath>

#include <QtTest>

#include <random>

using namespace crowlingo;

class TestEvaluation : public QObject {
    Q_OBJECT

    // n points per class around orthogonal directions (dimension = classes), with a little noise.
    static std::vector<float> clusters(int classes, int perClass, float noise, std::vector<std::string>& labels)
    {
        std::mt19937 rng(7);
        std::uniform_real_distribution<float> u(-noise, noise);
        std::vector<float> rows;
        for (int c = 0; c < classes; ++c)
            for (int i = 0; i < perClass; ++i) {
                for (int d = 0; d < classes; ++d) rows.push_back((d == c ? 1.0f : 0.0f) + u(rng));
                labels.push_back("class" + std::to_string(c));
            }
        return rows;
    }

private Q_SLOTS:
    void perfectlySeparatedLabelsGivePrecisionOne()
    {
        std::vector<std::string> labels;
        const auto rows = clusters(4, 12, 0.05f, labels);
        const auto p = knnPrecision(rows, 4, labels, {1, 5, 10});
        for (double v : p) QCOMPARE(v, 1.0);
    }

    void shuffledLabelsGiveChance()
    {
        std::vector<std::string> labels;
        const auto rows = clusters(4, 50, 0.05f, labels);
        std::mt19937 rng(3);
        std::shuffle(labels.begin(), labels.end(), rng);
        const auto p = knnPrecision(rows, 4, labels, {5});
        QVERIFY2(p[0] > 0.1 && p[0] < 0.4, qPrintable(QString::number(p[0]))); // chance = 0.25
    }

    void precisionCountsSharedNeighboursExactly()
    {
        // Two points of "a" and one "b" on a line of directions: a1's nearest is a2, b's nearest is a2.
        const std::vector<float> rows = {1, 0, 0.99f, 0.14f, 0.6f, 0.8f};
        const std::vector<std::string> labels = {"a", "a", "b"};
        const auto p = knnPrecision(rows, 2, labels, {1, 2});
        QCOMPARE(p[0], 2.0 / 3.0);           // a1 -> a2 (hit), a2 -> a1 (hit), b -> a2 (miss)
        QCOMPARE(p[1], (0.5 + 0.5 + 0.0) / 3.0);
        // Per query, in row order.
        const auto q = knnPrecisionPerQuery(rows, 2, labels, {1, 2});
        QCOMPARE(q[0], (std::vector<double>{1.0, 1.0, 0.0}));
        QCOMPARE(q[1], (std::vector<double>{0.5, 0.5, 0.0}));
    }

    void pairedDifferencesHaveTheirKnownValues()
    {
        const std::vector<double> b = {0.2, 0.4, 0.6, 0.8, 1.0};
        PairedDifference d = pairedBootstrap(b, b);
        QCOMPARE(d.mean, 0.0);
        QCOMPARE(d.low, 0.0);
        QCOMPARE(d.high, 0.0);
        std::vector<double> a = b;
        for (double& v : a) v += 0.25; // every pair differs by the same amount: no spread at all
        d = pairedBootstrap(a, b);
        QVERIFY(std::abs(d.mean - 0.25) < 1e-12 && std::abs(d.low - 0.25) < 1e-12 && std::abs(d.high - 0.25) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(UsageError, pairedBootstrap(a, std::vector<double>{1.0}));
        QVERIFY_THROWS_EXCEPTION(UsageError, pairedBootstrap(std::vector<double>{}, std::vector<double>{}));
    }

    // The interval means what it says: over 300 draws of 200 paired queries whose two scores differ
    // only by noise, it holds the true difference (0) about 95 % of the time; with a true difference
    // of half a noise standard deviation it excludes 0 nearly always. The same call gives the same
    // interval (fixed seed).
    void pairedIntervalsCoverTheTrueDifference()
    {
        std::mt19937 rng(11);
        std::normal_distribution<double> noise(0.0, 0.2);
        std::uniform_real_distribution<double> level(0.0, 1.0);
        const auto draw = [&](double shift, std::vector<double>& a, std::vector<double>& b) {
            a.clear();
            b.clear();
            for (int i = 0; i < 200; ++i) {
                b.push_back(level(rng));
                a.push_back(b.back() + shift + noise(rng));
            }
        };
        std::vector<double> a, b;
        int covered = 0, separated = 0;
        for (int trial = 0; trial < 300; ++trial) {
            draw(0.0, a, b);
            const PairedDifference d = pairedBootstrap(a, b, 1000);
            QVERIFY(d.low <= d.mean && d.mean <= d.high);
            covered += d.low <= 0.0 && 0.0 <= d.high;
            draw(0.1, a, b);
            separated += pairedBootstrap(a, b, 1000).low > 0.0;
        }
        QVERIFY2(covered >= 270 && covered <= 297, qPrintable(QString::number(covered))); // 95 % of 300 = 285
        QVERIFY2(separated >= 290, qPrintable(QString::number(separated)));
        const PairedDifference once = pairedBootstrap(a, b), again = pairedBootstrap(a, b);
        QCOMPARE(once.low, again.low);
        QCOMPARE(once.high, again.high);
    }

    void silhouetteMatchesAHandComputation()
    {
        // Directions at 0 and 90 degrees: cosine distance 0 within, 1 across, for each point.
        const std::vector<float> rows = {1, 0, 2, 0, 0, 1, 0, 3};
        QCOMPARE(meanSilhouette(rows, 2, {0, 0, 1, 1}), 1.0);
        // Swapping one member: every point is as near the other cluster as its own one or nearer.
        QVERIFY(meanSilhouette(rows, 2, {0, 1, 0, 1}) < 0.0);
        // Noise is left out; one cluster only: undefined.
        QVERIFY(std::isnan(meanSilhouette(rows, 2, {0, 0, -1, -1})));
    }

    void unlabelledRowsAreIgnored()
    {
        const std::vector<float> rows = {1, 0, 0.9f, 0.1f, 0, 1, 0.1f, 0.9f, 0.95f, 0.05f};
        const std::vector<std::string> labels = {"a", "a", "b", "b", ""};
        QCOMPARE(knnPrecision(rows, 2, labels, {1})[0], 1.0);
    }
};

QTEST_GUILESS_MAIN(TestEvaluation)
#include "tst_evaluation.moc"
