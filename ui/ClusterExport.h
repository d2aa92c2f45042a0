#pragma once
// The cluster table for spreadsheets and pandas: one row per clip of the latest clustering of a
// model, with its user label. Core has writeClipTable and writeNpy but no cluster table yet; this
// is written with core's CSV formatting (csvRow) and belongs in core/archive/EmbeddingExport once
// the CLI needs it too.
//
//   writeClusterTable("clusters.csv", archive, archive.activeModel());
//   // clip_id,path,start_s,end_s,cluster,probability,outlier_score,label
//
// Threading: uses the given Archive on the calling thread (a worker opens its own).
#include <filesystem>
#include <string>

namespace crowlingo {
class Archive;
}

namespace crowlingo::ui {

// Throws ArchiveError/UsageError naming the file if the model has no clustering or on write errors.
void writeClusterTable(const std::filesystem::path& file, const Archive& archive, const std::string& modelId);

} // namespace crowlingo::ui
