#pragma once
// What MelParams CrowLingo supports, and the check that refuses the rest before a plan, a window
// or a resampler is made for them (an n_fft of 10^9 would allocate gigabytes first). Header-only:
// core/model checks a model config's mel parameters with the same numbers without linking the
// dsp sources.
//
//   checkMelParams(MelParams{.nFft = 1 << 30}, "input.mel.");
//   // UsageError: input.mel.n_fft = 1073741824 is out of range 2..65536
//
// Threading: plain functions.
#include "core/common/RangeCheck.h"
#include "core/dsp/MelSpectrogram.h"

#include <string>
#include <string_view>

namespace crowlingo {

struct MelLimits {
    static constexpr SampleRate minSampleRate = 1, maxSampleRate = 1'000'000; // above every bat recorder
    static constexpr int minFft = 2, maxFft = 65536;  // 3 s at 22050 Hz: longer windows are not a spectrogram
    static constexpr int minHop = 1, maxHop = 65536;
    static constexpr int minMels = 1, maxMels = 1024;
    static constexpr Hertz maxHz = 500'000.0;          // Nyquist of maxSampleRate
};

// Throws UsageError naming the first field (prefixed, with the allowed range) that is out of range;
// also fMin >= fMax. Field names are those of a model's config.json.
inline void checkMelParams(const MelParams& p, std::string_view prefix = "mel ")
{
    const std::string at(prefix);
    requireInRange(at + "sample_rate", p.sampleRate, MelLimits::minSampleRate, MelLimits::maxSampleRate, "Hz");
    requireInRange(at + "n_fft", p.nFft, MelLimits::minFft, MelLimits::maxFft);
    requireInRange(at + "hop", p.hop, MelLimits::minHop, MelLimits::maxHop);
    requireInRange(at + "n_mels", p.nMels, MelLimits::minMels, MelLimits::maxMels);
    requireInRange(at + "f_min", p.fMin, 0.0, MelLimits::maxHz, "Hz");
    requireInRange(at + "f_max", p.fMax, 0.0, MelLimits::maxHz, "Hz");
    if (!(p.fMin < p.fMax))
        throw UsageError(at + "f_min (" + numberText(p.fMin) + " Hz) must be below " + at + "f_max (" + numberText(p.fMax) + " Hz)");
}

} // namespace crowlingo
