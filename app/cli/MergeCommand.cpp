// crowlingo-cli merge OUT PART...: joins shard archives (embed --shard I/N) into one archive.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/archive/ArchiveMerge.h"

#include <cstdio>

namespace crowlingo::cli {

Command addMergeCommand(CLI::App& app)
{
    struct Options {
        std::string out;
        std::vector<std::string> parts;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("merge", "Join archives embedded as shards (embed --shard I/N) into one new archive; "
                                            "they must share folder, segmentation and model");
    sub->add_option("output", o->out, "Archive to create (must not exist)")->required();
    sub->add_option("parts", o->parts, "Shard archives to join")->required()->check(CLI::ExistingFile);
    return {sub, [o] {
        TerminalProgress bar("merge");
        const std::vector<std::filesystem::path> parts(o->parts.begin(), o->parts.end());
        const MergeReport r = mergeArchives(o->out, parts, bar.progress());
        bar.finish();
        for (const std::string& w : r.warnings) std::printf("warning: %s\n", w.c_str());
        std::printf("merged %d archives into %s: %d recordings (%d unusable), %lld clips, %lld labels; model %.12s\n",
                    r.parts, o->out.c_str(), r.recordings, r.failedRecordings, (long long)r.clips,
                    (long long)r.labels, r.modelId.c_str());
        return 0;
    }};
}

} // namespace crowlingo::cli
