#pragma once
// Internal to core/analysis: HDBSCAN's cluster hierarchy from a mutual-reachability spanning tree
// (Campello, Moulavi & Sander 2013; McInnes & Healy 2017, as the hdbscan package): single-linkage
// tree → condensed tree (min_cluster_size) → excess-of-mass selection without the root
// (allow_single_cluster = false) → labels, membership probabilities and GLOSH outlier scores.
//
//   CondensedTree tree = CondensedTree::fromSpanningTree(edges, n, minClusterSize);
//   FlatClustering flat = tree.extract();   // labels (-1 noise), probability, outlierScore
//
// Threading: pure; use from one thread at a time.
#include "core/analysis/detail/MutualReachabilityMst.h"

#include <cstdint>
#include <vector>

namespace crowlingo {

struct FlatClustering {
    std::vector<int> labels;
    std::vector<float> probability;
    std::vector<float> outlierScore;
};

struct CondensedTree {
    struct Row {
        std::int64_t parent = 0; // cluster id (>= n; the root is n)
        std::int64_t child = 0;  // point (< n) or cluster id
        double lambda = 0;       // 1 / distance at which the child leaves the parent
        std::int64_t childSize = 1;
    };
    std::size_t n = 0;
    std::vector<Row> rows;       // parents before children (breadth-first)

    static CondensedTree fromSpanningTree(std::vector<MstEdge> edges, std::size_t n, int minClusterSize);
    FlatClustering extract() const;
};

} // namespace crowlingo
