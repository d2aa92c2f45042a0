#pragma once
// Each recording of an archive with what became of it: how many clips it gave and why it gave
// none, or what is odd about it. The CLI's `recordings` command and the workbench's Recordings
// list both read this, so that a file which vanished from the map is never silent.
//
//   std::vector<RecordingOverview> all = overviewRecordings(archive.recordings(), archive.clips());
//   for (const RecordingOverview& r : all)
//       if (r.shownBy(RecordingFilter::WithoutClips)) std::puts(r.recording.path.c_str());
//
// Threading: plain data; no archive access of its own.
#include "core/archive/Archive.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace crowlingo {

enum class RecordingFilter {
    All,
    WithoutClips,   // embedded (or failed) without giving a single clip: not on the map
    WithProblems,   // could not be read, or read with a note (NaN samples, silence, clipping, truncation)
};
std::optional<RecordingFilter> parseRecordingFilter(const std::string& text); // "all", "without-clips", "problems"

struct RecordingOverview {
    RecordingRow recording;
    std::int64_t clips = 0;

    bool failed() const { return recording.status == "error"; }
    bool hasProblem() const { return failed() || !recording.error.empty(); }
    bool shownBy(RecordingFilter filter) const;
    // One line for a person: "no clip: no call stood out, or the file is too short", the reason it
    // could not be read, what is odd about it, or "" for a recording that gave clips and is fine.
    std::string note() const;
};

// The recordings in the order given (Archive::recordings(): by path), with their clips counted.
std::vector<RecordingOverview> overviewRecordings(const std::vector<RecordingRow>& recordings,
                                                  const std::vector<ClipRow>& clips);

struct RecordingTally {
    std::size_t recordings = 0, withoutClips = 0, withProblems = 0;
};
RecordingTally tallyRecordings(const std::vector<RecordingOverview>& overview);

} // namespace crowlingo
