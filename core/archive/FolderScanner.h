#pragma once
// Finds the audio files under a folder: recursive, case-insensitive extensions, hidden files and
// folders skipped, symbolic-link loops survived (each real folder is visited once).
//
//   FolderScan scan = scanFolder("recordings/");
//   for (const ScannedFile& f : scan.files) ...;   // sorted by path
//   for (const auto& [path, why] : scan.problems) ...; // folders that could not be read
//
// Threading: a pure function; call it from any thread.
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace crowlingo {

struct ScannedFile {
    std::filesystem::path path; // absolute
    std::int64_t size = 0;
    std::int64_t mtime = 0;     // seconds since epoch
};

struct FolderScan {
    std::vector<ScannedFile> files;
    std::vector<std::pair<std::filesystem::path, std::string>> problems;
};

FolderScan scanFolder(const std::filesystem::path& root);

} // namespace crowlingo
