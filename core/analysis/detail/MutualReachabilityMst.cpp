#include "core/analysis/detail/MutualReachabilityMst.h"

#include "core/analysis/detail/ExactRerank.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/detail/ParallelFor.h"

#include <faiss/IndexFlat.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <thread>

namespace crowlingo {

namespace {

struct UnionFind {
    std::vector<std::int32_t> parent;
    explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
    std::int32_t find(std::int32_t x)
    {
        while (parent[std::size_t(x)] != x) {
            parent[std::size_t(x)] = parent[std::size_t(parent[std::size_t(x)])];
            x = parent[std::size_t(x)];
        }
        return x;
    }
    bool unite(std::int32_t a, std::int32_t b)
    {
        a = find(a);
        b = find(b);
        if (a == b) return false;
        parent[std::size_t(std::max(a, b))] = std::min(a, b);
        return true;
    }
};

bool edgeLess(const MstEdge& x, const MstEdge& y)
{
    return x.weight != y.weight ? x.weight < y.weight : x.a != y.a ? x.a < y.a : x.b < y.b;
}

// Prim's algorithm on the complete graph, distances computed on the fly: O(n^2 d) time, O(n)
// memory. Each step every thread relaxes its fixed slice of vertices against the vertex just
// added and reports its slice minimum; ties break on the lower index, so the tree does not depend
// on the thread count.
std::vector<MstEdge> primDense(const KnnSearch& data, const std::vector<float>& core, int threads, const Progress& progress)
{
    const std::size_t n = data.size();
    const std::size_t dim = std::size_t(data.dimension());
    const float* x = data.data().data();
    std::vector<MstEdge> edges;
    if (n < 2) return edges;
    edges.reserve(n - 1);
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> best(n, inf);
    std::vector<std::int32_t> from(n, -1);
    std::vector<char> inTree(n, 0);
    const int t = int(std::clamp<std::size_t>(n / 2048, 1, std::size_t(std::max(threads, 1))));
    struct Local {
        float value;
        std::int32_t index;
    };
    std::vector<Local> local(static_cast<std::size_t>(t));
    std::size_t current = 0;
    inTree[0] = 1;
    std::size_t added = 1;
    bool stop = false;

    auto choose = [&]() noexcept {
        Local g{inf, -1};
        for (const Local& l : local)
            if (l.index >= 0 && (g.index < 0 || l.value < g.value || (l.value == g.value && l.index < g.index))) g = l;
        if (g.index < 0) { stop = true; return; } // cannot happen on a complete graph
        edges.push_back({from[std::size_t(g.index)], g.index, g.value});
        current = std::size_t(g.index);
        inTree[current] = 1;
        ++added;
        if (added == n) stop = true;
        if (added % 1024 == 0) {
            try {
                if (progress.isCancelled()) stop = true;
                progress(double(added) / double(n), "HDBSCAN: spanning tree");
            } catch (...) {
                stop = true;
            }
        }
    };
    std::barrier sync(t, choose);
    auto worker = [&](int s) {
        const std::size_t begin = n * std::size_t(s) / std::size_t(t), end = n * std::size_t(s + 1) / std::size_t(t);
        while (!stop) {
            const float* xc = x + current * dim;
            const float cc = core[current];
            Local l{inf, -1};
            for (std::size_t u = begin; u < end; ++u) {
                if (inTree[u]) continue;
                const float lower = std::max(cc, core[u]);
                if (lower < best[u]) { // else the distance cannot improve this vertex
                    const float d = std::max(lower, data.distance(xc, x + u * dim));
                    if (d < best[u]) {
                        best[u] = d;
                        from[u] = std::int32_t(current);
                    }
                }
                if (l.index < 0 || best[u] < l.value) l = {best[u], std::int32_t(u)};
            }
            local[std::size_t(s)] = l;
            sync.arrive_and_wait();
        }
    };
    std::vector<std::thread> workers;
    for (int s = 1; s < t; ++s) workers.emplace_back(worker, s);
    worker(0);
    for (auto& w : workers) w.join();
    progress.checkCancelled();
    return edges;
}

// Approximation for large n: Kruskal on the kNN graph's mutual-reachability edges, then the
// components it leaves (clusters further apart than the kNN radius) are joined by the cheapest
// edges found between candidate pairs of components: the pairs of a spanning tree over component
// centroids plus each component's two nearest centroids. Between a pair, each point of the
// smaller side (at most 2000 of them, evenly spaced) is matched to its 16 nearest points of the
// larger. Exact within clusters (where kNN edges carry the MST), approximate only in the weights
// of the few edges that join well-separated groups.
std::vector<MstEdge> knnApproximate(const KnnSearch& data, const std::vector<float>& core, const KnnResult& knn,
                                    const Progress& progress)
{
    const std::size_t n = data.size();
    const std::size_t dim = std::size_t(data.dimension());
    const float* x = data.data().data();
    std::vector<MstEdge> candidates;
    candidates.reserve(n * std::size_t(std::max(knn.k - 1, 0)));
    for (std::size_t i = 0; i < n; ++i)
        for (int j = 1; j < knn.k; ++j) {
            const std::int64_t o = knn.index[i * std::size_t(knn.k) + std::size_t(j)];
            if (o < 0 || o == std::int64_t(i)) continue;
            const float w = std::max({core[i], core[std::size_t(o)], knn.distance[i * std::size_t(knn.k) + std::size_t(j)]});
            candidates.push_back({std::int32_t(std::min<std::int64_t>(std::int64_t(i), o)),
                                  std::int32_t(std::max<std::int64_t>(std::int64_t(i), o)), w});
        }
    std::sort(candidates.begin(), candidates.end(), edgeLess);
    UnionFind uf(n);
    std::vector<MstEdge> edges;
    edges.reserve(n - 1);
    for (const MstEdge& e : candidates)
        if (uf.unite(e.a, e.b)) edges.push_back(e);
    progress(0.5, "HDBSCAN: joining components");
    if (edges.size() + 1 >= n) return edges;

    // Components and their centroids.
    std::map<std::int32_t, std::size_t> componentOf;
    std::vector<std::vector<std::int32_t>> members;
    for (std::size_t i = 0; i < n; ++i) {
        auto [it, inserted] = componentOf.try_emplace(uf.find(std::int32_t(i)), members.size());
        if (inserted) members.emplace_back();
        members[it->second].push_back(std::int32_t(i));
    }
    const std::size_t c = members.size();
    std::vector<float> centroid(c * dim, 0.0f);
    for (std::size_t k = 0; k < c; ++k) {
        std::vector<double> sum(dim, 0.0);
        for (std::int32_t i : members[k])
            for (std::size_t j = 0; j < dim; ++j) sum[j] += x[std::size_t(i) * dim + j];
        for (std::size_t j = 0; j < dim; ++j) centroid[k * dim + j] = float(sum[j] / double(members[k].size()));
    }
    auto centroidDistance = [&](std::size_t p, std::size_t q) {
        double s = 0;
        for (std::size_t j = 0; j < dim; ++j) {
            const double d = double(centroid[p * dim + j]) - centroid[q * dim + j];
            s += d * d;
        }
        return s;
    };
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    { // Prim over centroids: guarantees the candidate pairs connect every component.
        std::vector<double> best(c, std::numeric_limits<double>::infinity());
        std::vector<std::size_t> from(c, 0);
        std::vector<char> done(c, 0);
        std::size_t cur = 0;
        done[0] = 1;
        for (std::size_t step = 1; step < c; ++step) {
            std::size_t next = c;
            for (std::size_t q = 0; q < c; ++q) {
                if (done[q]) continue;
                const double d = centroidDistance(cur, q);
                if (d < best[q]) { best[q] = d; from[q] = cur; }
                if (next == c || best[q] < best[next]) next = q;
            }
            pairs.emplace_back(std::min(from[next], next), std::max(from[next], next));
            done[next] = 1;
            cur = next;
        }
    }
    for (std::size_t p = 0; p < c; ++p) {
        std::vector<std::pair<double, std::size_t>> near;
        for (std::size_t q = 0; q < c; ++q)
            if (q != p) near.emplace_back(centroidDistance(p, q), q);
        const std::size_t m = std::min<std::size_t>(2, near.size());
        std::partial_sort(near.begin(), near.begin() + std::ptrdiff_t(m), near.end());
        for (std::size_t r = 0; r < m; ++r) pairs.emplace_back(std::min(p, near[r].second), std::max(p, near[r].second));
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());

    // One flat index per component, built when first needed.
    std::vector<std::unique_ptr<faiss::IndexFlat>> indexes(c);
    auto indexOf = [&](std::size_t k) -> const faiss::IndexFlat& {
        if (!indexes[k]) {
            if (data.metric() == Metric::Cosine)
                indexes[k] = std::make_unique<faiss::IndexFlatIP>(int(dim));
            else
                indexes[k] = std::make_unique<faiss::IndexFlatL2>(int(dim));
            std::vector<float> rows(members[k].size() * dim);
            for (std::size_t r = 0; r < members[k].size(); ++r)
                std::copy_n(x + std::size_t(members[k][r]) * dim, dim, rows.data() + r * dim);
            indexes[k]->add(faiss::Index::idx_t(members[k].size()), rows.data());
        }
        return *indexes[k];
    };
    std::vector<MstEdge> joins;
    for (std::size_t pi = 0; pi < pairs.size(); ++pi) {
        progress.checkCancelled();
        auto [p, q] = pairs[pi];
        if (members[p].size() > members[q].size()) std::swap(p, q); // query the smaller side
        const std::size_t queries = std::min<std::size_t>(members[p].size(), 2000);
        std::vector<float> rows(queries * dim);
        std::vector<std::int32_t> queryRow(queries);
        for (std::size_t r = 0; r < queries; ++r) {
            queryRow[r] = members[p][r * members[p].size() / queries];
            std::copy_n(x + std::size_t(queryRow[r]) * dim, dim, rows.data() + r * dim);
        }
        // Each query's 16 nearest in the other component: faiss proposes 16 + margin, the exact
        // distances decide (ExactRerank.h), so the joins are the same on any CPU.
        const std::size_t take = std::min<std::size_t>(16, members[q].size());
        const auto k = faiss::Index::idx_t(std::min<std::size_t>(take + std::size_t(kRerankMargin), members[q].size()));
        std::vector<float> d(queries * std::size_t(k));
        std::vector<faiss::Index::idx_t> ids(queries * std::size_t(k));
        OmpThreadLimit limit(OmpThreadLimit::forWork(double(queries) * double(members[q].size()) * double(dim)));
        indexOf(q).search(faiss::Index::idx_t(queries), rows.data(), k, d.data(), ids.data());
        MstEdge bestEdge{-1, -1, std::numeric_limits<float>::infinity()};
        std::vector<Candidate> candidates;
        std::vector<float> nearestDistance(take);
        std::vector<std::int64_t> nearest(take);
        for (std::size_t r = 0; r < queries; ++r) {
            candidates.clear();
            for (faiss::Index::idx_t j = 0; j < k; ++j) {
                const faiss::Index::idx_t id = ids[r * std::size_t(k) + std::size_t(j)];
                if (id < 0) continue;
                const std::int32_t other = members[q][std::size_t(id)];
                candidates.push_back({data.distance(x + std::size_t(queryRow[r]) * dim, x + std::size_t(other) * dim), other});
            }
            keepNearest(candidates, take, nearestDistance.data(), nearest.data());
            for (std::size_t j = 0; j < take && nearest[j] >= 0; ++j) {
                const auto other = std::int32_t(nearest[j]);
                const MstEdge e{std::min(queryRow[r], other), std::max(queryRow[r], other),
                                std::max({core[std::size_t(queryRow[r])], core[std::size_t(other)], nearestDistance[j]})};
                if (bestEdge.a < 0 || edgeLess(e, bestEdge)) bestEdge = e;
            }
        }
        if (bestEdge.a >= 0) joins.push_back(bestEdge);
        progress(0.5 + 0.5 * double(pi + 1) / double(pairs.size()), "HDBSCAN: joining components");
    }
    std::sort(joins.begin(), joins.end(), edgeLess);
    for (const MstEdge& e : joins)
        if (uf.unite(e.a, e.b)) edges.push_back(e);
    return edges;
}

} // namespace

std::vector<MstEdge> mutualReachabilityMst(const KnnSearch& data, const std::vector<float>& core, const KnnResult& knn,
                                           std::size_t exactUpTo, int threads, const Progress& progress)
{
    if (data.size() <= exactUpTo) return primDense(data, core, threads, progress);
    return knnApproximate(data, core, knn, progress);
}

} // namespace crowlingo
