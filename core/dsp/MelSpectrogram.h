#pragma once
// Log-mel spectrogram with FFTW3 (float). Conventions (identical to torchaudio's
// MelSpectrogram(center=False, power=2, norm=None, mel_scale="htk") followed by
// AmplitudeToDB("power", top_db=None)):
//   periodic Hann window of nFft, frames at t*hop (no centre padding), power spectrum,
//   HTK mel scale (2595 log10(1 + f/700)), triangular filters without area normalisation,
//   output 10*log10(max(mel, 1e-10)) dB.
//
//   MelSpectrogram mel(MelParams{.sampleRate = 22050});
//   Spectrogram s = mel.compute(samples);          // s.frames x 128 mel bins, dB
//
// Threading: immutable after construction; compute() may be called from many threads at once
// (the FFTW plan is made once, each call uses its own buffers with fftwf_execute_dft_r2c).
#include "core/common/Types.h"
#include "core/dsp/Spectrogram.h"

#include <memory>
#include <span>

namespace crowlingo {

struct MelParams {
    SampleRate sampleRate = 22050;
    int nFft = 1024;
    int hop = 256;
    int nMels = 128;
    Hertz fMin = 50.0;
    Hertz fMax = 11025.0;
    bool operator==(const MelParams&) const = default;
};

class MelSpectrogram {
public:
    explicit MelSpectrogram(MelParams params);
    ~MelSpectrogram();

    const MelParams& params() const;
    int frameCount(SampleCount samples) const; // 0 if fewer than nFft samples
    // Log-mel (dB) of the samples; startSeconds/hopSeconds set from `start` and `timeScale`
    // (timeScale = 1/timeExpansion maps analysis time back to recording time).
    Spectrogram compute(std::span<const float> samples, Seconds start = 0, double timeScale = 1.0) const;
    // Mel power (before dB), same layout.
    Spectrogram computePower(std::span<const float> samples, Seconds start = 0, double timeScale = 1.0) const;
    // Centre frequency of each mel filter, Hz.
    const std::vector<Hertz>& melCentres() const;
    // An approximate inverse of the filterbank for one frame: each band's power spread evenly over
    // the FFT bins it covers (weighted by the filter), averaged where bands overlap; bins outside
    // fMin..fMax get 0. melPower: nMels values; linearPower: nFft / 2 + 1 values.
    void melToLinearPower(std::span<const float> melPower, std::span<float> linearPower) const;

    static double hzToMel(double hz); // HTK
    static double melToHz(double mel);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
