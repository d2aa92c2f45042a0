#pragma once
// Labels from a researcher's own files into the archive, stored per clip with their source and
// never mixed with cluster ids. CSV with a header, one of:
//   path,label                  the label applies to every clip of that recording
//   path,start_s,end_s,label    ... to the clips overlapping that span
//   clip_id,label               ... to that clip
// (path relative to the archive's root folder). Rows that match nothing are reported, not dropped.
//
//   LabelImportReport r = importLabels(archive, "labels.csv");
//   for (auto& [line, why] : r.unmatched) std::cerr << line << ": " << why << "\n";
//
// Threading: uses the given Archive on the calling thread.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

class Archive;

struct LabelImportReport {
    int rows = 0;
    int matchedRows = 0;
    int clipsLabelled = 0;
    std::vector<std::pair<int, std::string>> unmatched; // line, why
};

// source: the label source stored with each label (default: the file's name).
LabelImportReport importLabels(Archive& archive, const std::filesystem::path& csv, std::string source = {});

} // namespace crowlingo
