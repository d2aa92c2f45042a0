#pragma once
// Cosine nearest-neighbour search with faiss: inner product on L2-normalised vectors. Exact
// (IndexFlatIP) up to a size threshold, approximate (HNSW) above it — see BENCHMARKS.md for the
// measured recall and the threshold. An index over rows the caller has already normalised and
// keeps (sharedUnitRows) searches them where they are, exactly, without a copy of its own; given
// inverted lists over those rows (InvertedLists.h, stored with large archives) it searches only
// the lists nearest to each query: approximate, a few percent of the work at 10^6 rows.
//
//   NeighbourIndex index(matrix.values, matrix.dimension);           // rows in matrix order
//   std::vector<Neighbour> hits = index.search(queryVector, 10);     // best first
//   auto shared = NeighbourIndex::sharedUnitRows(unitRows, dimension); // one copy for both
//   auto listed = NeighbourIndex::sharedUnitRows(unitRows, dimension, lists);
//
// Threading: search() may run from several threads at once once the index is built.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace crowlingo {

struct Neighbour {
    std::int64_t row = 0;   // row in the matrix the index was built from
    float similarity = 0;   // cosine similarity in [-1, 1]
};

struct NeighbourIndexOptions {
    // Above this many vectors, use HNSW. Exact search costs ~18 ms per query per 10^5 vectors
    // (175 ms at 10^6) and nothing to build; HNSW at 10^6 took 21 minutes to build on 2 cores and
    // recalled 0.89 (BENCHMARKS.md), too slow for opening an archive.
    std::size_t exactUpTo = 2'000'000;
    int hnswM = 32;
    int hnswEfConstruction = 80;
    int hnswEfSearch = 128;
    bool forceApproximate = false;   // for measuring recall
    // With inverted lists: the lists searched per query. 64 of the 2,000 lists at 10^6 rows: 6 ms
    // per query, recall@10 0.95 on clustered vectors, far less on vectors with no structure
    // (BENCHMARKS.md, "Neighbours at 10^6").
    int probes = 64;
};

class InvertedLists;

class NeighbourIndex {
public:
    NeighbourIndex(std::span<const float> rowMajor, int dimension, NeighbourIndexOptions options = {});
    // Over rows already scaled to unit length (normaliseRows): up to options.exactUpTo rows, exact
    // search over the rows where they are, kept alive by the index and the caller together (no
    // second copy, nothing to build); above it, HNSW as the constructor builds it (its graph keeps
    // a copy).
    static NeighbourIndex sharedUnitRows(std::shared_ptr<const std::vector<float>> unitRows, int dimension,
                                         NeighbourIndexOptions options = {});
    // The same rows searched through inverted lists built over them (lists->rows() == rows).
    static NeighbourIndex sharedUnitRows(std::shared_ptr<const std::vector<float>> unitRows, int dimension,
                                         std::shared_ptr<const InvertedLists> lists, NeighbourIndexOptions options = {});
    ~NeighbourIndex();
    NeighbourIndex(NeighbourIndex&&) noexcept;
    NeighbourIndex& operator=(NeighbourIndex&&) noexcept;

    std::size_t size() const;
    int dimension() const;
    bool isApproximate() const;
    // Whether it searches through inverted lists.
    bool usesLists() const;

    // The k most similar rows to the query (normalised here); excludeRow skips one row
    // (the query itself when it comes from the index).
    std::vector<Neighbour> search(std::span<const float> query, int k, std::int64_t excludeRow = -1) const;
    // Batched: k neighbours for each of n queries (row-major), each excluding its own row if selfExclude.
    std::vector<std::vector<Neighbour>> searchRows(std::span<const float> queries, int k, bool selfExclude) const;

private:
    NeighbourIndex();
    std::vector<std::vector<Neighbour>> searchRowsNormalised(const std::vector<float>& queries, int k,
                                                             const std::vector<std::int64_t>& exclude) const;
    std::vector<Neighbour> searchLists(const float* unitQuery, int k, std::int64_t exclude) const;
    struct Impl;
    std::unique_ptr<Impl> d;
};

// L2-normalises each row in place (zero rows stay zero).
void normaliseRows(std::span<float> rowMajor, int dimension);

// The k rows of `rows` (row-major, any length) most similar to `query` by cosine, computed as an
// index with lists computes them (each row scaled to unit length, then a fixed-order dot product:
// the same bits on any CPU), most similar first, the lower row first on a tie. Reads the rows
// where they are, so a few blobs read from an archive need no copy.
std::vector<Neighbour> nearestRows(std::span<const float> query, std::span<const float> rows, int dimension, int k);

} // namespace crowlingo
