#include "core/analysis/detail/ClusteredKnn.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/ExactRerank.h"
#include "core/analysis/detail/Lloyd.h"
#include "core/analysis/detail/OmpThreadLimit.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Rng.h"
#include "core/common/Threads.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo {

namespace {

// Inserts (d, id) into a row of k neighbours kept in nearer() order if it is nearer than the
// row's last (empty places hold infinity and -1, behind every real neighbour).
void insertNearer(float* dist, std::int64_t* idx, int k, float d, std::int64_t id)
{
    const auto before = [&](int j) { return idx[j] < 0 || nearer({d, id}, {dist[j], idx[j]}); };
    if (!before(k - 1)) return;
    int j = k - 1;
    while (j > 0 && before(j - 1)) {
        dist[j] = dist[j - 1];
        idx[j] = idx[j - 1];
        --j;
    }
    dist[j] = d;
    idx[j] = id;
}

// One round of neighbour-of-neighbour search (the "local join" of NN-descent): each point's
// neighbours' neighbours are compared with it. Points whose true neighbours sit across a list
// boundary are found this way; it lifts recall@10 on a structureless 16-D Gaussian from 0.91–0.93
// to 0.95 for about k² distances per point. Reads `graph`, returns the improved one.
KnnResult neighboursOfNeighbours(const float* rows, std::size_t n, std::size_t dim, Metric metric, const KnnResult& graph,
                                 int threads, const Progress& progress)
{
    KnnResult better = graph;
    const auto k = std::size_t(graph.k);
    // In blocks of rows, so that a cancel is heard within a second or so; each row's result
    // depends only on `graph`, so the blocks change nothing.
    constexpr std::size_t kBlockRows = 8192;
    for (std::size_t block = 0; block < n; block += kBlockRows) {
        progress.checkCancelled();
        progress(double(block) / double(n), "nearest neighbours: neighbours of neighbours");
        parallelFor(std::min(kBlockRows, n - block), threads, [&](std::size_t begin, std::size_t end, int) {
            std::vector<std::size_t> seen(n, SIZE_MAX); // seen[c] == i: c already considered for row i
            for (std::size_t i = block + begin; i < block + end; ++i) {
                float* dist = better.distance.data() + i * k;
                std::int64_t* idx = better.index.data() + i * k;
                for (std::size_t c = 0; c < k; ++c)
                    if (idx[c] >= 0) seen[std::size_t(idx[c])] = i;
                const float* x = rows + i * dim;
                for (std::size_t a = 0; a < k; ++a) {
                    const std::int64_t j = graph.index[i * k + a];
                    if (j < 0) continue;
                    for (std::size_t b = 0; b < k; ++b) {
                        const std::int64_t c = graph.index[std::size_t(j) * k + b];
                        if (c < 0 || seen[std::size_t(c)] == i) continue;
                        seen[std::size_t(c)] = i;
                        insertNearer(dist, idx, int(k), preparedDistance(metric, x, rows + std::size_t(c) * dim, dim), c);
                    }
                }
            }
        });
    }
    return better;
}

// The lists' centroids: Lloyd's k-means (Lloyd.h, reproducible on any CPU), 10 iterations on a
// sample of 64 points per list, started from the first points drawn (the lists only have to be
// compact, not optimal).
std::vector<float> listCentroids(const float* rows, std::size_t n, std::size_t dim, std::size_t lists, std::uint64_t seed, int threads)
{
    // A random sample without replacement (partial Fisher-Yates), in the order drawn.
    const std::size_t m = std::min(n, lists * 64);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    Rng rng(Rng::mix(seed, 0x6C69737473ull));
    for (std::size_t i = 0; i < m; ++i) std::swap(order[i], order[i + std::size_t(rng.below(n - i))]);
    std::vector<float> sample(m * dim);
    for (std::size_t i = 0; i < m; ++i) std::copy_n(rows + order[i] * dim, dim, sample.data() + i * dim);

    std::vector<float> centroids(sample.begin(), sample.begin() + std::ptrdiff_t(lists * dim)); // the first `lists` drawn
    lloydIterations(sample.data(), m, dim, centroids, 10, false, threads);
    return centroids;
}

} // namespace

