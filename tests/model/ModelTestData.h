#pragma once
// Shared by the model tests: a tiny architecture and generated log-mel clips of a few synthetic
// "individuals", each with its own call shape (frequency contour, harmonics, rhythm) over noise.
#include "core/dsp/Spectrogram.h"
#include "core/model/ModelConfig.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace crowlingo::modeltest {

// Cosine similarity of two vectors of equal length, summed in double.
inline double cosine(const std::vector<float>& a, const std::vector<float>& b)
{
    double ab = 0, aa = 0, bb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

// 32 mel bands x 32 frames, 8x8 patches (4 x 4 = 16 patches), a 2-block encoder of width 64.
inline ModelConfig tinyConfig()
{
    ModelConfig c;
    c.mel.nMels = 32;
    c.frames = 32;
    c.patch = 8;
    c.normMean = -60.0f;
    c.normStd = 15.0f;
    c.encoderDim = 64;
    c.encoderDepth = 2;
    c.encoderHeads = 4;
    c.mlpRatio = 2.0f;
    c.decoderDim = 32;
    c.decoderDepth = 1;
    c.decoderHeads = 4;
    return c;
}

// Small deterministic generator (independent of the code under test).
struct TestRng {
    std::uint64_t s;
    explicit TestRng(std::uint64_t seed) : s(seed * 0x9E3779B97F4A7C15ull + 1) {}
    std::uint64_t next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    double uniform() { return double(next() >> 11) / double(1ull << 53); } // [0, 1)
    double normal()
    {
        const double u1 = std::max(uniform(), 1e-12), u2 = uniform();
        return std::sqrt(-2 * std::log(u1)) * std::cos(2 * 3.14159265358979323846 * u2);
    }
    int below(int n) { return int(uniform() * n); }
};

inline Spectrogram blank(int frames, int bins)
{
    Spectrogram s;
    s.frames = frames;
    s.bins = bins;
    s.values.assign(std::size_t(frames) * bins, 0.0f);
    s.hopSeconds = 256.0 / 22050.0;
    for (int b = 0; b < bins; ++b)
        s.binCentres.push_back(100.0 * (b + 1));
    return s;
}

inline Spectrogram randomClip(int frames, int bins, std::uint64_t seed, float mean = -60, float spread = 15)
{
    Spectrogram s = blank(frames, bins);
    TestRng rng(seed);
    for (float& v : s.values)
        v = float(mean + spread * rng.normal());
    return s;
}

constexpr int individualCount = 4;

// A call of `individual` (0..3) over -75 dB noise, `frames` long, with per-clip jitter in pitch,
// level and timing drawn from `seed`:
//   0: rising sweep; 1: steady harmonic stack; 2: broadband pulse train; 3: falling sweep with a harmonic.
inline Spectrogram individualCall(int individual, int frames, int bins, std::uint64_t seed)
{
    Spectrogram s = blank(frames, bins);
    TestRng rng(seed);
    const double shift = rng.uniform() * 2 - 1;        // +-1 band
    const double level = 40 + 4 * (rng.uniform() - 0.5); // dB above the noise
    const int phase = rng.below(6);
    auto put = [&](int t, double band, double dB) {
        for (int b = 0; b < bins; ++b) {
            const double d = (b - band) / 0.8;
            s.at(t, b) = std::max(s.at(t, b), float(-75 + dB * std::exp(-0.5 * d * d)));
        }
    };
    for (float& v : s.values)
        v = float(-75 + 3 * rng.normal());
    for (int t = 0; t < frames; ++t) {
        const double x = double((t + phase) % 32) / 32.0; // contours repeat every 32 frames
        switch (individual % individualCount) {
        case 0:
            put(t, 4 + 20 * x + shift, level);
            break;
        case 1:
            for (double band : {7.0, 14.0, 21.0})
                put(t, band + shift, level - (band - 7) * 0.5);
            break;
        case 2:
            if ((t + phase) % 6 < 2)
                for (int b = 5; b < 27; ++b)
                    s.at(t, b) = std::max(s.at(t, b), float(-75 + level - 6 + 2 * rng.normal()));
            break;
        default:
            put(t, 14 - 8 * x + shift, level);
            put(t, 28 - 16 * x + 2 * shift, level - 8);
            break;
        }
    }
    // Frame noise on top, so that no cell is exactly predictable.
    for (float& v : s.values)
        v += float(1.0 * rng.normal());
    return s;
}

// `perIndividual` clips of each individual, lengths 20..75 frames (some shorter than the window).
inline std::vector<Spectrogram> individualCorpus(int perIndividual, int bins, std::uint64_t seed,
                                                 std::vector<int>* labels = nullptr)
{
    std::vector<Spectrogram> clips;
    TestRng rng(seed);
    for (int i = 0; i < perIndividual; ++i) {
        for (int k = 0; k < individualCount; ++k) {
            const int frames = 20 + rng.below(56);
            clips.push_back(individualCall(k, frames, bins, rng.next()));
            if (labels)
                labels->push_back(k);
        }
    }
    return clips;
}

inline Spectrogram cropFrames(const Spectrogram& s, int start, int frames)
{
    Spectrogram c = s;
    c.frames = frames;
    c.values.assign(s.values.begin() + std::size_t(start) * s.bins,
                    s.values.begin() + std::size_t(start + frames) * s.bins);
    c.startSeconds = s.startSeconds + start * s.hopSeconds;
    return c;
}

} // namespace crowlingo::modeltest
