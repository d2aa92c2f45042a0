#include "core/dsp/MelInversion.h"

#include "core/common/Error.h"
#include "core/dsp/FftwPlanner.h"
#include "core/dsp/PowerSpectrogram.h"
#include "core/dsp/RealFft.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <random>
#include <string>

namespace crowlingo {

namespace {

using Complex = std::complex<float>;

using detail::RealFft;

struct Stft {
    int nFft, hop, frames, bins;
    std::vector<float> window;
    std::vector<float> windowSquaredSum; // per output sample, for the least-squares inverse
    float sumFloor = 0;                  // the smallest window sum divided by (see synthesise)
    RealFft fft;

    Stft(int nFft_, int hop_, int frames_)
        : nFft(nFft_), hop(hop_), frames(frames_), bins(nFft_ / 2 + 1), window(PowerSpectrogram::hannWindow(nFft_)), fft(nFft_)
    {
        windowSquaredSum.assign(length(), 0.0f);
        for (int t = 0; t < frames; ++t)
            for (int i = 0; i < nFft; ++i) windowSquaredSum[std::size_t(t * hop + i)] += window[std::size_t(i)] * window[std::size_t(i)];
        sumFloor = 0.1f * *std::max_element(windowSquaredSum.begin(), windowSquaredSum.end());
    }
    std::size_t length() const { return std::size_t(nFft) + std::size_t(frames - 1) * std::size_t(hop); }

    void analyse(const std::vector<float>& x, std::vector<Complex>& spec)
    {
        for (int t = 0; t < frames; ++t) {
            for (int i = 0; i < nFft; ++i) fft.time()[std::size_t(i)] = x[std::size_t(t * hop + i)] * window[std::size_t(i)];
            fft.forward();
            std::copy(fft.freq().begin(), fft.freq().end(), spec.begin() + std::ptrdiff_t(t) * bins);
        }
    }

    // Griffin & Lim's least-squares signal for a (possibly inconsistent) STFT.
    void synthesise(const std::vector<Complex>& spec, std::vector<float>& x)
    {
        std::fill(x.begin(), x.end(), 0.0f);
        const float scale = 1.0f / float(nFft);
        for (int t = 0; t < frames; ++t) {
            std::copy(spec.begin() + std::ptrdiff_t(t) * bins, spec.begin() + std::ptrdiff_t(t + 1) * bins, fft.freq().begin());
            fft.inverse();
            for (int i = 0; i < nFft; ++i) x[std::size_t(t * hop + i)] += fft.time()[std::size_t(i)] * scale * window[std::size_t(i)];
        }
        // In the first and last frame the window sum falls to zero; dividing by it there turned
        // rounding into a click hundreds of times louder than the sound. Below a tenth of its full
        // value the sum is held, so the ends fade out with the window instead.
        for (std::size_t k = 0; k < x.size(); ++k) x[k] /= std::max(windowSquaredSum[k], sumFloor);
    }
};

} // namespace

std::vector<float> invertLogMel(const Spectrogram& logMel, const MelParams& mel, const MelInversionOptions& options)
{
    if (logMel.bins != mel.nMels)
        throw UsageError("cannot turn the spectrogram into sound: it has " + std::to_string(logMel.bins)
                         + " mel bands, the parameters say " + std::to_string(mel.nMels));
    for (float v : logMel.values)
        if (!std::isfinite(v)) throw UsageError("cannot turn the spectrogram into sound: it holds NaN or infinite cells");
    if (logMel.frames <= 0) return {};

    const MelSpectrogram melSpec(mel);
    Stft stft(mel.nFft, mel.hop, logMel.frames);
    const int bins = stft.bins;

    // Target magnitudes per frame and FFT bin.
    std::vector<float> magnitude(std::size_t(logMel.frames) * std::size_t(bins));
    std::vector<float> power(std::size_t(mel.nMels));
    std::vector<float> linear(static_cast<std::size_t>(bins));
    for (int t = 0; t < logMel.frames; ++t) {
        for (int m = 0; m < mel.nMels; ++m) power[std::size_t(m)] = std::pow(10.0f, logMel.at(t, m) / 10.0f);
        melSpec.melToLinearPower(power, linear);
        for (int k = 0; k < bins; ++k) magnitude[std::size_t(t) * bins + std::size_t(k)] = std::sqrt(std::max(0.0f, linear[std::size_t(k)]));
    }

    // Fast Griffin-Lim from a seeded random phase.
    std::mt19937_64 rng(options.seed);
    std::uniform_real_distribution<float> phase(0.0f, float(2 * std::numbers::pi));
    std::vector<Complex> angles(magnitude.size()), rebuilt(magnitude.size()), previous(magnitude.size(), Complex(0, 0)),
        spec(magnitude.size());
    for (Complex& a : angles) a = std::polar(1.0f, phase(rng));
    std::vector<float> x(stft.length());
    const float m = float(options.momentum / (1.0 + options.momentum));
    for (int it = 0; it < options.iterations; ++it) {
        for (std::size_t i = 0; i < spec.size(); ++i) spec[i] = magnitude[i] * angles[i];
        stft.synthesise(spec, x);
        stft.analyse(x, rebuilt);
        for (std::size_t i = 0; i < angles.size(); ++i) {
            const Complex a = rebuilt[i] - m * previous[i];
            const float r = std::abs(a);
            angles[i] = r > 1e-16f ? a / r : Complex(1, 0);
        }
        previous.swap(rebuilt);
    }
    for (std::size_t i = 0; i < spec.size(); ++i) spec[i] = magnitude[i] * angles[i];
    stft.synthesise(spec, x);
    return x;
}

} // namespace crowlingo
