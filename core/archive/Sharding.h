#pragma once
// Splits a folder's recordings into N deterministic shares, so that N processes (a Slurm job
// array) can embed one archive together: each embeds its share into its own archive and
// mergeArchives() joins them.
//
//   ShardSpec s = ShardSpec::parse("2/4");               // the second of four shares
//   std::vector<ScannedFile> mine = shareOf(scanFolder(root).files, s);
//
// Threading: pure functions; call them from any thread.
// Determinism: the share depends only on the scanned files (paths and sizes), so every shard of
// one job must see the same folder. Files are dealt largest first to the lightest share (by
// bytes), which keeps the shares' work within one file of each other whatever the size mix.
#include "core/archive/FolderScanner.h"

#include <string>
#include <string_view>
#include <vector>

namespace crowlingo {

struct ShardSpec {
    int index = 1;  // 1-based: 1..count
    int count = 1;

    // "I/N" with 1 <= I <= N; throws UsageError otherwise.
    static ShardSpec parse(std::string_view text);
    std::string toString() const;
    bool isWhole() const { return count == 1; }
};

// The files of one share, sorted by path. The union of the shares 1..N is `files`, each file in
// exactly one share.
std::vector<ScannedFile> shareOf(const std::vector<ScannedFile>& files, const ShardSpec& shard);

} // namespace crowlingo
