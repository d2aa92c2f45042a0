#pragma once
// The clips a model trains on, as log-mel spectrograms at the model's input spec: every clip of an
// archive, or every clip a segmentation finds in a folder. Shared by `crowlingo-cli train` and the
// GUI's "Adapt the model to this archive".
//
//   std::vector<Spectrogram> clips = archiveClipLogMels(archive, model.config().mel, progress);
//   Trainer(model, opts).run(clips, onStatus, progress);
//
// Threading: call from one thread; decoding is spread over threadCount() workers.
#include "core/common/Progress.h"
#include "core/common/Types.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/segment/Segmenter.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

class Archive;

struct ClipSet {
    std::vector<Spectrogram> clips;
    std::vector<ClipId> clipIds;  // archive clips only: the id of each spectrogram, same order
    std::vector<std::pair<std::string, std::string>> errors; // file, reason (files that could not be read)
};

ClipSet archiveClipLogMels(const Archive& archive, const MelParams& mel, const Progress& progress = {});
ClipSet folderClipLogMels(const std::filesystem::path& folder, const MelParams& mel, const SegmentSpec& segment,
                          double timeExpansion, const Progress& progress = {});

} // namespace crowlingo
