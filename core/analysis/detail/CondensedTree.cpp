#include "core/analysis/detail/CondensedTree.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace crowlingo {

namespace {

// Distance 0 (duplicate points) would give an infinite lambda and NaN stabilities: clamp.
constexpr double kMinDistance = 1e-12;

struct SingleLinkage {
    std::vector<std::int64_t> left, right, size; // node n + t merges left[t] and right[t]
    std::vector<double> distance;
};

SingleLinkage singleLinkage(std::vector<MstEdge> edges, std::size_t n)
{
    std::stable_sort(edges.begin(), edges.end(), [](const MstEdge& a, const MstEdge& b) { return a.weight < b.weight; });
    std::vector<std::int64_t> parent(2 * n, -1), sizes(2 * n, 1);
    auto find = [&](std::int64_t x) {
        std::int64_t root = x;
        while (parent[std::size_t(root)] >= 0) root = parent[std::size_t(root)];
        while (parent[std::size_t(x)] >= 0) { // path compression
            const std::int64_t next = parent[std::size_t(x)];
            parent[std::size_t(x)] = root;
            x = next;
        }
        return root;
    };
    SingleLinkage s;
    std::int64_t next = std::int64_t(n);
    for (const MstEdge& e : edges) {
        const std::int64_t a = find(e.a), b = find(e.b);
        if (a == b) continue;
        parent[std::size_t(a)] = parent[std::size_t(b)] = next;
        sizes[std::size_t(next)] = sizes[std::size_t(a)] + sizes[std::size_t(b)];
        s.left.push_back(a);
        s.right.push_back(b);
        s.size.push_back(sizes[std::size_t(next)]);
        s.distance.push_back(double(e.weight));
        ++next;
    }
    // A forest (should not happen: the tree spans) is closed at infinite distance.
    for (std::size_t i = 0; i < n && s.left.size() + 1 < n; ++i) {
        const std::int64_t a = find(std::int64_t(i)), b = find(0);
        if (a == b) continue;
        parent[std::size_t(a)] = parent[std::size_t(b)] = next;
        sizes[std::size_t(next)] = sizes[std::size_t(a)] + sizes[std::size_t(b)];
        s.left.push_back(b);
        s.right.push_back(a);
        s.size.push_back(sizes[std::size_t(next)]);
        s.distance.push_back(std::numeric_limits<double>::max());
        ++next;
    }
    return s;
}

} // namespace

CondensedTree CondensedTree::fromSpanningTree(std::vector<MstEdge> edges, std::size_t n, int minClusterSize)
{
    CondensedTree tree;
    tree.n = n;
    if (n < 2) return tree;
    const SingleLinkage h = singleLinkage(std::move(edges), n);
    const auto mcs = std::int64_t(minClusterSize);
    const std::int64_t root = std::int64_t(2 * n - 2);
    auto sizeOf = [&](std::int64_t node) { return node < std::int64_t(n) ? 1 : h.size[std::size_t(node) - n]; };

    std::vector<std::int64_t> relabel(2 * n - 1, -1);
    std::vector<char> ignore(2 * n - 1, 0);
    relabel[std::size_t(root)] = std::int64_t(n);
    std::int64_t nextLabel = std::int64_t(n) + 1;
    std::vector<std::int64_t> stack;
    // Every point of `node`'s subtree leaves `parent` at `lambda`; the subtree is done.
    auto fallOut = [&](std::int64_t node, std::int64_t parent, double lambda) {
        stack.assign(1, node);
        while (!stack.empty()) {
            const std::int64_t x = stack.back();
            stack.pop_back();
            ignore[std::size_t(x)] = 1;
            if (x < std::int64_t(n)) {
                tree.rows.push_back({parent, x, lambda, 1});
            } else {
                stack.push_back(h.right[std::size_t(x) - n]);
                stack.push_back(h.left[std::size_t(x) - n]);
            }
        }
    };
    // Breadth-first over the single-linkage tree, as hdbscan's condense_tree.
    std::vector<std::int64_t> queue{root};
    for (std::size_t qi = 0; qi < queue.size(); ++qi) {
        const std::int64_t node = queue[qi];
        if (node < std::int64_t(n)) continue;
        const std::int64_t left = h.left[std::size_t(node) - n], right = h.right[std::size_t(node) - n];
        queue.push_back(left);
        queue.push_back(right);
        if (ignore[std::size_t(node)]) continue;
        const double lambda = 1.0 / std::max(h.distance[std::size_t(node) - n], kMinDistance);
        const std::int64_t me = relabel[std::size_t(node)];
        const std::int64_t lc = sizeOf(left), rc = sizeOf(right);
        if (lc >= mcs && rc >= mcs) {
            relabel[std::size_t(left)] = nextLabel++;
            tree.rows.push_back({me, relabel[std::size_t(left)], lambda, lc});
            relabel[std::size_t(right)] = nextLabel++;
            tree.rows.push_back({me, relabel[std::size_t(right)], lambda, rc});
        } else if (lc < mcs && rc < mcs) {
            fallOut(left, me, lambda);
            fallOut(right, me, lambda);
        } else if (lc < mcs) {
            relabel[std::size_t(right)] = me;
            fallOut(left, me, lambda);
        } else {
            relabel[std::size_t(left)] = me;
            fallOut(right, me, lambda);
        }
    }
    return tree;
}

