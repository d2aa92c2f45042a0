// crowlingo-cli train DIR|ARCHIVE --out MODELDIR: self-supervised training (or adaptation) of the model.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/OptionChecks.h"
#include "app/cli/TrainingOptions.h"
#include "core/archive/Archive.h"
#include "core/archive/TrainingClips.h"
#include "core/common/Error.h"
#include "core/model/DefaultModel.h"
#include "core/model/Trainer.h"

#include <algorithm>
#include <cstdio>
#include <iterator>

namespace crowlingo::cli {

namespace fs = std::filesystem;

namespace {
// "1,2,4" -> {1, 2, 4}; empty for anything else (a scale outside 1, 2, 4, a repeat, junk).
std::vector<int> parseTimeScales(const std::string& text)
{
    std::vector<int> scales;
    std::size_t at = 0;
    while (at <= text.size()) {
        const std::size_t comma = std::min(text.find(',', at), text.size());
        const std::string item = text.substr(at, comma - at);
        if (item != "1" && item != "2" && item != "4") return {};
        const int s = item[0] - '0';
        if (std::find(scales.begin(), scales.end(), s) != scales.end()) return {};
        scales.push_back(s);
        at = comma + 1;
    }
    return scales;
}
} // namespace

Command addTrainCommand(CLI::App& app)
{
    struct Options {
        std::string input, out, init = "default", segment = "events", timeScales = "1";
        double timeExpansion = 1.0;
        TrainOptions train;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kTrainText.name, kTrainText.description);
    sub->add_option("input", o->input, "Folder of recordings, or an archive (*.crowlingo)")->required()->check(CLI::ExistingPath);
    sub->add_option("--out", o->out, "Model folder to write (config.json, model.safetensors, loss.csv, checkpoint)")->required();
    sub->add_option("--init", o->init, "default (adapt the bundled model) | scratch | PATH of a model folder")->capture_default_str();
    addTrainingOptions(sub, o->train);
    sub->add_option("--segment", o->segment, "How to cut a folder's recordings into clips")->capture_default_str();
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor of a folder's recordings")->capture_default_str()
        ->check(finiteBetween(kMinTimeExpansion, kMaxTimeExpansion));
    sub->add_option("--time-scales", o->timeScales,
                    "Train on the clips read at each of these time scales (comma-separated, from 1, 2, 4: hops 1, 1/2 "
                    "and 1/4 of the model's), so that one model serves archives read at any of them")
        ->capture_default_str()->check([](const std::string& v) { return parseTimeScales(v).empty() ? "expected a list of 1, 2 and 4" : ""; });
    sub->add_flag("--resume", o->train.resume, "Continue an interrupted run from the checkpoint in --out");
    sub->add_option("--checkpoint-minutes", o->train.checkpointMinutes, "Write a checkpoint this often (also at the end and on "
                    "Ctrl-C); a killed run resumes from the last one")->capture_default_str()->check(finiteBetween(0.001, 1e6));
    return {sub, [o] {
        requireTrainingLength(o->train);
        Model init = [&] {
            if (o->init == "scratch") {
                ModelConfig c;
                c.readout = Readout::forNewModels();
                return Model::createRandom(c, o->train.seed);
            }
            return Model::load(o->init == "default" ? defaultModelDir() : fs::path(o->init));
        }();
        std::fprintf(stderr, "initial model: %s, %lld parameters\n", o->init.c_str(), (long long)init.parameterCount());

        TerminalProgress loading("reading clips");
        const bool isArchive = fs::is_regular_file(o->input);
        const std::vector<int> scales = parseTimeScales(o->timeScales);
        ClipSet set;
        for (std::size_t i = 0; i < scales.size(); ++i) {
            const MelParams mel = init.config().withTimeScale(scales[i]).mel;
            const Progress part = loading.progress().part(double(i) / double(scales.size()), double(i + 1) / double(scales.size()));
            ClipSet atScale = isArchive ? archiveClipLogMels(Archive::open(o->input), mel, part)
                                        : folderClipLogMels(o->input, mel, SegmentSpec::parse(o->segment), o->timeExpansion, part);
            std::move(atScale.clips.begin(), atScale.clips.end(), std::back_inserter(set.clips));
            if (i == 0) set.errors = std::move(atScale.errors); // the same files fail at every scale
        }
        loading.finish();
        for (const auto& [file, why] : set.errors) std::fprintf(stderr, "skipped %s: %s\n", file.c_str(), why.c_str());
        std::fprintf(stderr, "%zu clips\n", set.clips.size());

        TrainOptions t = o->train;
        t.outDir = o->out;
        t.computeNormalisation = o->init == "scratch";
        Trainer trainer(init, t);
        TerminalProgress bar("train");
        const TrainResult r = trainer.run(set.clips, {}, bar.progress()); // the trainer's line: step, losses, speed
        bar.finish();
        std::printf("%s after %d steps: loss %.4f, validation loss %.4f (initially %.4f)\n",
                    r.cancelled ? "stopped" : "done", r.steps, r.loss, r.validationLoss, r.initialValidationLoss);
        if (!r.modelDir.empty()) std::printf("model: %s (id %s)\n", r.modelDir.string().c_str(), r.model.id().c_str());
        if (r.cancelled) std::printf("resume with the same command and --resume\n");
        return r.cancelled ? 130 : 0;
    }};
}

} // namespace crowlingo::cli
