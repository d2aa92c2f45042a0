#include "core/render/SpectrogramSettings.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

int SpectrogramSettings::hop() const
{
    return std::max(1, int(std::lround(fftSize * (1.0 - overlap))));
}

StftParams SpectrogramSettings::stftParams(SampleRate analysisRate) const
{
    return {.sampleRate = analysisRate, .nFft = fftSize, .hop = hop(), .window = window};
}

ValueRange SpectrogramSettings::valueRange(float automaticTopDb) const
{
    const float top = topDb.value_or(automaticTopDb);
    return {top - dynamicRangeDb, top};
}

void SpectrogramSettings::validate() const
{
    const auto bad = [](const std::string& what) { throw UsageError("spectrogram settings: " + what); };
    if (fftSize < 16 || fftSize > 65536)
        bad("FFT size must be 16 .. 65536, got " + std::to_string(fftSize));
    if (!(overlap >= 0.0 && overlap <= 0.97))
        bad("overlap must be 0 .. 97 %, got " + std::to_string(overlap * 100.0) + " %");
    if (!(dynamicRangeDb >= 10.0f && dynamicRangeDb <= 200.0f))
        bad("dynamic range must be 10 .. 200 dB, got " + std::to_string(dynamicRangeDb));
    if (topDb && !std::isfinite(*topDb))
        bad("the top level must be a number of dB");
    if (!(minHz >= 0.0) || !(maxHz >= 0.0) || !std::isfinite(minHz) || !std::isfinite(maxHz))
        bad("frequencies must be >= 0 Hz");
    if (maxHz > 0.0 && maxHz <= minHz)
        bad("the highest frequency (" + std::to_string(maxHz) + " Hz) must be above the lowest ("
            + std::to_string(minHz) + " Hz)");
}

std::string_view windowShapeName(WindowShape w)
{
    switch (w) {
    case WindowShape::Hann: return "hann";
    case WindowShape::Hamming: return "hamming";
    case WindowShape::Blackman: return "blackman";
    }
    return "hann";
}

std::optional<WindowShape> windowShapeFromName(std::string_view name)
{
    for (WindowShape w : {WindowShape::Hann, WindowShape::Hamming, WindowShape::Blackman})
        if (windowShapeName(w) == name)
            return w;
    return std::nullopt;
}

} // namespace crowlingo
