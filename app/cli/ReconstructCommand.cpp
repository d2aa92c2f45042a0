// crowlingo-cli reconstruct FILE [--start --end] [--mask-ratio 0.75] [--seed S] --png OUT [--force]:
// what the model "hears": original, masked input, reconstruction and per-patch error.
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelOption.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/ClipFeatures.h"
#include "core/common/OutputRules.h"
#include "core/model/Reconstruction.h"
#include "core/render/SpectrogramFigure.h"
#include "core/render/SpectrogramImage.h"

#include <cstdio>

namespace crowlingo::cli {

Command addReconstructCommand(CLI::App& app)
{
    struct Options { std::string file, png, model; double start = 0, end = -1, maskRatio = 0.75, timeExpansion = 1.0; int timeScale = 1; std::uint64_t seed = 1;
                     bool force = false; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kReconstructText.name, kReconstructText.description);
    sub->add_option("file", o->file, "Audio file")->required()->check(CLI::ExistingFile);
    sub->add_option("--start", o->start, "Window start (s)")->capture_default_str()->check(finiteAtLeast(0));
    sub->add_option("--end", o->end, "Window end (s); default: one model window after --start")->check(finiteAtLeast(0));
    sub->add_option("--mask-ratio", o->maskRatio, "Fraction of patches hidden")->capture_default_str()->check(finiteBetween(0.3, 0.8));
    sub->add_option("--seed", o->seed, "Seed of the random mask")->capture_default_str();
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor (above 1 for ultrasound, below 1 for infrasound)")->capture_default_str()
        ->check(finiteBetween(kMinTimeExpansion, kMaxTimeExpansion));
    sub->add_option("--time-scale", o->timeScale, "Read the window this many times finer in time than the model was "
                                                  "trained (as `embed` chose for an archive)")
        ->capture_default_str()->check(CLI::IsMember({1, 2, 4}));
    sub->add_option("--png", o->png, "PNG file to write")->required();
    sub->add_flag("--force", o->force, "Replace the PNG file if it exists (never the input or the model)");
    addModelOption(sub, o->model);
    return {sub, [o] {
        OutputRules output{.protect = {o->file}, .replace = o->force};
        if (!o->model.empty())
            for (const char* f : {"config.json", "model.safetensors"}) output.protect.push_back(std::filesystem::path(o->model) / f);
        checkOutputPaths({o->png}, output); // before loading the model, not after
        const Model model = loadModelOption(o->model).withTimeScale(o->timeScale);
        const ModelConfig& cfg = model.config();
        const MelSpectrogram mel(cfg.mel);
        AudioReader reader(o->file, {.targetRate = cfg.mel.sampleRate, .timeExpansion = o->timeExpansion});
        checkTimeSpan(o->start, o->end, reader.duration(), o->file);
        // One model window: frames * hop + the FFT's tail, in recording seconds.
        const double window = (double(cfg.frames - 1) * cfg.mel.hop + cfg.mel.nFft) / cfg.mel.sampleRate / o->timeExpansion;
        const double end = std::min(reader.duration(), o->end < 0 ? o->start + window : std::min(o->end, o->start + window));
        Spectrogram input = clipLogMel(reader, mel, o->start, end);
        if (input.frames > cfg.frames) {
            input.frames = cfg.frames;
            input.values.resize(std::size_t(cfg.frames) * std::size_t(input.bins));
        }
        const Reconstruction r = reconstruct(model, input, o->maskRatio, o->seed);
        char t[512];
        std::snprintf(t, sizeof t, "Original: %s %.2f–%.2f s", o->file.c_str(), o->start, end);
        const float lo = autoValueRange(r.original).min, hi = autoValueRange(r.original).max;
        std::vector<FigurePanel> panels = {
            {.title = t, .image = r.original, .vmin = lo, .vmax = hi},
            {.title = "Masked input (" + std::to_string(int(o->maskRatio * 100 + 0.5)) + " % of patches hidden)",
             .image = r.maskedInput, .vmin = lo, .vmax = hi},
            {.title = "Reconstruction (hidden patches predicted by the model)", .image = r.reconstruction, .vmin = lo, .vmax = hi},
            {.title = "Per-patch squared error", .image = r.patchError, .colormap = Colormap::Viridis, .valueLabel = "dB²"},
        };
        writeSpectrogramFigure(o->png, panels, {}, output);
        std::printf("masked-patch MSE %.2f dB² (trivial predictor: %.2f dB², each mel band's mean over the visible patches)\n",
                    r.maskedMse, r.trivialMse);
        std::printf("wrote %s\n", o->png.c_str());
        return 0;
    }};
}

} // namespace crowlingo::cli
