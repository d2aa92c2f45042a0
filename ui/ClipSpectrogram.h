#pragma once
// The pictures of clips the workbench shows, computed on worker threads from core: a linear-
// frequency spectrogram of a clip with context (inspector, thumbnails), and any Spectrogram as a
// QImage through core's colormaps.
//
//   Spectrogram s = clipSpectrogram({.file = f, .start = 12.0, .end = 12.6, .context = 0.5});
//   QImage img = spectrogramToImage(s, autoValueRange(s), Colormap::Magma, QSize(96, 48));
//
// Threading: pure functions; each call opens its own AudioReader, so any thread may call them.
#include "core/dsp/Spectrogram.h"
#include "core/render/Colormap.h"
#include "core/render/SpectrogramSettings.h"
#include "core/render/SpectrogramImage.h"

#include <QImage>

#include <filesystem>

namespace crowlingo::ui {

struct ClipSpectrogramRequest {
    std::filesystem::path file;
    Seconds start = 0;          // the clip, in the recording's timeline
    Seconds end = 0;
    Seconds context = 0.5;      // shown before and after (clamped to the file)
    double timeExpansion = 1.0; // frequencies are reported in the recording's own scale
    int maxFrames = 4000;       // longer stretches get a larger hop
    // The shared settings: FFT size and overlap of long clips (short ones get finer steps, see
    // DisplayStft.h), window, and frequency range (rows outside it are left out).
    SpectrogramSettings settings;
};

// Power spectrogram in dB re full scale (a full-scale sine peaks at 0 dB, as in the recording
// view). binCentres are in Hz of the original recording (multiplied by the time-expansion factor).
Spectrogram clipSpectrogram(const ClipSpectrogramRequest& request);

// Core's renderer into a QImage (Format_RGB32) of `size`; a null size means one pixel per cell.
QImage spectrogramToImage(const Spectrogram& s, ValueRange range, Colormap map, QSize size = {});

// The colour range the settings give a picture: their top level, or the picture's 99.9th
// percentile, down by their dynamic range.
ValueRange displayRange(const Spectrogram& s, const SpectrogramSettings& settings);

} // namespace crowlingo::ui
