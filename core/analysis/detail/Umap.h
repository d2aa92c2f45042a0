#pragma once
// Internal to core/analysis: UMAP (McInnes, Healy & Melville 2018), following umap-learn's
// algorithm: kNN graph (KnnSearch: exact, or clustered above 20k points) → fuzzy simplicial set → PCA initialisation → SGD
// layout with negative sampling (UmapLayout); transform() places new rows against the fixed map.
//
//   Projection map = umapProject(rows, dimension, params, progress);
//   std::vector<float> xy = umapTransform(*map.state, newRows);
//
// Threading: both use threadCount() threads internally; call them from one thread.
#include "core/analysis/Projection.h"
#include "core/analysis/detail/ProjectionState.h"

namespace crowlingo {

Projection umapProject(std::span<const float> rows, int dimension, const ProjectionParams& params,
                       const Progress& progress);
std::vector<float> umapTransform(const Projection::State& state, std::span<const float> rows);

} // namespace crowlingo
