#include "core/archive/LabelImport.h"

#include "core/archive/Archive.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

namespace crowlingo {

namespace {

std::optional<double> number(const std::string& s)
{
    double v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (ec != std::errc() || p != end) return std::nullopt;
    return v;
}

std::string trimmed(std::string s)
{
    if (s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0) s.erase(0, 3); // UTF-8 BOM
    const auto a = s.find_first_not_of(" \t");
    const auto b = s.find_last_not_of(" \t");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

} // namespace

LabelImportReport importLabels(Archive& archive, const std::filesystem::path& csv, std::string source)
{
    if (source.empty()) source = csv.filename().string();
    CsvReader in(csv);
    std::vector<std::string> row;
    if (!in.next(row)) throw UsageError(fileError("import labels from", csv, "file is empty"));
    for (auto& h : row) h = trimmed(h);
    // Columns are found by name, so that a table exported by CrowLingo (which has more columns)
    // reads back as it is.
    const auto column = [&](const char* name) -> int {
        const auto it = std::find(row.begin(), row.end(), name);
        return it == row.end() ? -1 : int(it - row.begin());
    };
    const int cId = column("clip_id"), cPath = column("path"), cStart = column("start_s"), cEnd = column("end_s"),
              cLabel = column("label");
    enum class Kind { Recording, Span, ClipIdKind } kind;
    if (cLabel >= 0 && cId >= 0) kind = Kind::ClipIdKind;
    else if (cLabel >= 0 && cPath >= 0 && cStart >= 0 && cEnd >= 0) kind = Kind::Span;
    else if (cLabel >= 0 && cPath >= 0) kind = Kind::Recording;
    else
        throw UsageError(fileError("import labels from", csv,
            "unknown header; expected one of: path,label | path,start_s,end_s,label | clip_id,label"));
    const std::size_t width = row.size();

    std::map<std::string, std::vector<ClipRow>> byPath;
    std::set<ClipId> ids;
    for (ClipRow& c : archive.clips()) {
        ids.insert(c.id);
        byPath[c.path].push_back(std::move(c));
    }
    std::map<std::string, std::vector<ClipId>> toLabel; // label -> clips
    LabelImportReport report;
    std::set<ClipId> labelled;
    while (in.next(row)) {
        if (row.size() == 1 && trimmed(row[0]).empty()) continue; // blank line
        ++report.rows;
        const int line = in.line();
        if (row.size() != width) {
            report.unmatched.emplace_back(line, "wrong number of fields");
            continue;
        }
        const std::string label = trimmed(row[std::size_t(cLabel)]);
        if (label.empty() && kind == Kind::ClipIdKind && width > 2) continue; // an exported clip without a label
        if (label.empty()) { report.unmatched.emplace_back(line, "empty label"); continue; }
        std::vector<ClipId> hits;
        if (kind == Kind::ClipIdKind) {
            const auto id = number(trimmed(row[std::size_t(cId)]));
            if (!id || !ids.count(ClipId(*id))) { report.unmatched.emplace_back(line, "no clip " + row[std::size_t(cId)]); continue; }
            hits.push_back(ClipId(*id));
        } else {
            const std::string path = trimmed(row[std::size_t(cPath)]);
            const auto it = byPath.find(path);
            if (it == byPath.end()) { report.unmatched.emplace_back(line, "no recording \"" + path + "\" in the archive"); continue; }
            if (kind == Kind::Recording) {
                for (const ClipRow& c : it->second) hits.push_back(c.id);
            } else {
                const auto a = number(trimmed(row[std::size_t(cStart)])), b = number(trimmed(row[std::size_t(cEnd)]));
                if (!a || !b || *b <= *a) { report.unmatched.emplace_back(line, "bad start_s/end_s"); continue; }
                for (const ClipRow& c : it->second)
                    if (c.start < *b && c.end > *a) hits.push_back(c.id);
            }
            if (hits.empty()) { report.unmatched.emplace_back(line, "no clip overlaps this span"); continue; }
        }
        ++report.matchedRows;
        auto& v = toLabel[label];
        v.insert(v.end(), hits.begin(), hits.end());
        labelled.insert(hits.begin(), hits.end());
    }
    for (const auto& [label, clips] : toLabel) archive.setLabels(clips, label, source);
    report.clipsLabelled = int(labelled.size());
    return report;
}

} // namespace crowlingo
