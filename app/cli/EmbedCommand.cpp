// crowlingo-cli embed DIR -o ARCHIVE: a folder of recordings into a resumable, incremental archive.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/OptionChecks.h"
#include "app/cli/ModelOption.h"
#include "core/archive/Archive.h"
#include "core/archive/SelectionClips.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/common/Error.h"

#include <cstdio>
#include <map>

namespace crowlingo::cli {

Command addEmbedCommand(CLI::App& app)
{
    struct Options {
        std::string dir, archive, model, segment = "events", shard, labelColumn;
        double timeExpansion = 1.0;
        std::string timeScale = "auto";
        int batch = 32;
        bool retryFailed = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kEmbedText.name, kEmbedText.description);
    sub->add_option("dir", o->dir, "Folder of recordings (searched recursively)")->required()->check(CLI::ExistingDirectory);
    sub->add_option("-o,--output", o->archive, "Archive file to create or update (*.crowlingo)")->required();
    addModelOption(sub, o->model);
    sub->add_option("--segment", o->segment,
                    "whole | window:LEN[:HOP] | events | table[:PATH] (one clip per selection of your own annotations, "
                    "labelled with theirs: the Raven selection tables (*.selections.txt) in the folder, or PATH: a "
                    "Raven table, an Audacity label track, a CSV path,start_s,end_s[,label] or a folder of Raven tables)")
        ->capture_default_str();
    sub->add_option("--label-column", o->labelColumn,
                    "With --segment table: the Raven column holding the clips' labels (default: Annotation, Label, "
                    "Species, Call Type or Type, the first present)");
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor: 10 slows bat ultrasound into the model's band, 0.1 speeds baleen-whale infrasound up into it")->capture_default_str()
        ->check(finiteBetween(kMinTimeExpansion, kMaxTimeExpansion));
    sub->add_option("--time-scale", o->timeScale,
                    "Read clips this many times finer in time than the model was trained (auto | 1 | 2 | 4; auto: "
                    "the finest at which 90 % of the clips fit one model window, so short calls span several patches). "
                    "Kept with the archive: later runs read at the archive's scale")
        ->capture_default_str()->check(CLI::IsMember({"auto", "1", "2", "4"}));
    sub->add_option("--shard", o->shard, "Embed only share I of N of the files (I from 1 to N, e.g. a Slurm array "
                                         "task), into its own archive; join the shards with `merge`");
    sub->add_option("--batch", o->batch, "Clips per inference batch")->capture_default_str()->check(CLI::Range(1, 4096));
    sub->add_flag("--retry-failed", o->retryFailed, "Try again the files that failed in an earlier run (done anyway when "
                                                    "the model or clip settings changed, or the failure was one of access)");
    sub->footer("Exit status: 0 when every file was embedded or unchanged; 3 when some files could not be used "
                "(listed, the rest of the archive is fine); 130 when interrupted; 1 or 2 on errors.");
    return {sub, [o] {
        SegmentSpec segment = SegmentSpec::parse(o->segment);
        if (!o->labelColumn.empty() && segment.mode != SegmentSpec::Mode::Table)
            throw UsageError("--label-column names the column of a selection table: it needs --segment table[:PATH]");
        // A table named on the command line is found from where the command runs, as every other
        // path; one that is missing or unreadable is said before an archive is made.
        if (segment.mode == SegmentSpec::Mode::Table) {
            if (!segment.table.empty())
                segment.table = std::filesystem::absolute(segment.table).lexically_normal().string();
            (void)readSelectionClips(selectionTablePath(segment, o->dir), o->dir, {}, o->labelColumn);
        }
        Archive archive = Archive::openOrCreate(o->archive, o->dir);
        if (std::filesystem::weakly_canonical(archive.root()) != std::filesystem::weakly_canonical(o->dir))
            throw UsageError(fileError("embed into", o->archive, "this archive belongs to the folder \"" +
                                       archive.root().string() + "\", not \"" + o->dir + "\""));
        const Model model = loadModelOption(o->model);
        EmbedFolderOptions opt;
        opt.timeScale = o->timeScale == "auto" ? EmbedFolderOptions::kStoredOrChosen : std::stoi(o->timeScale);
        opt.modelDir = o->model; // so that `adapt`, `neighbours --file` and the GUI find this model again
        opt.segment = segment;
        opt.selectionLabelColumn = o->labelColumn;
        opt.timeExpansion = o->timeExpansion;
        opt.batchSize = o->batch;
        opt.retryFailed = o->retryFailed;
        if (!o->shard.empty()) opt.shard = ShardSpec::parse(o->shard);
        TerminalProgress bar("embed");
        const Progress base = bar.progress();
        EmbedStatus last;
        const Progress progress{[&](double done, std::string_view) {
            char what[160];
            std::snprintf(what, sizeof what, "%d/%d files  %.1f clips/s  %.0fx real time", last.filesDone,
                          last.filesToDo, last.clipsPerSecond, last.realTimeFactor);
            base(done, what);
        }, base.cancelled};
        const EmbedReport r = embedFolder(archive, model, opt, progress, [&](const EmbedStatus& s) { last = s; });
        bar.finish();
        if (!opt.shard.isWhole()) std::printf("shard %s: ", opt.shard.toString().c_str());
        std::printf("%d files found: %d embedded now, %d unchanged, %d failed; %lld clips in %.1f s "
                    "(%.1f s of audio, %.0fx real time)\n",
                    r.filesFound, r.filesEmbedded, r.filesUnchanged, r.filesFailed, (long long)r.clipsEmbedded,
                    r.wallSeconds, r.audioSeconds, r.wallSeconds > 0 ? r.audioSeconds / r.wallSeconds : 0.0);
        std::printf("archive: %s (%lld clips, read at time scale %d: hop %.1f ms)\n", archive.file().string().c_str(),
                    (long long)archive.clipCount(), r.timeScale,
                    1000.0 * model.config().trainedHop() / r.timeScale / model.config().mel.sampleRate);
        if (!r.errors.empty()) {
            // A recording embedded before keeps its clips (and their labels) while it cannot be read.
            std::map<std::string, int> kept;
            for (const ClipRow& c : archive.clips()) ++kept[c.path];
            std::printf("files that could not be used:\n");
            for (const auto& [path, why] : r.errors) {
                std::printf("  %s: %s\n", path.c_str(), why.c_str());
                if (const auto it = kept.find(path); it != kept.end())
                    std::printf("    its %d earlier clip(s) and their labels stay in the archive until it can be read again\n",
                                it->second);
            }
        }
        if (!r.notes.empty()) {
            std::printf("embedded, but worth a look:\n");
            for (const auto& [path, what] : r.notes) std::printf("  %s: %s\n", path.c_str(), what.c_str());
        }
        if (!r.selectionProblems.empty()) {
            std::printf("%zu selection(s) of the tables gave no clip:\n", r.selectionProblems.size());
            for (const std::string& why : r.selectionProblems) std::printf("  %s\n", why.c_str());
        }
        if (!r.recut.empty()) {
            std::printf("%zu recording(s) cut again, their selections having changed (clips of unchanged selections keep their labels):\n",
                        r.recut.size());
            for (const std::string& path : r.recut) std::printf("  %s\n", path.c_str());
        }
        if (r.clipsLabelledFromSelections > 0)
            std::printf("%d clip(s) given their selection's label\n", r.clipsLabelledFromSelections);
        if (!r.withoutClips.empty()) {
            const bool table = opt.segment.mode == SegmentSpec::Mode::Table;
            std::printf("%zu recording(s) gave no clip with --segment %s (%s); they are in the archive but not on the map:\n",
                        r.withoutClips.size(), opt.segment.toString().c_str(),
                        table ? "the tables hold no selection of them" : "no call stood out, or too short");
            for (const std::string& path : r.withoutClips) std::printf("  %s\n", path.c_str());
        }
        if (r.timeExpansionAdvice) std::printf("note: %s [--time-expansion]\n", r.timeExpansionAdvice->c_str());
        if (r.cancelled) {
            std::printf("stopped before the end: run the same command again to continue\n");
            return 130;
        }
        return r.filesFailed > 0 || !r.errors.empty() ? 3 : 0; // unusable files are listed above; the rest of the archive is fine
    }};
}

} // namespace crowlingo::cli
