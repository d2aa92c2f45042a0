#pragma once
// Where an output file may go. No output may land on a file the command reads (the open archive
// and the files SQLite keeps beside it, the input recordings, the model): a mistyped
// `export a.crowlingo --clips a.crowlingo` must not destroy the archive. Paths are compared after
// following symlinks and `..`, and existing files also by identity (hard links). An existing file
// is replaced only when the caller says so (the CLI's --force, the GUI after its dialog asked).
//
//   const OutputRules rules{.protect = sqliteFiles(archive.file()), .replace = force};
//   checkOutputPaths({"clusters.csv", "clusters.csv.json"}, rules); // throws before anything is written
//
// Threading: plain values and stateless functions; safe on any thread.
#include <filesystem>
#include <vector>

namespace crowlingo {

struct OutputRules {
    std::vector<std::filesystem::path> protect; // files the output must never replace
    bool replace = false;                       // an existing output file may be replaced
};

// The database and the -wal, -shm and -journal files SQLite keeps beside it (for the path as given
// and as resolved, since SQLite names them after either).
std::vector<std::filesystem::path> sqliteFiles(const std::filesystem::path& database);

// Throws UsageError naming both paths if a target is (or resolves to) a protected file, is a
// folder, or two targets are the same file; OutputExistsError ("X exists; use --force to replace
// it") if any target exists and rules.replace is false. Checks every target before returning, so
// a set of outputs is refused as a whole.
void checkOutputPaths(const std::vector<std::filesystem::path>& targets, const OutputRules& rules);

} // namespace crowlingo
