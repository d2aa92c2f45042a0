#pragma once
// Publication-style spectrogram figures as PNG (cairo): panels stacked vertically on one shared
// time axis, each with a title, time ticks in seconds, frequency ticks in Hz or kHz (placed at
// round frequencies, also on mel-spaced bins), and a colour bar with its value label.
//
//   FigurePanel original{.title = "site3/0412.flac 12.5-14.5 s", .image = mel.compute(samples, 12.5)};
//   FigurePanel masked{.title = "masked", .image = maskedSpec, .colormap = Colormap::Viridis};
//   writeSpectrogramFigure("clip.png", {original, masked}, {.width = 1000});
//
// Threading: no shared state; figures may be written from several threads at once.
#include "core/common/OutputRules.h"
#include "core/dsp/Spectrogram.h"
#include "core/render/Colormap.h"

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

namespace crowlingo {

struct FigurePanel {
    std::string title;
    Spectrogram image;      // values usually dB; NaN values are drawn in kMaskedRgb (masked patches)
    float vmin = std::numeric_limits<float>::quiet_NaN(); // colour range; NaN = from the data's
    float vmax = std::numeric_limits<float>::quiet_NaN(); // percentiles (FigureOptions)
    Colormap colormap = Colormap::Magma;
    std::string valueLabel = "dB"; // colour bar label
};

struct FigureOptions {
    int width = 1000;           // figure width in points (pixels at scale 1)
    int panelHeight = 280;      // height of each panel in points: title, image, axes
    double scale = 1.0;         // pixels per point: 2 or 3 for print
    double lowPercentile = 1.0; // automatic colour range (see autoValueRange)
    double highPercentile = 99.9;
    std::string fontFamily = "DejaVu Sans";
};

// Writes a PNG of round(width * scale) x round(panels.size() * panelHeight * scale) pixels.
// Every panel is drawn against the union of the panels' time spans, so their time axes line up.
// Throws UsageError for no panels or a size below 200 x 120 points, or a target the rules refuse
// (see OutputRules.h); Error if the file cannot be written, leaving any old file as it was.
void writeSpectrogramFigure(const std::filesystem::path& png, const std::vector<FigurePanel>& panels,
                            const FigureOptions& opts = {}, const OutputRules& rules = {});

} // namespace crowlingo
