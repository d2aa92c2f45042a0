#pragma once
// Log-mel back to sound, so a researcher can hear what the model imagines: each frame's mel
// power is spread over the FFT bins (MelSpectrogram::melToLinearPower), and a phase is found by
// fast Griffin-Lim (Perraudin, Balazs & Søndergaard 2013; librosa's default momentum 0.99).
// The STFT conventions are MelSpectrogram's (periodic Hann, frames at t * hop, no centring), so
// the result's log-mel approximates the input's.
//
//   std::vector<float> audio = invertLogMel(r.reconstruction, model.config().mel);   // at mel.sampleRate
//
// Threading: a pure function; safe to call from any number of threads at once (FFTW plans are
// made under the process-wide planner lock).
#include "core/dsp/MelSpectrogram.h"

#include <cstdint>
#include <vector>

namespace crowlingo {

struct MelInversionOptions {
    int iterations = 48;
    double momentum = 0.99; // 0: plain Griffin-Lim
    std::uint64_t seed = 1; // the initial random phase
};

// logMel: dB, frames x mel.nMels, every value finite. Returns nFft + (frames - 1) * hop samples
// at mel.sampleRate (none for no frames). Throws UsageError for a wrong band count or a
// non-finite value (a masked input's NaN cells must be filled first).
std::vector<float> invertLogMel(const Spectrogram& logMel, const MelParams& mel, const MelInversionOptions& options = {});

} // namespace crowlingo
