#include "core/archive/RecordingOverview.h"

#include <unordered_map>

namespace crowlingo {

std::optional<RecordingFilter> parseRecordingFilter(const std::string& text)
{
    if (text == "all") return RecordingFilter::All;
    if (text == "without-clips") return RecordingFilter::WithoutClips;
    if (text == "problems") return RecordingFilter::WithProblems;
    return std::nullopt;
}

bool RecordingOverview::shownBy(RecordingFilter filter) const
{
    switch (filter) {
    case RecordingFilter::All: return true;
    case RecordingFilter::WithoutClips: return clips == 0;
    case RecordingFilter::WithProblems: return hasProblem();
    }
    return true;
}

std::string RecordingOverview::note() const
{
    if (failed())
        return "not read: " + (recording.error.empty() ? std::string("unknown error") : recording.error);
    std::string text;
    if (clips == 0)
        text = "no clip: no call stood out, or the file is too short";
    if (!recording.error.empty())
        text += (text.empty() ? "" : "; ") + recording.error;
    return text;
}

std::vector<RecordingOverview> overviewRecordings(const std::vector<RecordingRow>& recordings,
                                                  const std::vector<ClipRow>& clips)
{
    std::unordered_map<std::int64_t, std::size_t> rowOfId;
    std::vector<RecordingOverview> out;
    out.reserve(recordings.size());
    for (const RecordingRow& r : recordings) {
        rowOfId.emplace(r.id, out.size());
        out.push_back({r, 0});
    }
    for (const ClipRow& c : clips)
        if (const auto it = rowOfId.find(c.recordingId); it != rowOfId.end())
            ++out[it->second].clips;
    return out;
}

RecordingTally tallyRecordings(const std::vector<RecordingOverview>& overview)
{
    RecordingTally t;
    t.recordings = overview.size();
    for (const RecordingOverview& r : overview) {
        t.withoutClips += r.clips == 0;
        t.withProblems += r.hasProblem();
    }
    return t;
}

} // namespace crowlingo
