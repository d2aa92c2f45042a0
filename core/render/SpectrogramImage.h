#pragma once
// A Spectrogram as colormapped pixels: the one place values become colours, used by the PNG
// figures and by the GUI (which wraps the buffer in a QImage, Format_RGB32).
//
//   ValueRange r = autoValueRange(spec);                                  // 1st .. 99.9th percentile
//   std::vector<std::uint32_t> px = renderSpectrogramRgb32(spec, r, Colormap::Magma);
//   QImage img(reinterpret_cast<const uchar*>(px.data()), spec.frames, spec.bins, QImage::Format_RGB32);
//
// Threading: pure functions; safe from any thread.
#include "core/dsp/Spectrogram.h"
#include "core/render/Colormap.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace crowlingo {

struct ValueRange {
    float min = -100.0f; // maps to the colormap's first entry
    float max = 0.0f;    // ... and its last; values outside are clamped
};

// Percentiles (0..100) of the finite values; NaN and inf are ignored. A spectrogram without
// finite values gives {-100, 0}; a constant one gives {v - 1, v + 1}, so a range is never empty.
ValueRange autoValueRange(const Spectrogram& s, double lowPercentile = 1.0, double highPercentile = 99.9);

// One pixel per frame and bin: width = frames, height = bins, row 0 = highest bin (low frequency
// at the bottom), 0xffRRGGBB, row-major without padding. NaN values are kMaskedRgb.
std::vector<std::uint32_t> renderSpectrogramRgb32(const Spectrogram& s, ValueRange range, Colormap map);

// The same into a caller's width x height buffer (strideInPixels >= width, e.g. QImage::bits()).
// Where several frames or bins fall on one pixel the largest value is shown, so short or narrow
// calls survive downscaling; upscaling repeats pixels (no smoothing). A pixel whose values are
// all NaN is kMaskedRgb.
void renderSpectrogramRgb32(const Spectrogram& s, ValueRange range, Colormap map, std::uint32_t* out, int width,
                            int height, std::ptrdiff_t strideInPixels);

} // namespace crowlingo
