// Neighbour search: query latency of the exact (IndexFlatIP) and approximate (HNSW) cosine index
// at 10^4, 10^5 and 10^6 vectors of dimension 256, and HNSW's recall@10 against exact search; also
// the exact search over shared rows the archive view uses (its last column: same rows as exact).
// Vectors: 64 Gaussian clusters (like clip embeddings, not uniform noise).
//   bench_search [max_n=1000000] [hnsw_max_n=100000]
#include "bench/BenchTiming.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/common/NumericsEnvironment.h"

#include <chrono>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string>

using namespace crowlingo;

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const std::size_t maxN = argc > 1 ? std::stoul(argv[1]) : 1000000;
    const std::size_t hnswMaxN = argc > 2 ? std::stoul(argv[2]) : 100000;
    constexpr int dim = 256, clusters = 64, queries = 200, k = 10;
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<float> centres(std::size_t(clusters) * dim);
    for (float& c : centres) c = g(rng);
    auto draw = [&](std::size_t n) {
        std::vector<float> x(n * dim);
        std::uniform_int_distribution<int> which(0, clusters - 1);
        for (std::size_t i = 0; i < n; ++i) {
            const int c = which(rng);
            for (int j = 0; j < dim; ++j) x[i * dim + std::size_t(j)] = centres[std::size_t(c) * dim + std::size_t(j)] + 0.7f * g(rng);
        }
        return x;
    };
    const std::vector<float> q = draw(queries);
    std::printf("%10s %8s %12s %14s %10s\n", "vectors", "index", "build (s)", "query (ms)", "recall@10");
    for (std::size_t n = 10000; n <= maxN; n *= 10) {
        const std::vector<float> x = draw(n);
        std::vector<std::vector<Neighbour>> exact;
        {
            std::unique_ptr<NeighbourIndex> index;
            // Exact at every size (the default index switches to HNSW above exactUpTo).
            NeighbourIndexOptions exactOnly;
            exactOnly.exactUpTo = std::numeric_limits<std::size_t>::max();
            const double build = timeIt([&] { index = std::make_unique<NeighbourIndex>(x, dim, exactOnly); });
            const double t = timeIt([&] {
                for (int i = 0; i < queries; ++i) exact.push_back(index->search({q.data() + i * dim, dim}, k));
            });
            std::printf("%10zu %8s %12.2f %14.3f %10s\n", n, "exact", build, 1000 * t / queries, "1");
        }
        {
            // The archive view's index: exact search over rows it shares instead of a copy.
            NeighbourIndexOptions exactOnly;
            exactOnly.exactUpTo = std::numeric_limits<std::size_t>::max();
            std::unique_ptr<NeighbourIndex> index;
            const double build = timeIt([&] {
                auto unit = std::make_shared<std::vector<float>>(x);
                normaliseRows(*unit, dim);
                index = std::make_unique<NeighbourIndex>(NeighbourIndex::sharedUnitRows(unit, dim, exactOnly));
            });
            std::size_t same = 0;
            std::vector<std::vector<Neighbour>> shared;
            const double t = timeIt([&] {
                for (int i = 0; i < queries; ++i) shared.push_back(index->search({q.data() + i * dim, dim}, k));
            });
            for (int i = 0; i < queries; ++i)
                for (std::size_t j = 0; j < shared[std::size_t(i)].size(); ++j)
                    same += shared[std::size_t(i)][j].row == exact[std::size_t(i)][j].row;
            std::printf("%10zu %8s %12.2f %14.3f %10.3f\n", n, "shared", build, 1000 * t / queries, double(same) / (queries * k));
        }
        if (n > hnswMaxN) continue;
        NeighbourIndexOptions o;
        o.forceApproximate = true;
        std::unique_ptr<NeighbourIndex> index;
        const double build = timeIt([&] { index = std::make_unique<NeighbourIndex>(x, dim, o); });
        std::size_t hits = 0;
        std::vector<std::vector<Neighbour>> approx;
        const double t = timeIt([&] {
            for (int i = 0; i < queries; ++i) approx.push_back(index->search({q.data() + i * dim, dim}, k));
        });
        for (int i = 0; i < queries; ++i) {
            std::set<std::int64_t> truth;
            for (const auto& h : exact[std::size_t(i)]) truth.insert(h.row);
            for (const auto& h : approx[std::size_t(i)]) hits += truth.count(h.row);
        }
        std::printf("%10zu %8s %12.2f %14.3f %10.3f\n", n, "hnsw", build, 1000 * t / queries, double(hits) / (queries * k));
    }
}
