#include "core/archive/RetrievalEmbeddings.h"

#include "core/archive/ArchiveSettings.h"
#include "core/common/Error.h"

#include <algorithm>
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

namespace {

// Whether stored vectors with these ids were fitted on exactly the model's vectors of now. The
// count the fit was made among matters too: with a recording removed since, the stored vectors
// still cover the model's clips, but a fit now would differ.
bool storedSpaceFitsTheseClips(const Archive& archive, const std::string& modelId, const std::vector<ClipId>& storedIds)
{
    const std::vector<ClipId> modelIds = archive.embeddedClips(modelId);
    return !storedIds.empty() && storedIds == modelIds
           && ArchiveSettings::retrievalSpaceFittedOn(archive, modelId) == std::int64_t(modelIds.size());
}

} // namespace

bool hasCurrentRetrievalSpace(const Archive& archive, const std::string& modelId)
{
    return storedSpaceFitsTheseClips(archive, modelId, archive.embeddedClips(retrievalSpaceId(modelId)));
}

EmbeddingMatrix retrievalVectors(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    const std::string spaceId = retrievalSpaceId(modelId);
    if (archive.embeddingCount(spaceId) > 0) {
        EmbeddingMatrix stored = archive.embeddings(spaceId);
        if (storedSpaceFitsTheseClips(archive, modelId, stored.clipIds)) return stored;
    }
    return computeRetrievalEmbeddings(archive, modelId, params).vectors;
}

void storeRetrievalSpace(Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params)
{
    if (hasCurrentRetrievalSpace(archive, modelId)) return;
    const std::string spaceId = retrievalSpaceId(modelId);
    archive.removeEmbeddings(spaceId); // stale: clips were added or removed since
    const RetrievalEmbeddings r = computeRetrievalEmbeddings(archive, modelId, params);
    if (r.space.isIdentity()) return;
    std::vector<std::vector<float>> rows(r.vectors.rows());
    for (std::size_t i = 0; i < rows.size(); ++i)
        rows[i].assign(r.vectors.row(i), r.vectors.row(i) + r.vectors.dimension);
    archive.storeEmbeddings(spaceId, r.vectors.clipIds, rows);
    ArchiveSettings::rememberRetrievalSpaceFit(archive, modelId, std::int64_t(r.vectors.rows()));
}

} // namespace crowlingo
