#include "core/archive/ClipByHandRemoval.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveWriterLock.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Error.h"

namespace crowlingo {

RemovedClip removeClipByHand(Archive& archive, ClipId id)
{
    const std::optional<ClipRow> clip = archive.clip(id);
    if (!clip) throw UsageError(fileError("remove a clip from", archive.file(), "it holds no clip " + std::to_string(id)));
    if (!clip->byHand)
        throw UsageError(fileError("remove a clip from", archive.file(),
                                   "clip " + std::to_string(id) + " was not drawn by hand but cut by the archive's segmentation "
                                   "(or from a selection table): it would come back when its recording is cut again; label "
                                   "it (for example \"noise\") to set it apart"));
    const ArchiveWriterLock writing(archive.file(), "remove a clip");
    RemovedClip removed{*clip, archive.labelsOf(id)};
    archive.removeClip(id); // its vectors go with it, those in the retrieval space too
    // Neighbour lists (archives of many clips) are kept over exactly the clips that have vectors.
    if (const std::string modelId = archive.activeModel(); !modelId.empty()) storeRetrievalSpace(archive, modelId);
    return removed;
}

} // namespace crowlingo