KnnResult clusteredSelfKnn(const float* rows, std::size_t n, int dimension, Metric metric, int k,
                           const ClusteredKnnOptions& o, const Progress& progress)
{
    const auto dim = std::size_t(dimension);
    KnnResult r;
    r.k = std::max(k, 0);
    r.index.assign(n * std::size_t(r.k), -1);
    r.distance.assign(n * std::size_t(r.k), std::numeric_limits<float>::infinity());
    if (n == 0 || r.k == 0) return r;

    const std::size_t lists = std::clamp<std::size_t>(o.lists > 0 ? o.lists : std::size_t(std::lround(std::sqrt(double(n)))), 1, n);
    const int probes = int(std::clamp<std::size_t>(std::size_t(std::max(o.probes, 1)), 1, lists));
    OmpThreadLimit limit(threadCount());

    const int threads = threadCount();
    // Lists: k-means (L2 — on normalised rows the same order as cosine); each point probes the
    // lists of its `probes` nearest centroids and belongs to the nearest one's.
    const std::vector<float> centroids = listCentroids(rows, n, dim, lists, o.seed, threads);
    progress.checkCancelled();
    const std::vector<std::int64_t> probed = nearestCentroids(rows, n, dim, centroids, std::size_t(probes), threads);

    // Each list's members (nearest centroid) and the points that probe it, by counting sort.
    auto bucket = [&](std::size_t stride, std::vector<std::size_t>& start, std::vector<std::int64_t>& items) {
        start.assign(lists + 1, 0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t p = 0; p < stride; ++p) ++start[std::size_t(probed[i * std::size_t(probes) + p]) + 1];
        for (std::size_t l = 0; l < lists; ++l) start[l + 1] += start[l];
        items.resize(start[lists]);
        std::vector<std::size_t> fill(start.begin(), start.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t p = 0; p < stride; ++p) items[fill[std::size_t(probed[i * std::size_t(probes) + p])]++] = std::int64_t(i);
    };
    std::vector<std::size_t> memberStart, queryStart;
    std::vector<std::int64_t> members, queries;
    bucket(1, memberStart, members);
    bucket(std::size_t(probes), queryStart, queries);

    // List by list: the probing points against the members in matrix products (a block of probing
    // points at a time), then each point's best candidates from this list merged into its running
    // k best. faiss' knn_inner_product did the selection with a heap per point, which at 10^6
    // points took longer than the products themselves (BENCHMARKS.md); here a point first drops
    // every candidate that is surely farther (by more than BLAS rounding can explain) than its
    // k-th neighbour so far, so after its first lists few remain to rank.
    constexpr std::size_t kQueryBlock = 1024;
    std::vector<float> x, q, products;
    std::vector<double> memberNorm; // |x|^2 of the list's members (Euclidean)
    for (std::size_t l = 0; l < lists; ++l) {
        if (l % 16 == 0) {
            progress.checkCancelled();
            progress(0.1 + 0.7 * double(l) / double(lists), "nearest neighbours: inverted lists");
        }
        const std::size_t nx = memberStart[l + 1] - memberStart[l], nq = queryStart[l + 1] - queryStart[l];
        if (nx == 0 || nq == 0) continue;
        const std::int64_t* memberIds = members.data() + memberStart[l];
        const std::int64_t* queryIds = queries.data() + queryStart[l];
        x.resize(nx * dim);
        for (std::size_t i = 0; i < nx; ++i) std::copy_n(rows + std::size_t(memberIds[i]) * dim, dim, x.data() + i * dim);
        memberNorm.assign(nx, 0.0);
        if (metric == Metric::Euclidean)
            for (std::size_t m = 0; m < nx; ++m) memberNorm[m] = double(dot(x.data() + m * dim, x.data() + m * dim, dim));
        // At most k + margin candidates of this list are ranked exactly (ExactRerank.h).
        const std::size_t kk = std::min(std::size_t(r.k) + std::size_t(kRerankMargin), nx);
        for (std::size_t first = 0; first < nq; first += kQueryBlock) {
            const std::size_t mq = std::min(kQueryBlock, nq - first);
            q.resize(mq * dim);
            for (std::size_t i = 0; i < mq; ++i) std::copy_n(rows + std::size_t(queryIds[first + i]) * dim, dim, q.data() + i * dim);
            products.resize(mq * nx);
            {
                OmpThreadLimit blas(OmpThreadLimit::forWork(double(mq) * double(nx) * double(dim)));
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(mq), int(nx), int(dim), 1.f, q.data(), int(dim), x.data(),
                            int(dim), 0.f, products.data(), int(nx));
            }
            // The points probing one list are distinct: rows merge in parallel. Each candidate gets
            // a key, smaller = nearer: -q.x (cosine) or |x|^2 - 2 q.x (Euclidean, |q|^2 left out).
            // Once a row holds k neighbours, candidates whose key is above skipAbove are surely
            // farther than its k-th (beyondRounding, with the list's largest |x|^2 and a guard for
            // the key's own float rounding), so they are not ranked.
            const double tolerance = 1e-6 * double(dim);
            const double largestNorm = metric == Metric::Euclidean ? *std::max_element(memberNorm.begin(), memberNorm.end()) : 0.0;
            parallelFor(mq, mq * nx > 20'000 ? threads : 1, [&](std::size_t begin, std::size_t end, int) {
                std::vector<Candidate> pass; // (key, member)
                std::vector<float> key(nx);
                for (std::size_t i = begin; i < end; ++i) {
                    const auto row = std::size_t(queryIds[first + i]) * std::size_t(r.k);
                    float* dist = r.distance.data() + row;
                    std::int64_t* idx = r.index.data() + row;
                    const float* qi = q.data() + i * dim;
                    const float* ip = products.data() + i * nx;
                    float skipAbove = std::numeric_limits<float>::infinity();
                    if (metric == Metric::Cosine) {
                        for (std::size_t m = 0; m < nx; ++m) key[m] = -ip[m];
                        if (idx[r.k - 1] >= 0) skipAbove = float(double(dist[r.k - 1]) + tolerance - 1.0 + 1e-6);
                    } else {
                        for (std::size_t m = 0; m < nx; ++m) key[m] = float(memberNorm[m]) - 2.f * ip[m];
                        if (idx[r.k - 1] >= 0) {
                            const double queryNorm = double(dot(qi, qi, dim)), kth2 = double(dist[r.k - 1]) * double(dist[r.k - 1]);
                            skipAbove = float(kth2 * (1.0 + 1e-6) + tolerance * (queryNorm + largestNorm) - queryNorm
                                              + 1e-6 * (queryNorm + largestNorm + kth2));
                        }
                    }
                    pass.clear();
                    for (std::size_t m = 0; m < nx; ++m)
                        if (!(key[m] > skipAbove)) pass.push_back({key[m], std::int64_t(m)});
                    if (pass.size() > kk) {
                        std::nth_element(pass.begin(), pass.begin() + std::ptrdiff_t(kk), pass.end(), nearer);
                        pass.resize(kk);
                    }
                    for (const Candidate& c : pass)
                        insertNearer(dist, idx, r.k, preparedDistance(metric, qi, x.data() + std::size_t(c.index) * dim, dim),
                                     memberIds[c.index]);
                }
            });
        }
    }
    return neighboursOfNeighbours(rows, n, dim, metric, r, threads, progress.part(0.8, 1.0));
}

} // namespace crowlingo
