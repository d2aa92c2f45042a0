#include "core/archive/LabelImport.h"

#include "core/archive/Archive.h"
#include "core/archive/RecordingFinder.h"

#include <algorithm>
#include <map>
#include <set>

namespace crowlingo {

LabelImportReport importLabels(Archive& archive, const LabelTable& table, const std::string& source)
{
    archive.requireIntact("import labels into");
    std::map<std::string, std::vector<ClipRow>> byPath;
    std::set<ClipId> ids;
    for (ClipRow& c : archive.clips()) {
        ids.insert(c.id);
        byPath[c.path].push_back(std::move(c));
    }
    std::vector<std::string> paths;
    for (const auto& [path, clips] : byPath) paths.push_back(path);
    const RecordingFinder finder(std::move(paths));
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
