#pragma once
// Keeps one band of a sound, as Raven's "Filter Around Selection" does before playing: the band of
// a box drawn on a spectrogram heard without what lies above and below it (wind, insects, other
// birds). Zero-phase: the whole sound in one FFT and a mask on its spectrum, so nothing is
// delayed; the mask's edges are raised cosines, each max(50 Hz, 10 % of the band) wide and centred
// on the band's edge, so the cut does not ring. Long enough for any stretch a listener plays
// (an FFT of 10^7 samples takes about a second).
//
//   keepBand(samples, 44100, 2000, 6000);
//
// Threading: a pure function (plans FFTW under its lock).
#include <vector>

namespace crowlingo {

// lowHz < highHz; a band reaching past half the sample rate keeps everything above lowHz.
void keepBand(std::vector<float>& samples, double sampleRate, double lowHz, double highHz);

} // namespace crowlingo
