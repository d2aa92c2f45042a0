// crowlingo-cli adapt ARCHIVE: train the archive's model on the archive's own clips (no labels),
// then re-embed every clip with it (the GUI's "Adapt Model to This Archive").
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelOption.h"
#include "app/cli/TrainingOptions.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/Archive.h"
#include "core/pipeline/ModelAdaptation.h"
#include "core/common/Error.h"
#include "core/model/DefaultModel.h"

#include <cstdio>

namespace crowlingo::cli {

namespace fs = std::filesystem;

Command addAdaptCommand(CLI::App& app)
{
    struct Options {
        std::string archive, model;
        AdaptOptions adapt;
        std::string out;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kAdaptText.name, kAdaptText.description);
    sub->add_option("archive", o->archive, "Archive (*.crowlingo)")->required()->check(CLI::ExistingFile);
    sub->add_option("--model", o->model, "Model to start from; default: the one that made the archive's vectors "
                                          "(if the archive knows its folder), else the bundled model");
    sub->add_option("--out", o->out, "Folder for the adapted model; default: a new folder in <archive>.models/");
    addTrainingOptions(sub, o->adapt.train);
    sub->footer("Exit status: 0 when the archive now uses the adapted model; 4 when it was trained but not used "
                "(no better on held-out clips); 130 when interrupted; 1 or 2 on errors.");
    sub->add_flag("--keep-if-worse", [o](std::int64_t) { o->adapt.requireImprovement = false; },
                  "Re-embed with the adapted model even if its held-out loss did not fall");
    return {sub, [o] {
        requireTrainingLength(o->adapt.train);
        fs::path startDir = o->model;
        if (startDir.empty()) {
            const Archive archive = Archive::open(o->archive);
            const std::string active = archive.activeModel();
            startDir = ArchiveSettings::rememberedModelDir(archive, active).value_or(defaultModelDir());
        }
        const Model start = loadModelOption(startDir.string());

        AdaptOptions options = o->adapt;
        options.train.outDir = o->out;
        TerminalProgress bar("adapt");
        const AdaptResult r = adaptModel(o->archive, start, options, {}, bar.progress());
        bar.finish();
        const TrainResult& t = r.training;
        if (t.steps > 0) {
            std::printf("training: %d steps, validation loss %.4f -> %.4f%s\n", t.steps, t.initialValidationLoss,
                        t.validationLoss, t.cancelled ? " (stopped)" : "");
            if (options.train.keepBest && !t.cancelled)
                std::printf("kept the model of step %d, the lowest validation loss%s\n", t.bestStep,
                            t.stoppedEarly ? "; stopped early: no lower loss in the last validations (--patience)" : "");
        }
        if (t.cancelled) {
            std::printf("stopped during training: the archive is unchanged (checkpoint in %s)\n", r.modelDir.string().c_str());
            return 130;
        }
        std::printf("adapted model: %s (id %.12s…)\n", r.modelDir.string().c_str(), t.model.id().c_str());
        if (r.rejected) {
            std::printf("not used: it reconstructs the held-out clips no better than the model it started from "
                        "(validation loss %.4f -> %.4f); the archive is unchanged. Train longer or with another "
                        "--lr, or pass --keep-if-worse to use it anyway\n",
                        t.initialValidationLoss, t.validationLoss);
            return 4;
        }
        std::printf("re-embedded: %lld clips in %d files, %.1f s\n", (long long)r.embedding.clipsEmbedded,
                    r.embedding.filesEmbedded, r.embedding.wallSeconds);
        for (const auto& [file, why] : r.embedding.errors) std::fprintf(stderr, "failed %s: %s\n", file.c_str(), why.c_str());
        if (r.activated) {
            std::printf("the archive now uses the adapted model; the previous vectors are kept\n"
                        "it has no map or clusters yet: run `crowlingo-cli project` and `crowlingo-cli cluster` "
                        "(the workbench redoes them itself)\n");
            return 0;
        }
        const Archive archive = Archive::open(o->archive);
        const ArchiveSettings settings = ArchiveSettings::read(archive);
        std::printf("the archive still uses its previous model: %s; to finish, run\n  crowlingo-cli embed '%s' -o '%s' "
                    "--segment '%s' --time-expansion %s --model '%s'\n",
                    r.cancelled ? "re-embedding was stopped" : "not every clip could be re-embedded (see above)",
                    archive.root().string().c_str(), o->archive.c_str(), settings.segmenter.c_str(),
                    ArchiveSettings::timeExpansionText(settings.timeExpansion).c_str(), r.modelDir.string().c_str());
        return r.cancelled ? 130 : 1;
    }};
}

} // namespace crowlingo::cli
