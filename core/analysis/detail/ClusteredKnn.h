#pragma once
// Internal to core/analysis: an approximate k-nearest-neighbour graph of a large point set, for
// UMAP and HDBSCAN above a few tens of thousands of points, where the exact graph costs O(N² d).
//
//   KnnResult graph = clusteredSelfKnn(rows, n, dim, Metric::Cosine, 15);  // rows prepared (normalised)
//
// Method: an inverted-file search (as faiss' IndexIVFFlat) whose scanning is done with matrix
// products, then one round of neighbour-of-neighbour search. k-means splits the points into about
// sqrt(N) lists; each point looks for its neighbours in the `probes` lists whose centroids are
// nearest to it. Instead of scanning list by list for each point (faiss' IVF scan runs at a few
// GFLOP/s here), the points that probe a list are gathered and compared with its members in one
// BLAS product, so the work — N · probes · N/lists distances, 7 % of the exact graph's at 50k
// points — runs at matrix-product speed. Then each point meets its neighbours' neighbours (the
// "local join" of NN-descent), which finds true neighbours that sit across a list boundary.
// Measured on 50k × 256-D, 2 cores: exact 8.6 s; this about 3 s; faiss' IndexIVFFlat 14 s for
// recall 0.91, its NN-descent 34 s, HNSW 30 s to build at 100k. Recall@10 on a structureless
// 16-D Gaussian (the hard case, tst_knnsearch) 0.95.
//
// The same bits on any thread count, CPU and BLAS kernel: the lists come from Lloyd.h's k-means,
// and the matrix products only propose candidates whose distances are then computed in a fixed
// order (ExactRerank.h); ties go to the lower index. Distances as KnnResult: 1 - cos, or L2.
#include "core/analysis/detail/KnnSearch.h"
#include "core/common/Progress.h"

#include <cstddef>
#include <cstdint>

namespace crowlingo {

struct ClusteredKnnOptions {
    std::size_t lists = 0;    // 0: round(sqrt(N))
    int probes = 16;          // lists searched per point
    std::uint64_t seed = 42;  // k-means
};

// Row i's own entry is among its results like any other (KnnSearch::searchSelf moves it first).
// Reports progress list by list and then block by block, and throws Cancelled between them.
KnnResult clusteredSelfKnn(const float* rows, std::size_t n, int dimension, Metric metric, int k,
                           const ClusteredKnnOptions& options = {}, const Progress& progress = {});

} // namespace crowlingo
