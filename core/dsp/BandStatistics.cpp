#include "core/dsp/BandStatistics.h"

#include <cmath>

namespace crowlingo {

std::vector<float> bandMeanStd(const Spectrogram& s)
{
    std::vector<float> out(std::size_t(2 * s.bins), 0.0f);
    if (s.frames == 0) return out;
    for (int b = 0; b < s.bins; ++b) {
        double sum = 0, sumSq = 0;
        for (int t = 0; t < s.frames; ++t) {
            const double v = s.at(t, b);
            sum += v;
            sumSq += v * v;
        }
        const double mean = sum / s.frames;
        out[std::size_t(b)] = float(mean);
        out[std::size_t(s.bins + b)] = float(std::sqrt(std::max(0.0, sumSq / s.frames - mean * mean)));
    }
    return out;
}

} // namespace crowlingo
