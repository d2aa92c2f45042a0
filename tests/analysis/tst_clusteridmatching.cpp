// Stable cluster ids: renamed clusters get their old ids back, new clusters get fresh ids above
// the old maximum, noise stays -1, and a re-run of HDBSCAN after removing 5 % of the clips keeps
// the ids of ≥ 95 % of the remaining clips. Exemplars: members of their cluster, near its centre.
#include "AnalysisTestData.h"
#include "core/analysis/Clustering.h"
#include "core/common/Error.h"

#include <QtTest>

#include <algorithm>
#include <numeric>

using namespace crowlingo;
using namespace analysis_test;

class TestClusterIdMatching : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void renamedClustersKeepTheirIds()
    {
        const std::vector<ClipId> ids{10, 11, 12, 13, 14, 15, 16, 17};
        const std::vector<int> before{3, 3, 3, 5, 5, 5, -1, 8};
        const std::vector<int> after{0, 0, 0, 1, 1, 1, -1, -1}; // same clusters, other numbers
        QCOMPARE(matchClusterIds(ids, before, ids, after), (std::vector<int>{3, 3, 3, 5, 5, 5, -1, -1}));
    }

    void newAndSplitClustersGetFreshIds()
    {
        const std::vector<ClipId> ids{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        const std::vector<int> before{0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
        // Cluster 0 keeps 4 of its 6 clips (Jaccard 4/6), the other 2 form a new cluster; cluster 1
        // splits in halves (Jaccard 1/2 each: the lower new label wins the tie).
        const std::vector<int> after{2, 2, 2, 2, 7, 7, 4, 4, 5, 5};
        QCOMPARE(matchClusterIds(ids, before, ids, after), (std::vector<int>{0, 0, 0, 0, 3, 3, 1, 1, 2, 2}));
    }

    void lowOverlapIsNotAMatch()
    {
        const std::vector<ClipId> ids{1, 2, 3, 4, 5, 6};
        const std::vector<int> before{0, 0, 0, 0, 0, 0};
        const std::vector<int> after{0, 0, 1, 1, 2, 2}; // each a third of the old cluster
        QCOMPARE(matchClusterIds(ids, before, ids, after), (std::vector<int>{1, 1, 2, 2, 3, 3}));
    }

    void removedAndAddedClipsDoNotBreakMatches()
    {
        const std::vector<ClipId> oldIds{1, 2, 3, 4, 5, 6};
        const std::vector<int> before{4, 4, 4, 9, 9, 9};
        const std::vector<ClipId> newIds{2, 3, 5, 6, 100, 101, 102};
        const std::vector<int> after{1, 1, 0, 0, 0, 1, 2};
        QCOMPARE(matchClusterIds(oldIds, before, newIds, after), (std::vector<int>{4, 4, 9, 9, 9, 4, 10}));
        QVERIFY_THROWS_EXCEPTION(UsageError, matchClusterIds(oldIds, {1}, newIds, after));
    }

    void idsSurviveReclusteringWithoutFivePercent()
    {
        const Data d = blobs(6, 150, 32, 3.0, 77);
        const std::size_t n = d.size();
        std::vector<ClipId> ids(n);
        for (std::size_t i = 0; i < n; ++i) ids[i] = ClipId(1000 + 7 * i);
        ClusterParams p;
        p.minClusterSize = 15;
        const Clusters first = cluster(d.rows, d.dimension, p);
        QVERIFY(first.count() >= 5);

        // Remove 5 % of the clips and shuffle the rest, so that the new run numbers its clusters
        // in another order.
        Gauss g(78);
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::shuffle(order.begin(), order.end(), g.engine());
        order.resize(n - n / 20);
        std::vector<float> rows;
        std::vector<ClipId> keptIds;
        for (std::size_t i : order) {
            rows.insert(rows.end(), d.rows.begin() + std::ptrdiff_t(i * 32), d.rows.begin() + std::ptrdiff_t((i + 1) * 32));
            keptIds.push_back(ids[i]);
        }
        const Clusters second = cluster(rows, d.dimension, p);
        const std::vector<int> matched = matchClusterIds(ids, first.labels, keptIds, second.labels);
        std::size_t same = 0, renumbered = 0;
        for (std::size_t r = 0; r < order.size(); ++r) {
            same += matched[r] == first.labels[order[r]];
            renumbered += second.labels[r] != first.labels[order[r]];
        }
        qInfo("%zu of %zu keep their id (%zu had another raw label)", same, order.size(), renumbered);
        QVERIFY(renumbered > order.size() / 2); // the raw labels did change: the matching did the work
        QVERIFY(double(same) >= 0.95 * double(order.size()));
    }

    void exemplarsAreCentralMembers()
    {
        const Data d = blobs(3, 100, 8, 4.0, 88);
        std::vector<int> labels = d.truth;
        labels[5] = -1;
        const auto ex = clusterExemplars(d.rows, d.dimension, labels, 4, Metric::Euclidean);
        QCOMPARE(ex.size(), std::size_t(3));
        for (std::size_t c = 0; c < 3; ++c) {
            QCOMPARE(ex[c].size(), std::size_t(4));
            // Mean distance to the blob's members: exemplars are in the more central half.
            std::vector<double> spread;
            for (std::size_t i = 0; i < d.size(); ++i) {
                if (labels[i] != int(c)) continue;
                double s = 0;
                for (std::size_t j = 0; j < d.size(); ++j) {
                    if (labels[j] != int(c)) continue;
                    double q = 0;
                    for (int t = 0; t < 8; ++t) {
                        const double v = d.rows[i * 8 + std::size_t(t)] - d.rows[j * 8 + std::size_t(t)];
                        q += v * v;
                    }
                    s += std::sqrt(q);
                }
                spread.push_back(s);
            }
            std::vector<double> sorted = spread;
            std::sort(sorted.begin(), sorted.end());
            for (std::size_t e : ex[c]) {
                QCOMPARE(labels[e], int(c));
                QVERIFY(e != 5);
            }
            // The first exemplar is the medoid: the smallest summed distance.
            std::size_t member = 0;
            for (std::size_t i = 0; i < d.size(); ++i) {
                if (labels[i] != int(c)) continue;
                if (i == ex[c][0]) QCOMPARE(spread[member], sorted[0]);
                ++member;
            }
        }
        // Unused labels give empty lists; perCluster larger than a cluster gives all its members.
        std::vector<int> sparse(d.size(), -1);
        sparse[0] = 2;
        sparse[1] = 2;
        const auto few = clusterExemplars(d.rows, d.dimension, sparse, 5);
        QCOMPARE(few.size(), std::size_t(3));
        QVERIFY(few[0].empty() && few[1].empty());
        QCOMPARE(few[2].size(), std::size_t(2));
    }
};

QTEST_GUILESS_MAIN(TestClusterIdMatching)
#include "tst_clusteridmatching.moc"
