#pragma once
// Test signals for the segmenter: white and pink noise with a known spectrum, calls (tone bursts,
// linear chirps, harmonic stacks) mixed at a known in-band SNR, and WAV writing with libsndfile.
//
//   segtest::Rng rng(7);
//   std::vector<float> x = segtest::noise(segtest::Pink, 60 * rate, rng, 0.05);
//   segtest::addCall(x, rate, {.start = 2.0, .duration = 0.1, .f0 = 2000, .f1 = 4000}, amplitude);
#include <sndfile.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <functional>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

namespace segtest {

// xorshift64* with Box-Muller: the same numbers on every platform (std distributions are not).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next()
    {
        s ^= s >> 12; s ^= s << 25; s ^= s >> 27;
        return s * 0x2545F4914F6CDD1Dull;
    }
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); } // [0, 1)
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    double gauss()
    {
        if (haveSpare) { haveSpare = false; return spare; }
        const double u = std::max(uniform(), 1e-300), v = uniform();
        const double r = std::sqrt(-2.0 * std::log(u));
        spare = r * std::sin(2 * std::numbers::pi * v);
        haveSpare = true;
        return r * std::cos(2 * std::numbers::pi * v);
    }

private:
    std::uint64_t s;
    double spare = 0;
    bool haveSpare = false;
};

enum NoiseKind { White, Pink };

// Paul Kellet's "economy" pink filter: three one-pole sections plus a direct path, so its power
// spectrum is known in closed form (noiseBandPower).
struct PinkFilter {
    double b0 = 0, b1 = 0, b2 = 0;
    double operator()(double w)
    {
        b0 = 0.99765 * b0 + w * 0.0990460;
        b1 = 0.96300 * b1 + w * 0.2965164;
        b2 = 0.57000 * b2 + w * 1.0526913;
        return b0 + b1 + b2 + w * 0.1848;
    }
};

// Unit-variance Gaussian noise (white) or its pink-filtered version, times scale * gain(t).
inline std::vector<float> noise(NoiseKind kind, std::size_t n, int rate, Rng& rng, double scale,
                                const std::function<double(double)>& gain = {})
{
    std::vector<float> x(n);
    PinkFilter pink;
    for (std::size_t i = 0; i < n; ++i) {
        const double w = rng.gauss();
        const double v = kind == Pink ? pink(w) : w;
        x[i] = float(scale * v * (gain ? gain(double(i) / rate) : 1.0));
    }
    return x;
}

// Power in [f0, f1] Hz of noise(kind, ..., scale = 1, no gain), from its transfer function.
inline double noiseBandPower(NoiseKind kind, double f0, double f1, int rate)
{
    const int steps = 2000;
    double sum = 0;
    for (int k = 0; k < steps; ++k) {
        const double f = f0 + (f1 - f0) * (k + 0.5) / steps;
        double h2 = 1;
        if (kind == Pink) {
            const std::complex<double> z = std::polar(1.0, -2 * std::numbers::pi * f / rate);
            const std::complex<double> h = 0.0990460 / (1.0 - 0.99765 * z) + 0.2965164 / (1.0 - 0.963 * z) +
                                           1.0526913 / (1.0 - 0.57 * z) + 0.1848;
            h2 = std::norm(h);
        }
        sum += h2;
    }
    // Unit-variance white noise spreads its power evenly over 0 .. rate/2.
    return sum / steps * (f1 - f0) / (rate / 2.0);
}

struct CallSpec {
    double start = 0, duration = 0.1;
    double f0 = 2000, f1 = 2000; // linear sweep of the fundamental, Hz
    int harmonics = 1;           // harmonic h has amplitude 0.7^(h-1)
};

// Mean power of a call of amplitude 1 (ramps ignored).
inline double callUnitPower(const CallSpec& c)
{
    double p = 0;
    for (int h = 0; h < c.harmonics; ++h) p += std::pow(0.7, 2 * h) / 2;
    return p;
}

// The band the call's energy occupies: fundamental range to the top harmonic.
inline double callLowHz(const CallSpec& c) { return std::min(c.f0, c.f1); }
inline double callHighHz(const CallSpec& c) { return std::max(c.f0, c.f1) * c.harmonics; }

// Adds the call with 5 ms raised-cosine ramps.
inline void addCall(std::vector<float>& x, int rate, const CallSpec& c, double amplitude)
{
    const auto i0 = std::size_t(std::llround(c.start * rate));
    const auto n = std::size_t(std::llround(c.duration * rate));
    const double ramp = 0.005 * rate;
    double phase = 0;
    for (std::size_t k = 0; k < n && i0 + k < x.size(); ++k) {
        const double t = double(k) / rate;
        phase += 2 * std::numbers::pi * (c.f0 + (c.f1 - c.f0) * t / c.duration) / rate;
        double env = 1;
        if (double(k) < ramp) env = 0.5 - 0.5 * std::cos(std::numbers::pi * double(k) / ramp);
        if (double(n - k) < ramp) env = 0.5 - 0.5 * std::cos(std::numbers::pi * double(n - k) / ramp);
        double s = 0;
        for (int h = 0; h < c.harmonics; ++h) s += std::pow(0.7, h) * std::sin((h + 1) * phase);
        x[i0 + k] += float(amplitude * env * s);
    }
}

// Amplitude that puts the call at snrDb over the noise power in its band (+-250 Hz) at that time.
inline double amplitudeForSnr(const CallSpec& c, double snrDb, NoiseKind kind, int rate, double noiseScale,
                              double gainAtCall = 1.0)
{
    const double lo = std::max(0.0, callLowHz(c) - 250), hi = std::min(rate / 2.0, callHighHz(c) + 250);
    const double noisePower = noiseScale * noiseScale * gainAtCall * gainAtCall * noiseBandPower(kind, lo, hi, rate);
    return std::sqrt(std::pow(10.0, snrDb / 10) * noisePower / callUnitPower(c));
}

inline void writeWav(const std::string& path, const std::vector<float>& x, int rate)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error("cannot write " + path + ": " + sf_strerror(nullptr));
    const sf_count_t written = sf_writef_float(f, x.data(), sf_count_t(x.size()));
    sf_close(f);
    if (written != sf_count_t(x.size())) throw std::runtime_error("short write to " + path);
}

} // namespace segtest
