// UMAP against umap-learn on the same data: 256-D points from 20 Gaussian blobs (N = 10k, 50k,
// 200k), 15 neighbours, min_dist 0.1, cosine, 2 threads. Three steps:
//   bench_projection OUT N...            data_N.f32 (raw float32, N x 256) and this UMAP's map + time;
//                                        then HDBSCAN and k-means on the same vectors (time, ARI)
//   python3 bench/umap_reference.py OUT N...   umap-learn on the same files
//   bench_projection OUT N... --compare  trustworthiness (k = 15) of both maps: exact up to 50k;
//                                        above, estimated from 10,000 rows ranked against all N
#include "bench/BenchTiming.h"
#include "core/analysis/ClusterMetrics.h"
#include "core/analysis/Clustering.h"
#include "core/analysis/Projection.h"
#include "core/analysis/Trustworthiness.h"
#include "core/common/Threads.h"
#include "core/common/NumericsEnvironment.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

constexpr int dim = 256;

void writeRaw(const fs::path& f, const std::vector<float>& v)
{
    std::ofstream(f, std::ios::binary).write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
}

std::vector<float> readRaw(const fs::path& f)
{
    std::vector<float> v(fs::file_size(f) / sizeof(float));
    std::ifstream(f, std::ios::binary).read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
    return v;
}

std::vector<float> blobs(int n)
{
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<std::vector<float>> centres(20, std::vector<float>(dim));
    for (auto& c : centres) for (float& x : c) x = 4.f * g(rng);
    std::vector<float> data(std::size_t(n) * dim);
    for (int i = 0; i < n; ++i) {
        const auto& c = centres[std::size_t(i % 20)];
        for (int j = 0; j < dim; ++j) data[std::size_t(i) * dim + std::size_t(j)] = c[std::size_t(j)] + g(rng);
    }
    return data;
}

std::string readText(const fs::path& f)
{
    std::ifstream in(f);
    std::string s;
    std::getline(in, s);
    return s;
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_projection OUT N... [--compare]\n");
        return 2;
    }
    const fs::path out = argv[1];
    fs::create_directories(out);
    bool compare = false;
    std::vector<int> sizes;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--compare") == 0) compare = true;
        else sizes.push_back(std::atoi(argv[i]));
    }
    setThreadCount(2);
    for (int n : sizes) {
        const std::string tag = std::to_string(n);
        if (!compare) {
            const std::vector<float> data = blobs(n);
            writeRaw(out / ("data_" + tag + ".f32"), data);
            ProjectionParams p; // UMAP, 15 neighbours, min_dist 0.1, cosine, seed 42
            Projection map;
            // Where the time goes: the moment each phase starts (kNN graph, fuzzy graph, layout).
            const auto t0 = std::chrono::steady_clock::now();
            std::string phase;
            std::vector<std::pair<std::string, double>> starts;
            const Progress phases{[&](double, std::string_view what) {
                std::string name(what.substr(0, what.find(':', 6)));
                if (name.rfind("UMAP", 0) != 0) name = "layout";
                if (name == phase) return;
                phase = name;
                starts.emplace_back(name, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
            }, {}};
            const double t = timeIt([&] { map = project(data, dim, p, phases); });
            for (std::size_t i = 0; i < starts.size(); ++i)
                std::printf("  %-28s %6.2f s\n", starts[i].first.c_str(),
                            (i + 1 < starts.size() ? starts[i + 1].second : t) - starts[i].second);
            writeRaw(out / ("ours_" + tag + ".f32"), map.xy);
            std::ofstream(out / ("ours_" + tag + ".txt")) << t << "\n";
            std::printf("N %7d: this UMAP %.1f s\n", n, t);
            // Clustering the same vectors: HDBSCAN (min cluster size 10, cosine) and k-means
            // (k = 20), with the adjusted Rand index against the 20 blobs.
            std::vector<int> truth(static_cast<std::size_t>(n));
            for (int i = 0; i < n; ++i) truth[std::size_t(i)] = i % 20;
            for (const ClusterMethod method : {ClusterMethod::Hdbscan, ClusterMethod::Kmeans}) {
                ClusterParams cp;
                cp.method = method;
                cp.k = 20;
                Clusters c;
                const double tc = timeIt([&] { c = cluster(data, dim, cp); });
                std::printf("N %7d: %s %.1f s, %d clusters, ARI %.3f\n", n, method == ClusterMethod::Hdbscan ? "HDBSCAN" : "k-means",
                            tc, c.count(), adjustedRandIndex(truth, c.labels));
            }
            continue;
        }
        const std::vector<float> data = readRaw(out / ("data_" + tag + ".f32"));
        const double tOurs = std::stod(readText(out / ("ours_" + tag + ".txt")));
        const bool haveRef = fs::exists(out / ("umaplearn_" + tag + ".f32"));
        const double tRef = haveRef ? std::stod(readText(out / ("umaplearn_" + tag + ".txt"))) : 0;
        const std::size_t sample = n <= 50000 ? 0 : 10000;
        const double trOurs = trustworthiness(data, dim, readRaw(out / ("ours_" + tag + ".f32")), 2, 15, Metric::Cosine, sample);
        const double trRef = haveRef ? trustworthiness(data, dim, readRaw(out / ("umaplearn_" + tag + ".f32")), 2, 15, Metric::Cosine, sample)
                                     : -1;
        std::printf("| %d | %.1f s | %s | %s | %s | %s |\n", n, tOurs,
                    haveRef ? (std::to_string(tRef).substr(0, 6) + " s").c_str() : "–",
                    haveRef ? (std::to_string(tRef / tOurs).substr(0, 4) + "×").c_str() : "–",
                    trOurs >= 0 ? std::to_string(trOurs).substr(0, 5).c_str() : "–",
                    trRef >= 0 ? std::to_string(trRef).substr(0, 5).c_str() : "–");
    }
    return 0;
}
