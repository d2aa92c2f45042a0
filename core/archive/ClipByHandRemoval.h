#pragma once
// Removing a clip the researcher drew by hand (core/pipeline/ClipsByHand.h adds them). Apart from
// adding, so that the CLI's light commands, which load no model, can remove one.
//
//   removeClipByHand(archive, id);   // UsageError for a clip the segmentation made
//
// Threading: call from one thread.
#include "core/common/Types.h"

namespace crowlingo {

class Archive;

// Removes a clip drawn by hand, with its vectors and labels, and keeps the archive's retrieval
// space (and neighbour lists) over exactly the clips that remain. Refuses a clip the segmentation
// or a selection table made, and says why: it would come back when its recording is cut again.
void removeClipByHand(Archive& archive, ClipId id);

} // namespace crowlingo
