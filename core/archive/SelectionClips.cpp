#include "core/archive/SelectionClips.h"

#include "core/archive/Archive.h"
#include "core/archive/LabelTable.h"
#include "core/archive/RecordingFinder.h"
#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <map>
#include <tuple>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

bool isRavenTableName(const fs::path& p)
{
    std::string name = p.filename().string();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const std::string suffix = ".selections.txt";
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr const char* kAction = "read selections from";

} // namespace

fs::path selectionTablePath(const SegmentSpec& spec, const fs::path& root)
{
    if (spec.table.empty()) return root;
    const fs::path table(spec.table);
    return table.is_relative() ? root / table : table;
}

std::vector<fs::path> selectionTables(const fs::path& path)
{
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        if (!fs::exists(path, ec)) throw UsageError(fileError(kAction, path, "no such file or folder"));
        return {path};
    }
    std::vector<fs::path> tables;
    for (fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec))
        if (it->is_regular_file(ec) && isRavenTableName(it->path())) tables.push_back(it->path());
    if (ec) throw UsageError(fileError(kAction, path, ec.message()));
    if (tables.empty())
        throw UsageError(fileError(kAction, path, "no Raven selection table (*.selections.txt) in this folder; "
                                                  "name a table file (Raven, Audacity labels or CSV path,start_s,end_s[,label])"));
    std::sort(tables.begin(), tables.end());
    return tables;
}

SelectionClips readSelectionClips(const fs::path& path, const fs::path& root, const std::vector<std::string>& recordings,
                                  const std::string& labelColumn)
{
    SelectionClips out;
    out.tables = selectionTables(path);
    const RecordingFinder finder(recordings, "the folder");
    std::vector<std::tuple<std::size_t, int, std::string>> problems; // table, line, text: sorted at the end
    for (std::size_t t = 0; t < out.tables.size(); ++t) {
        const fs::path& file = out.tables[t];
        const LabelTable table =
            LabelTable::read(file, {.labelColumn = labelColumn, .labelsOptional = true, .action = kAction});
        if (table.format == LabelTableFormat::RecordingCsv || table.format == LabelTableFormat::ClipIdCsv)
            throw UsageError(fileError(kAction, file, "this table names recordings or clips, not selections; "
                                                      "a selection table needs start and end times (path,start_s,end_s[,label])"));
        const std::string source = file.filename().string();
        // The table's folder relative to the recordings folder, if it lies inside it.
        std::optional<std::string> folder;
        if (std::error_code ec; !root.empty()) {
            const fs::path rel = fs::relative(fs::absolute(file).parent_path(), fs::absolute(root), ec);
            if (!ec && !rel.empty() && *rel.begin() != "..") folder = rel == "." ? "" : rel.generic_string() + "/";
        }
        // A per-recording table's recording beside it: "<folder><stem>.<ext>".
        const auto besideTable = [&](const LabelTableRow& row) -> std::string {
            if (row.ref != RecordingRef::FileStem || !folder) return {};
            std::string hit;
            for (const std::string& r : recordings) {
                if (r.compare(0, folder->size(), *folder) != 0 || r.find('/', folder->size()) != std::string::npos) continue;
                const fs::path name = fs::path(r).filename();
                if (name.stem().string() != row.path && name.string() != row.path) continue;
                if (!hit.empty()) return {}; // "a.wav" and "a.flac" side by side: let the finder say so
                hit = r;
            }
            return hit;
        };
        const auto problem = [&](int line, const std::string& why) {
            problems.emplace_back(t, line, source + " line " + std::to_string(line) + ": " + why);
        };
        out.selections += table.records;
        for (const auto& [line, why] : table.problems) problem(line, why);
        for (const LabelTableRow& row : table.rows) {
            std::string why;
            std::string recording = besideTable(row);
            if (recording.empty()) recording = finder.find(row, why);
            if (recording.empty()) { problem(row.line, why); continue; }
            if (*row.startS < 0) { problem(row.line, "starts before the recording (" + std::to_string(*row.startS) + " s)"); continue; }
            if (!(*row.endS > *row.startS)) { problem(row.line, "a selection of no length"); continue; }
            SelectionClip c;
            c.clip = {*row.startS, *row.endS, row.lowHz.value_or(0), row.highHz.value_or(0)};
            c.label = row.label;
            c.source = source;
            c.table = t;
            c.line = row.line;
            out.byRecording[recording].push_back(std::move(c));
        }
    }
    for (auto& [recording, clips] : out.byRecording) {
        std::stable_sort(clips.begin(), clips.end(), [](const SelectionClip& a, const SelectionClip& b) {
            return std::tie(a.clip.start, a.clip.end) < std::tie(b.clip.start, b.clip.end);
        });
        // Two selections of one span would be one clip twice: the first listed is kept.
        std::vector<SelectionClip> kept;
        for (SelectionClip& c : clips) {
            if (!kept.empty() && kept.back().clip.start == c.clip.start && kept.back().clip.end == c.clip.end) {
                problems.emplace_back(c.table, c.line,
                                      c.source + " line " + std::to_string(c.line) + ": the same span as "
                                          + kept.back().source + " line " + std::to_string(kept.back().line));
                continue;
            }
            kept.push_back(std::move(c));
        }
        clips = std::move(kept);
    }
    std::stable_sort(problems.begin(), problems.end(), [](const auto& a, const auto& b) {
        return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
    });
    for (auto& p : problems) out.problems.push_back(std::move(std::get<2>(p)));
    return out;
}

std::vector<Clip> clipsWithin(const std::vector<SelectionClip>& selections, Seconds duration, int* pastEnd)
{
    std::vector<Clip> clips;
    int past = 0;
    for (const SelectionClip& s : selections) {
        if (s.clip.start >= duration) { ++past; continue; }
        Clip c = s.clip;
        c.end = std::min(c.end, duration);
        clips.push_back(c);
    }
    if (pastEnd) *pastEnd = past;
    return clips;
}

int labelSelectionClips(Archive& archive, const SelectionClips& selections)
{
    std::map<std::pair<std::string, ClipId>, std::string> current; // (source, clip) -> label
    for (const LabelRow& l : archive.labels()) current[{l.source, l.clipId}] = l.label;
    // (source, label) -> clips; an empty label removes the source's label
    std::map<std::pair<std::string, std::string>, std::vector<ClipId>> toWrite;
    for (const ClipRow& c : archive.clips()) {
        const auto it = selections.byRecording.find(c.path);
        if (it == selections.byRecording.end()) continue;
        // The selection the clip was cut from: its start, and the nearest end (clipsWithin may
        // have cut the end at the recording's).
        const SelectionClip* from = nullptr;
        for (const SelectionClip& s : it->second)
            if (s.clip.start == c.start && s.clip.end >= c.end - 1e-9
                && (!from || std::abs(s.clip.end - c.end) < std::abs(from->clip.end - c.end)))
                from = &s;
        if (!from) continue;
        const auto had = current.find({from->source, c.id});
        if ((had == current.end() ? std::string() : had->second) == from->label) continue;
        toWrite[{from->source, from->label}].push_back(c.id);
    }
    int count = 0;
    for (const auto& [key, ids] : toWrite) {
        archive.writeLabels(ids, std::vector<std::string>(ids.size(), key.second), key.first);
        count += int(ids.size());
    }
    return count;
}

} // namespace crowlingo
