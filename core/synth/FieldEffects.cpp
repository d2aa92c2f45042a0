#include "core/synth/FieldEffects.h"

#include "core/synth/Biquad.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace crowlingo {

namespace {

constexpr std::int64_t kTicksPerSecond = 10000;

// Linear-interpolation resampling by `speed` (> 1: shorter and higher), low-passed first when
// speeding up so nothing folds back below Nyquist.
std::vector<float> changeSpeed(const std::vector<float>& x, double speed, std::size_t outLen, SampleRate rate)
{
    std::vector<float> src = x;
    if (speed > 1.0) {
        const Hertz cutoff = 0.45 * rate / speed;
        Biquad a = Biquad::lowpass(cutoff, Biquad::kButterworth4Q1, rate), b = Biquad::lowpass(cutoff, Biquad::kButterworth4Q2, rate);
        for (float& v : src)
            v = float(b.process(a.process(v)));
    }
    std::vector<float> y(outLen, 0.0f);
    for (std::size_t i = 0; i < outLen; ++i) {
        const double pos = double(i) * speed;
        const auto k = std::size_t(pos);
        if (k + 1 >= src.size()) {
            if (k < src.size())
                y[i] = src[k];
            continue;
        }
        const double f = pos - double(k);
        y[i] = float((1.0 - f) * src[k] + f * src[k + 1]);
    }
    return y;
}

// A Schroeder reverberator (four parallel feedback combs, two all-passes in series): a dense,
// exponentially decaying tail in O(n) per sample, where convolving with a measured room response
// would cost O(n * rt60 * rate). Returns only the wet signal.
std::vector<float> reverbTail(const std::vector<float>& x, std::size_t outLen, Seconds rt60, SampleRate rate)
{
    constexpr std::array<double, 4> kCombMs = {29.7, 37.1, 41.1, 43.7};
    constexpr std::array<double, 2> kAllPassMs = {5.0, 1.7};
    std::vector<double> sum(outLen, 0.0);
    for (double ms : kCombMs) {
        const auto d = std::max<std::size_t>(1, std::size_t(ms * 1e-3 * rate));
        const double g = std::pow(10.0, -3.0 * (ms * 1e-3) / rt60); // -60 dB after rt60
        std::vector<double> buf(outLen, 0.0);
        for (std::size_t i = 0; i < outLen; ++i) {
            const double in = i < x.size() ? x[i] : 0.0;
            buf[i] = in + (i >= d ? g * buf[i - d] : 0.0);
            sum[i] += buf[i] * 0.25;
        }
    }
    for (double ms : kAllPassMs) {
        const auto d = std::max<std::size_t>(1, std::size_t(ms * 1e-3 * rate));
        constexpr double g = 0.7;
        std::vector<double> out(outLen, 0.0);
        for (std::size_t i = 0; i < outLen; ++i) {
            const double delayedIn = i >= d ? sum[i - d] : 0.0, delayedOut = i >= d ? out[i - d] : 0.0;
            out[i] = -g * sum[i] + delayedIn + g * delayedOut;
        }
        sum.swap(out);
    }
    return {sum.begin(), sum.end()};
}

} // namespace

void applyFieldEffects(SynthCall& call, SampleRate rate, SynthRng& rng, const FieldEffectRanges& r)
{
    if (call.samples.empty())
        return;
    const double speed = r.minSpeed * std::pow(r.maxSpeed / r.minSpeed, rng.uniform());
    const bool reverb = rng.chance(r.reverbProbability);
    const Seconds rt60 = r.minRt60 * std::pow(r.maxRt60 / r.minRt60, rng.uniform());
    const double wet = rng.uniform(r.minWet, r.maxWet);

    // New length on the tick grid: the sped-up call, plus a tail that decays to about -40 dB.
    const double seconds = call.duration / speed + (reverb ? 0.66 * rt60 : 0.0);
    const std::int64_t ticks = std::max<std::int64_t>(1, std::llround(seconds * double(kTicksPerSecond)));
    const auto outLen = std::size_t((ticks * rate + kTicksPerSecond / 2) / kTicksPerSecond);

    std::vector<float> y = changeSpeed(call.samples, speed, outLen, rate);
    if (reverb) {
        const std::vector<float> tail = reverbTail(y, outLen, rt60, rate);
        double dryRms = 0.0, tailRms = 0.0;
        for (std::size_t i = 0; i < outLen; ++i) {
            dryRms += double(y[i]) * y[i];
            tailRms += double(tail[i]) * tail[i];
        }
        const double g = tailRms > 0.0 ? wet * std::sqrt(dryRms / tailRms) : 0.0;
        for (std::size_t i = 0; i < outLen; ++i)
            y[i] = float(y[i] + g * tail[i]);
    }
    // A short release so the tail ends at silence, then back to peak 0.5.
    const std::size_t release = std::min<std::size_t>(outLen / 4, std::size_t(0.005 * rate));
    for (std::size_t k = 0; k < release; ++k)
        y[outLen - 1 - k] = float(y[outLen - 1 - k] * double(k) / double(release));
    float peak = 0.0f;
    for (float v : y)
        peak = std::max(peak, std::abs(v));
    if (peak > 0.0f)
        for (float& v : y)
            v = float(v * (0.5 / peak));

    call.samples = std::move(y);
    call.duration = double(ticks) / double(kTicksPerSecond);
    const Hertz nyquist = 0.5 * rate;
    call.lowHz = std::floor(call.lowHz * speed * 10.0) / 10.0;
    call.highHz = std::min(nyquist, std::ceil(call.highHz * speed * 10.0) / 10.0);
}

} // namespace crowlingo
