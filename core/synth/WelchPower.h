#pragma once
// Band power of a signal by Welch's method (Hann-windowed, half-overlapping blocks), used to mix
// each synthetic call at its SNR against the background in exactly its declared band. An IIR
// band-pass would not do: for the narrow bands of insects and whistles its skirts let in several
// times the band's own noise.
//
//   double p = welchBandPower(background, 4500.0, 4800.0, 22050);   // mean square within the band
//
// Threading: reentrant. A small radix-2 FFT of our own (not FFTW): its result does not depend on
// which SIMD kernels a planner picks on a given CPU, so the corpus comes out the same everywhere.
#include "core/common/Types.h"

#include <span>

namespace crowlingo {

// Mean square of x restricted to [lowHz, highHz] (bins whose centre lies in the band), from
// blocks of `blockSize` samples (a power of two; shrunk to fit short inputs, at least 64).
// Returns 0 for inputs shorter than 64 samples.
double welchBandPower(std::span<const float> x, Hertz lowHz, Hertz highHz, SampleRate rate, int blockSize = 1024);

} // namespace crowlingo
