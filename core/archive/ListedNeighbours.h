#pragma once
// Neighbours of one vector among an archive's clips through its stored neighbour lists, reading
// only the vectors of the lists probed (about 3 % of them at 10^6 clips) instead of every vector:
// what lets `crowlingo-cli neighbours` answer within a second on a large archive, where reading all
// vectors takes seconds. The same lists and probes as the workbench, so the same neighbours
// (core/archive/RetrievalEmbeddings.h, core/analysis/InvertedLists.h).
//
//   if (auto space = storedRetrievalSpace(archive, modelId))                 // RetrievalEmbeddings.h
//       if (auto hits = listedNeighbours(archive, modelId, space->apply(v), 10)) ...  // else: search all
//
// Threading: the archive connection is used by the calling thread only.
#include "core/analysis/RetrievalSpace.h"
#include "core/archive/Archive.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

struct ClipNeighbour {
    ClipId clip = 0;
    float similarity = 0; // cosine
};

// The vector of a clip in the stored retrieval space `space` (moved into it if the clip was added
// since the last store); nullopt if the clip has no vector of modelId.
std::optional<std::vector<float>> storedSpaceVector(const Archive& archive, const std::string& modelId,
                                                    const RetrievalSpace& space, ClipId clip);

// The k clips most similar to `query` (a vector in the stored retrieval space), best first,
// leaving out `exclude`. nullopt where the lists cannot answer: none are stored, clips were added
// since they were (their last clip id is not the model's last), or the dimensions differ; then
// search every vector instead. Clips removed since are left out.
std::optional<std::vector<ClipNeighbour>> listedNeighbours(const Archive& archive, const std::string& modelId,
                                                           std::span<const float> query, int k, ClipId exclude = -1);

} // namespace crowlingo
