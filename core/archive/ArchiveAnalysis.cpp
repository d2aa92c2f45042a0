#include "core/archive/ArchiveAnalysis.h"

#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Error.h"

#include <nlohmann/json.hpp>

#include <unordered_map>

namespace crowlingo {

namespace {

// The active model's vectors as clips are compared, stored in their space with the archive first so
// that the map or clustering made from them can be made again, the same bits, on any machine.
EmbeddingMatrix activeEmbeddings(Archive& archive, const char* what)
{
    const std::string modelId = archive.activeModel();
    if (modelId.empty()) throw UsageError(fileError(what, archive.file(), "the archive has no embeddings yet"));
    storeRetrievalSpace(archive, modelId);
    EmbeddingMatrix m = retrievalVectors(archive, modelId);
    if (m.rows() < 3) throw UsageError(fileError(what, archive.file(), "needs at least 3 embedded clips"));
    return m;
}

} // namespace

StoredProjection projectArchive(Archive& archive, const ProjectionParams& params, const Progress& progress)
{
    archive.requireIntact("store a map in");
    const EmbeddingMatrix m = activeEmbeddings(archive, "project");
    const Projection p = project(m.values, m.dimension, params, progress);
    StoredProjection s{0, archive.activeModel(), params.toJson(), m.clipIds, p.xy};
    s.computationId = archive.storeProjection(s.modelId, s.paramsJson, s.clipIds, s.xy);
    return s;
}

ClusterSpace resolveClusterSpace(const std::string& mapParamsJson, ClusterSpace requested)
{
    if (requested != ClusterSpace::Automatic) return requested;
    if (mapParamsJson.empty()) return ClusterSpace::Embeddings;
    try {
        return ProjectionParams::fromJson(mapParamsJson).method == ProjectionMethod::Umap ? ClusterSpace::Map
                                                                                           : ClusterSpace::Embeddings;
    } catch (const UsageError&) {
        return ClusterSpace::Embeddings; // a map whose making cannot be read: not trusted for clusters
    }
}

StoredClustering clusterArchive(Archive& archive, const ClusterParams& params, const Progress& progress)
{
    archive.requireIntact("store clusters in");
    const std::string modelId = archive.activeModel();
    // The map is read once: to choose the space (automatic) and to cluster it.
    std::optional<StoredProjection> map;
    if (params.space != ClusterSpace::Embeddings) map = archive.latestProjection(modelId);
    const ClusterSpace space = resolveClusterSpace(map ? map->paramsJson : std::string(), params.space);
    ClusterParams used = params;
    std::vector<ClipId> ids;
    Clusters c;
    if (space == ClusterSpace::Map) {
        if (!map) throw UsageError(fileError("cluster the map of", archive.file(), "no map yet: project first"));
        ids = map->clipIds;
        used.metric = Metric::Euclidean; // map coordinates are positions, not directions
        c = cluster(map->xy, 2, used, progress);
    } else {
        const EmbeddingMatrix m = activeEmbeddings(archive, "cluster");
        ids = m.clipIds;
        c = cluster(m.values, m.dimension, used, progress);
    }
    if (const auto previous = archive.latestClustering(modelId))
        c.labels = matchClusterIds(previous->clipIds, previous->labels, ids, c.labels);
    nlohmann::json j = nlohmann::json::parse(used.toJson());
    j["found_in"] = clusterSpaceName(space);
    StoredClustering s{0, modelId, j.dump(), ids, c.labels, c.probability, c.outlierScore};
    s.computationId = archive.storeClustering(modelId, s.paramsJson, ids, c.labels, c.probability, c.outlierScore);
    return s;
}

std::vector<std::vector<ClipId>> clusterExemplarClips(const Archive& archive, const StoredClustering& clusters,
                                                      int perCluster)
{
    const EmbeddingMatrix m = retrievalVectors(archive, clusters.modelId);
    std::unordered_map<ClipId, std::size_t> rowOf;
    for (std::size_t i = 0; i < m.rows(); ++i) rowOf.emplace(m.clipIds[i], i);
    // The clustering's clips, in its order, as rows of one matrix.
    std::vector<float> rows;
    rows.reserve(clusters.clipIds.size() * std::size_t(m.dimension));
    for (ClipId id : clusters.clipIds) {
        const auto it = rowOf.find(id);
        if (it == rowOf.end())
            throw UsageError(fileError("find exemplars in", archive.file(), "clip " + std::to_string(id) + " has no vector"));
        rows.insert(rows.end(), m.row(it->second), m.row(it->second) + m.dimension);
    }
    const auto indices = clusterExemplars(rows, m.dimension, clusters.labels, perCluster, Metric::Cosine);
    std::vector<std::vector<ClipId>> out(indices.size());
    for (std::size_t c = 0; c < indices.size(); ++c)
        for (std::size_t i : indices[c]) out[c].push_back(clusters.clipIds[i]);
    return out;
}

} // namespace crowlingo
