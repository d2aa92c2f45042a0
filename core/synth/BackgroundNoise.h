#pragma once
// Field-recording background: pink noise (distant everything), wind rumble with gusts, and rain
// clicks, mixed and scaled to a target RMS level.
//
//   SynthRng rng(7);
//   BackgroundParams bp = randomBackgroundParams(rng);            // one plausible site/weather
//   std::vector<float> bg = synthesizeBackground(120 * 22050, 22050, bp, rng);
//
// Threading: both functions are reentrant; they draw only from the SynthRng given (one per thread).
// Determinism: the parameters are identical on every platform for the same rng state; the samples
// are bit-identical wherever the maths library agrees (std::sin/exp may differ in the last bit
// between libms; FMA contraction is off for this library, so -march flags do not matter).
#include "core/common/Types.h"
#include "core/synth/SynthRng.h"

#include <vector>

namespace crowlingo {

struct BackgroundParams {
    double rmsDbfs = -36.0;          // level of the whole mix, dB re full scale (field-like: -40 .. -30)
    // Relative RMS of each component before the mix is scaled to rmsDbfs.
    double pinkLevel = 1.0;
    double windLevel = 0.5;
    Hertz windCutoffHz = 200.0;      // rumble lives below this
    Seconds gustPeriod = 3.0;        // typical time between gust peaks
    double rainLevel = 0.0;          // 0: dry
    double rainClicksPerSecond = 0.0;
};

// Draws a site and weather: level -40 .. -32 dBFS, wind from calm to breezy, rain in about
// half the files (80 .. 500 drops per second).
BackgroundParams randomBackgroundParams(SynthRng& rng);

// `frames` samples at `rate`, high-passed at 20 Hz like a field recorder. Throws UsageError for
// frames < 0 or rate <= 0.
std::vector<float> synthesizeBackground(SampleCount frames, SampleRate rate, const BackgroundParams& params,
                                        SynthRng& rng);

} // namespace crowlingo
