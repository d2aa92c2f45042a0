// Map and clustering parameters: toJson() (the provenance stored with every map and clustering)
// reads back into the same parameters, so the GUI's dialogs can start from what made the current
// map; text without some keys keeps the defaults; wrong text is refused with a message.
#include "core/analysis/Clustering.h"
#include "core/analysis/Projection.h"
#include "core/common/Error.h"

#include <QTest>

using namespace crowlingo;

namespace {

template <class F>
QString errorOf(F&& f)
{
    try {
        f();
    } catch (const UsageError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

} // namespace

class TestAnalysisParams : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void projectionRoundTrip()
    {
        ProjectionParams p;
        p.method = ProjectionMethod::Umap;
        p.nNeighbors = 31;
        p.minDist = 0.25;
        p.spread = 1.5;
        p.metric = Metric::Euclidean;
        p.epochs = 300;
        p.seed = 7;
        const ProjectionParams back = ProjectionParams::fromJson(p.toJson());
        QVERIFY(back.method == ProjectionMethod::Umap);
        QCOMPARE(back.nNeighbors, 31);
        QCOMPARE(back.minDist, 0.25);
        QCOMPARE(back.spread, 1.5);
        QVERIFY(back.metric == Metric::Euclidean);
        QCOMPARE(back.epochs, 300);
        QCOMPARE(back.seed, std::uint64_t(7));

        ProjectionParams pca;
        pca.method = ProjectionMethod::Pca;
        pca.seed = 3;
        pca.nNeighbors = 99; // not part of a PCA's provenance: comes back as the default
        const ProjectionParams pcaBack = ProjectionParams::fromJson(pca.toJson());
        QVERIFY(pcaBack.method == ProjectionMethod::Pca);
        QCOMPARE(pcaBack.seed, std::uint64_t(3));
        QCOMPARE(pcaBack.nNeighbors, ProjectionParams{}.nNeighbors);
    }

    void clusteringRoundTrip()
    {
        ClusterParams h;
        h.minClusterSize = 25;
        h.minSamples = 4;
        h.metric = Metric::Euclidean;
        const ClusterParams hb = ClusterParams::fromJson(h.toJson());
        QVERIFY(hb.method == ClusterMethod::Hdbscan);
        QCOMPARE(hb.minClusterSize, 25);
        QCOMPARE(hb.minSamples, 4);
        QVERIFY(hb.metric == Metric::Euclidean);

        ClusterParams follow; // min_samples follows the cluster size
        follow.minClusterSize = 12;
        QCOMPARE(ClusterParams::fromJson(follow.toJson()).minSamples, 0);

        ClusterParams k;
        k.method = ClusterMethod::Kmeans;
        k.k = 17;
        k.seed = 99;
        const ClusterParams kb = ClusterParams::fromJson(k.toJson());
        QVERIFY(kb.method == ClusterMethod::Kmeans);
        QCOMPARE(kb.k, 17);
        QCOMPARE(kb.seed, std::uint64_t(99));
    }

    void missingKeysKeepDefaults()
    {
        const ProjectionParams p = ProjectionParams::fromJson("{}");
        QCOMPARE(p.nNeighbors, ProjectionParams{}.nNeighbors);
        QVERIFY(p.method == ProjectionParams{}.method);
        const ClusterParams c = ClusterParams::fromJson(R"({"method":"kmeans"})");
        QVERIFY(c.method == ClusterMethod::Kmeans);
        QCOMPARE(c.k, ClusterParams{}.k);
    }

    void badTextRefused_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<bool>("clusteringToo"); // n_neighbors is a map parameter only
        QTest::newRow("not JSON") << "{" << "not a JSON object" << true;
        QTest::newRow("array") << "[1]" << "not a JSON object" << true;
        QTest::newRow("unknown method") << R"({"method":"tsne"})" << "tsne" << true;
        QTest::newRow("unknown metric") << R"({"metric":"manhattan"})" << "manhattan" << true;
        QTest::newRow("wrong type") << R"({"n_neighbors":"many"})" << "parameters" << false;
        QTest::newRow("wrong type (clustering)") << R"({"min_cluster_size":[3]})" << "parameters" << true;
    }

    void badTextRefused()
    {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        QFETCH(bool, clusteringToo);
        const std::string text = json.toStdString();
        if (!json.contains("min_cluster_size")) {
            const QString projection = errorOf([&] { ProjectionParams::fromJson(text); });
            QVERIFY2(projection.contains(expected), qPrintable(projection));
        }
        if (!clusteringToo) return;
        const QString clustering = errorOf([&] { ClusterParams::fromJson(text); });
        QVERIFY2(clustering.contains(expected), qPrintable(clustering));
    }
};

QTEST_GUILESS_MAIN(TestAnalysisParams)
#include "tst_analysisparams.moc"
