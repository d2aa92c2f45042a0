// The approximate kNN graph behind UMAP and HDBSCAN above 20,000 points (ClusteredKnn.h): its time
// and its recall@15 against exact search on 2,000 rows sampled evenly, for two kinds of data:
//   blobs    — 20 Gaussian blobs in 256-D (bench_projection's data; clips of a few call types)
//   gaussian — one structureless 16-D Gaussian (the hard case: no cluster to find)
//   bench_knn_graph N [blobs|gaussian] [lists]      (lists 0: the default for N)
#include "bench/BenchTiming.h"
#include "core/analysis/detail/ClusteredKnn.h"
#include "core/analysis/detail/Distance.h"
#include "core/common/NumericsEnvironment.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace crowlingo;

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_knn_graph N [blobs|gaussian] [lists]\n");
        return 2;
    }
    const std::size_t n = std::stoul(argv[1]);
    const bool blobs = argc < 3 || std::strcmp(argv[2], "gaussian") != 0;
    const int dim = blobs ? 256 : 16;
    constexpr int k = 15;
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<float> centres(20 * std::size_t(dim));
    for (float& c : centres) c = blobs ? 4.f * g(rng) : 0.f;
    std::vector<float> rows(n * std::size_t(dim));
    for (std::size_t i = 0; i < n; ++i) {
        float norm = 0;
        for (int j = 0; j < dim; ++j) {
            float& x = rows[i * std::size_t(dim) + std::size_t(j)];
            x = centres[(i % 20) * std::size_t(dim) + std::size_t(j)] + g(rng);
            norm += x * x;
        }
        for (int j = 0; j < dim; ++j) rows[i * std::size_t(dim) + std::size_t(j)] /= std::sqrt(norm); // cosine: prepared rows
    }
    ClusteredKnnOptions options;
    if (argc > 3) options.lists = std::stoul(argv[3]);
    KnnResult graph;
    const double seconds = timeIt([&] { graph = clusteredSelfKnn(rows.data(), n, dim, Metric::Cosine, k, options); });

    // Exact neighbours of sampled rows, by brute force in the same fixed-order distance.
    constexpr std::size_t samples = 2000;
    std::size_t found = 0, asked = 0;
    std::vector<std::pair<float, std::int64_t>> all(n);
    for (std::size_t s = 0; s < std::min(samples, n); ++s) {
        const std::size_t i = s * n / std::min(samples, n);
        const float* x = rows.data() + i * std::size_t(dim);
        for (std::size_t j = 0; j < n; ++j) all[j] = {1.f - dot(x, rows.data() + j * std::size_t(dim), std::size_t(dim)), std::int64_t(j)};
        std::partial_sort(all.begin(), all.begin() + k, all.end());
        for (int a = 0; a < k; ++a) {
            ++asked;
            for (int b = 0; b < k; ++b)
                if (graph.index[i * k + std::size_t(b)] == all[std::size_t(a)].second) { ++found; break; }
        }
    }
    std::printf("N %zu %s (%d-D), lists %s: kNN graph %.1f s, recall@%d %.3f\n", n, blobs ? "blobs" : "gaussian", dim,
                argc > 3 ? argv[3] : "default", seconds, k, double(found) / double(asked));
}
