#pragma once
// What a researcher takes away: the clip table with clusters, map coordinates and labels (plain
// CSV that pandas.read_csv reads with no options) plus a JSON provenance sidecar, Raven Pro
// selection tables and Audacity label tracks (one file per recording).
//
//   writeClusterCsv("clusters.csv", archive);   // + clusters.csv.json
//   writeRavenTables("raven/", archive);        // raven/<name>.Table.1.selections.txt
//   writeAudacityLabels("audacity/", archive);  // audacity/<name>.txt
//
// Every output is written whole or not at all (OutputFile): never onto the archive or the files
// SQLite keeps beside it, an existing file only with rules.replace, and a full disk leaves the old
// files as they were. A folder export writes all its files or none.
//
// Threading: uses the given Archive on the calling thread.
#include "core/common/OutputRules.h"

#include <filesystem>
#include <vector>

namespace crowlingo {

class Archive;

// Columns: clip_id,path,start_s,end_s,low_hz,high_hz,cluster,probability,outlier_score,
// distance_to_centroid,x,y,label,label_source (where the label came from: "user", the name of
// the file it was imported from). Clips cut without a band (windows, whole files) are given their
// recording's whole band, 0 Hz to its Nyquist frequency, here and in Raven tables. Missing values (no clustering, no map, noise) are empty cells.
// Paths and labels that a spreadsheet would take for a formula (a leading =, +, -, @, tab or CR)
// start with a single quote ('=x), as do those starting with a quote; label import removes it.
void writeClusterCsv(const std::filesystem::path& file, const Archive& archive, const OutputRules& rules = {});
// Returns the files written. Throws before writing any if one of them exists and !rules.replace.
std::vector<std::filesystem::path> writeRavenTables(const std::filesystem::path& dir, const Archive& archive,
                                                    const OutputRules& rules = {});
std::vector<std::filesystem::path> writeAudacityLabels(const std::filesystem::path& dir, const Archive& archive,
                                                       const OutputRules& rules = {});

} // namespace crowlingo
