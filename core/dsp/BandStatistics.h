#pragma once
// The hand-made baseline embedding that every evaluation reports next to the model: the mean and
// standard deviation of each log-mel band over the clip (2 x nMels values). If the model cannot
// beat this, it is not helping on that data.
//
//   std::vector<float> v = bandMeanStd(clipLogMel);
//
// Threading: a pure function.
#include "core/dsp/Spectrogram.h"

#include <vector>

namespace crowlingo {

std::vector<float> bandMeanStd(const Spectrogram& logMel); // [mean_0..mean_{B-1}, std_0..std_{B-1}]

} // namespace crowlingo
