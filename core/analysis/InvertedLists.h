#pragma once
// Inverted lists for approximate cosine search over many unit rows: k-means splits the rows into
// lists, a query is compared only with the members of the lists whose centroids are nearest to it
// (an inverted-file index, as faiss' IndexIVFFlat). At 10^6 rows exact search reads every row for
// each click (BENCHMARKS.md); with lists it reads a few percent of them. The lists hold row
// numbers only: the rows stay where the caller keeps them (NeighbourIndex::sharedUnitRows), so the
// index costs 4 bytes per row plus the centroids, little enough to store with an archive.
//
//   InvertedLists lists = InvertedLists::build(unitRows, dimension);        // k-means, then assignment
//   std::vector<std::int32_t> own = lists.listOfRows();                     // to store
//   InvertedLists again = InvertedLists::fromAssignment(dimension, lists.centroids(), own);
//   lists.add(moreUnitRows);                                                // rows n, n + 1, ...
//
// Reproducible: the same lists on any CPU, BLAS kernel and thread count (Lloyd.h).
// Threading: build() and add() use the analysis threads; a built index is read-only and may be
// probed from several threads.
#include "core/common/Progress.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crowlingo {

struct InvertedListsParams {
    std::size_t lists = 0;       // 0: listsFor(rows)
    int sampleRowsPerList = 32;  // k-means is fitted on this many rows per list, evenly spaced
    int iterations = 10;         // Lloyd steps (the lists only need to be compact, not optimal)
    std::uint64_t seed = 42;
};

class InvertedLists {
public:
    // About 2 sqrt(rows) lists: a query then costs 2 sqrt(rows) centroids plus `probes` lists of
    // sqrt(rows) / 2 members, and building the lists stays a few seconds at 10^6 rows.
    static std::size_t listsFor(std::size_t rows);

    // rows: n x dimension, each of unit length (or zero). Reports progress, may throw Cancelled.
    static InvertedLists build(std::span<const float> unitRows, int dimension, const InvertedListsParams& params = {},
                               const Progress& progress = {});
    // From what listOfRows() and centroids() gave (e.g. read back from an archive). Rows whose
    // list is -1 (not yet assigned) are left out of every list; error if a list number is out of range.
    static InvertedLists fromAssignment(int dimension, std::vector<float> centroids, std::span<const std::int32_t> listOfRow);

    int dimension() const { return dim_; }
    std::size_t listCount() const { return start_.empty() ? 0 : start_.size() - 1; }
    std::size_t rows() const { return rows_; }
    const std::vector<float>& centroids() const { return centroids_; }
    // Each row's list, in row order (-1 for a row left out).
    std::vector<std::int32_t> listOfRows() const;

    // Appends rows (numbered rows(), rows() + 1, ...) to the lists of their nearest centroids.
    void add(std::span<const float> unitRows);

    // The lists whose centroids are nearest to a unit query (the lower list first on a tie).
    std::vector<std::int32_t> nearestLists(const float* unitQuery, int probes) const;
    // The rows of one list, ascending.
    std::span<const std::int64_t> members(std::int32_t list) const
    {
        return {members_.data() + start_[std::size_t(list)], start_[std::size_t(list) + 1] - start_[std::size_t(list)]};
    }

private:
    void assign(std::span<const std::int32_t> listOfRow);

    int dim_ = 0;
    std::size_t rows_ = 0;
    std::vector<float> centroids_;      // listCount() x dim_
    std::vector<std::size_t> start_;    // listCount() + 1: list l's members are members_[start_[l], start_[l+1])
    std::vector<std::int64_t> members_; // row numbers grouped by list, ascending within a list
};

} // namespace crowlingo
