#pragma once
// Internal to core/analysis: UMAP's curve fit (umap-learn's find_ab_params) and its SGD layout
// with negative sampling (optimize_layout_euclidean), in 2-D.
//
//   UmapCurve ab = UmapCurve::fit(spread, minDist);          // 1 / (1 + a d^2b)
//   optimizeUmapLayout(xy, {}, 0, graph, options, progress);  // training: every point moves
//
// Threading: optimizeUmapLayout() runs on options.threads threads and gives the same result for
// any thread count (see UmapLayout.cpp); call it from one thread.
#include "core/analysis/detail/FuzzySimplicialSet.h"
#include "core/common/Progress.h"

#include <cstdint>
#include <span>
#include <vector>

namespace crowlingo {

struct UmapCurve {
    double a = 1.0;
    double b = 1.0;
    // Least-squares fit (Levenberg-Marquardt) of 1 / (1 + a x^2b) to the offset exponential
    // {1 if x < minDist, else exp(-(x - minDist) / spread)} on 300 points in [0, 3 spread].
    static UmapCurve fit(double spread, double minDist);
};

struct UmapLayoutOptions {
    int epochs = 200;
    UmapCurve curve;
    double initialAlpha = 1.0;   // learning rate, decayed linearly to 0
    int negativeSampleRate = 5;
    double repulsion = 1.0;      // gamma
    std::uint64_t seed = 42;
    int threads = 1;
};

// Training (tails empty): `xy` (n x 2) holds every vertex of `graph` and all of them move.
// Transform (tails = the fixed training map, nTails points): `graph` rows are the points of `xy`,
// its columns index `tails`; only `xy` moves (umap-learn's move_other = False).
void optimizeUmapLayout(std::vector<float>& xy, std::span<const float> tails, const FuzzySimplicialSet& graph,
                        const UmapLayoutOptions& options, const Progress& progress = {});

} // namespace crowlingo
