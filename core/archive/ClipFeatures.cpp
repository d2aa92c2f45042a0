#include "core/archive/ClipFeatures.h"

#include <algorithm>

namespace crowlingo {

Spectrogram clipLogMel(AudioReader& reader, const MelSpectrogram& mel, Seconds start, Seconds end)
{
    const double te = reader.options().timeExpansion;
    // One FFT frame, in recording seconds.
    const Seconds minSpan = double(mel.params().nFft) / mel.params().sampleRate / te;
    if (end - start < minSpan) {
        const Seconds mid = 0.5 * (start + end);
        start = std::max(0.0, mid - 0.5 * minSpan);
        end = std::min(reader.duration(), start + minSpan);
        start = std::max(0.0, end - minSpan);
    }
    const std::vector<float> samples = reader.read(start, end);
    return mel.compute(samples, start, 1.0 / te);
}

} // namespace crowlingo
