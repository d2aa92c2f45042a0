// KnnSearch (internal kNN for UMAP, HDBSCAN, trustworthiness): exact results equal a brute-force
// search written here, for both metrics; searchSelf() puts each row first even among duplicates;
// the approximate (clustered) kNN graph finds nearly all true neighbours, reports its progress and
// can be cancelled.
#include "AnalysisTestData.h"
#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/SimilarityScan.h"
#include "core/common/Error.h"
#include "core/common/Progress.h"
#include "core/common/Threads.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <memory>
#include <set>
#include <span>

using namespace crowlingo;
using namespace analysis_test;

namespace {

double bruteDistance(const Data& d, std::size_t a, const float* q, Metric metric)
{
    double dot = 0, na = 0, nq = 0, l2 = 0;
    for (int j = 0; j < d.dimension; ++j) {
        const double x = d.rows[a * std::size_t(d.dimension) + std::size_t(j)], y = q[j];
        dot += x * y;
        na += x * x;
        nq += y * y;
        l2 += (x - y) * (x - y);
    }
    return metric == Metric::Cosine ? 1.0 - dot / std::sqrt(na * nq) : std::sqrt(l2);
}

} // namespace

class TestKnnSearch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void exactMatchesBruteForce_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }
    void exactMatchesBruteForce()
    {
        QFETCH(int, metric);
        const Data d = blobs(3, 100, 12, 2.0, 1);
        const Data q = blobs(3, 5, 12, 2.0, 2);
        const KnnSearch knn(d.rows, 12, Metric(metric));
        QVERIFY(!knn.isApproximate());
        const KnnResult r = knn.search(q.rows, 7);
        QCOMPARE(r.rows(), q.size());
        for (std::size_t i = 0; i < q.size(); ++i) {
            std::vector<std::pair<double, std::size_t>> all;
            for (std::size_t a = 0; a < d.size(); ++a) all.emplace_back(bruteDistance(d, a, q.rows.data() + i * 12, Metric(metric)), a);
            std::sort(all.begin(), all.end());
            for (std::size_t c = 0; c < 7; ++c) {
                QCOMPARE(r.index[i * 7 + c], std::int64_t(all[c].second));
                QVERIFY(std::abs(r.distance[i * 7 + c] - all[c].first) < 1e-4 * std::max(1.0, all[c].first));
            }
        }
    }

    // The workbench's index over many rows (more than one block of the exact index's loading):
    // the same neighbours and cosine similarities as computed one pair at a time.
    void neighbourIndexOverManyRowsMatchesCosine()
    {
        const int dim = 16;
        const Data d = blobs(10, 1000, dim, 3.0, 5); // 10,000 rows, not normalised
        const NeighbourIndex index(d.rows, dim);
        QVERIFY(!index.isApproximate());
        QCOMPARE(index.size(), d.size());
        const auto cosine = [&](std::size_t a, std::size_t b) {
            double ab = 0, aa = 0, bb = 0;
            for (int j = 0; j < dim; ++j) {
                const double x = d.rows[a * dim + std::size_t(j)], y = d.rows[b * dim + std::size_t(j)];
                ab += x * y;
                aa += x * x;
                bb += y * y;
            }
            return ab / std::sqrt(aa * bb);
        };
        for (std::size_t q : {std::size_t(0), std::size_t(4095), std::size_t(4096), std::size_t(8191), std::size_t(9999)}) {
            const std::vector<Neighbour> hits = index.search({d.rows.data() + q * dim, std::size_t(dim)}, 5, std::int64_t(q));
            std::vector<std::pair<double, std::size_t>> all;
            for (std::size_t a = 0; a < d.size(); ++a)
                if (a != q) all.emplace_back(-cosine(q, a), a);
            std::partial_sort(all.begin(), all.begin() + 5, all.end());
            QCOMPARE(hits.size(), std::size_t(5));
            for (std::size_t c = 0; c < 5; ++c) {
                QVERIFY2(std::abs(hits[c].similarity + all[c].first) < 1e-4, qPrintable(QString("query %1 rank %2").arg(q).arg(c)));
                QVERIFY(hits[c].row != std::int64_t(q));
            }
            QCOMPARE(hits.front().row, std::int64_t(all.front().second));
        }
    }

    // The archive view's index searches the view's own unit rows: the same neighbours as an index
    // with its own copy, and the rows stay alive as long as the index does.
    void indexOverSharedRowsMatchesIndexWithItsOwnCopy()
    {
        const int dim = 24;
        const Data d = blobs(6, 300, dim, 2.5, 11);
        const NeighbourIndex own(d.rows, dim);
        auto unit = std::make_shared<std::vector<float>>(d.rows);
        normaliseRows(*unit, dim);
        const NeighbourIndex shared = NeighbourIndex::sharedUnitRows(unit, dim);
        QCOMPARE(unit.use_count(), 2L);          // held, not copied
        const std::weak_ptr<std::vector<float>> watch = unit;
        unit.reset();
        QVERIFY(!watch.expired());               // the index keeps them
        QCOMPARE(shared.size(), d.size());
        QVERIFY(!shared.isApproximate());
        for (std::size_t q : {std::size_t(0), std::size_t(777), std::size_t(1799)}) {
            const std::span<const float> query(d.rows.data() + q * dim, std::size_t(dim));
            const auto a = own.search(query, 8, std::int64_t(q));
            const auto b = shared.search(query, 8, std::int64_t(q));
            QCOMPARE(b.size(), a.size());
            for (std::size_t c = 0; c < a.size(); ++c) {
                QCOMPARE(b[c].row, a[c].row);
                QVERIFY(std::abs(b[c].similarity - a[c].similarity) < 1e-6);
            }
        }
        const auto batched = shared.searchRows(std::span<const float>(d.rows.data(), 10 * std::size_t(dim)), 3, true);
        QCOMPARE(batched.size(), std::size_t(10));
        for (std::size_t i = 0; i < batched.size(); ++i) QVERIFY(batched[i].front().row != std::int64_t(i));
        QVERIFY_THROWS_EXCEPTION(UsageError, NeighbourIndex::sharedUnitRows(std::make_shared<std::vector<float>>(5, 1.f), 2));
        // Above the exact limit it builds HNSW instead, as the constructor does.
        auto many = std::make_shared<std::vector<float>>(d.rows);
        normaliseRows(*many, dim);
        const NeighbourIndex graph = NeighbourIndex::sharedUnitRows(many, dim, {.exactUpTo = 100});
        QVERIFY(graph.isApproximate());
        QCOMPARE(many.use_count(), 1L); // the graph keeps its own copy
        QCOMPARE(graph.search({d.rows.data(), std::size_t(dim)}, 1).front().row, std::int64_t(0));
    }

    void nearestRowsRanksAsTheExactIndex()
    {
        // Rows ranked where they lie (as the CLI ranks the lists it read) come out as the exact
        // index ranks them: the same rows, the same similarities, duplicates by lower row.
        const int dim = 16;
        Data d = blobs(5, 120, dim, 2.0, 23);
        for (int c = 0; c < 3; ++c) d.rows.insert(d.rows.end(), d.rows.begin() + 7 * dim, d.rows.begin() + 8 * dim); // copies of row 7
        const NeighbourIndex exact(d.rows, dim);
        for (std::size_t q : {std::size_t(7), std::size_t(300), std::size_t(599)}) {
            const std::span<const float> query(d.rows.data() + q * dim, std::size_t(dim));
            const auto a = exact.search(query, 12);
            const auto b = nearestRows(query, d.rows, dim, 12);
            QCOMPARE(b.size(), a.size());
            for (std::size_t c = 0; c < a.size(); ++c) {
                QCOMPARE(b[c].row, a[c].row);
                QVERIFY(std::abs(b[c].similarity - a[c].similarity) < 1e-6);
            }
        }
        const auto copies = nearestRows({d.rows.data() + 7 * dim, std::size_t(dim)}, d.rows, dim, 4);
        QCOMPARE(copies[0].row, std::int64_t(7));
        QCOMPARE(copies[1].row, std::int64_t(600)); // the copies follow, in row order
        QCOMPARE(copies[3].row, std::int64_t(602));
        QVERIFY(nearestRows({d.rows.data(), std::size_t(dim)}, d.rows, dim, 0).empty());
        QVERIFY_THROWS_EXCEPTION(UsageError, nearestRows({d.rows.data(), 3}, d.rows, dim, 5));
    }

    void selfComesFirstAmongDuplicates()
    {
        Data d = blobs(1, 20, 4, 1.0, 3);
        // Five copies of row 0.
        for (int c = 0; c < 5; ++c) d.rows.insert(d.rows.end(), d.rows.begin(), d.rows.begin() + 4);
        const KnnSearch knn(d.rows, 4, Metric::Euclidean);
        const KnnResult r = knn.searchSelf(4);
        for (std::size_t i = 0; i < 25; ++i) {
            QCOMPARE(r.index[i * 4], std::int64_t(i));
            QCOMPARE(r.distance[i * 4], 0.0f);
            std::set<std::int64_t> unique(r.index.begin() + std::ptrdiff_t(i * 4), r.index.begin() + std::ptrdiff_t(i * 4 + 4));
            QCOMPARE(unique.size(), std::size_t(4));
        }
    }

    void fewerRowsThanK()
    {
        const Data d = blobs(1, 3, 4, 1.0, 4);
        const KnnResult r = KnnSearch(d.rows, 4, Metric::Cosine).searchSelf(5);
        QCOMPARE(r.index[3], std::int64_t(-1));
        QCOMPARE(r.index[4], std::int64_t(-1));
    }

    void approximateGraphFindsNearlyAllNeighbours_data()
    {
        QTest::addColumn<int>("metric");
        QTest::newRow("cosine") << int(Metric::Cosine);
        QTest::newRow("euclidean") << int(Metric::Euclidean);
    }
    // One Gaussian cloud: no cluster structure for the lists to follow, the hard case for an
    // inverted-file search. 8000 points make 89 lists, of which 16 are searched per point.
    void approximateGraphFindsNearlyAllNeighbours()
    {
        QFETCH(int, metric);
        const Data d = blobs(1, 8000, 16, 0.0, 5);
        const KnnSearch exact(d.rows, 16, Metric(metric));
        const KnnSearch approx(d.rows, 16, Metric(metric), 0);
        QVERIFY(!exact.isApproximate());
        QVERIFY(approx.isApproximate());
        const KnnResult a = exact.searchSelf(10), b = approx.searchSelf(10);
        std::size_t found = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            QCOMPARE(b.index[i * 10], std::int64_t(i));
            std::set<std::int64_t> truth(a.index.begin() + std::ptrdiff_t(i * 10), a.index.begin() + std::ptrdiff_t(i * 10 + 10));
            for (std::size_t c = 0; c < 10; ++c) {
                found += truth.count(b.index[i * 10 + c]);
                // Whatever it finds, it reports at its true distance, nearest first.
                const double truthDistance = bruteDistance(d, std::size_t(b.index[i * 10 + c]), d.rows.data() + i * 16, Metric(metric));
                QVERIFY(std::abs(b.distance[i * 10 + c] - truthDistance) < 1e-3 * std::max(1.0, truthDistance));
                if (c > 0) QVERIFY(b.distance[i * 10 + c] >= b.distance[i * 10 + c - 1]);
            }
        }
        const double recall = double(found) / double(d.size() * 10);
        qInfo("approximate graph recall@10 %.4f", recall);
        QVERIFY(recall > 0.94); // umap-learn's NN-descent (pynndescent 0.5): 0.97 / 0.99 on such data
        // The same graph again, and on one thread.
        const KnnResult again = KnnSearch(d.rows, 16, Metric(metric), 0).searchSelf(10);
        QVERIFY(again.index == b.index);
        const int threads = threadCount();
        setThreadCount(1);
        const KnnResult oneThread = KnnSearch(d.rows, 16, Metric(metric), 0).searchSelf(10);
        setThreadCount(threads);
        QVERIFY(oneThread.index == b.index);
        QVERIFY(oneThread.distance == b.distance);
    }

    // 17,000 points: the neighbour-of-neighbour round runs in three blocks of rows. Progress rises
    // from 0 to 1, the graph is the same with or without it, and a cancel stops the work.
    void approximateGraphReportsProgressAndCancels()
    {
        const Data d = blobs(1, 17000, 16, 0.0, 6);
        const KnnSearch approx(d.rows, 16, Metric::Cosine, 0);
        std::vector<double> reports;
        const Progress watched{[&](double done, std::string_view) { reports.push_back(done); }, [] { return false; }};
        const KnnResult withProgress = approx.searchSelf(10, watched);
        QVERIFY(reports.size() > 10);
        QVERIFY(std::is_sorted(reports.begin(), reports.end()));
        QVERIFY(reports.front() >= 0.0 && reports.back() <= 1.0 && reports.back() > 0.8);
        QVERIFY(withProgress.index == approx.searchSelf(10).index);
        // Blocks or not, it finds the true neighbours (a little less often than at 8,000 points:
        // 16 of 130 lists are searched instead of 16 of 89).
        const KnnResult exact = KnnSearch(d.rows, 16, Metric::Cosine).searchSelf(10);
        std::size_t found = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            const std::set<std::int64_t> truth(exact.index.begin() + std::ptrdiff_t(i * 10), exact.index.begin() + std::ptrdiff_t(i * 10 + 10));
            for (std::size_t c = 0; c < 10; ++c) found += truth.count(withProgress.index[i * 10 + c]);
        }
        qInfo("recall@10 %.4f", double(found) / double(d.size() * 10));
        QVERIFY(double(found) / double(d.size() * 10) > 0.92);

        int polls = 0;
        const Progress cancelling{{}, [&] { return ++polls > 3; }};
        QVERIFY_THROWS_EXCEPTION(Cancelled, approx.searchSelf(10, cancelling));
        QCOMPARE(polls, 4); // stopped at the first poll that saw the cancel
    }

    void similaritiesToEveryRowMatchACosineComputedAlone()
    {
        // The "similarity to the current clip" scan: each row's cosine to one row, the same with
        // one thread or many, and 1 for the row itself.
        const int n = 20011, dim = 24; // past the size where the scan uses threads
        std::vector<float> rows(std::size_t(n) * dim);
        std::uint32_t state = 3;
        for (float& v : rows) v = float((state = state * 1664525u + 1013904223u) >> 8) / float(1 << 24) - 0.5f;
        for (int i = 0; i < n; ++i) {
            double norm = 0;
            for (int j = 0; j < dim; ++j) norm += double(rows[std::size_t(i) * dim + j]) * rows[std::size_t(i) * dim + j];
            for (int j = 0; j < dim; ++j) rows[std::size_t(i) * dim + j] = float(rows[std::size_t(i) * dim + j] / std::sqrt(norm));
        }
        const std::size_t query = 777;
        const std::vector<float> one = similaritiesToRow(rows, dim, query, 1);
        const std::vector<float> many = similaritiesToRow(rows, dim, query, 4);
        QCOMPARE(one.size(), std::size_t(n));
        QCOMPARE(one, many);
        QVERIFY(std::abs(one[query] - 1.0f) < 1e-5f);
        for (int i : {0, 1, 4096, n - 1}) {
            double cosine = 0;
            for (int j = 0; j < dim; ++j) cosine += double(rows[query * dim + std::size_t(j)]) * rows[std::size_t(i) * dim + j];
            QVERIFY2(std::abs(one[std::size_t(i)] - cosine) < 1e-5, qPrintable(QString::number(i)));
        }
        QVERIFY_THROWS_EXCEPTION(UsageError, similaritiesToRow(rows, dim, std::size_t(n), 1));
        QVERIFY_THROWS_EXCEPTION(UsageError, similaritiesTo(rows, dim, std::vector<float>(dim + 1), 1));
    }

    void refusesRaggedData()
    {
        QVERIFY_THROWS_EXCEPTION(UsageError, KnnSearch(std::vector<float>(10), 3, Metric::Cosine));
        const KnnSearch knn(std::vector<float>(12), 3, Metric::Euclidean);
        QVERIFY_THROWS_EXCEPTION(UsageError, knn.search(std::vector<float>(4), 2));
    }
};

QTEST_GUILESS_MAIN(TestKnnSearch)
#include "tst_knnsearch.moc"
