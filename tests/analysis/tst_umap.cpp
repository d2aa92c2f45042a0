// UMAP: the a/b curve fit against umap-learn's values, blobs that separate in the map (kNN label
// agreement, k-means on the map, trustworthiness), same seed ⇒ bitwise identical maps (also across
// thread counts), no NaN, transform() places held-out points with their blob, bad input refused.
#include "AnalysisTestData.h"
#include "core/analysis/ClusterMetrics.h"
#include "core/analysis/Clustering.h"
#include "core/analysis/MapPlacement.h"
#include "core/analysis/detail/PowTable.h"
#include "core/analysis/Projection.h"
#include "core/analysis/Trustworthiness.h"
#include "core/analysis/detail/UmapLayout.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <map>

using namespace crowlingo;
using namespace analysis_test;

namespace {

// Fraction of points whose k nearest map neighbours mostly share their label.
double knnAgreement(const std::vector<float>& xy, const std::vector<int>& labels, int k)
{
    const std::size_t n = labels.size();
    std::size_t agree = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::pair<float, std::size_t>> d;
        for (std::size_t j = 0; j < n; ++j)
            if (j != i) {
                const float dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
                d.emplace_back(dx * dx + dy * dy, j);
            }
        std::partial_sort(d.begin(), d.begin() + k, d.end());
        int same = 0;
        for (int c = 0; c < k; ++c) same += labels[d[std::size_t(c)].second] == labels[i];
        agree += 2 * same > k;
    }
    return double(agree) / double(n);
}

bool allFinite(const std::vector<float>& v)
{
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

struct ThreadCountGuard {
    ~ThreadCountGuard() { setThreadCount(0); }
};

} // namespace

