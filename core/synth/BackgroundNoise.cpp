#include "core/synth/BackgroundNoise.h"

#include "core/common/Error.h"
#include "core/synth/Biquad.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace crowlingo {

namespace {

void scaleToRms(std::vector<float>& x, double rms)
{
    double sum = 0.0;
    for (float v : x)
        sum += double(v) * v;
    const double current = x.empty() ? 0.0 : std::sqrt(sum / double(x.size()));
    if (current > 0.0)
        for (float& v : x)
            v = float(v * (rms / current));
}

// Paul Kellet's "refined" pink filter: -3 dB/octave within about 0.5 dB, seven one-poles.
std::vector<float> pinkNoise(std::size_t n, SynthRng& rng)
{
    std::vector<float> out(n);
    double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = rng.noise();
        b0 = 0.99886 * b0 + w * 0.0555179;
        b1 = 0.99332 * b1 + w * 0.0750759;
        b2 = 0.96900 * b2 + w * 0.1538520;
        b3 = 0.86650 * b3 + w * 0.3104856;
        b4 = 0.55000 * b4 + w * 0.5329522;
        b5 = -0.7616 * b5 - w * 0.0168980;
        out[i] = float(b0 + b1 + b2 + b3 + b4 + b5 + b6 + w * 0.5362);
        b6 = w * 0.115926;
    }
    return out;
}

// Low-passed noise whose loudness follows slow random gusts (cosine-interpolated knots).
std::vector<float> windRumble(std::size_t n, SampleRate rate, const BackgroundParams& p, SynthRng& rng)
{
    std::vector<float> out(n);
    Biquad lp1 = Biquad::lowpass(p.windCutoffHz, Biquad::kButterworth4Q1, rate), lp2 = Biquad::lowpass(p.windCutoffHz, Biquad::kButterworth4Q2, rate);
    const auto knotSpacing = std::max<std::size_t>(1, std::size_t(0.5 * p.gustPeriod * rate));
    double g0 = rng.uniform(0.2, 1.0), g1 = rng.uniform(0.2, 1.0);
    double g = g0;
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0 && i % knotSpacing == 0) {
            g0 = g1;
            g1 = rng.uniform(0.2, 1.0);
        }
        if (i % 32 == 0) { // gusts take seconds: a new gain every 32 samples is smooth enough
            const double u = double(i % knotSpacing) / double(knotSpacing);
            g = g0 + (g1 - g0) * (0.5 - 0.5 * std::cos(std::numbers::pi * u));
        }
        out[i] = float(lp2.process(lp1.process(rng.noise())) * g * g); // squared: peaky gusts
    }
    return out;
}

// Drops on leaves: short, bright, decaying noise bursts at random times and sizes.
std::vector<float> rainClicks(std::size_t n, SampleRate rate, const BackgroundParams& p, SynthRng& rng)
{
    std::vector<float> out(n, 0.0f);
    if (p.rainClicksPerSecond <= 0.0)
        return out;
    const double meanGap = rate / p.rainClicksPerSecond;
    double t = rng.uniform(0.0, 2.0 * meanGap);
    while (t < double(n)) {
        const auto start = std::size_t(t);
        // Drop sizes vary over 16 dB: enough to sound like rain, not so much that a few big
        // drops make the background level jump between neighbouring half-seconds.
        const double a = std::pow(rng.uniform(0.4, 1.0), 2.0);
        const double tau = rng.uniform(0.0003, 0.0012) * rate;
        const auto len = std::size_t(5.0 * tau) + 1;
        const double decay = std::exp(-1.0 / tau);
        double env = a;
        for (std::size_t k = 0; k < len && start + k < n; ++k, env *= decay)
            out[start + k] += float(env * rng.noise());
        t += rng.uniform(0.0, 2.0 * meanGap); // uniform gaps: no log(), so portable
    }
    Biquad hp1 = Biquad::highpass(800.0, Biquad::kButterworth4Q1, rate), hp2 = Biquad::highpass(800.0, Biquad::kButterworth4Q2, rate);
    for (float& v : out)
        v = float(hp2.process(hp1.process(v)));
    return out;
}

} // namespace

BackgroundParams randomBackgroundParams(SynthRng& rng)
{
    BackgroundParams p;
    p.rmsDbfs = rng.uniform(-40.0, -32.0);
    p.pinkLevel = 1.0;
    p.windLevel = rng.uniform(0.0, 1.5);
    p.windCutoffHz = rng.uniform(120.0, 300.0);
    p.gustPeriod = rng.uniform(1.5, 6.0);
    const bool rain = rng.chance(0.5);
    p.rainLevel = rain ? rng.uniform(0.15, 0.6) : 0.0;
    p.rainClicksPerSecond = rain ? rng.uniform(80.0, 500.0) : 0.0;
    return p;
}

std::vector<float> synthesizeBackground(SampleCount frames, SampleRate rate, const BackgroundParams& p, SynthRng& rng)
{
    if (frames < 0 || rate <= 0)
        throw UsageError("cannot synthesize background: " + std::to_string(frames) + " frames at "
                         + std::to_string(rate) + " Hz");
    const auto n = std::size_t(frames);
    std::vector<float> mix = pinkNoise(n, rng);
    scaleToRms(mix, p.pinkLevel);
    if (p.windLevel > 0.0) {
        std::vector<float> wind = windRumble(n, rate, p, rng);
        scaleToRms(wind, p.windLevel);
        for (std::size_t i = 0; i < n; ++i)
            mix[i] += wind[i];
    }
    if (p.rainLevel > 0.0 && p.rainClicksPerSecond > 0.0) {
        std::vector<float> rain = rainClicks(n, rate, p, rng);
        scaleToRms(rain, p.rainLevel);
        for (std::size_t i = 0; i < n; ++i)
            mix[i] += rain[i];
    }
    Biquad hp1 = Biquad::highpass(20.0, Biquad::kButterworth4Q1, rate), hp2 = Biquad::highpass(20.0, Biquad::kButterworth4Q2, rate);
    for (float& v : mix)
        v = float(hp2.process(hp1.process(v)));
    scaleToRms(mix, std::pow(10.0, p.rmsDbfs / 20.0));
    return mix;
}

} // namespace crowlingo
