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

namespace {

// More than k are ranked, so that clips of equal similarity beyond the k-th in row order can
// still come first by clip (only exact duplicates tie).
constexpr int kTieMargin = 8;

// The k clips most like the query among `vectors`, leaving out `exclude`, ties settled by clip as
// the workbench's rows (in clip order) settle them.
std::vector<ClipNeighbour> nearestAmong(const EmbeddingMatrix& vectors, std::span<const float> query, int k, ClipId exclude)
{
    std::vector<ClipNeighbour> found, out;
    if (vectors.rows() == 0) return out;
    for (const Neighbour& n : nearestRows(query, vectors.values, vectors.dimension, k + 1 + kTieMargin))
        found.push_back({vectors.clipIds[std::size_t(n.row)], n.similarity});
    std::stable_sort(found.begin(), found.end(), [](const ClipNeighbour& a, const ClipNeighbour& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.clip < b.clip);
    });
    for (const ClipNeighbour& n : found)
        if (n.clip != exclude && int(out.size()) < k) out.push_back(n);
    return out;
}

// Clips added since the lists were stored have higher ids than any listed (SQLite gives a new row
// the highest id plus one): the last id tells, without reading (or counting) the others.
bool noClipAddedSince(const Archive& archive, const std::string& modelId, ClipId lastListed)
{
    return archive.lastEmbeddedClip(modelId) == lastListed && archive.lastEmbeddedClip(retrievalSpaceId(modelId)) == lastListed;
}

// The lists the query probes, as the workbench's index probes them.
std::vector<std::int32_t> probedLists(const InvertedLists& lists, std::span<const float> query, int dimension)
{
    std::vector<float> unit(query.begin(), query.end());
    normaliseRows(unit, dimension);
    return lists.nearestLists(unit.data(), NeighbourIndexOptions{}.probes);
}

// Through lists kept with their members' vectors: a few blobs read, whatever the archive's size.
std::optional<std::vector<ClipNeighbour>> throughListMembers(const Archive& archive, const std::string& modelId,
                                                             std::span<const float> query, int k, ClipId exclude)
{
    const std::string spaceId = retrievalSpaceId(modelId);
    const std::optional<StoredListCentroids> stored = archive.listCentroids(spaceId);
    if (!stored || query.size() != std::size_t(stored->dimension) || !noClipAddedSince(archive, modelId, stored->lastClip))
        return std::nullopt;
    const InvertedLists lists = InvertedLists::fromAssignment(stored->dimension, stored->centroids, {});
    return nearestAmong(archive.listMembers(spaceId, probedLists(lists, query, stored->dimension)), query, k, exclude);
}

} // namespace

std::optional<std::vector<ClipNeighbour>> listedNeighbours(const Archive& archive, const std::string& modelId,
                                                           std::span<const float> query, int k, ClipId exclude)
{
    if (k <= 0 || !archive.retrievalSpace(modelId)) return std::nullopt;
    if (auto found = throughListMembers(archive, modelId, query, k, exclude)) return found;
    // Lists stored without their members (before schema 5, or a clip deleted since): the
    // candidates' vectors are read one by one. Clips removed since are simply not found.
    const std::string spaceId = retrievalSpaceId(modelId);
    std::optional<StoredNeighbourLists> stored = archive.neighbourLists(spaceId);
    if (!stored || query.size() != std::size_t(stored->dimension) || stored->clipIds.empty()
        || !noClipAddedSince(archive, modelId, stored->clipIds.back()))
        return std::nullopt;
    const InvertedLists lists = InvertedLists::fromAssignment(stored->dimension, std::move(stored->centroids), stored->lists);
    std::vector<ClipId> candidates;
    for (const std::int32_t list : probedLists(lists, query, stored->dimension))
        for (const std::int64_t row : lists.members(list))
            if (stored->clipIds[std::size_t(row)] != exclude) candidates.push_back(stored->clipIds[std::size_t(row)]);
    std::sort(candidates.begin(), candidates.end()); // in clip order, as the workbench's rows
    return nearestAmong(archive.embeddingsOf(spaceId, candidates), query, k, exclude);
}

} // namespace crowlingo
