#pragma once
// An archive copied or moved without its recordings' folder keeping the same place relative to
// it cannot find its audio. These look for the recordings under a folder and point the archive
// there (the folder is stored relative to the archive, as at creation).
//
//   RecordingsCheck c = checkRecordings(archive.recordings(), archive.root(), 20);  // a sample, for opening
//   if (c.found == 0 && c.checked > 0) relocateRecordings(archive, "/media/disk2/season1");
//
// Threading: call from one thread with an Archive opened by that thread.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace crowlingo {

class Archive;
struct RecordingRow;

struct RecordingsCheck {
    std::size_t checked = 0;    // recordings looked for
    std::size_t found = 0;      // of those, present under the folder
    std::string firstMissing;   // a relative path that was not found ("" if none)
};

// Looks for an archive's recordings (Archive::recordings()) under `folder`: all of them, or the
// first `sample` (0: all).
RecordingsCheck checkRecordings(const std::vector<RecordingRow>& recordings, const std::filesystem::path& folder,
                                std::size_t sample = 0);

// Points the archive at `folder` for its recordings. Throws UsageError, changing nothing, if the
// folder does not exist or holds none of the archive's recordings; returns what was found.
RecordingsCheck relocateRecordings(Archive& archive, const std::filesystem::path& folder);

} // namespace crowlingo
