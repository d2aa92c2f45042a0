// k-means (faiss iterations, k-means++ seeding): recovers blobs, is deterministic for a seed,
// reports probability 1 and outlier scores in [0, 1] that grow with the distance to the centre.
#include "AnalysisTestData.h"
#include "core/analysis/ClusterMetrics.h"
#include "core/analysis/Clustering.h"
#include "core/common/Error.h"

#include <QtTest>

#include <QJsonDocument>
#include <QJsonObject>

using namespace crowlingo;
using namespace analysis_test;

class TestKMeans : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recoversBlobs_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }
    void recoversBlobs()
    {
        QFETCH(int, metric);
        const Data d = blobs(5, 200, 64, 4.0, 1);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 5;
        p.metric = Metric(metric);
        const Clusters c = cluster(d.rows, d.dimension, p);
        const double ari = adjustedRandIndex(d.truth, c.labels);
        QVERIFY2(ari >= 0.95, qPrintable(QString::number(ari)));
        QCOMPARE(c.count(), 5);
        for (std::size_t i = 0; i < d.size(); ++i) {
            QCOMPARE(c.probability[i], 1.0f);
            QVERIFY(c.outlierScore[i] >= 0.0f && c.outlierScore[i] <= 1.0f);
        }
    }

    void manyBlobsNeedGoodSeeding()
    {
        // 12 blobs of unequal size: random seeding often merges two; k-means++ should not.
        Data d = blobs(12, 60, 16, 5.0, 2);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 12;
        p.metric = Metric::Euclidean;
        const double ari = adjustedRandIndex(d.truth, cluster(d.rows, d.dimension, p).labels);
        QVERIFY2(ari >= 0.95, qPrintable(QString::number(ari)));
    }

    void outlierScoreGrowsWithDistance()
    {
        Data d = blobs(2, 100, 8, 6.0, 3);
        // A far point attached to blob 0's side: the largest outlier score of its cluster.
        std::vector<float> far(d.rows.begin(), d.rows.begin() + 8);
        for (float& v : far) v *= 1.5f;
        d.rows.insert(d.rows.end(), far.begin(), far.end());
        d.truth.push_back(0);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 2;
        p.metric = Metric::Euclidean;
        const Clusters c = cluster(d.rows, d.dimension, p);
        QCOMPARE(c.outlierScore.back(), 1.0f);
    }

    void sameSeedSameLabels()
    {
        const Data d = blobs(6, 80, 16, 2.0, 4);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 6;
        const Clusters a = cluster(d.rows, d.dimension, p);
        const Clusters b = cluster(d.rows, d.dimension, p);
        QCOMPARE(a.labels, b.labels);
        QCOMPARE(a.outlierScore, b.outlierScore);
    }

    void moreClustersThanPoints()
    {
        const Data d = blobs(1, 4, 3, 1.0, 5);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 10;
        const Clusters c = cluster(d.rows, d.dimension, p);
        QCOMPARE(c.labels.size(), std::size_t(4));
        QCOMPARE(c.count(), 4);
        p.k = 0;
        QVERIFY_THROWS_EXCEPTION(UsageError, cluster(d.rows, d.dimension, p));
    }

    void provenanceJson()
    {
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 7;
        p.seed = 3;
        const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(p.toJson())).object();
        QCOMPARE(o.value("method").toString(), QString("kmeans"));
        QCOMPARE(o.value("k").toInt(), 7);
        QCOMPARE(o.value("seed").toInt(), 3);
        ClusterParams h;
        h.minClusterSize = 12;
        const QJsonObject oh = QJsonDocument::fromJson(QByteArray::fromStdString(h.toJson())).object();
        QCOMPARE(oh.value("method").toString(), QString("hdbscan"));
        QCOMPARE(oh.value("min_cluster_size").toInt(), 12);
        QCOMPARE(oh.value("min_samples").toInt(), 12); // 0 means "= min_cluster_size"
    }
};

QTEST_GUILESS_MAIN(TestKMeans)
#include "tst_kmeans.moc"
