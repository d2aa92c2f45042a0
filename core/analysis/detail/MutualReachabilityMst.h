#pragma once
// Internal to core/analysis: the minimum spanning tree of HDBSCAN's mutual-reachability graph,
// d_mr(a, b) = max(core(a), core(b), d(a, b)).
//
//   std::vector<MstEdge> tree = mutualReachabilityMst(data, core, knn, exactUpTo, threads, progress);
//   // n - 1 edges, any order; exact (Prim) for n <= exactUpTo, kNN-graph approximation above
//
// Threading: runs on `threads` threads internally; call it from one thread.
#include "core/analysis/detail/KnnSearch.h"
#include "core/common/Progress.h"

#include <cstdint>
#include <vector>

namespace crowlingo {

struct MstEdge {
    std::int32_t a = 0, b = 0;
    float weight = 0;
};

// data: the rows (prepared for the metric); core: core distance per row; knn: each row's
// neighbours, self first (used only by the approximate path, with all its columns).
std::vector<MstEdge> mutualReachabilityMst(const KnnSearch& data, const std::vector<float>& core,
                                           const KnnResult& knn, std::size_t exactUpTo, int threads,
                                           const Progress& progress = {});

} // namespace crowlingo
