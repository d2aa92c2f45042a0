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
    std::vector<float> samples = reader.read(start, end);
    // A recording shorter than one FFT frame (a 20 ms syllable cut out by another tool) is centred
    // in silence, so it still yields one frame rather than being refused.
    const std::size_t nFft = std::size_t(mel.params().nFft);
    if (!samples.empty() && samples.size() < nFft) {
        const std::size_t before = (nFft - samples.size()) / 2;
        samples.insert(samples.begin(), before, 0.0f);
        samples.resize(nFft, 0.0f);
        start -= double(before) / mel.params().sampleRate / te;
    }
    return mel.compute(samples, start, 1.0 / te);
}

} // namespace crowlingo
