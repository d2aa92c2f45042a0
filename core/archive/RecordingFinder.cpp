#include "core/archive/RecordingFinder.h"

#include <algorithm>
#include <filesystem>

namespace crowlingo {

namespace {

std::vector<std::string> components(std::string path)
{
    std::replace(path.begin(), path.end(), '\\', '/'); // Raven on Windows writes C:\data\a.wav
    std::vector<std::string> out;
    std::size_t from = 0;
    while (from <= path.size()) {
        const auto slash = path.find('/', from);
        const std::string part = path.substr(from, slash == std::string::npos ? std::string::npos : slash - from);
        if (!part.empty() && part != ".") out.push_back(part);
        if (slash == std::string::npos) break;
        from = slash + 1;
    }
    return out;
}

} // namespace

RecordingFinder::RecordingFinder(std::vector<std::string> relativePaths, std::string place)
    : paths_(std::move(relativePaths)), place_(std::move(place))
{
}

std::string RecordingFinder::find(const LabelTableRow& row, std::string& why) const
{
    if (std::find(paths_.begin(), paths_.end(), row.path) != paths_.end()) return row.path;
    std::vector<std::string> hits;
    if (row.ref == RecordingRef::FileStem) {
        // Raven's table name keeps the recording's name with or without its extension; CrowLingo's
        // own export (writeRavenTables) names "site/0412.wav" "site_0412.Table.1.selections.txt".
        for (const auto& p : paths_) {
            const std::filesystem::path name = std::filesystem::path(p).filename();
            std::string exported = std::filesystem::path(p).replace_extension().generic_string();
            std::replace(exported.begin(), exported.end(), '/', '_');
            if (name.stem().string() == row.path || name.string() == row.path || exported == row.path)
                hits.push_back(p);
        }
    } else if (row.ref == RecordingRef::FilePath) {
        hits = bySuffix(components(row.path));
    }
    if (hits.size() == 1) return hits[0];
    if (hits.empty()) {
        why = row.ref == RecordingRef::FileStem ? "no recording named \"" + row.path + ".*\" in " + place_
                                                : "no recording \"" + row.path + "\" in " + place_;
    } else {
        why = "\"" + row.path + "\" matches " + std::to_string(hits.size()) + " recordings (\"" + hits[0]
              + "\", \"" + hits[1] + "\"" + (hits.size() > 2 ? ", ..." : "")
              + "); name the recording by its path in " + place_;
    }
    return {};
}

// Recordings whose path ends with as many of `want`'s trailing components as tell them apart:
// "C:\data\site\a.wav" finds "site/a.wav" whatever folder Raven's machine kept it in.
std::vector<std::string> RecordingFinder::bySuffix(const std::vector<std::string>& want) const
{
    if (want.empty()) return {};
    std::vector<std::pair<std::string, std::vector<std::string>>> candidates;
    for (const auto& p : paths_) {
        auto parts = components(p);
        if (!parts.empty() && parts.back() == want.back()) candidates.emplace_back(p, std::move(parts));
    }
    for (std::size_t k = 2; candidates.size() > 1 && k <= want.size(); ++k) {
        const std::string& w = want[want.size() - k];
        std::erase_if(candidates, [&](const auto& c) {
            return c.second.size() < k || c.second[c.second.size() - k] != w;
        });
    }
    std::vector<std::string> out;
    for (auto& c : candidates) out.push_back(std::move(c.first));
    return out;
}

} // namespace crowlingo
