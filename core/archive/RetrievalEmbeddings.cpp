#include "core/archive/RetrievalEmbeddings.h"

#include "core/common/Error.h"

#include <algorithm>
#include <utility>

namespace crowlingo {

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

RetrievalEmbeddings retrievalEmbeddings(const Archive& archive, const std::string& modelId,
                                        const RetrievalSpaceParams& params)
{
    // Fitted on the rows RetrievalSpace::fit would pick from all of them, read on their own; then
    // the rows are read and moved into the space a block at a time, so that the model's vectors
    // (8 GB at 10^6 clips of 2,048 values) are never all in memory at once.
    const auto count = std::size_t(std::max<std::int64_t>(archive.embeddingCount(modelId), 0));
    const EmbeddingMatrix sample =
        archive.embeddingsAt(modelId, evenlySpacedRows(count, std::size_t(std::max(params.maxFitRows, 2))));
    RetrievalSpaceParams all = params;
    all.maxFitRows = std::max<int>(params.maxFitRows, int(sample.rows())); // every row read is a fit row
    RetrievalEmbeddings r;
    r.space = sample.rows() > 0 ? RetrievalSpace::fit(sample.values, sample.dimension, all) : RetrievalSpace::identity(1);
    if (r.space.isIdentity()) {
        r.vectors = archive.embeddings(modelId);
        r.space = RetrievalSpace::identity(std::max(r.vectors.dimension, 1));
        return r;
    }
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

} // namespace crowlingo
