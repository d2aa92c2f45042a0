// Labels as evaluation: leave-one-out kNN precision on constructed cases with known answers.
#include "core/analysis/Evaluation.h"
#include "core/analysis/Silhouette.h"

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
