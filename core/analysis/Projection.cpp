#include "core/analysis/Projection.h"

#include "core/analysis/NeighbourIndex.h"
#include "core/analysis/detail/ProjectionState.h"
#include "core/analysis/detail/Umap.h"
#include "core/common/Error.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace crowlingo {

namespace {

void checkRows(std::span<const float> rows, int dimension, std::string_view what)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot " + std::string(what) + ": data is not a whole number of " +
                         std::to_string(dimension) + "-dimensional vectors");
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!std::isfinite(rows[i]))
            throw UsageError("cannot " + std::string(what) + ": row " + std::to_string(i / std::size_t(dimension)) +
                             " holds a NaN or infinite value");
}

std::vector<float> prepared(std::span<const float> rows, int dimension, Metric metric)
{
    std::vector<float> out(rows.begin(), rows.end());
    if (metric == Metric::Cosine) normaliseRows(out, dimension);
    return out;
}

// Two columns, whatever the number of PCA components (1 for 1-D data).
std::vector<float> toXy(const std::vector<float>& c, int components)
{
    if (components == 2) return c;
    const std::size_t n = components > 0 ? c.size() / std::size_t(components) : 0;
    std::vector<float> xy(n * 2, 0.0f);
    for (std::size_t i = 0; i < n; ++i) xy[i * 2] = c[i];
    return xy;
}

} // namespace

const char* metricName(Metric metric) { return metric == Metric::Cosine ? "cosine" : "euclidean"; }

Metric metricFromName(const std::string& name)
{
    if (name == "cosine") return Metric::Cosine;
    if (name == "euclidean") return Metric::Euclidean;
    throw UsageError("unknown metric \"" + name + "\"");
}

std::string ProjectionParams::toJson() const
{
    nlohmann::json j;
    j["method"] = method == ProjectionMethod::Pca ? "pca" : "umap";
    j["metric"] = metricName(metric);
    j["seed"] = seed;
    if (method == ProjectionMethod::Umap) {
        j["n_neighbors"] = nNeighbors;
        j["min_dist"] = minDist;
        j["spread"] = spread;
        j["epochs"] = epochs;
        j["init"] = "pca";
        j["negative_sample_rate"] = 5;
    }
    return j.dump();
}

ProjectionParams ProjectionParams::fromJson(const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw UsageError("map parameters are not a JSON object: " + text);
    ProjectionParams p;
    try {
        const std::string method = j.value("method", std::string("umap"));
        if (method != "pca" && method != "umap") throw UsageError("unknown map method \"" + method + "\"");
        p.method = method == "pca" ? ProjectionMethod::Pca : ProjectionMethod::Umap;
        p.metric = metricFromName(j.value("metric", std::string(metricName(p.metric))));
        p.seed = j.value("seed", p.seed);
        p.nNeighbors = j.value("n_neighbors", p.nNeighbors);
        p.minDist = j.value("min_dist", p.minDist);
        p.spread = j.value("spread", p.spread);
        p.epochs = j.value("epochs", p.epochs);
    } catch (const nlohmann::json::exception& e) {
        throw UsageError(std::string("map parameters: ") + e.what());
    }
    return p;
}

Projection project(std::span<const float> rows, int dimension, const ProjectionParams& params, const Progress& progress)
{
    checkRows(rows, dimension, "compute the map");
    if (params.method == ProjectionMethod::Pca) {
        const std::size_t n = rows.size() / std::size_t(dimension);
        auto state = std::make_shared<Projection::State>(ProjectionMethod::Pca, dimension, params);
        const std::vector<float> x = prepared(rows, dimension, params.metric);
        progress(0.0, "PCA");
        state->pca = Pca::fit(x, dimension, std::min(2, dimension));
        Projection p;
        p.xy = toXy(state->pca.apply(x), state->pca.components);
        p.xy.resize(n * 2);
        p.params = params;
        p.state = std::move(state);
        progress(1.0, "PCA");
        return p;
    }
    if (params.nNeighbors < 2)
        throw UsageError("cannot compute the map: UMAP needs at least 2 neighbours, got " + std::to_string(params.nNeighbors));
    if (!(params.spread > 0) || !(params.minDist >= 0))
        throw UsageError("cannot compute the map: UMAP needs spread > 0 and min_dist >= 0");
    if (params.epochs < 0) throw UsageError("cannot compute the map: negative epoch count");
    return umapProject(rows, dimension, params, progress);
}

std::vector<float> Projection::transform(std::span<const float> rows) const
{
    if (!state) throw UsageError("cannot place clips in the map: the map holds no fitted state");
    checkRows(rows, state->dimension, "place clips in the map");
    if (state->method == ProjectionMethod::Pca)
        return toXy(state->pca.apply(prepared(rows, state->dimension, state->metric)), state->pca.components);
    return umapTransform(*state, rows);
}

} // namespace crowlingo
