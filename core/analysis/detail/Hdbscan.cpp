#include "core/analysis/detail/Hdbscan.h"

#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/detail/MutualReachabilityMst.h"
#include "core/common/Error.h"

#include <algorithm>

namespace crowlingo {

FlatClustering hdbscan(std::span<const float> rows, int dimension, const HdbscanOptions& o, const Progress& progress)
{
    if (o.minClusterSize < 2)
        throw UsageError("cannot cluster: HDBSCAN needs a minimum cluster size of at least 2, got " +
                         std::to_string(o.minClusterSize));
    if (o.minSamples < 0) throw UsageError("cannot cluster: negative min_samples");
    const int minSamples = o.minSamples > 0 ? o.minSamples : o.minClusterSize;
    progress(0.0, "HDBSCAN: core distances");
    const KnnSearch data(rows, dimension, o.metric);
    const std::size_t n = data.size();
    if (n < std::size_t(o.minClusterSize)) {
        FlatClustering none;
        none.labels.assign(n, -1);
        none.probability.assign(n, 0.0f);
        none.outlierScore.assign(n, 0.0f);
        return none;
    }
    // Above the exact-MST size the kNN graph also supplies the spanning tree's candidate edges:
    // a few times min_samples neighbours (at least 15) keep dense regions connected.
    const bool approximate = n > o.exactMstUpTo;
    const int k = int(std::min<std::size_t>(n, std::size_t(approximate ? std::max(3 * minSamples, 15) : minSamples) + 1));
    const KnnResult knn = data.searchSelf(k, progress.part(0.0, 0.1));
    const int coreColumn = std::min(minSamples, k - 1);
    std::vector<float> core(n);
    for (std::size_t i = 0; i < n; ++i) {
        int c = coreColumn;
        while (c > 0 && knn.index[i * std::size_t(k) + std::size_t(c)] < 0) --c;
        core[i] = knn.distance[i * std::size_t(k) + std::size_t(c)];
    }
    progress.checkCancelled();
    progress(0.1, "HDBSCAN: spanning tree");
    std::vector<MstEdge> mst = mutualReachabilityMst(data, core, knn, o.exactMstUpTo, o.threads, progress.part(0.1, 0.9));
    progress(0.9, "HDBSCAN: condensed tree");
    const CondensedTree tree = CondensedTree::fromSpanningTree(std::move(mst), n, o.minClusterSize);
    FlatClustering out = tree.extract();
    progress(1.0, "HDBSCAN");
    return out;
}

} // namespace crowlingo
