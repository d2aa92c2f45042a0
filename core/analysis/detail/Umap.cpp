#include "core/analysis/detail/Umap.h"

#include "core/common/Rng.h"
#include "core/common/Threads.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

namespace {

int defaultEpochs(std::size_t n) { return n <= 10'000 ? 500 : 200; } // as umap-learn

// Initial layout. umap-learn's default is spectral (eigenvectors of the graph Laplacian); we use
// its init="pca" instead: exact, fast (one covariance eigen-decomposition, no iterative sparse
// eigensolver to tune) and well defined when the kNN graph falls apart into components — the
// spectral init then needs a separate meta-layout of the components, PCA does not.
std::vector<float> initialLayout(const std::vector<float>& prepared, std::size_t n, int dimension, std::uint64_t seed)
{
    std::vector<float> xy(n * 2, 0.0f);
    const int components = std::min(2, dimension);
    if (n >= 2) {
        // The axes are fitted on at most 20,000 evenly spaced rows: for a starting layout the axes
        // of that many are as good as those of all, and Pca::fit's fixed-order covariance costs
        // O(rows x dimension^2).
        constexpr std::size_t kFitRows = 20'000;
        std::vector<float> sample;
        if (n > kFitRows) {
            const auto dim = std::size_t(dimension);
            sample.resize(kFitRows * dim);
            for (std::size_t i = 0; i < kFitRows; ++i)
                std::copy_n(prepared.data() + (i * n / kFitRows) * dim, dim, sample.data() + i * dim);
        }
        const Pca pca = Pca::fit(sample.empty() ? std::span<const float>(prepared) : std::span<const float>(sample), dimension, components);
        const std::vector<float> c = pca.apply(prepared);
        for (std::size_t i = 0; i < n; ++i)
            for (int d = 0; d < components; ++d) xy[i * 2 + std::size_t(d)] = c[i * std::size_t(components) + std::size_t(d)];
    }
    // noisy_scale_coords: largest |coordinate| 10, plus N(0, 1e-4) noise that breaks ties.
    Rng rng(Rng::mix(seed, 0x696E6974ull));
    float largest = 0;
    for (float v : xy) largest = std::max(largest, std::abs(v));
    if (!(largest > 0)) {
        for (float& v : xy) v = float(rng.uniform() * 20.0 - 10.0); // degenerate data: random init
    } else {
        const float expansion = 10.0f / largest;
        for (float& v : xy) v = v * expansion + float(rng.normal() * 1e-4);
    }
    // Each axis to [0, 10], as umap-learn does before the SGD.
    for (int d = 0; d < 2; ++d) {
        float lo = INFINITY, hi = -INFINITY;
        for (std::size_t i = 0; i < n; ++i) {
            lo = std::min(lo, xy[i * 2 + std::size_t(d)]);
            hi = std::max(hi, xy[i * 2 + std::size_t(d)]);
        }
        if (hi > lo)
            for (std::size_t i = 0; i < n; ++i) xy[i * 2 + std::size_t(d)] = 10.0f * (xy[i * 2 + std::size_t(d)] - lo) / (hi - lo);
    }
    return xy;
}

} // namespace

Projection umapProject(std::span<const float> rows, int dimension, const ProjectionParams& params,
                       const Progress& progress)
{
    const std::size_t n = rows.size() / std::size_t(dimension);
    auto state = std::make_shared<Projection::State>(ProjectionMethod::Umap, dimension, params);
    state->curve = UmapCurve::fit(params.spread, params.minDist);
    state->epochs = params.epochs > 0 ? params.epochs : defaultEpochs(n);

    progress(0.0, "UMAP: nearest neighbours");
    auto knn = std::make_shared<KnnSearch>(rows, dimension, params.metric);
    state->knn = knn;
    const int k = int(std::min<std::size_t>(std::size_t(params.nNeighbors), n));
    progress.checkCancelled();
    const KnnResult neighbours = knn->searchSelf(k, progress.part(0.0, 0.1));
    progress(0.1, "UMAP: fuzzy graph");
    progress.checkCancelled();
    const FuzzySimplicialSet graph = FuzzySimplicialSet::fromKnn(neighbours);

    std::vector<float> xy = initialLayout(knn->data(), n, dimension, params.seed);
    UmapLayoutOptions o;
    o.epochs = state->epochs;
    o.curve = state->curve;
    o.seed = params.seed;
    o.threads = threadCount();
    optimizeUmapLayout(xy, {}, graph, o, progress.part(0.15, 1.0));
    progress(1.0, "UMAP");

    state->embedding = xy;
    Projection p;
    p.xy = std::move(xy);
    p.params = params;
    p.state = std::move(state);
    return p;
}

std::vector<float> umapTransform(const Projection::State& state, std::span<const float> rows)
{
    const std::size_t m = rows.size() / std::size_t(state.dimension);
    const std::size_t nTrain = state.knn ? state.knn->size() : 0;
    std::vector<float> xy(m * 2, 0.0f);
    if (m == 0 || nTrain == 0) return xy;
    const int k = int(std::min<std::size_t>(std::size_t(state.params.nNeighbors), nTrain));
    const KnnResult neighbours = state.knn->search(rows, k);
    // umap-learn lowers the local connectivity by one for new points (rho = 0): they are not part
    // of the training graph, so no neighbour is guaranteed full membership.
    const SmoothKnn smooth = smoothKnnDistances(neighbours, 0.0, false);
    const std::vector<float> w = membershipStrengths(neighbours, smooth, false);

    FuzzySimplicialSet graph;
    graph.n = m;
    graph.rowStart.assign(m + 1, 0);
    for (std::size_t i = 0; i < m; ++i) {
        double sum = 0, x = 0, y = 0;
        for (std::size_t j = 0; j < std::size_t(k); ++j) {
            const std::int64_t col = neighbours.index[i * std::size_t(k) + j];
            const float v = w[i * std::size_t(k) + j];
            if (col < 0 || v <= 0) continue;
            graph.column.push_back(std::int32_t(col));
            graph.weight.push_back(v);
            sum += v;
            x += v * state.embedding[std::size_t(col) * 2];
            y += v * state.embedding[std::size_t(col) * 2 + 1];
        }
        graph.rowStart[i + 1] = std::int64_t(graph.column.size());
        // Start at the membership-weighted mean of the neighbours' positions (init_graph_transform).
        const std::int64_t nearest = neighbours.index[i * std::size_t(k)];
        if (sum > 0) {
            xy[i * 2] = float(x / sum);
            xy[i * 2 + 1] = float(y / sum);
        } else if (nearest >= 0) {
            xy[i * 2] = state.embedding[std::size_t(nearest) * 2];
            xy[i * 2 + 1] = state.embedding[std::size_t(nearest) * 2 + 1];
        }
    }

    // A short refinement that moves only the new points (umap-learn: a third of the training
    // epochs, or 100 / 30 by default; a quarter of the learning rate).
    UmapLayoutOptions o;
    o.epochs = state.params.epochs > 0 ? std::max(1, state.params.epochs / 3) : (nTrain <= 10'000 ? 100 : 30);
    o.curve = state.curve;
    o.initialAlpha = 0.25;
    o.seed = state.params.seed;
    o.threads = threadCount();
    optimizeUmapLayout(xy, state.embedding, graph, o);
    return xy;
}

} // namespace crowlingo
