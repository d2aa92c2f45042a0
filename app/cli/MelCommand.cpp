// crowlingo-cli mel FILE [--start --end] --png OUT [--force]: a log-mel spectrogram figure.
#include "app/cli/Commands.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/ClipFeatures.h"
#include "core/common/OutputRules.h"
#include "core/common/SystemMemory.h"
#include "core/dsp/MelParamLimits.h"
#include "core/render/SpectrogramFigure.h"

#include <cstdio>

namespace crowlingo::cli {

Command addMelCommand(CLI::App& app)
{
    struct Options { std::string file, png; double start = 0, end = -1, timeExpansion = 1.0; MelParams mel; bool force = false; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("mel", "Draw the log-mel spectrogram of a file (or a stretch of it) to PNG");
    sub->add_option("file", o->file, "Audio file")->required()->check(CLI::ExistingFile);
    sub->add_option("--start", o->start, "Start (s)")->capture_default_str()->check(finiteAtLeast(0));
    sub->add_option("--end", o->end, "End (s); default: end of file")->check(finiteAtLeast(0));
    sub->add_option("--png", o->png, "PNG file to write")->required();
    sub->add_flag("--force", o->force, "Replace the PNG file if it exists (never the input)");
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor (above 1 for ultrasound, below 1 for infrasound)")->capture_default_str()
        ->check(finiteBetween(kMinTimeExpansion, kMaxTimeExpansion));
    sub->add_option("--rate", o->mel.sampleRate, "Analysis sample rate (Hz)")->capture_default_str()
        ->check(wholeBetween(1000, MelLimits::maxSampleRate));
    sub->add_option("--n-fft", o->mel.nFft, "FFT size")->capture_default_str()->check(wholeBetween(MelLimits::minFft, MelLimits::maxFft));
    sub->add_option("--hop", o->mel.hop, "Hop (samples)")->capture_default_str()->check(wholeBetween(MelLimits::minHop, MelLimits::maxHop));
    sub->add_option("--n-mels", o->mel.nMels, "Mel bands")->capture_default_str()->check(wholeBetween(MelLimits::minMels, MelLimits::maxMels));
    sub->add_option("--f-min", o->mel.fMin, "Lowest frequency (Hz)")->capture_default_str()->check(finiteBetween(0, MelLimits::maxHz));
    sub->add_option("--f-max", o->mel.fMax, "Highest frequency (Hz)")->capture_default_str()->check(finiteBetween(0, MelLimits::maxHz));
    return {sub, [o] {
        const OutputRules output{.protect = {o->file}, .replace = o->force};
        checkOutputPaths({o->png}, output); // before the work, not after it
        const MelSpectrogram mel(o->mel); // checks the parameters before the reader resamples to --rate
        AudioReader reader(o->file, {.targetRate = o->mel.sampleRate, .timeExpansion = o->timeExpansion});
        checkTimeSpan(o->start, o->end, reader.duration(), o->file);
        const double end = o->end < 0 ? reader.duration() : std::min(o->end, reader.duration());
        // Refused before computing: a tiny --hop over hours of audio would need gigabytes.
        const double cellBytes = (end - o->start) * o->timeExpansion * o->mel.sampleRate / o->mel.hop * o->mel.nMels * sizeof(float);
        if (cellBytes > 1e9)
            throw UsageError("the spectrogram of " + numberText(end - o->start) + " s with --hop " + std::to_string(o->mel.hop)
                             + " would take " + memoryText(std::int64_t(cellBytes)) + " (more than 1.0 GB): draw a shorter "
                             "stretch with --start/--end or use a larger --hop");
        char title[512];
        char expansion[64] = "";
        if (o->timeExpansion != 1.0)
            std::snprintf(expansion, sizeof expansion, ", analysed at time expansion %g", o->timeExpansion);
        std::snprintf(title, sizeof title, "%s  %.2f–%.2f s  (log-mel, %d bands%s)", o->file.c_str(), o->start, end,
                      o->mel.nMels, expansion);
        Spectrogram image = clipLogMel(reader, mel, o->start, end);
        // Times are the recording's own; so are the frequencies drawn (a bat's 40 kHz, not the 4 kHz
        // the model hears at time expansion 10), as in the workbench.
        for (Hertz& f : image.binCentres) f *= o->timeExpansion;
        writeSpectrogramFigure(o->png, {FigurePanel{.title = title, .image = std::move(image)}}, {}, output);
        std::printf("wrote %s\n", o->png.c_str());
        return 0;
    }};
}

} // namespace crowlingo::cli
