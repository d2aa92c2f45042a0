#include "core/archive/RetrievalEmbeddings.h"

#include "core/analysis/NeighbourIndex.h"
#include "core/common/Error.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace crowlingo {

namespace {

// The evenly spaced rows RetrievalSpace::fit would pick from all of the archive's vectors.
EmbeddingMatrix fitSample(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    const std::vector<ClipId> all = archive.embeddedClips(modelId);
    std::vector<ClipId> picked;
    for (std::size_t row : evenlySpacedRows(all.size(), std::size_t(std::max(params.maxFitRows, 2))))
        picked.push_back(all[row]);
    return archive.embeddingsOf(modelId, picked);
}

RetrievalSpace fitOnSample(const EmbeddingMatrix& sample, const RetrievalSpaceParams& params)
{
    if (sample.rows() == 0 || sample.dimension <= 0) return RetrievalSpace::identity(std::max(sample.dimension, 1));
    RetrievalSpaceParams all = params;
    all.maxFitRows = std::max<int>(params.maxFitRows, int(sample.rows())); // every row read is a fit row
    return RetrievalSpace::fit(sample.values, sample.dimension, all);
}

// The model's vectors of these clips moved into `space`, read a block at a time.
EmbeddingMatrix moveIntoSpace(const Archive& archive, const std::string& modelId, const RetrievalSpace& space,
                              const std::vector<ClipId>& ids)
{
    EmbeddingMatrix out;
    out.dimension = space.outputDimension();
    out.clipIds.reserve(ids.size());
    out.values.reserve(ids.size() * std::size_t(out.dimension));
    constexpr std::size_t kBlock = 8192;
    for (std::size_t first = 0; first < ids.size(); first += kBlock) {
        const std::vector<ClipId> some(ids.begin() + std::ptrdiff_t(first), ids.begin() + std::ptrdiff_t(std::min(ids.size(), first + kBlock)));
        const EmbeddingMatrix block = archive.embeddingsOf(modelId, some);
        if (block.rows() == 0) continue;
        if (block.dimension != space.inputDimension())
            throw ArchiveError(fileError("read archive", archive.file(), "the vectors of model " + modelId + " have "
                                         + std::to_string(block.dimension) + " values, its retrieval space takes "
                                         + std::to_string(space.inputDimension())));
        const std::vector<float> moved = space.apply(block.values);
        out.clipIds.insert(out.clipIds.end(), block.clipIds.begin(), block.clipIds.end());
        out.values.insert(out.values.end(), moved.begin(), moved.end());
    }
    return out;
}

// Stores the rows of `m` under `id` (one transaction).
void storeRows(Archive& archive, const std::string& id, const EmbeddingMatrix& m)
{
    std::vector<std::vector<float>> rows(m.rows());
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i].assign(m.row(i), m.row(i) + m.dimension);
    archive.storeEmbeddings(id, m.clipIds, rows);
}

