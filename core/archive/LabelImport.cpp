#include "core/archive/LabelImport.h"

#include "core/archive/Archive.h"

#include <algorithm>
#include <map>
#include <set>

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

// Finds the archive recording a row names, or says why not.
class RecordingFinder {
public:
    explicit RecordingFinder(const std::map<std::string, std::vector<ClipRow>>& byPath)
    {
        for (const auto& [path, clips] : byPath) paths_.push_back(path);
    }

    // The recording's archive path, or empty with `why` set.
    std::string find(const LabelTableRow& row, std::string& why) const
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
            why = row.ref == RecordingRef::FileStem ? "no recording named \"" + row.path + ".*\" in the archive"
                                                    : "no recording \"" + row.path + "\" in the archive";
        } else {
            why = "\"" + row.path + "\" matches " + std::to_string(hits.size()) + " recordings (\"" + hits[0]
                  + "\", \"" + hits[1] + "\"" + (hits.size() > 2 ? ", ..." : "")
                  + "); name the recording by its path in the archive";
        }
        return {};
    }

private:
    // Recordings whose path ends with as many of `want`'s trailing components as tell them apart:
    // "C:\data\site\a.wav" finds "site/a.wav" whatever folder Raven's machine kept it in.
    std::vector<std::string> bySuffix(const std::vector<std::string>& want) const
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

    std::vector<std::string> paths_;
};

} // namespace

LabelImportReport importLabels(Archive& archive, const LabelTable& table, const std::string& source)
{
    archive.requireIntact("import labels into");
    std::map<std::string, std::vector<ClipRow>> byPath;
    std::set<ClipId> ids;
    for (ClipRow& c : archive.clips()) {
        ids.insert(c.id);
        byPath[c.path].push_back(std::move(c));
    }
    const RecordingFinder finder(byPath);
    std::map<std::string, std::vector<ClipId>> toLabel; // label -> clips
    LabelImportReport report;
    report.format = table.format;
    report.labelColumn = table.labelColumn;
    report.rows = table.records;
    report.unmatched = table.problems;
    std::set<ClipId> labelled;
    for (const LabelTableRow& row : table.rows) {
        std::vector<ClipId> hits;
        if (row.clipId) {
            if (!ids.count(*row.clipId)) { report.unmatched.emplace_back(row.line, "no clip " + std::to_string(*row.clipId)); continue; }
            hits.push_back(*row.clipId);
        } else {
            std::string why;
            const std::string path = finder.find(row, why);
            if (path.empty()) { report.unmatched.emplace_back(row.line, why); continue; }
            for (const ClipRow& c : byPath.at(path))
                if (!row.startS || (c.start < *row.endS && c.end > *row.startS)) hits.push_back(c.id);
            if (hits.empty()) { report.unmatched.emplace_back(row.line, "no clip overlaps this span"); continue; }
        }
        ++report.matchedRows;
        auto& v = toLabel[row.label];
        v.insert(v.end(), hits.begin(), hits.end());
        labelled.insert(hits.begin(), hits.end());
    }
    std::stable_sort(report.unmatched.begin(), report.unmatched.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [label, clips] : toLabel) archive.setLabels(clips, label, source);
    report.clipsLabelled = int(labelled.size());
    return report;
}

LabelImportReport importLabels(Archive& archive, const std::filesystem::path& file, const LabelImportOptions& options)
{
    const LabelTable table = LabelTable::read(file, {.recording = options.recording, .labelColumn = options.labelColumn});
    return importLabels(archive, table, options.source.empty() ? file.filename().string() : options.source);
}

LabelImportReport importLabels(Archive& archive, const std::filesystem::path& file, std::string source)
{
    return importLabels(archive, file, LabelImportOptions{.source = std::move(source)});
}

} // namespace crowlingo
