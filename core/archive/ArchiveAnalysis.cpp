#include "core/archive/ArchiveAnalysis.h"

#include "core/common/Error.h"

#include <nlohmann/json.hpp>

namespace crowlingo {

namespace {

EmbeddingMatrix activeEmbeddings(const Archive& archive, const char* what)
{
    const std::string modelId = archive.activeModel();
    if (modelId.empty()) throw UsageError(fileError(what, archive.file(), "the archive has no embeddings yet"));
    EmbeddingMatrix m = archive.embeddings(modelId);
    if (m.rows() < 3) throw UsageError(fileError(what, archive.file(), "needs at least 3 embedded clips"));
    return m;
}

} // namespace

StoredProjection projectArchive(Archive& archive, const ProjectionParams& params, const Progress& progress)
{
    const EmbeddingMatrix m = activeEmbeddings(archive, "project");
    const Projection p = project(m.values, m.dimension, params, progress);
    StoredProjection s{0, archive.activeModel(), params.toJson(), m.clipIds, p.xy};
    s.computationId = archive.storeProjection(s.modelId, s.paramsJson, s.clipIds, s.xy);
    return s;
}

StoredClustering clusterArchive(Archive& archive, const ClusterParams& params, bool onMap, const Progress& progress)
{
    const std::string modelId = archive.activeModel();
    std::vector<ClipId> ids;
    Clusters c;
    if (onMap) {
        const auto map = archive.latestProjection(modelId);
        if (!map) throw UsageError(fileError("cluster the map of", archive.file(), "no map yet: project first"));
        ids = map->clipIds;
        ClusterParams p = params;
        p.metric = Metric::Euclidean; // map coordinates are positions, not directions
        c = cluster(map->xy, 2, p, progress);
    } else {
        const EmbeddingMatrix m = activeEmbeddings(archive, "cluster");
        ids = m.clipIds;
        c = cluster(m.values, m.dimension, params, progress);
    }
    if (const auto previous = archive.latestClustering(modelId))
        c.labels = matchClusterIds(previous->clipIds, previous->labels, ids, c.labels);
    nlohmann::json j = nlohmann::json::parse(params.toJson());
    j["on_map"] = onMap;
    StoredClustering s{0, modelId, j.dump(), ids, c.labels, c.probability, c.outlierScore};
    s.computationId = archive.storeClustering(modelId, s.paramsJson, ids, c.labels, c.probability, c.outlierScore);
    return s;
}

} // namespace crowlingo