class TestUmap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A point not in the map is placed where umap-learn's transform() starts it: the mean of its
    // neighbours' positions, weighted by UMAP's fuzzy membership.
    void aPointIsPlacedAmongItsNeighboursAsUmapStartsIt()
    {
        QVERIFY(!placeAmongNeighbours({}, {}));
        const std::vector<float> xy = {0, 0, 10, 0, 0, 10};
        // Equally near: equal weights, the centroid.
        const MapPoint centre = *placeAmongNeighbours(std::vector<float>{0.5f, 0.5f, 0.5f}, xy);
        QVERIFY(std::abs(centre[0] - 10.f / 3) < 1e-4f && std::abs(centre[1] - 10.f / 3) < 1e-4f);
        // One nearest, two as far as each other: 1 + 2w = log2(3) by the membership's definition,
        // so w = (log2(3) - 1) / 2 whatever how much farther they are.
        const double w = (std::log2(3.0) - 1) / 2;
        for (const float farther : {0.05f, 0.4f}) {
            const MapPoint p = *placeAmongNeighbours(std::vector<float>{0.9f, 0.9f - farther, 0.9f - farther}, xy);
            QVERIFY2(std::abs(p[0] - 10 * w / (1 + 2 * w)) < 1e-3 && std::abs(p[1] - 10 * w / (1 + 2 * w)) < 1e-3,
                     qPrintable(QString("%1, %2").arg(p[0]).arg(p[1])));
        }
        // Unequal distances: the nearer of the two others weighs more.
        const MapPoint p = *placeAmongNeighbours(std::vector<float>{0.9f, 0.8f, 0.5f}, xy);
        QVERIFY(p[0] > p[1]);
    }
    // The layout's d²^b by table: within 5e-6 of double-precision pow over the whole range it
    // meets (and beyond, where it falls back), for the exponents min_dist 0.001 .. 0.99 give.
    void powTableMatchesPow()
    {
        for (float b : {0.5f, 0.79f, 0.9f, 1.0f, 1.93f}) {
            const PowTable table(b);
            double worst = 0;
            for (double x = 1e-14; x < 1e14; x *= 1.0007) {
                const float v = table(float(x));
                const double exact = std::pow(double(float(x)), double(b));
                worst = std::max(worst, std::abs(v / exact - 1));
            }
            QVERIFY2(worst < 5e-6, qPrintable(QString("b %1: relative error %2").arg(b).arg(worst)));
        }
    }

    void curveFitMatchesUmapLearn()
    {
        // umap-learn's find_ab_params(spread=1.0, min_dist=0.1): a = 1.5769, b = 0.8951.
        const UmapCurve c = UmapCurve::fit(1.0, 0.1);
        qInfo("a %.6f b %.6f", c.a, c.b);
        QVERIFY(std::abs(c.a - 1.5769) < 2e-3);
        QVERIFY(std::abs(c.b - 0.8951) < 2e-3);
        // The fitted curve follows its target: ~1 below min_dist, exp(-(x - min_dist)) beyond.
        const UmapCurve w = UmapCurve::fit(1.0, 0.5);
        for (double x : {0.25, 1.0, 2.0}) {
            const double f = 1.0 / (1.0 + w.a * std::pow(x, 2 * w.b));
            const double target = x < 0.5 ? 1.0 : std::exp(-(x - 0.5));
            QVERIFY2(std::abs(f - target) < 0.1, qPrintable(QString("x %1: %2 vs %3").arg(x).arg(f).arg(target)));
        }
    }

    void blobsSeparate_data()
    {
        QTest::addColumn<int>("metric");
        QTest::addColumn<int>("epochs");
        QTest::newRow("cosine, default epochs") << int(Metric::Cosine) << 0;
        QTest::newRow("euclidean, 200 epochs") << int(Metric::Euclidean) << 200;
    }
    void blobsSeparate()
    {
        QFETCH(int, metric);
        QFETCH(int, epochs);
        const Data d = blobs(5, 200, 64, 4.0, 101);
        ProjectionParams p;
        p.metric = Metric(metric);
        p.epochs = epochs;
        p.seed = 7;
        const Projection map = project(d.rows, d.dimension, p);
        QCOMPARE(map.xy.size(), 2 * d.size());
        QVERIFY(allFinite(map.xy));
        const double agreement = knnAgreement(map.xy, d.truth, 10);
        ClusterParams kp;
        kp.method = ClusterMethod::Kmeans;
        kp.k = 5;
        kp.metric = Metric::Euclidean;
        const double ari = adjustedRandIndex(d.truth, cluster(map.xy, 2, kp).labels);
        const double trust = trustworthiness(d.rows, d.dimension, map.xy, 2, 15, Metric(metric));
        qInfo("kNN agreement %.4f, k-means ARI %.4f, trustworthiness %.4f", agreement, ari, trust);
        QVERIFY2(agreement >= 0.95, qPrintable(QString::number(agreement)));
        QVERIFY2(ari >= 0.95, qPrintable(QString::number(ari)));
        QVERIFY2(trust > 0.9, qPrintable(QString::number(trust)));
    }

    void sameSeedSameMap()
    {
        ThreadCountGuard guard;
        const Data d = blobs(3, 150, 32, 3.0, 202);
        ProjectionParams p;
        p.epochs = 100;
        p.seed = 99;
        setThreadCount(2);
        const Projection a = project(d.rows, d.dimension, p);
        const Projection b = project(d.rows, d.dimension, p);
        QVERIFY(allFinite(a.xy));
        QVERIFY(a.xy == b.xy); // bitwise
        // The layout is written so that the thread count does not change the result either.
        setThreadCount(1);
        const Projection c = project(d.rows, d.dimension, p);
        QVERIFY(a.xy == c.xy);
        // And the seed is used.
        p.seed = 100;
        const Projection other = project(d.rows, d.dimension, p);
        QVERIFY(a.xy != other.xy);
    }

    void transformPlacesHeldOutPoints()
    {
        const Data all = blobs(5, 220, 64, 4.0, 303);
        // Hold out 20 points per blob.
        Data train, held;
        train.dimension = held.dimension = all.dimension;
        for (std::size_t i = 0; i < all.size(); ++i) {
            Data& to = (i % 220) < 20 ? held : train;
            to.rows.insert(to.rows.end(), all.rows.begin() + std::ptrdiff_t(i * 64), all.rows.begin() + std::ptrdiff_t((i + 1) * 64));
            to.truth.push_back(all.truth[i]);
        }
        ProjectionParams p;
        p.epochs = 200;
        const Projection map = project(train.rows, train.dimension, p);
        const std::vector<float> placed = map.transform(held.rows);
        QCOMPARE(placed.size(), 2 * held.size());
        QVERIFY(allFinite(placed));
        // Each placed point: its nearest training point in the map is from its blob, and it lies
        // near the blob: within 1.5 x the blob's radius in the map (its farthest member from the
        // blob's centre; blobs are disks whose held-out points land at a typical, not minimal,
        // distance from the centre, as in 64-D every point lies at about the same distance).
        std::map<int, std::pair<double, double>> centre;
        std::map<int, int> count;
        for (std::size_t i = 0; i < train.size(); ++i) {
            centre[train.truth[i]].first += map.xy[2 * i];
            centre[train.truth[i]].second += map.xy[2 * i + 1];
            ++count[train.truth[i]];
        }
        std::map<int, double> radius;
        for (auto& [b, c] : centre) { c.first /= count[b]; c.second /= count[b]; }
        for (std::size_t i = 0; i < train.size(); ++i) {
            const auto& c = centre[train.truth[i]];
            radius[train.truth[i]] = std::max(radius[train.truth[i]], std::hypot(map.xy[2 * i] - c.first, map.xy[2 * i + 1] - c.second));
        }
        for (const auto& [b1, c1] : centre)
            for (const auto& [b2, c2] : centre)
                if (b1 < b2) QVERIFY(std::hypot(c1.first - c2.first, c1.second - c2.second) > 1.5 * (radius[b1] + radius[b2]));
        std::size_t good = 0;
        for (std::size_t h = 0; h < held.size(); ++h) {
            std::size_t nearest = 0;
            double best = 1e300;
            for (std::size_t i = 0; i < train.size(); ++i) {
                const double dd = std::hypot(placed[2 * h] - map.xy[2 * i], placed[2 * h + 1] - map.xy[2 * i + 1]);
                if (dd < best) { best = dd; nearest = i; }
            }
            const auto& c = centre[held.truth[h]];
            const bool inside = std::hypot(placed[2 * h] - c.first, placed[2 * h + 1] - c.second) <= 1.5 * radius[held.truth[h]];
            good += train.truth[nearest] == held.truth[h] && inside;
        }
        qInfo("%zu of %zu held-out points placed with their blob", good, held.size());
        QVERIFY(double(good) >= 0.95 * double(held.size()));
        // Placing the same rows again gives the same coordinates.
        QVERIFY(map.transform(held.rows) == placed);
    }

    void smallInputs()
    {
        ProjectionParams p;
        QCOMPARE(project({}, 4, p).xy.size(), std::size_t(0));
        const std::vector<float> one{1, 2, 3, 4};
        QCOMPARE(project(one, 4, p).xy.size(), std::size_t(2));
        const Data d = blobs(1, 8, 4, 1.0, 404); // fewer points than neighbours
        const Projection m = project(d.rows, 4, p);
        QCOMPARE(m.xy.size(), std::size_t(16));
        QVERIFY(allFinite(m.xy));
    }

    void duplicatesGiveFiniteMaps()
    {
        // Many identical rows (silence clips, say) and a set of all-identical rows.
        Data d = blobs(2, 60, 8, 3.0, 707);
        for (int c = 0; c < 40; ++c) d.rows.insert(d.rows.end(), d.rows.begin(), d.rows.begin() + 8);
        ProjectionParams p;
        p.epochs = 50;
        QVERIFY(allFinite(project(d.rows, 8, p).xy));
        const std::vector<float> same(8 * 30, 1.0f);
        const Projection m = project(same, 8, p);
        QVERIFY(allFinite(m.xy));
        QVERIFY(allFinite(m.transform(std::vector<float>(8, 1.0f))));
    }

    void refusesBadInput()
    {
        const Data d = blobs(2, 20, 4, 3.0, 505);
        ProjectionParams p;
        p.nNeighbors = 1;
        QVERIFY_THROWS_EXCEPTION(UsageError, project(d.rows, 4, p));
        p = {};
        p.spread = 0;
        QVERIFY_THROWS_EXCEPTION(UsageError, project(d.rows, 4, p));
        p = {};
        QVERIFY_THROWS_EXCEPTION(UsageError, project(d.rows, 3, p));
        std::vector<float> bad = d.rows;
        bad[5] = INFINITY;
        QVERIFY_THROWS_EXCEPTION(UsageError, project(bad, 4, p));
        const Projection map = project(d.rows, 4, p);
        QVERIFY_THROWS_EXCEPTION(UsageError, map.transform(std::vector<float>(3)));
    }

    void cancels()
    {
        const Data d = blobs(2, 50, 8, 3.0, 606);
        int calls = 0;
        Progress progress{{}, [&] { return ++calls > 3; }};
        QVERIFY_THROWS_EXCEPTION(Cancelled, project(d.rows, 8, ProjectionParams{}, progress));
    }
};

QTEST_GUILESS_MAIN(TestUmap)
#include "tst_umap.moc"
