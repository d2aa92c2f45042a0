#include "core/archive/ListedNeighbours.h"

#include "core/analysis/InvertedLists.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/archive/RetrievalEmbeddings.h"

#include <algorithm>

namespace crowlingo {

std::optional<std::vector<float>> storedSpaceVector(const Archive& archive, const std::string& modelId,
                                                    const RetrievalSpace& space, ClipId clip)
{
    const EmbeddingMatrix stored = archive.embeddingsOf(retrievalSpaceId(modelId), {clip});
    if (stored.rows() == 1) return stored.values;
    const std::optional<std::vector<float>> own = archive.embedding(clip, modelId);
    if (!own) return std::nullopt;
    return space.apply(*own);
}

std::optional<std::vector<ClipNeighbour>> listedNeighbours(const Archive& archive, const std::string& modelId,
                                                           std::span<const float> query, int k, ClipId exclude)
{
    const std::string spaceId = retrievalSpaceId(modelId);
    std::optional<StoredNeighbourLists> stored = archive.neighbourLists(spaceId);
    if (!stored || !archive.retrievalSpace(modelId) || query.size() != std::size_t(stored->dimension) || k <= 0) return std::nullopt;
    // Clips added since the lists were stored have higher ids than any listed (SQLite gives a new
    // row the highest id plus one): the last id tells, without reading (or counting) the others.
    // Clips removed since are simply not found among the vectors read.
    if (stored->clipIds.empty() || archive.lastEmbeddedClip(modelId) != stored->clipIds.back()
        || archive.lastEmbeddedClip(spaceId) != stored->clipIds.back())
        return std::nullopt;

    std::vector<float> unit(query.begin(), query.end());
    normaliseRows(unit, stored->dimension);
    const InvertedLists lists = InvertedLists::fromAssignment(stored->dimension, std::move(stored->centroids), stored->lists);
    std::vector<ClipId> candidates;
    for (const std::int32_t list : lists.nearestLists(unit.data(), NeighbourIndexOptions{}.probes))
        for (const std::int64_t row : lists.members(list))
            if (stored->clipIds[std::size_t(row)] != exclude) candidates.push_back(stored->clipIds[std::size_t(row)]);
    std::sort(candidates.begin(), candidates.end()); // in clip order, as the workbench's rows
    const EmbeddingMatrix vectors = archive.embeddingsOf(spaceId, candidates);
    std::vector<ClipNeighbour> out;
    if (vectors.rows() == 0) return out;
    const NeighbourIndex exactAmongThem(vectors.values, vectors.dimension);
    for (const Neighbour& n : exactAmongThem.search(query, k))
        out.push_back({vectors.clipIds[std::size_t(n.row)], n.similarity});
    return out;
}

} // namespace crowlingo
