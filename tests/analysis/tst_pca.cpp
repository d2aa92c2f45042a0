// PCA projection: recovers known principal axes of generated data, maps new rows with the stored
// basis, orders components by variance, normalises rows under the cosine metric, provenance JSON.
#include "AnalysisTestData.h"
#include "core/analysis/detail/Pca.h"
#include "core/analysis/Projection.h"
#include "core/common/Error.h"

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace crowlingo;
using namespace analysis_test;

namespace {

// Data in 8-D: variance 25 along u, 4 along v (orthonormal, not axis-aligned), 0.01 elsewhere,
// centred on `offset`.
struct Known {
    std::vector<float> rows;
    std::vector<double> u, v, offset;
};

Known known(int n, std::uint32_t seed)
{
    Known k;
    const int d = 8;
    k.u.assign(d, 0);
    k.v.assign(d, 0);
    for (int j = 0; j < d; ++j) {
        k.u[std::size_t(j)] = (j % 2 ? 1.0 : -1.0) / std::sqrt(8.0);
        k.v[std::size_t(j)] = (j < 4 ? 1.0 : -1.0) / std::sqrt(8.0);
        k.offset.push_back(10.0 + j);
    }
    Gauss g(seed);
    for (int i = 0; i < n; ++i) {
        const double a = 5 * g.normal(), b = 2 * g.normal();
        for (int j = 0; j < d; ++j)
            k.rows.push_back(float(k.offset[std::size_t(j)] + a * k.u[std::size_t(j)] + b * k.v[std::size_t(j)] + 0.1 * g.normal()));
    }
    return k;
}

double dot(const float* a, const std::vector<double>& b)
{
    double s = 0;
    for (std::size_t j = 0; j < b.size(); ++j) s += a[j] * b[j];
    return s;
}

} // namespace

class TestPca : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recoversKnownAxes()
    {
        const Known k = known(2000, 1);
        const Pca pca = Pca::fit(k.rows, 8, 2);
        QCOMPARE(pca.components, 2);
        QVERIFY(std::abs(std::abs(dot(pca.axes.data(), k.u)) - 1) < 1e-3);
        QVERIFY(std::abs(std::abs(dot(pca.axes.data() + 8, k.v)) - 1) < 1e-3);
        QVERIFY(pca.variance[0] > pca.variance[1]);
        for (int j = 0; j < 8; ++j) QVERIFY(std::abs(pca.mean[std::size_t(j)] - k.offset[std::size_t(j)]) < 0.3);
    }

    void projectsAndTransforms()
    {
        const Known k = known(1000, 2);
        ProjectionParams p;
        p.method = ProjectionMethod::Pca;
        p.metric = Metric::Euclidean;
        const Projection map = project(k.rows, 8, p);
        QCOMPARE(map.xy.size(), std::size_t(2000));
        // Coordinates are centred projections on the axes: variance ~25 and ~4, uncorrelated.
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (std::size_t i = 0; i < 1000; ++i) {
            const double x = map.xy[2 * i], y = map.xy[2 * i + 1];
            sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y;
        }
        QVERIFY(std::abs(sx / 1000) < 1e-3 && std::abs(sy / 1000) < 1e-3);
        QVERIFY(std::abs(sxx / 1000 / 25 - 1) < 0.15);
        QVERIFY(std::abs(syy / 1000 / 4 - 1) < 0.15);
        QVERIFY(std::abs(sxy / 1000) < 0.5);
        // transform() of the training rows gives the map; of a new row, its projection.
        const std::vector<float> again = map.transform(k.rows);
        for (std::size_t i = 0; i < again.size(); ++i) QVERIFY(std::abs(again[i] - map.xy[i]) < 1e-4f);
        // A step of 3 along u moves the point by 3 along the first axis only.
        std::vector<float> fresh(16);
        for (int j = 0; j < 8; ++j) {
            fresh[std::size_t(j)] = float(k.offset[std::size_t(j)]);
            fresh[8 + std::size_t(j)] = float(k.offset[std::size_t(j)] + 3 * k.u[std::size_t(j)]);
        }
        const std::vector<float> placed = map.transform(fresh);
        QVERIFY(std::abs(std::abs(placed[2] - placed[0]) - 3) < 0.05);
        QVERIFY(std::abs(placed[3] - placed[1]) < 0.1);
        QVERIFY(std::abs(std::hypot(placed[2] - placed[0], placed[3] - placed[1]) - 3) < 0.01); // u lies in the plane
    }

    void cosineNormalisesRows()
    {
        const Known k = known(300, 3);
        std::vector<float> scaled = k.rows;
        for (std::size_t i = 0; i < 300; ++i)
            for (int j = 0; j < 8; ++j) scaled[i * 8 + std::size_t(j)] *= float(1 + i % 5);
        ProjectionParams p;
        p.method = ProjectionMethod::Pca;
        p.metric = Metric::Cosine;
        const Projection a = project(k.rows, 8, p);
        const Projection b = project(scaled, 8, p);
        for (std::size_t i = 0; i < a.xy.size(); ++i) QVERIFY(std::abs(a.xy[i] - b.xy[i]) < 1e-4f);
    }

    void oneDimensionalData()
    {
        const std::vector<float> line{1, 2, 3, 4, 5};
        ProjectionParams p;
        p.method = ProjectionMethod::Pca;
        p.metric = Metric::Euclidean;
        const Projection map = project(line, 1, p);
        QCOMPARE(map.xy.size(), std::size_t(10));
        QVERIFY(std::abs(std::abs(map.xy[0] - map.xy[8]) - 4) < 1e-4);
        QCOMPARE(map.xy[1], 0.0f);
    }

    void refusesBadInput()
    {
        ProjectionParams p;
        p.method = ProjectionMethod::Pca;
        QVERIFY_THROWS_EXCEPTION(UsageError, project(std::vector<float>(7), 2, p));
        std::vector<float> nan{1, 2, std::nanf(""), 4};
        QVERIFY_THROWS_EXCEPTION(UsageError, project(nan, 2, p));
        const Projection empty;
        QVERIFY_THROWS_EXCEPTION(UsageError, empty.transform(std::vector<float>(2)));
    }

    void provenanceJson()
    {
        ProjectionParams p;
        p.method = ProjectionMethod::Pca;
        p.metric = Metric::Euclidean;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(p.toJson())).object();
        QCOMPARE(o.value("method").toString(), QString("pca"));
        QCOMPARE(o.value("metric").toString(), QString("euclidean"));
        ProjectionParams u;
        u.nNeighbors = 30;
        u.minDist = 0.25;
        const QJsonObject ou = QJsonDocument::fromJson(QByteArray::fromStdString(u.toJson())).object();
        QCOMPARE(ou.value("method").toString(), QString("umap"));
        QCOMPARE(ou.value("n_neighbors").toInt(), 30);
        QCOMPARE(ou.value("min_dist").toDouble(), 0.25);
        QCOMPARE(ou.value("metric").toString(), QString("cosine"));
        QCOMPARE(ou.value("seed").toInteger(), 42);
    }
};

QTEST_GUILESS_MAIN(TestPca)
#include "tst_pca.moc"
