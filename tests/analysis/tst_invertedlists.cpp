// Inverted lists for neighbour search at 10^6 clips: every row sits in the list of its nearest
// centroid; the lists survive the round trip through their stored form; searching every list is
// exact search; searching a few finds most of the exact neighbours of clustered data; rows added
// later are found; the query's own row can be left out.
#include "AnalysisTestData.h"
#include "core/analysis/InvertedLists.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/common/Error.h"

#include <QtTest>

#include <limits>
#include <memory>

using namespace crowlingo;
using namespace analysis_test;

namespace {

constexpr int kDim = 16;

// 40 blobs of 100 points in 16-D, each scaled to unit length.
std::shared_ptr<std::vector<float>> unitBlobs(int perBlob = 100, std::uint32_t seed = 11)
{
    Data d = blobs(40, perBlob, kDim, 1.5, seed);
    auto rows = std::make_shared<std::vector<float>>(std::move(d.rows));
    normaliseRows(*rows, kDim);
    return rows;
}

NeighbourIndex exactIndex(const std::shared_ptr<std::vector<float>>& rows)
{
    NeighbourIndexOptions exact;
    exact.exactUpTo = std::numeric_limits<std::size_t>::max();
    return NeighbourIndex::sharedUnitRows(rows, kDim, exact);
}

} // namespace

class TestInvertedLists : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyRowIsInItsNearestList()
    {
        const auto rows = unitBlobs();
        const std::size_t n = rows->size() / kDim;
        const InvertedLists lists = InvertedLists::build(*rows, kDim);
        QCOMPARE(lists.listCount(), InvertedLists::listsFor(n)); // 2 sqrt(4000) = 126
        QCOMPARE(lists.rows(), n);
        const std::vector<std::int32_t> own = lists.listOfRows();
        std::vector<int> seen(n, 0);
        for (std::size_t l = 0; l < lists.listCount(); ++l)
            for (std::int64_t row : lists.members(std::int32_t(l))) {
                ++seen[std::size_t(row)];
                QCOMPARE(own[std::size_t(row)], std::int32_t(l));
            }
        for (std::size_t i = 0; i < n; ++i) {
            QCOMPARE(seen[i], 1);
            QCOMPARE(lists.nearestLists(rows->data() + i * kDim, 1).front(), own[i]);
        }
        // Read back from what an archive stores: the same lists.
        const InvertedLists again = InvertedLists::fromAssignment(kDim, lists.centroids(), own);
        QCOMPARE(again.listOfRows(), own);
        QCOMPARE(again.centroids(), lists.centroids());
        // A damaged assignment is refused, not searched.
        std::vector<std::int32_t> damaged = own;
        damaged[5] = std::int32_t(lists.listCount());
        QVERIFY_THROWS_EXCEPTION(UsageError, InvertedLists::fromAssignment(kDim, lists.centroids(), damaged));
    }

    void searchingEveryListIsExactSearch()
    {
        const auto rows = unitBlobs();
        auto lists = std::make_shared<const InvertedLists>(InvertedLists::build(*rows, kDim));
        NeighbourIndexOptions all;
        all.probes = int(lists->listCount());
        const NeighbourIndex listed = NeighbourIndex::sharedUnitRows(rows, kDim, lists, all);
        QVERIFY(listed.usesLists());
        QVERIFY(listed.isApproximate());
        const NeighbourIndex exact = exactIndex(rows);
        for (std::int64_t row : {0, 777, 3999}) {
            const std::span<const float> q(rows->data() + std::size_t(row) * kDim, kDim);
            const auto a = listed.search(q, 10, row);
            const auto b = exact.search(q, 10, row);
            QCOMPARE(a.size(), b.size());
            for (std::size_t k = 0; k < a.size(); ++k) {
                QCOMPARE(a[k].row, b[k].row);
                QVERIFY(a[k].row != row); // left out as asked
                QCOMPARE(a[k].similarity, b[k].similarity);
            }
        }
    }

    // Clustered data with a few of 126 lists probed: most of the exact 10 nearest are found, and
    // probing more finds more (the default probe count covers these lists whole).
    void aFewListsFindMostNeighbours()
    {
        const auto rows = unitBlobs();
        auto lists = std::make_shared<const InvertedLists>(InvertedLists::build(*rows, kDim));
        const NeighbourIndex exact = exactIndex(rows);
        auto recall = [&](int probes) {
            NeighbourIndexOptions o;
            o.probes = probes;
            const NeighbourIndex listed = NeighbourIndex::sharedUnitRows(rows, kDim, lists, o);
            std::size_t hits = 0, asked = 0;
            for (std::int64_t row = 0; row < 4000; row += 40) {
                const std::span<const float> q(rows->data() + std::size_t(row) * kDim, kDim);
                for (const Neighbour& a : exact.search(q, 10, row)) {
                    ++asked;
                    for (const Neighbour& b : listed.search(q, 10, row)) hits += a.row == b.row;
                }
            }
            return double(hits) / double(asked);
        };
        const double one = recall(1), eight = recall(8);
        QVERIFY2(eight > 0.9, qPrintable(QString::number(eight)));
        QVERIFY2(eight > one, qPrintable(QString("%1 vs %2").arg(eight).arg(one)));
    }

    void addedRowsAreFound()
    {
        const auto rows = unitBlobs();
        InvertedLists lists = InvertedLists::build(*rows, kDim);
        const auto more = unitBlobs(5, 12); // 200 new rows
        lists.add(*more);
        rows->insert(rows->end(), more->begin(), more->end());
        QCOMPARE(lists.rows(), rows->size() / kDim);
        const std::vector<std::int32_t> own = lists.listOfRows();
        NeighbourIndexOptions o;
        o.probes = 4;
        const NeighbourIndex listed = NeighbourIndex::sharedUnitRows(rows, kDim, std::make_shared<const InvertedLists>(lists), o);
        for (std::int64_t row : {4000, 4123, 4199}) {
            const std::span<const float> q(rows->data() + std::size_t(row) * kDim, kDim);
            QCOMPARE(lists.nearestLists(q.data(), 1).front(), own[std::size_t(row)]);
            QCOMPARE(listed.search(q, 1).front().row, row); // itself, at similarity 1
        }
        // Lists for other rows than the index is given are refused.
        QVERIFY_THROWS_EXCEPTION(UsageError, NeighbourIndex::sharedUnitRows(unitBlobs(), kDim, std::make_shared<const InvertedLists>(lists)));
    }
};

QTEST_GUILESS_MAIN(TestInvertedLists)
#include "tst_invertedlists.moc"
