#pragma once
// An archive's vectors as clips are compared: the model's vectors in the retrieval space fitted on
// the archive's own (core/analysis/RetrievalSpace.h). Neighbours (workbench and CLI), maps,
// clusters, exemplars and `evaluate` read them here, so they all compare clips the same way; the
// vectors stored, exported and given to classifiers stay the model's own.
//
// The space is computed with BLAS and LAPACK, whose last bits depend on the CPU's kernel and the
// thread count. So that a map or clustering recomputed from an archive is the same bits on any
// machine (README, "Reproducibility"), `embed` (once complete), `project` and `cluster` store the
// space and the vectors in it with the archive (under retrievalSpaceId(modelId)), and every reader
// takes the stored ones. The space is kept as clips come and go, until the archive holds twice
// the vectors it was fitted on; then it is fitted again. Clips added since the last store are
// moved into the stored space as they are read (and stored by the next store); an archive without
// a stored space has it fitted as it is read.
//
// Archives of many clips also store inverted lists over those vectors (core/analysis/
// InvertedLists.h), so that the workbench finds neighbours among 10^6 clips in milliseconds without
// building anything as it opens. They are kept with the space: clips added later join the list of
// their nearest centroid (as they are read, and for good at the next store), and they are built
// again only when the space is.
//
//   storeRetrievalSpace(archive, modelId);                    // a writer: after embedding, before maps
//   const EmbeddingMatrix m = retrievalVectors(archive, modelId);
//   const SearchableVectors s = searchableVectors(archive, modelId); // with the lists, if stored
//   std::vector<float> q = fitRetrievalSpace(archive, modelId).apply(vectorOfAnAudioFile);
//
// Threading: plain functions; the archive connection is used by the calling thread only.
#include "core/analysis/InvertedLists.h"
#include "core/analysis/RetrievalSpace.h"
#include "core/archive/Archive.h"
#include "core/common/Progress.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace crowlingo {

struct RetrievalEmbeddings {
    EmbeddingMatrix vectors; // clip ids as stored; values in `space` (dimension = space.outputDimension())
    RetrievalSpace space;    // fitted on these vectors
};

// Fits the space on `stored` and moves them into it.
RetrievalEmbeddings toRetrievalSpace(EmbeddingMatrix stored, const RetrievalSpaceParams& params = {});

// The archive's vectors of `modelId` in their retrieval space, in clip id order: the stored ones,
// with clips added since moved into the stored space; without a stored space, the same as
// toRetrievalSpace(archive.embeddings(modelId)).vectors, read a block at a time so that the
// model's vectors (8 GB at 10^6 clips of 2,048 values) are never all in memory.
EmbeddingMatrix retrievalVectors(const Archive& archive, const std::string& modelId,
                                 const RetrievalSpaceParams& params = {});
// Computes them now, ignoring any stored ones (with the space, for queries from outside).
RetrievalEmbeddings computeRetrievalEmbeddings(const Archive& archive, const std::string& modelId,
                                               const RetrievalSpaceParams& params = {});
// The space alone, fitted on the rows computeRetrievalEmbeddings fits it on.
RetrievalSpace fitRetrievalSpace(const Archive& archive, const std::string& modelId,
                                 const RetrievalSpaceParams& params = {});
// The stored space, if there is one.
std::optional<RetrievalSpace> storedRetrievalSpace(const Archive& archive, const std::string& modelId);
// The space retrievalVectors() gives vectors in (for a query from outside): the stored one, else fitted.
RetrievalSpace retrievalSpaceOf(const Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params = {});

// Where the vectors in their space are kept: embeddings under this model id.
std::string retrievalSpaceId(const std::string& modelId);
// Whether a space is stored and the vectors in it cover exactly the clips `modelId` has vectors for.
bool hasCurrentRetrievalSpace(const Archive& archive, const std::string& modelId);
// From this many clips on, neighbour lists are stored with the vectors: below it, exact search
// answers a click in a few milliseconds (BENCHMARKS.md, "Neighbours at 10^6").
inline constexpr std::size_t kNeighbourListsFromClips = 200'000;

// Stores the space and the vectors in it: the vectors of clips added since the last store are
// moved into the stored space, or, without a stored space or once the archive holds twice the
// vectors it was fitted on, the space is fitted again and replaces everything stored before.
// Nothing is stored where the space is the identity (few clips). With listsFromClips or more
// vectors, also stores neighbour lists over them: extended with the new clips, or built (a few
// seconds at 10^6 clips) with a new space or when there were none.
void storeRetrievalSpace(Archive& archive, const std::string& modelId, const RetrievalSpaceParams& params = {},
                         std::size_t listsFromClips = kNeighbourListsFromClips, const Progress& progress = {});

// The vectors as retrievalVectors() reads them, and the stored lists over them: null when none are
// stored or no space is (then the vectors were fitted as they were read). Clips that the lists do
// not hold go to the list of their nearest centroid.
struct SearchableVectors {
    EmbeddingMatrix vectors;
    std::shared_ptr<const InvertedLists> lists; // over vectors' rows, scaled to unit length
};
SearchableVectors searchableVectors(const Archive& archive, const std::string& modelId);

} // namespace crowlingo