FlatClustering CondensedTree::extract() const
{
    FlatClustering out;
    out.labels.assign(n, -1);
    out.probability.assign(n, 0.0f);
    out.outlierScore.assign(n, 0.0f);
    if (rows.empty()) return out;
    const std::int64_t rootId = std::int64_t(n);
    std::int64_t maxId = rootId;
    for (const Row& r : rows) maxId = std::max({maxId, r.parent, r.child});
    const std::size_t clusters = std::size_t(maxId - rootId + 1);
    auto ci = [&](std::int64_t id) { return std::size_t(id - rootId); };

    // Birth (lambda at which a cluster splits off its parent; 0 for the root), death (largest
    // lambda among its direct children) and stability sum((lambda - birth) * size).
    std::vector<double> birth(clusters, 0.0), death(clusters, 0.0), stability(clusters, 0.0);
    std::vector<std::int64_t> parentOf(clusters, -1);
    for (const Row& r : rows)
        if (r.child >= rootId) {
            birth[ci(r.child)] = r.lambda;
            parentOf[ci(r.child)] = r.parent;
        }
    for (const Row& r : rows) {
        stability[ci(r.parent)] += (r.lambda - birth[ci(r.parent)]) * double(r.childSize);
        death[ci(r.parent)] = std::max(death[ci(r.parent)], r.lambda);
    }

    // Excess of mass, leaves up (children have larger ids than parents); the root is never
    // selected (allow_single_cluster = false).
    std::vector<std::vector<std::size_t>> children(clusters);
    for (const Row& r : rows)
        if (r.child >= rootId) children[ci(r.parent)].push_back(ci(r.child));
    std::vector<char> selected(clusters, 0);
    std::vector<double> value = stability;
    for (std::size_t c = clusters; c-- > 1;) {
        double sub = 0;
        for (std::size_t k : children[c]) sub += value[k];
        if (!children[c].empty() && sub > value[c]) {
            value[c] = sub;
        } else {
            selected[c] = 1;
            std::vector<std::size_t> stack(children[c]);
            while (!stack.empty()) {
                const std::size_t k = stack.back();
                stack.pop_back();
                selected[k] = 0;
                stack.insert(stack.end(), children[k].begin(), children[k].end());
            }
        }
    }
    // Labels 0.. in order of cluster id (as hdbscan).
    std::vector<int> labelOf(clusters, -1);
    int nextLabel = 0;
    for (std::size_t c = 1; c < clusters; ++c)
        if (selected[c]) labelOf[c] = nextLabel++;
    // The selected cluster owning each cluster (rows are breadth-first: parents come first).
    std::vector<std::int64_t> owner(clusters, -1);
    for (const Row& r : rows)
        if (r.child >= rootId) owner[ci(r.child)] = selected[ci(r.child)] ? std::int64_t(ci(r.child)) : owner[ci(r.parent)];

    // GLOSH: the largest lambda anywhere below the point's parent cluster.
    std::vector<double> deepest = death;
    for (std::size_t c = clusters; c-- > 1;)
        if (parentOf[c] >= 0) deepest[ci(parentOf[c])] = std::max(deepest[ci(parentOf[c])], deepest[c]);

    for (const Row& r : rows) {
        if (r.child >= rootId) continue;
        const auto point = std::size_t(r.child);
        const std::int64_t own = owner[ci(r.parent)];
        const double lambdaMax = deepest[ci(r.parent)];
        out.outlierScore[point] = lambdaMax > 0 ? float(std::clamp((lambdaMax - r.lambda) / lambdaMax, 0.0, 1.0)) : 0.0f;
        if (own < 0) continue;
        out.labels[point] = labelOf[std::size_t(own)];
        const double d = death[std::size_t(own)];
        out.probability[point] = d > 0 ? float(std::min(r.lambda, d) / d) : 1.0f;
    }
    return out;
}

} // namespace crowlingo
