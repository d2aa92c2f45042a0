// Neighbours through inverted lists (InvertedLists.h), as the workbench searches archives that
// store them: build time, query time and recall@10 against exact search, for several probe counts.
// Vectors: 128-D (the retrieval space's size), scaled to unit length; 200 queries drawn the same way.
//   clustered — 1,000 clusters, each spread along its own 8-D plane (a call type varies in a few
//               ways: pitch, length, level, ...) plus a little noise in every direction. The
//               centres lie about 16 apart; the planes' spreads (3 to 17) range from well apart
//               to overlapping their neighbours.
//   gaussian  — one isotropic Gaussian: no structure at all, the worst case for any index
//   bench_lists [N=1000000] [clustered|gaussian]
#include "bench/BenchTiming.h"
#include "core/analysis/InvertedLists.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/common/NumericsEnvironment.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>
#include <string>

using namespace crowlingo;

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const std::size_t n = argc > 1 ? std::stoul(argv[1]) : 1000000;
    const bool gaussian = argc > 2 && std::string(argv[2]) == "gaussian";
    constexpr int dim = 128, clusters = 1000, queries = 200, k = 10;
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.f, 1.f);
    std::uniform_real_distribution<float> spread(1.f, 6.f);
    std::vector<float> centres(std::size_t(clusters) * dim), spreads(clusters);
    for (float& c : centres) c = gaussian ? 0.f : g(rng);
    for (float& s : spreads) s = spread(rng);
    constexpr std::size_t plane = 8;
    std::vector<float> axes(std::size_t(clusters) * dim * plane); // per cluster: dim x plane
    for (float& a : axes) a = g(rng) / std::sqrt(float(plane));
    auto draw = [&](std::size_t count) {
        std::vector<float> x(count * dim);
        std::uniform_int_distribution<int> which(0, clusters - 1);
        for (std::size_t i = 0; i < count; ++i) {
            if (gaussian) {
                for (std::size_t j = 0; j < dim; ++j) x[i * dim + j] = g(rng);
                continue;
            }
            const auto c = std::size_t(which(rng));
            float z[plane];
            for (float& v : z) v = spreads[c] * g(rng);
            for (std::size_t j = 0; j < dim; ++j) {
                float v = centres[c * dim + j] + 0.05f * g(rng);
                for (std::size_t p = 0; p < plane; ++p) v += axes[(c * dim + j) * plane + p] * z[p];
                x[i * dim + j] = v;
            }
        }
        normaliseRows(x, dim);
        return x;
    };
    auto rows = std::make_shared<std::vector<float>>(draw(n));
    const std::vector<float> q = draw(queries);

    NeighbourIndexOptions exactOnly;
    exactOnly.exactUpTo = std::numeric_limits<std::size_t>::max();
    const NeighbourIndex exact = NeighbourIndex::sharedUnitRows(rows, dim, exactOnly);
    std::vector<std::vector<Neighbour>> truth;
    const double exactSeconds = timeIt([&] {
        for (int i = 0; i < queries; ++i) truth.push_back(exact.search({q.data() + i * dim, dim}, k));
    });
    std::shared_ptr<const InvertedLists> lists;
    const double build = timeIt([&] { lists = std::make_shared<const InvertedLists>(InvertedLists::build(*rows, dim)); });
    std::printf("N %zu x %d-D %s: exact %.2f ms per query; lists (%zu) built in %.1f s\n", n, dim, gaussian ? "gaussian" : "clustered", 1000 * exactSeconds / queries,
                lists->listCount(), build);
    std::printf("%8s %12s %10s\n", "probes", "query (ms)", "recall@10");
    for (int probes : {8, 16, 32, 48, 64, 96}) {
        NeighbourIndexOptions o;
        o.probes = probes;
        const NeighbourIndex index = NeighbourIndex::sharedUnitRows(rows, dim, lists, o);
        std::vector<std::vector<Neighbour>> found;
        const double t = timeIt([&] {
            for (int i = 0; i < queries; ++i) found.push_back(index.search({q.data() + i * dim, dim}, k));
        });
        std::size_t hits = 0;
        for (int i = 0; i < queries; ++i)
            for (const Neighbour& a : truth[std::size_t(i)])
                for (const Neighbour& b : found[std::size_t(i)]) hits += a.row == b.row;
        std::printf("%8d %12.3f %10.3f\n", probes, 1000 * t / queries, double(hits) / double(queries * k));
    }
}
