#pragma once
// Joins archives embedded in parts (the shards of a Slurm job array, see Sharding.h) into one new
// archive that holds what a single process would have made: the same recordings, clips, vectors
// and labels. Refuses parts that disagree on the recordings folder, segmentation, time expansion
// or model, parts whose embedding did not finish, and recordings that two parts both hold with
// different contents.
//
//   MergeReport r = mergeArchives("field.crowlingo", {"part-1.crowlingo", "part-2.crowlingo"});
//   for (const std::string& w : r.warnings) std::cerr << w << "\n";   // e.g. a shard missing
//
// Threading: call from one thread. The output is written under a temporary name and renamed
// when complete, so an interrupted merge never leaves a half archive under the output's name.
#include "core/common/Progress.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crowlingo {

struct MergeReport {
    std::string modelId;
    int parts = 0;
    int recordings = 0;          // usable recordings merged
    int failedRecordings = 0;    // recordings the parts could not use (kept with their reason)
    std::int64_t clips = 0;
    std::int64_t labels = 0;
    std::vector<std::string> warnings; // missing or repeated shards, duplicate recordings skipped
};

// out must not exist; its recordings folder is the parts' common one.
MergeReport mergeArchives(const std::filesystem::path& out, const std::vector<std::filesystem::path>& parts,
                          const Progress& progress = {});

} // namespace crowlingo
