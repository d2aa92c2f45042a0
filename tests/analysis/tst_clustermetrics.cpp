// Adjusted Rand index and normalised mutual information on constructed labelings: identical and
// relabelled partitions score 1, independent ones about 0, and a hand-computed contingency table.
#include "AnalysisTestData.h"
#include "core/analysis/ClusterMetrics.h"
#include "core/common/Error.h"

#include <QtTest>

#include <cmath>

using namespace crowlingo;

class TestClusterMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void identicalLabelings()
    {
        const std::vector<int> a{0, 0, 0, 1, 1, 2, 2, 2, 2, -1};
        QCOMPARE(adjustedRandIndex(a, a), 1.0);
        QCOMPARE(normalizedMutualInfo(a, a), 1.0);
    }

    void permutedIdsScoreOne()
    {
        const std::vector<int> a{0, 0, 0, 1, 1, 2, 2, 2, 2, 3};
        const std::vector<int> b{7, 7, 7, 4, 4, -1, -1, -1, -1, 12}; // same partition, other ids
        QVERIFY(std::abs(adjustedRandIndex(a, b) - 1.0) < 1e-12);
        QVERIFY(std::abs(normalizedMutualInfo(a, b) - 1.0) < 1e-12);
    }

    void independentLabelingsScoreAboutZero()
    {
        analysis_test::Gauss g(3);
        std::vector<int> a(20000), b(20000);
        for (std::size_t i = 0; i < a.size(); ++i) {
            a[i] = int(g.uniform() * 5);
            b[i] = int(g.uniform() * 7);
        }
        const double ari = adjustedRandIndex(a, b);
        const double nmi = normalizedMutualInfo(a, b);
        QVERIFY2(std::abs(ari) < 0.01, qPrintable(QString::number(ari)));
        QVERIFY2(nmi < 0.01, qPrintable(QString::number(nmi)));
    }

    void handComputedTable()
    {
        // Contingency [[2, 1], [0, 3]] (rows: a = 0, 1; columns: b = 0, 1), n = 6.
        const std::vector<int> a{0, 0, 0, 1, 1, 1};
        const std::vector<int> b{0, 0, 1, 1, 1, 1};
        // Pairs: sum C(n_ij, 2) = 1 + 0 + 0 + 3 = 4; rows C(3,2) + C(3,2) = 6; columns C(2,2) + C(4,2) = 7;
        // expected = 6 * 7 / C(6,2) = 2.8; max = 6.5; ARI = (4 - 2.8) / (6.5 - 2.8).
        QVERIFY(std::abs(adjustedRandIndex(a, b) - (4 - 2.8) / (6.5 - 2.8)) < 1e-12);
        // MI = sum p_ij log(p_ij / (p_i p_j)); H(a) = log 2; H(b) = -(1/3 log 1/3 + 2/3 log 2/3).
        const double mi = 2.0 / 6 * std::log((2.0 / 6) / (0.5 * 2.0 / 6)) + 1.0 / 6 * std::log((1.0 / 6) / (0.5 * 4.0 / 6)) +
                          3.0 / 6 * std::log((3.0 / 6) / (0.5 * 4.0 / 6));
        const double ha = std::log(2.0);
        const double hb = -(1.0 / 3 * std::log(1.0 / 3) + 2.0 / 3 * std::log(2.0 / 3));
        QVERIFY(std::abs(normalizedMutualInfo(a, b) - mi / ((ha + hb) / 2)) < 1e-12);
    }

    void partialAgreementIsBetween()
    {
        const std::vector<int> a{0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2};
        const std::vector<int> b{0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 0};
        const double ari = adjustedRandIndex(a, b);
        const double nmi = normalizedMutualInfo(a, b);
        QVERIFY(ari > 0.1 && ari < 0.9);
        QVERIFY(nmi > 0.1 && nmi < 0.9);
    }

    void lengthMismatchThrows()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, adjustedRandIndex({0, 1}, {0}));
        QVERIFY_THROWS_EXCEPTION(UsageError, normalizedMutualInfo({0, 1}, {0}));
    }
};

QTEST_GUILESS_MAIN(TestClusterMetrics)
#include "tst_clustermetrics.moc"
