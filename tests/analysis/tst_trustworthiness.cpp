// Trustworthiness against a naive reference written here from the definition (full argsort of
// every row, as scikit-learn's implementation), plus its two ends: a map that keeps every
// neighbourhood scores 1, a shuffled map scores far lower.
#include "AnalysisTestData.h"
#include "core/analysis/Trustworthiness.h"
#include "core/common/Error.h"

#include <QtTest>

#include <algorithm>
#include <numeric>

using namespace crowlingo;
using namespace analysis_test;

namespace {

double naiveTrustworthiness(const std::vector<float>& x, int dx, const std::vector<float>& y, int dy, int k)
{
    const std::size_t n = x.size() / std::size_t(dx);
    auto sq = [](const std::vector<float>& v, int d, std::size_t a, std::size_t b) {
        double s = 0;
        for (int j = 0; j < d; ++j) {
            const double t = double(v[a * std::size_t(d) + std::size_t(j)]) - v[b * std::size_t(d) + std::size_t(j)];
            s += t * t;
        }
        return s;
    };
    double total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::vector<double> dxi(n), dyi(n);
        for (std::size_t m = 0; m < n; ++m) { dxi[m] = sq(x, dx, i, m); dyi[m] = sq(y, dy, i, m); }
        dxi[i] = dyi[i] = -1; // self first
        std::vector<std::size_t> byX = order, byY = order;
        std::stable_sort(byX.begin(), byX.end(), [&](std::size_t a, std::size_t b) { return dxi[a] < dxi[b]; });
        std::stable_sort(byY.begin(), byY.end(), [&](std::size_t a, std::size_t b) { return dyi[a] < dyi[b]; });
        std::vector<std::size_t> rank(n);
        for (std::size_t r = 0; r < n; ++r) rank[byX[r]] = r; // self has rank 0
        for (int c = 1; c <= k; ++c) total += std::max<double>(0, double(rank[byY[std::size_t(c)]]) - k);
    }
    return 1.0 - 2.0 / (double(n) * k * (2.0 * n - 3.0 * k - 1.0)) * total;
}

} // namespace

class TestTrustworthiness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesNaiveReference()
    {
        // A noisy 2-D view of 10-D blobs: neither perfect nor random.
        const Data d = blobs(3, 60, 10, 2.0, 7);
        Gauss g(8);
        std::vector<float> map;
        for (std::size_t i = 0; i < d.size(); ++i) {
            map.push_back(float(d.rows[i * 10] + 1.5 * g.normal()));
            map.push_back(float(d.rows[i * 10 + 1] + 1.5 * g.normal()));
        }
        for (int k : {5, 15}) {
            const double mine = trustworthiness(d.rows, 10, map, 2, k);
            const double reference = naiveTrustworthiness(d.rows, 10, map, 2, k);
            qInfo("k=%d: %.6f (reference %.6f)", k, mine, reference);
            QVERIFY(std::abs(mine - reference) < 1e-9);
            QVERIFY(mine > 0.5 && mine < 0.99);
        }
    }

    void keptNeighbourhoodsScoreOne()
    {
        const Data d = blobs(2, 100, 2, 3.0, 9);
        QVERIFY(std::abs(trustworthiness(d.rows, 2, d.rows, 2, 10) - 1.0) < 1e-12);
        // A scaled, rotated copy keeps every rank too.
        std::vector<float> rotated;
        for (std::size_t i = 0; i < d.size(); ++i) {
            rotated.push_back(3 * (0.6f * d.rows[2 * i] - 0.8f * d.rows[2 * i + 1]));
            rotated.push_back(3 * (0.8f * d.rows[2 * i] + 0.6f * d.rows[2 * i + 1]));
        }
        QVERIFY(std::abs(trustworthiness(d.rows, 2, rotated, 2, 10) - 1.0) < 1e-9);
    }

    void shuffledMapScoresLow()
    {
        const Data d = blobs(4, 100, 16, 3.0, 10);
        Gauss g(11);
        std::vector<float> random;
        for (std::size_t i = 0; i < 2 * d.size(); ++i) random.push_back(float(g.normal()));
        const double t = trustworthiness(d.rows, 16, random, 2, 15);
        QVERIFY2(t < 0.7, qPrintable(QString::number(t)));
    }

    // A map that keeps some neighbourhoods and breaks others (two of sixteen coordinates): the
    // mean over a quarter of the rows estimates the whole within 0.01; all rows give it exactly.
    void sampledRowsEstimateTheWhole()
    {
        const Data d = blobs(8, 250, 16, 2.0, 12);
        std::vector<float> map;
        for (std::size_t i = 0; i < d.size(); ++i) {
            map.push_back(d.rows[i * 16]);
            map.push_back(d.rows[i * 16 + 1]);
        }
        const double whole = trustworthiness(d.rows, 16, map, 2, 10);
        const double sampled = trustworthiness(d.rows, 16, map, 2, 10, Metric::Euclidean, d.size() / 4);
        qInfo("whole %.4f, sampled %.4f", whole, sampled);
        QVERIFY(whole < 0.95); // the estimate has something to estimate
        QVERIFY(std::abs(sampled - whole) < 0.01);
        QCOMPARE(trustworthiness(d.rows, 16, map, 2, 10, Metric::Euclidean, d.size()), whole);
    }

    void cosineUsesAngles()
    {
        // Rows scaled by different factors: the same points under cosine.
        const Data d = blobs(3, 50, 8, 3.0, 12);
        std::vector<float> scaled = d.rows;
        for (std::size_t i = 0; i < d.size(); ++i)
            for (int j = 0; j < 8; ++j) scaled[i * 8 + std::size_t(j)] *= float(1 + i % 7);
        std::vector<float> normalised = d.rows;
        for (std::size_t i = 0; i < d.size(); ++i) {
            double s = 0;
            for (int j = 0; j < 8; ++j) s += double(d.rows[i * 8 + std::size_t(j)]) * d.rows[i * 8 + std::size_t(j)];
            for (int j = 0; j < 8; ++j) normalised[i * 8 + std::size_t(j)] = float(d.rows[i * 8 + std::size_t(j)] / std::sqrt(s));
        }
        // The map is the normalised data itself: perfect under cosine whatever the row scales.
        QVERIFY(std::abs(trustworthiness(scaled, 8, normalised, 8, 10, Metric::Cosine) - 1.0) < 1e-6);
    }

    void refusesLargeK()
    {
        const Data d = blobs(1, 20, 3, 1.0, 13);
        QVERIFY_THROWS_EXCEPTION(UsageError, trustworthiness(d.rows, 3, d.rows, 3, 10));
        QVERIFY_THROWS_EXCEPTION(UsageError, trustworthiness(d.rows, 3, std::vector<float>(10), 2, 3));
    }
};

QTEST_GUILESS_MAIN(TestTrustworthiness)
#include "tst_trustworthiness.moc"
