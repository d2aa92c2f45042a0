#pragma once
// What a researcher takes away: the clip table with clusters, map coordinates and labels (plain
// CSV that pandas.read_csv reads with no options) plus a JSON provenance sidecar, Raven Pro
// selection tables and Audacity label tracks (one file per recording).
//
//   writeClusterCsv("clusters.csv", archive);   // + clusters.csv.json
//   writeRavenTables("raven/", archive);        // raven/<name>.Table.1.selections.txt
//   writeAudacityLabels("audacity/", archive);  // audacity/<name>.txt
//
// Threading: uses the given Archive on the calling thread.
#include <filesystem>
#include <vector>

namespace crowlingo {

class Archive;

// Columns: clip_id,path,start_s,end_s,low_hz,high_hz,cluster,probability,outlier_score,
// distance_to_centroid,x,y,label. Missing values (no clustering, no map, noise) are empty cells.
void writeClusterCsv(const std::filesystem::path& file, const Archive& archive);
// Returns the files written.
std::vector<std::filesystem::path> writeRavenTables(const std::filesystem::path& dir, const Archive& archive);
std::vector<std::filesystem::path> writeAudacityLabels(const std::filesystem::path& dir, const Archive& archive);

} // namespace crowlingo
