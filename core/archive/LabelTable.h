#pragma once
// A researcher's label file, parsed into rows and nothing else (no archive involved; importLabels()
// in LabelImport.h applies the rows to clips). Three formats, told apart by the first line:
//   CSV with a header:  path,label | path,start_s,end_s,label | clip_id,label
//   Raven selection table: tab-separated, "Selection", "Begin Time (s)", "End Time (s)", ... and a
//     label column ("Annotation", "Label", "Species", "Call Type" or "Type", or one named by the caller).
//   Audacity label track (File > Export > Export Labels): no header, "start<TAB>end<TAB>label" per
//     line, each optionally followed by Audacity's spectral line "\<TAB>low<TAB>high" (Hz). One
//     recording per file: named by the caller, else the file's stem ("0412.txt" labels "0412.wav").
// CSV labels and paths that start with a single quote before =, +, -, @ or another quote lose that
// quote: it is the formula guard CrowLingo's CSV exports add (spreadsheetText in Csv.h), so an
// exported label "=x" (written '=x) reads back as =x.
//
//   LabelTable t = LabelTable::read("0412.Table.1.selections.txt");   // throws UsageError
//   for (const LabelTableRow& r : t.rows) use(r.path, r.startS, r.endS, r.label);
//   for (auto& [line, why] : t.problems) std::cerr << line << ": " << why << "\n";
//
// Threading: plain values and stateless functions; safe on any thread.
#include "core/common/Types.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crowlingo {

enum class LabelTableFormat { RecordingCsv, SpanCsv, ClipIdCsv, RavenSelections, AudacityLabels };

// How a row's path is to be found among the archive's recordings.
enum class RecordingRef {
    RelativePath, // CSV: exactly the archive's relative path
    FilePath,     // Raven "Begin Path"/"Begin File" or the caller's recording: any path ending in it
    FileStem,     // inferred from "<stem>.Table.1.selections.txt" or Audacity's "<stem>.txt": a recording with that file stem
};

struct LabelTableRow {
    int line = 0;                           // 1-based line in the file where the row starts
    std::string path;                       // recording (empty for clip_id rows)
    RecordingRef ref = RecordingRef::RelativePath;
    std::optional<ClipId> clipId;           // clip_id rows only
    // Both or neither; finite; start < end (Raven: start <= end). Seconds in the row's recording: for
    // multi-file Raven tables from "File Offset (s)" (Begin Time as-is if the table lacks that column).
    std::optional<Seconds> startS, endS;
    std::optional<Hertz> lowHz, highHz;     // Raven and Audacity only; both or neither; finite, 0 <= low <= high
    std::string label;                      // trimmed; empty only with LabelTableOptions::labelsOptional
};

struct LabelTableOptions {
    // Raven single-file tables (no "Begin File"/"Begin Path" column) and Audacity label tracks: the
    // recording the times refer to. Default: inferred from the file name, "<recording
    // stem>.Table.<n>.selections.txt" or "<recording stem>.txt". Ignored for tables that name a
    // file per row.
    std::string recording;
    // Raven: the column holding the label, matched case-insensitively. Default: the first present of
    // Annotation, Label, Species, Call Type, Type.
    std::string labelColumn;
    // Selections without labels are rows too (label ""): a Raven table without a label column, a
    // CSV path,start_s,end_s, empty Audacity labels. For cutting clips where a table says
    // (SelectionClips.h), where the selection matters and its label is a bonus.
    bool labelsOptional = false;
    // What the reader was doing, for its errors: "import labels from <file>: ...".
    std::string action = "import labels from";
};

struct LabelTable {
    LabelTableFormat format = LabelTableFormat::RecordingCsv;
    std::string labelColumn;                             // the column the labels came from
    int records = 0;                                     // data records read (Raven: distinct selections)
    std::vector<LabelTableRow> rows;                     // records that gave a usable row, in file order
    std::vector<std::pair<int, std::string>> problems;   // line, why: records that gave no row

    // Bad rows become problems, never exceptions. Throws UsageError naming `source` only for an
    // unreadable or empty file, a header that is neither format, a missing label column, or a
    // single-file Raven table whose recording is neither given nor inferable from `source`.
    // read() also refuses, while reading, a line longer than CsvLimits::maxLineBytes (1 MiB), more
    // than CsvLimits::maxRecords lines, or more than 1 GiB: a file that never ends is not loaded.
    static LabelTable read(const std::filesystem::path& file, const LabelTableOptions& options = {});
    static LabelTable parse(std::string_view text, const std::filesystem::path& source,
                            const LabelTableOptions& options = {});

    // The recording stem in a Raven table file name ("0412.Table.1.selections.txt" -> "0412"); empty
    // if the name does not follow Raven's pattern.
    static std::string recordingStemFromTableName(const std::filesystem::path& table);
};

} // namespace crowlingo