// Ids in `a` and not in `b` (both ascending).
std::vector<ClipId> without(const std::vector<ClipId>& a, const std::vector<ClipId>& b)
{
    std::vector<ClipId> out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

// Rows of two matrices of ascending, distinct clip ids, merged into one in clip id order.
EmbeddingMatrix merged(const EmbeddingMatrix& a, const EmbeddingMatrix& b)
{
    if (b.rows() == 0) return a;
    if (a.rows() == 0) return b;
    EmbeddingMatrix m;
    m.dimension = a.dimension;
    m.clipIds.reserve(a.rows() + b.rows());
    m.values.reserve(a.values.size() + b.values.size());
    std::size_t i = 0, j = 0;
    while (i < a.rows() || j < b.rows()) {
        const bool fromA = j == b.rows() || (i < a.rows() && a.clipIds[i] < b.clipIds[j]);
        const EmbeddingMatrix& from = fromA ? a : b;
        const std::size_t row = fromA ? i++ : j++;
        m.clipIds.push_back(from.clipIds[row]);
        m.values.insert(m.values.end(), from.row(row), from.row(row) + from.dimension);
    }
    return m;
}

// Where readVectors() found the vectors.
enum class VectorSource {
    Stored,      // every one stored in the stored space
    StoredSpace, // in the stored space, some moved into it as they were read (clips added since)
    Computed,    // no space stored: fitted and moved as they were read
};

EmbeddingMatrix readVectors(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params,
                            VectorSource& source)
{
    if (const std::optional<RetrievalSpace> space = storedRetrievalSpace(archive, modelId)) {
        const std::vector<ClipId> modelIds = archive.embeddedClips(modelId);
        EmbeddingMatrix stored = archive.embeddings(retrievalSpaceId(modelId));
        if (stored.clipIds == modelIds) {
            source = VectorSource::Stored;
            return stored;
        }
        if (stored.rows() == 0 || stored.dimension == space->outputDimension()) {
            if (!without(stored.clipIds, modelIds).empty()) { // a clip whose model vector is gone: leave it out
                EmbeddingMatrix kept;
                kept.dimension = stored.dimension;
                for (std::size_t r = 0; r < stored.rows(); ++r)
                    if (std::binary_search(modelIds.begin(), modelIds.end(), stored.clipIds[r])) {
                        kept.clipIds.push_back(stored.clipIds[r]);
                        kept.values.insert(kept.values.end(), stored.row(r), stored.row(r) + stored.dimension);
                    }
                stored = std::move(kept);
            }
            source = VectorSource::StoredSpace;
            return merged(stored, moveIntoSpace(archive, modelId, *space, without(modelIds, stored.clipIds)));
        }
    }
    source = VectorSource::Computed;
    return computeRetrievalEmbeddings(archive, modelId, params).vectors;
}

std::vector<float> unitRows(const EmbeddingMatrix& m)
{
    std::vector<float> rows = m.values;
    normaliseRows(rows, m.dimension);
    return rows;
}

StoredNeighbourLists storedForm(const std::string& spaceId, const EmbeddingMatrix& vectors, const InvertedLists& lists)
{
    StoredNeighbourLists stored;
    stored.modelId = spaceId;
    stored.dimension = vectors.dimension;
    stored.centroids = lists.centroids();
    stored.clipIds = vectors.clipIds;
    stored.lists = lists.listOfRows();
    return stored;
}

// The stored lists `l` over `vectors` (in the stored space): each clip keeps its list, clips the
// lists do not hold go to the list of their nearest centroid, clips no longer there are left out.
// Null if none are stored or they do not fit the vectors.
std::shared_ptr<const InvertedLists> listsOver(const Archive& archive, const std::string& modelId,
                                               std::optional<StoredNeighbourLists> l, const EmbeddingMatrix& vectors)
{
    if (!l || l->dimension != vectors.dimension || vectors.rows() == 0) return nullptr;
    const auto lists = std::int32_t(l->centroids.size() / std::size_t(l->dimension));
    // Both id lists ascend: one merge gives each row its stored list (-1 where none is stored).
    std::vector<std::int32_t> listOfRow(vectors.rows(), -1);
    std::size_t j = 0;
    for (std::size_t row = 0; row < listOfRow.size(); ++row) {
        const ClipId id = vectors.clipIds[row];
        while (j < l->clipIds.size() && l->clipIds[j] < id) ++j;
        if (j < l->clipIds.size() && l->clipIds[j] == id) listOfRow[row] = l->lists[j];
    }
    for (const std::int32_t list : listOfRow)
        if (list < -1 || list >= lists)
            throw ArchiveError(fileError("read archive", archive.file(), "neighbour lists of " + modelId + " are damaged"));
    const InvertedLists centroidsOnly = InvertedLists::fromAssignment(l->dimension, l->centroids, {});
    std::vector<float> row(std::size_t(l->dimension));
    for (std::size_t r = 0; r < listOfRow.size(); ++r) {
        if (listOfRow[r] >= 0) continue;
        std::copy_n(vectors.row(r), row.size(), row.begin());
        normaliseRows(row, l->dimension);
        listOfRow[r] = centroidsOnly.nearestLists(row.data(), 1).front();
    }
    return std::make_shared<const InvertedLists>(InvertedLists::fromAssignment(l->dimension, std::move(l->centroids), listOfRow));
}

// Fits the space on the model's vectors of now and stores it, the vectors in it and (from
// listsFromClips vectors on) lists over them, replacing what was stored. Several transactions, on
// purpose: the vectors alone are 0.5 GB at 10^6 clips. Every state between them is one readers
// handle (nothing stored; a space without its vectors; vectors without lists), so a process
// stopped in between loses only work, which the next store does again.
void fitAndStore(Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params, std::size_t listsFromClips,
                 const Progress& progress)
{
    const std::string spaceId = retrievalSpaceId(modelId);
    archive.removeNeighbourLists(spaceId);
    archive.removeEmbeddings(spaceId);
    archive.removeRetrievalSpace(modelId);
    const RetrievalEmbeddings r = computeRetrievalEmbeddings(archive, modelId, params);
    if (r.space.isIdentity()) return;
    // The space first: if the process stops before the vectors are in, readers move the clips
    // into it themselves.
    archive.storeRetrievalSpace({modelId, r.space.inputDimension(), r.space.outputDimension(), r.space.mean(),
                                 r.space.projection(), std::int64_t(r.vectors.rows())});
    storeRows(archive, spaceId, r.vectors);
    if (r.vectors.rows() >= listsFromClips)
        archive.storeNeighbourLists(storedForm(spaceId, r.vectors, InvertedLists::build(unitRows(r.vectors), r.vectors.dimension, {}, progress)),
                                    &r.vectors);
}

} // namespace

RetrievalEmbeddings toRetrievalSpace(EmbeddingMatrix stored, const RetrievalSpaceParams& params)
{
    RetrievalEmbeddings r;
    if (stored.dimension <= 0 || stored.rows() == 0) {
        r.space = RetrievalSpace::identity(std::max(stored.dimension, 1));
        r.vectors = std::move(stored);
        return r;
    }
    r.space = RetrievalSpace::fit(stored.values, stored.dimension, params);
    if (!r.space.isIdentity()) {
        stored.values = r.space.apply(stored.values);
        stored.dimension = r.space.outputDimension();
    }
    r.vectors = std::move(stored);
    return r;
}

