#pragma once
// Internal to core/analysis: UMAP's fuzzy simplicial set (umap-learn's smooth_knn_dist,
// compute_membership_strengths and fuzzy_simplicial_set), as a sparse weighted graph.
//
//   KnnResult knn = KnnSearch(rows, dim, metric).searchSelf(15);   // self in column 0
//   FuzzySimplicialSet g = FuzzySimplicialSet::fromKnn(knn);       // symmetric, fuzzy union
//
// Threading: pure functions of their inputs; the smoothing runs on threadCount() threads.
#include "core/analysis/detail/KnnSearch.h"

#include <cstdint>
#include <vector>

namespace crowlingo {

// Per-row rho (distance to the nearest neighbour at `localConnectivity`) and sigma (bandwidth)
// such that sum_j exp(-(d_ij - rho_i) / sigma_i) = log2(k) over the neighbours of row i.
// skipFirst: column 0 is the row itself (training graphs) and is left out of the sum.
struct SmoothKnn {
    std::vector<float> rho;
    std::vector<float> sigma;
};
SmoothKnn smoothKnnDistances(const KnnResult& knn, double localConnectivity, bool skipFirst);

// Membership strengths exp(-(d - rho) / sigma), 1 for the nearest; 0 for self (column index == row
// when selfIndexed). Returned n x k like knn.distance.
std::vector<float> membershipStrengths(const KnnResult& knn, const SmoothKnn& smooth, bool selfIndexed);

struct FuzzySimplicialSet {
    std::size_t n = 0;                  // vertices
    std::vector<std::int64_t> rowStart; // n + 1: CSR by head vertex
    std::vector<std::int32_t> column;   // tail vertex per edge
    std::vector<float> weight;          // in (0, 1]

    std::size_t edges() const { return column.size(); }
    // The fuzzy union A + A^T - A∘A^T of the directed membership graph (set_op_mix_ratio = 1).
    static FuzzySimplicialSet fromKnn(const KnnResult& knn);
};

} // namespace crowlingo
