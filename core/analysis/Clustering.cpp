#include "core/analysis/Clustering.h"

#include "core/analysis/detail/Hdbscan.h"
#include "core/analysis/detail/KMeans.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace crowlingo {

const char* clusterSpaceName(ClusterSpace space)
{
    switch (space) {
    case ClusterSpace::Embeddings: return "embeddings";
    case ClusterSpace::Map: return "map";
    case ClusterSpace::Automatic: break;
    }
    return "automatic";
}

std::string ClusterParams::toJson() const
{
    nlohmann::json j;
    j["method"] = method == ClusterMethod::Hdbscan ? "hdbscan" : "kmeans";
    j["space"] = clusterSpaceName(space);
    j["metric"] = metricName(metric);
    if (method == ClusterMethod::Hdbscan) {
        j["min_cluster_size"] = minClusterSize;
        j["min_samples"] = minSamples > 0 ? minSamples : minClusterSize;
        j["cluster_selection_method"] = "eom";
        j["allow_single_cluster"] = false;
    } else {
        j["k"] = k;
        j["seed"] = seed;
        j["init"] = "k-means++";
    }
    return j.dump();
}

ClusterParams ClusterParams::fromJson(const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw UsageError("clustering parameters are not a JSON object: " + text);
    ClusterParams p;
    try {
        const std::string method = j.value("method", std::string("hdbscan"));
        if (method != "hdbscan" && method != "kmeans") throw UsageError("unknown clustering method \"" + method + "\"");
        p.method = method == "hdbscan" ? ClusterMethod::Hdbscan : ClusterMethod::Kmeans;
        p.metric = metricFromName(j.value("metric", std::string(metricName(p.metric))));
        p.minClusterSize = j.value("min_cluster_size", p.minClusterSize);
        // toJson() writes the effective min_samples; equal to the size means "follow the size".
        const int samples = j.value("min_samples", 0);
        p.minSamples = samples == p.minClusterSize ? 0 : samples;
        p.k = j.value("k", p.k);
        p.seed = j.value("seed", p.seed);
        if (j.contains("space")) {
            const std::string space = j["space"].get<std::string>();
            if (space == "map") p.space = ClusterSpace::Map;
            else if (space == "embeddings") p.space = ClusterSpace::Embeddings;
            else if (space == "automatic") p.space = ClusterSpace::Automatic;
            else throw UsageError("unknown clustering space \"" + space + "\" (automatic, embeddings or map)");
        } else if (j.contains("on_map")) { // written before spaces had names
            p.space = j["on_map"].get<bool>() ? ClusterSpace::Map : ClusterSpace::Embeddings;
        }
    } catch (const nlohmann::json::exception& e) {
        throw UsageError(std::string("clustering parameters: ") + e.what());
    }
    return p;
}

ClusterSpace ClusterParams::spaceUsed(const std::string& text)
{
    const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object()) return ClusterSpace::Embeddings;
    if (const auto it = j.find("found_in"); it != j.end() && it->is_string())
        return *it == "map" ? ClusterSpace::Map : ClusterSpace::Embeddings;
    if (const auto it = j.find("on_map"); it != j.end() && it->is_boolean())
        return it->get<bool>() ? ClusterSpace::Map : ClusterSpace::Embeddings;
    return ClusterSpace::Embeddings;
}

int Clusters::count() const
{
    std::set<int> ids;
    for (int l : labels)
        if (l >= 0) ids.insert(l);
    return int(ids.size());
}

Clusters cluster(std::span<const float> rows, int dimension, const ClusterParams& params, const Progress& progress)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot cluster: data is not a whole number of " + std::to_string(dimension) +
                         "-dimensional vectors");
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (!std::isfinite(rows[i]))
            throw UsageError("cannot cluster: row " + std::to_string(i / std::size_t(dimension)) +
                             " holds a NaN or infinite value");
    Clusters c;
    if (params.method == ClusterMethod::Hdbscan) {
        HdbscanOptions o;
        o.minClusterSize = params.minClusterSize;
        o.minSamples = params.minSamples;
        o.metric = params.metric;
        o.threads = threadCount();
        FlatClustering f = hdbscan(rows, dimension, o, progress);
        c.labels = std::move(f.labels);
        c.probability = std::move(f.probability);
        c.outlierScore = std::move(f.outlierScore);
        return c;
    }
    KMeansResult r = kmeans(rows, dimension, params.k, params.metric, params.seed, progress);
    // Outlier score for k-means: distance to the own centroid relative to the farthest member.
    std::vector<float> farthest(std::size_t(std::max(r.k, 0)), 0.0f);
    for (std::size_t i = 0; i < r.labels.size(); ++i)
        farthest[std::size_t(r.labels[i])] = std::max(farthest[std::size_t(r.labels[i])], r.distance[i]);
    c.labels = r.labels;
    c.probability.assign(r.labels.size(), 1.0f);
    c.outlierScore.resize(r.labels.size());
    for (std::size_t i = 0; i < r.labels.size(); ++i) {
        const float f = farthest[std::size_t(r.labels[i])];
        c.outlierScore[i] = f > 0 ? r.distance[i] / f : 0.0f;
    }
    return c;
}

} // namespace crowlingo
