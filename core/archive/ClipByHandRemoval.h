#pragma once
// Removing a clip the researcher drew by hand (core/pipeline/ClipsByHand.h adds them). Apart from
// adding, so that the CLI's light commands, which load no model, can remove one.
//
//   const RemovedClip gone = removeClipByHand(archive, id);   // UsageError for a clip the segmentation made
//   // undone by addClipByHand with gone.clip's recording and box, and gone.labels set again
//
// Threading: call from one thread.
#include "core/archive/Archive.h"
#include "core/common/Types.h"

#include <vector>

namespace crowlingo {

// What a removal took away: enough to draw the clip again with its labels.
struct RemovedClip {
    ClipRow clip;
    std::vector<LabelRow> labels; // every source's
};

// Removes a clip drawn by hand, with its vectors and labels, and keeps the archive's retrieval
// space (and neighbour lists) over exactly the clips that remain. Refuses a clip the segmentation
// or a selection table made, and says why: it would come back when its recording is cut again.
RemovedClip removeClipByHand(Archive& archive, ClipId id);

} // namespace crowlingo
