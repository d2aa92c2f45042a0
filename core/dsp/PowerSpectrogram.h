#pragma once
// Linear-frequency power spectrogram (|STFT|^2) with FFTW3 (float), the first half of
// MelSpectrogram and usable alone (band energies, event detection). Conventions identical to
// torchaudio Spectrogram(center=False, power=2, normalized=False): periodic Hann window of nFft,
// frame t covers samples [t*hop, t*hop + nFft), bins k = 0..nFft/2 at k*sampleRate/nFft Hz.
//
//   PowerSpectrogram stft(StftParams{.sampleRate = 22050, .nFft = 1024, .hop = 256});
//   Spectrogram p = stft.compute(samples);                       // p.frames x 513 bins, power
//   stft.forEachFrame(samples, [&](int t, std::span<const float> power) { /* reduce */ });
//
// Threading: immutable after construction; compute() and forEachFrame() may be called from many
// threads at once (the FFTW plan is made once under a global lock; each call has its own buffers
// and runs fftwf_execute_dft_r2c, which FFTW documents as thread-safe).
#include "core/common/Types.h"
#include "core/dsp/Spectrogram.h"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace crowlingo {

// The analysis window. Hann by default (the model's features); Hamming has lower near side lobes
// (sharper tonal lines), Blackman lower far side lobes (quiet calls next to loud ones).
enum class WindowShape { Hann, Hamming, Blackman };

struct StftParams {
    SampleRate sampleRate = 22050;
    int nFft = 1024; // window length too; any size FFTW accepts (>= 2), powers of two are fastest
    int hop = 256;
    WindowShape window = WindowShape::Hann;
    bool operator==(const StftParams&) const = default;
};

class PowerSpectrogram {
public:
    explicit PowerSpectrogram(StftParams params); // throws UsageError on nFft < 2, hop < 1, sampleRate < 1
    ~PowerSpectrogram();
    PowerSpectrogram(PowerSpectrogram&&) noexcept;
    PowerSpectrogram& operator=(PowerSpectrogram&&) noexcept;

    const StftParams& params() const;
    int binCount() const;                       // nFft / 2 + 1
    int frameCount(SampleCount samples) const;  // 1 + (samples - nFft) / hop; 0 if samples < nFft
    std::vector<Hertz> binCentres() const;      // k * sampleRate / nFft

    // Power spectrogram; startSeconds = start, hopSeconds = hop / sampleRate * timeScale
    // (timeScale = 1/timeExpansion maps analysis time back to recording time).
    Spectrogram compute(std::span<const float> samples, Seconds start = 0, double timeScale = 1.0) const;

    // Calls fn(t, power) for t = 0..frameCount-1 in order; `power` (binCount values) is only valid
    // during the call. Lets callers reduce each frame without holding the whole spectrogram.
    void forEachFrame(std::span<const float> samples,
                      const std::function<void(int frame, std::span<const float> power)>& fn) const;

    // The analysis window: periodic Hann of n samples, as torch.hann_window(n). Also used to invert
    // spectrograms with the same conventions (invertLogMel).
    static std::vector<float> hannWindow(int n);
    // Periodic windows of n samples; Hann is hannWindow(n).
    static std::vector<float> window(WindowShape shape, int n);
    // Power (dB) of a full-scale sine's peak bin with this window: (sum of the window / 2)^2.
    // Subtracted from powerToDb() values, it gives dB re full scale.
    static float fullScaleSineDb(WindowShape shape, int n);

    // 10*log10(max(power, 1e-10)), i.e. torchaudio AmplitudeToDB("power", top_db=None): floor -100 dB.
    static float powerToDb(float power);
    static void powerToDb(std::span<float> values); // in place

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
