#include "core/archive/LabelResolution.h"

namespace crowlingo {

namespace {
constexpr const char* kUserSource = "user";
}

bool labelSourceWins(const std::string& candidate, const std::string& current)
{
    const bool candidateIsUser = candidate == kUserSource, currentIsUser = current == kUserSource;
    if (candidateIsUser != currentIsUser) return candidateIsUser;
    return candidate < current;
}

std::unordered_map<ClipId, ShownLabel> shownLabels(const std::vector<LabelRow>& rows, const std::string& onlySource)
{
    std::unordered_map<ClipId, ShownLabel> shown;
    for (const LabelRow& row : rows) {
        if (!onlySource.empty() && row.source != onlySource) continue;
        const auto [it, added] = shown.try_emplace(row.clipId, ShownLabel{row.label, row.source});
        if (!added && labelSourceWins(row.source, it->second.source)) it->second = {row.label, row.source};
    }
    return shown;
}

} // namespace crowlingo