RetrievalSpace fitRetrievalSpace(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    return fitOnSample(fitSample(archive, modelId, params), params);
}

std::optional<RetrievalSpace> storedRetrievalSpace(const Archive& archive, const std::string& modelId)
{
    std::optional<StoredRetrievalSpace> s = archive.retrievalSpace(modelId);
    if (!s) return std::nullopt;
    return RetrievalSpace::fromParts(s->inputDimension, s->outputDimension, std::move(s->mean), std::move(s->projection));
}

RetrievalSpace retrievalSpaceOf(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    if (std::optional<RetrievalSpace> stored = storedRetrievalSpace(archive, modelId)) return std::move(*stored);
    return fitRetrievalSpace(archive, modelId, params);
}

RetrievalEmbeddings computeRetrievalEmbeddings(const Archive& archive, const std::string& modelId,
                                               const RetrievalSpaceParams& params)
{
    RetrievalEmbeddings r;
    r.space = fitRetrievalSpace(archive, modelId, params);
    if (r.space.isIdentity()) {
        r.vectors = archive.embeddings(modelId);
        r.space = RetrievalSpace::identity(std::max(r.vectors.dimension, 1));
        return r;
    }
    const auto count = std::size_t(std::max<std::int64_t>(archive.embeddingCount(modelId), 0));
    r.vectors.dimension = r.space.outputDimension();
    r.vectors.clipIds.reserve(count);
    r.vectors.values.reserve(count * std::size_t(r.vectors.dimension));
    archive.forEachEmbeddingBlock(modelId, 8192, [&](const EmbeddingMatrix& block) {
        if (block.dimension != r.space.inputDimension())
            throw ArchiveError(fileError("read archive", archive.file(), "embeddings of model " + modelId + " differ in dimension"));
        const std::vector<float> moved = r.space.apply(block.values);
        r.vectors.clipIds.insert(r.vectors.clipIds.end(), block.clipIds.begin(), block.clipIds.end());
        r.vectors.values.insert(r.vectors.values.end(), moved.begin(), moved.end());
    });
    return r;
}

std::string retrievalSpaceId(const std::string& modelId) { return modelId + "/retrieval-space"; }

bool hasCurrentRetrievalSpace(const Archive& archive, const std::string& modelId)
{
    return archive.retrievalSpace(modelId) && archive.embeddedClips(retrievalSpaceId(modelId)) == archive.embeddedClips(modelId);
}

EmbeddingMatrix retrievalVectors(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    VectorSource source{};
    return readVectors(archive, modelId, params, source);
}

void storeRetrievalSpace(Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params,
                         std::size_t listsFromClips, const Progress& progress)
{
    const std::string spaceId = retrievalSpaceId(modelId);
    const std::vector<ClipId> modelIds = archive.embeddedClips(modelId);
    const std::optional<StoredRetrievalSpace> stored = archive.retrievalSpace(modelId);
    // The space is kept until the archive has twice the vectors it was fitted on: clips added
    // since are moved into it, so the vectors, maps and lists made before stay valid.
    // (Stored vectors of clips without a model vector, left by removing the model's vectors, are
    // cleared out by fitting again.)
    const std::vector<ClipId> storedIds = archive.embeddedClips(spaceId);
    if (!stored || modelIds.size() > 2 * std::size_t(std::max<std::int64_t>(stored->fittedOn, 0))
        || !without(storedIds, modelIds).empty()) {
        fitAndStore(archive, modelId, params, listsFromClips, progress);
        return;
    }
    const RetrievalSpace space = RetrievalSpace::fromParts(stored->inputDimension, stored->outputDimension, stored->mean,
                                                           stored->projection);
    const EmbeddingMatrix added = moveIntoSpace(archive, modelId, space, without(modelIds, storedIds));
    if (added.rows() > 0) storeRows(archive, spaceId, added);
    // The lists: the new clips join the lists of their nearest centroids; built when the archive
    // has just become large enough for them.
    std::optional<StoredNeighbourLists> lists = archive.neighbourLists(spaceId);
    if (lists && lists->clipIds == modelIds && archive.listCentroids(spaceId)) return;
    if (!lists && modelIds.size() < listsFromClips) return;
    const EmbeddingMatrix vectors = archive.embeddings(spaceId);
    if (lists) {
        if (const std::shared_ptr<const InvertedLists> extended = listsOver(archive, modelId, std::move(lists), vectors)) {
            archive.storeNeighbourLists(storedForm(spaceId, vectors, *extended), &vectors);
            return;
        }
    }
    archive.storeNeighbourLists(storedForm(spaceId, vectors, InvertedLists::build(unitRows(vectors), vectors.dimension, {}, progress)),
                                &vectors);
}

SearchableVectors searchableVectors(const Archive& archive, const std::string& modelId)
{
    SearchableVectors s;
    VectorSource source{};
    s.vectors = readVectors(archive, modelId, {}, source);
    if (source != VectorSource::Computed) s.lists = listsOver(archive, modelId, archive.neighbourLists(retrievalSpaceId(modelId)), s.vectors);
    return s;
}

} // namespace crowlingo
