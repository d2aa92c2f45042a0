#pragma once
// How every spectrogram in the workbench is drawn: the recording view, the clip inspector and
// the neighbour thumbnails share one set, as Raven's and Sonic Visualiser's views do.
//
//   SpectrogramSettings s;  s.fftSize = 1024;  s.overlap = 0.875;  s.validate();
//   StftParams p = s.stftParams(22050);                     // {rate, 1024, hop 128, Hann}
//   ValueRange r = s.valueRange(autoTop);                   // [top - dynamicRange, top]
//
// Threading: a value type.
#include "core/common/Types.h"
#include "core/dsp/PowerSpectrogram.h"
#include "core/render/Colormap.h"
#include "core/render/SpectrogramImage.h"

#include <optional>
#include <string>
#include <string_view>

namespace crowlingo {

struct SpectrogramSettings {
    int fftSize = 512;                   // samples of the analysis rate; the window's length too
    double overlap = 0.75;               // fraction of a window shared with the next, 0 .. 0.97
    WindowShape window = WindowShape::Hann;
    float dynamicRangeDb = 50.0f;        // shown below the top, 10 .. 200
    std::optional<float> topDb;          // the brightest level; none: automatic per picture
    Colormap colormap = Colormap::Magma;
    Hertz minHz = 0.0;                   // shown frequency range, of the recording (time
    Hertz maxHz = 0.0;                   // expansion undone); maxHz 0: up to Nyquist

    int hop() const;                     // fftSize * (1 - overlap), at least 1
    StftParams stftParams(SampleRate analysisRate) const;
    ValueRange valueRange(float automaticTopDb) const; // [top - range, top]

    // Throws UsageError naming the setting and its allowed range.
    void validate() const;
    bool operator==(const SpectrogramSettings&) const = default;
};

std::string_view windowShapeName(WindowShape w); // "hann", "hamming", "blackman"
std::optional<WindowShape> windowShapeFromName(std::string_view name);

} // namespace crowlingo
