#include "core/synth/VocalisationSynth.h"

#include "core/common/Error.h"
#include "core/synth/Biquad.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace crowlingo {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr std::int64_t kTicksPerSecond = 10000; // durations on the 0.1 ms grid of the ground truth

// Log-uniform in [lo, hi]: pitch, duration and rate ranges span decades.
double logUniform(SynthRng& rng, double lo, double hi) { return lo * std::pow(hi / lo, rng.uniform()); }

// Raised-cosine attack and release over fractions of the element.
double envelope(double x, double attack, double release)
{
    double g = 1.0;
    if (x < attack)
        g *= 0.5 - 0.5 * std::cos(std::numbers::pi * x / attack);
    if (1.0 - x < release)
        g *= 0.5 - 0.5 * std::cos(std::numbers::pi * (1.0 - x) / release);
    return g;
}

struct Band {
    Hertz low = 1e30, high = 0;
    void add(Hertz a, Hertz b) { low = std::min(low, a); high = std::max(high, b); }
};

// A tonal element: a pitch contour from `start` to `end` Hz (curved in log frequency), optional
// vibrato and tremolo, 1-8 harmonics with a random spectral tilt.
void addTonal(std::vector<double>& out, std::size_t at, std::size_t n, Hertz f0, Hertz ceiling, SampleRate rate,
              SynthRng& rng, Band& band)
{
    const Hertz start = f0 * std::pow(2.0, rng.uniform(-0.5, 0.5));
    const Hertz end = std::clamp(start * std::pow(2.0, rng.uniform(-1.5, 1.5)), 150.0, ceiling);
    const double curve = std::pow(2.0, rng.uniform(-1.5, 1.5));
    const bool vibrato = rng.chance(0.4);
    const double vibRate = rng.uniform(5.0, 80.0), vibDepth = vibrato ? rng.uniform(0.01, 0.08) : 0.0;
    const bool tremolo = rng.chance(0.3);
    const double tremRate = rng.uniform(10.0, 150.0), tremDepth = tremolo ? rng.uniform(0.3, 1.0) : 0.0;
    const double attack = rng.uniform(0.05, 0.5), release = rng.uniform(0.1, 0.6);
    const int harmonics = rng.uniformInt(1, 8);
    const double tilt = rng.uniform(0.0, 2.5);
    double harmonicGain[8];
    for (double& g : harmonicGain)
        g = rng.uniform(0.3, 1.0);

    const Hertz fMin = std::min(start, end) * (1.0 - vibDepth), fMax = std::max(start, end) * (1.0 + vibDepth);
    int strongest = 1;
    std::vector<double> phase(std::size_t(harmonics), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double x = double(i) / double(n);
        const double t = double(i) / rate;
        Hertz f = start * std::pow(end / start, std::pow(x, curve));
        f *= 1.0 + vibDepth * std::sin(kTwoPi * vibRate * t);
        const double amp = envelope(x, attack, release) * (1.0 - tremDepth * 0.5 * (1.0 + std::sin(kTwoPi * tremRate * t)));
        double v = 0.0;
        for (int h = 1; h <= harmonics; ++h) {
            const Hertz fh = f * h;
            if (fh >= ceiling)
                break;
            phase[std::size_t(h - 1)] += kTwoPi * fh / rate;
            v += harmonicGain[h - 1] * std::pow(double(h), -tilt) * std::sin(phase[std::size_t(h - 1)]);
            strongest = std::max(strongest, h);
        }
        out[at + i] += amp * v;
    }
    const Hertz spread = 2.0 * rate / double(n); // a short element spreads about 1/T either side
    band.add(std::max(20.0, fMin - spread), std::min(0.5 * rate, fMax * strongest + spread));
}

// Band-limited noise: two band-pass sections around a random centre.
void addNoise(std::vector<double>& out, std::size_t at, std::size_t n, Hertz ceiling, SampleRate rate, SynthRng& rng,
              Band& band)
{
    const Hertz centre = logUniform(rng, 400.0, std::min(9000.0, 0.8 * ceiling));
    const double q = rng.uniform(0.7, 8.0);
    Biquad a = Biquad::bandpass(centre, q, rate), b = Biquad::bandpass(centre, q, rate);
    const double attack = rng.uniform(0.05, 0.5), release = rng.uniform(0.1, 0.6);
    for (std::size_t i = 0; i < n; ++i)
        out[at + i] += 2.0 * envelope(double(i) / double(n), attack, release) * b.process(a.process(rng.noise()));
    const double half = centre / (2.0 * q);
    const Hertz spread = 2.0 * rate / double(n) + 3.0 * half; // two-pole skirts fall slowly
    band.add(std::max(20.0, centre - spread), std::min(0.5 * rate, centre + spread));
}

