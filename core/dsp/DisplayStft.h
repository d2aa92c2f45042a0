#pragma once
// STFT settings for drawing a clip (the inspector, neighbour thumbnails): windows of about 23 ms
// with 75 % overlap, as Raven's and Audacity's defaults, for clips long enough to show them; for a
// short clip the hop shrinks so that the clip itself spans at least minColumns columns (a 50-ms
// syllable is drawn with 100, not 6), and the window shrinks with it to at most a third of the
// clip, so that time detail is not smeared over the whole call. A long stretch (clip plus context)
// gets a larger hop so that the image stays within maxFrames.
//
//   const StftParams p = displayStftParams(32000, clipSamples, samples.size());
//   Spectrogram s = PowerSpectrogram(p).compute(samples, startSeconds);
//
// Threading: a pure function.
#include "core/dsp/PowerSpectrogram.h"

#include <cstdint>

namespace crowlingo {

// longClipFft > 0 replaces the ~23-ms window of long clips (the user's FFT size), overlap the 75 %.
StftParams displayStftParams(SampleRate rate, std::int64_t clipSamples, std::int64_t totalSamples, int maxFrames = 4000,
                             int minColumns = 100, int longClipFft = 0, double overlap = 0.75);

} // namespace crowlingo
