#pragma once
// Internal to core/analysis: what Projection::transform() needs from the fit.
//
//   auto s = std::make_shared<Projection::State>(ProjectionMethod::Pca, dimension, params);  s->pca = ...;
//   map.state = s;   // then map.transform(rows) places new rows with it
//
// Threading: immutable once built; transform() reads it from any thread.
#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/detail/Pca.h"
#include "core/analysis/Projection.h"
#include "core/analysis/detail/UmapLayout.h"

#include <memory>
#include <vector>

namespace crowlingo {

struct Projection::State {
    // What every method keeps: which one ran, on rows of what width, with which parameters.
    State(ProjectionMethod method, int dimension, const ProjectionParams& params)
        : method(method), dimension(dimension), metric(params.metric), params(params) {}

    ProjectionMethod method = ProjectionMethod::Umap;
    int dimension = 0;
    Metric metric = Metric::Cosine;
    ProjectionParams params;
    // PCA: the basis, fitted on the rows as prepared for the metric (normalised for cosine).
    Pca pca;
    // UMAP: the training rows (inside the kNN index), their map and the fitted curve.
    std::shared_ptr<const KnnSearch> knn;
    std::vector<float> embedding; // n x 2, a copy: Projection::xy is public and may be edited
    UmapCurve curve;
    int epochs = 0;               // epochs the training layout ran
};

} // namespace crowlingo
