#pragma once
// An archive's vectors as clips are compared: the model's vectors in the retrieval space fitted on
// the archive's own (core/analysis/RetrievalSpace.h). Neighbours (workbench and CLI), maps,
// clusters, exemplars and `evaluate` read them here, so they all compare clips the same way; the
// vectors stored, exported and given to classifiers stay the model's own.
//
// The space is computed with BLAS and LAPACK, whose last bits depend on the CPU's kernel and the
// thread count. So that a map or clustering recomputed from an archive is the same bits on any
// machine (README, "Reproducibility"), `embed` (once complete), `project` and `cluster` store the
// vectors in their space with the archive (under retrievalSpaceId(modelId)), and every reader
// takes the stored ones while they cover the same clips as the model's; otherwise they are
// computed when read.
//
//   storeRetrievalSpace(archive, modelId);                    // a writer: after embedding, before maps
//   const EmbeddingMatrix m = retrievalVectors(archive, modelId);
//   std::vector<float> q = fitRetrievalSpace(archive, modelId).apply(vectorOfAnAudioFile);
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

// The archive's vectors of `modelId` in their retrieval space: the stored ones when current, else
// the same as toRetrievalSpace(archive.embeddings(modelId)).vectors, read a block at a time so
// that the model's vectors (8 GB at 10^6 clips of 2,048 values) are never all in memory.
EmbeddingMatrix retrievalVectors(const Archive& archive, const std::string& modelId,
                                 const RetrievalSpaceParams& params = {});
// Computes them now, ignoring any stored ones (with the space, for queries from outside).
RetrievalEmbeddings computeRetrievalEmbeddings(const Archive& archive, const std::string& modelId,
                                               const RetrievalSpaceParams& params = {});
// The space alone, fitted on the rows computeRetrievalEmbeddings fits it on (for a query).
RetrievalSpace fitRetrievalSpace(const Archive& archive, const std::string& modelId,
                                 const RetrievalSpaceParams& params = {});

// Where the vectors in their space are kept: embeddings under this model id.
std::string retrievalSpaceId(const std::string& modelId);
// Whether stored vectors in the space cover exactly the clips `modelId` has vectors for.
bool hasCurrentRetrievalSpace(const Archive& archive, const std::string& modelId);
// Computes the vectors in their space and stores them (one transaction, replacing any before),
// unless the stored ones are current. Nothing is stored where the space is the identity.
void storeRetrievalSpace(Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params = {});

} // namespace crowlingo
