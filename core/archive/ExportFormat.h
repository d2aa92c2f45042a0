#pragma once
// What the archive's exports share (ClusterExport, ClassifierExport): number formatting, the
// tab-separated field rule of Raven and Audacity tables, per-recording table names, and writing a
// folder of tables all or none.
//
// Threading: plain functions; writeTablesTogether uses the given Archive on the calling thread.
#include "core/common/OutputRules.h"

#include <filesystem>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

class Archive;
class OutputFile;

std::string formatNumber(double v, const char* format = "%.6g");

// The archive an export reads is never one of its outputs.
OutputRules protectingArchive(OutputRules rules, const Archive& archive);

// Tab-separated formats (Raven, Audacity) have no quoting: tabs and line breaks become spaces.
std::string oneTabField(std::string text);

// "site3/0412.flac" -> "site3_0412" (one flat folder of tables, names stay unique).
std::string tableStem(const std::string& recordingPath);

// Writes each (file name, writer) into dir, all or none: every target is checked before the first
// byte is written, and the files appear together once all are written. Returns the paths written.
using TableWriter = std::function<void(OutputFile&)>;
std::vector<std::filesystem::path> writeTablesTogether(const std::filesystem::path& dir, const Archive& archive,
                                                       const OutputRules& rules,
                                                       const std::vector<std::pair<std::string, TableWriter>>& tables);

} // namespace crowlingo
