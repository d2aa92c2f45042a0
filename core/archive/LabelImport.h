#pragma once
// Labels from a researcher's own files into the archive, stored per clip with their source and
// never mixed with cluster ids. The file is parsed by LabelTable (CSV path,label |
// path,start_s,end_s,label | clip_id,label, or a Raven selection table); this applies its rows:
//   path rows          label every clip of that recording
//   span and Raven rows  ... the clips overlapping the span (clip.start < end && clip.end > start)
//   clip_id rows       ... that clip
// CSV paths are relative to the archive's root folder; Raven paths ("Begin Path" is absolute, on
// the machine that ran Raven) match the recording whose path ends with them, inferred stems the
// recording with that file stem. Rows that match nothing are reported, not dropped.
//
//   LabelImportReport r = importLabels(archive, "0412.Table.1.selections.txt", {.labelColumn = "Species"});
//   for (auto& [line, why] : r.unmatched) std::cerr << line << ": " << why << "\n";
//
// Threading: uses the given Archive on the calling thread.
#include "core/archive/LabelTable.h"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

class Archive;

struct LabelImportOptions {
    std::string source;      // the label source stored with each label (default: the file's name)
    std::string recording;   // Raven single-file tables: the recording (default: from the table's name)
    std::string labelColumn; // Raven: the label column (default: Annotation, Label, Species, Call Type, Type)
};

struct LabelImportReport {
    LabelTableFormat format = LabelTableFormat::RecordingCsv;
    std::string labelColumn;
    int rows = 0;           // data records (Raven: selections, each counted once whatever its views)
    int matchedRows = 0;
    int clipsLabelled = 0;
    std::vector<std::pair<int, std::string>> unmatched; // line, why (bad rows and rows matching nothing)
};

// Throws UsageError for an unreadable file or an unusable header (see LabelTable::read).
LabelImportReport importLabels(Archive& archive, const std::filesystem::path& file, const LabelImportOptions& options);
LabelImportReport importLabels(Archive& archive, const std::filesystem::path& file, std::string source = {});
// Applies rows already parsed; source is stored with each label.
LabelImportReport importLabels(Archive& archive, const LabelTable& table, const std::string& source);

} // namespace crowlingo
