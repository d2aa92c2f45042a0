#pragma once
// An archive's vectors as clips are compared: the model's vectors in the retrieval space fitted on
// the archive's own (core/analysis/RetrievalSpace.h). Neighbours (workbench and CLI), maps,
// clusters, exemplars and `evaluate` read them here, so they all compare clips the same way; the
// vectors stored, exported and given to classifiers stay the model's own.
//
//   const RetrievalEmbeddings r = retrievalEmbeddings(archive, archive.activeModel());
//   NeighbourIndex index(r.vectors.values, r.vectors.dimension);
//   std::vector<float> query = r.space.apply(modelVectorOfAnAudioFile);
//
// Threading: plain functions; the archive connection is used by the calling thread only.
#include "core/analysis/RetrievalSpace.h"
#include "core/archive/Archive.h"

#include <string>

namespace crowlingo {

struct RetrievalEmbeddings {
    EmbeddingMatrix vectors; // clip ids as stored; values in `space` (dimension = space.outputDimension())
    RetrievalSpace space;    // fitted on these vectors
};

// Fits the space on `stored` and moves them into it.
RetrievalEmbeddings toRetrievalSpace(EmbeddingMatrix stored, const RetrievalSpaceParams& params = {});
// The archive's vectors of `modelId` in their retrieval space: the same space and vectors as
// toRetrievalSpace(archive.embeddings(modelId)), without holding the model's vectors all at once.
RetrievalEmbeddings retrievalEmbeddings(const Archive& archive, const std::string& modelId,
                                        const RetrievalSpaceParams& params = {});

} // namespace crowlingo