// A train of short tone bursts (clicks, pulsed calls, stridulation).
void addPulses(std::vector<double>& out, std::size_t at, std::size_t n, Hertz ceiling, SampleRate rate, SynthRng& rng,
               Band& band)
{
    const double pulsesPerSecond = logUniform(rng, 15.0, 300.0);
    const Hertz carrier = logUniform(rng, 500.0, std::min(9000.0, 0.8 * ceiling));
    const Seconds pulse = std::min(rng.uniform(0.001, 0.006), 0.7 / pulsesPerSecond);
    const auto pulseLen = std::max<std::size_t>(8, std::size_t(pulse * rate));
    const double period = rate / pulsesPerSecond;
    for (double p = 0.0; std::size_t(p) + pulseLen <= n; p += period * rng.uniform(0.9, 1.1)) {
        const double level = rng.uniform(0.6, 1.0);
        for (std::size_t k = 0; k < pulseLen; ++k) {
            const double w = std::sin(std::numbers::pi * double(k) / double(pulseLen));
            out[at + std::size_t(p) + k] += level * w * w * std::sin(kTwoPi * carrier * double(k) / rate);
        }
    }
    const Hertz spread = 2.0 / pulse; // a burst of length T spreads about 1/T either side
    band.add(std::max(20.0, carrier - spread), std::min(0.5 * rate, carrier + spread));
}

} // namespace

SynthCall synthesizeVocalisation(SampleRate rate, SynthRng& rng)
{
    if (rate < 16000)
        throw UsageError("cannot synthesize a vocalisation at " + std::to_string(rate) + " Hz: need at least 16000 Hz");
    const Hertz ceiling = std::min(0.45 * rate, 10500.0);
    const int elements = rng.chance(0.45) ? 1 : rng.uniformInt(2, 6);
    const Hertz f0 = logUniform(rng, 250.0, 5000.0);
    const bool sameKind = rng.chance(0.6); // many songs repeat one kind of element
    const double kindDraw = rng.uniform();

    // Element lengths and gaps on the tick grid, so the call's duration is exact.
    std::vector<std::int64_t> lengths, gaps;
    std::int64_t total = 0;
    for (int e = 0; e < elements; ++e) {
        const std::int64_t len = std::llround(logUniform(rng, 0.005, 0.4) * double(kTicksPerSecond));
        const std::int64_t gap = e + 1 < elements ? std::llround(rng.uniform(0.008, 0.15) * double(kTicksPerSecond)) : 0;
        if (e > 0 && total + len > 2 * kTicksPerSecond)
            break; // at most about 2 s
        lengths.push_back(len);
        gaps.push_back(gap);
        total += len + gap;
    }
    total -= gaps.back();
    gaps.back() = 0;
    const auto toSamples = [rate](std::int64_t ticks) {
        return std::size_t((ticks * rate + kTicksPerSecond / 2) / kTicksPerSecond);
    };

    std::vector<double> mix(toSamples(total), 0.0);
    Band band;
    std::int64_t cursor = 0;
    for (std::size_t e = 0; e < lengths.size(); ++e) {
        const std::size_t at = toSamples(cursor), n = std::min(toSamples(cursor + lengths[e]), mix.size()) - at;
        const double kind = sameKind ? kindDraw : rng.uniform();
        const Hertz elementF0 = std::min(ceiling * 0.9, f0 * std::pow(2.0, rng.uniform(-1.0, 1.0)));
        if (n >= 8) {
            if (kind < 0.6)
                addTonal(mix, at, n, elementF0, ceiling, rate, rng, band);
            else if (kind < 0.8)
                addNoise(mix, at, n, ceiling, rate, rng, band);
            else
                addPulses(mix, at, n, ceiling, rate, rng, band);
        }
        cursor += lengths[e] + gaps[e];
    }

    SynthCall call;
    call.duration = double(total) / double(kTicksPerSecond);
    double peak = 0.0;
    for (double v : mix)
        peak = std::max(peak, std::abs(v));
    call.samples.resize(mix.size());
    for (std::size_t i = 0; i < mix.size(); ++i)
        call.samples[i] = peak > 0.0 ? float(0.5 * mix[i] / peak) : 0.0f;
    if (band.high <= 0.0)
        band = Band{100.0, ceiling}; // every element was too short to draw: a silent call
    call.lowHz = std::floor(band.low * 10.0) / 10.0;
    call.highHz = std::ceil(band.high * 10.0) / 10.0;
    return call;
}

} // namespace crowlingo
