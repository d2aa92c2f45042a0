#include "core/dsp/DisplayStft.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace crowlingo {

StftParams displayStftParams(SampleRate rate, std::int64_t clipSamples, std::int64_t totalSamples, int maxFrames,
                             int minColumns, int longClipFft, double overlap)
{
    constexpr unsigned minFft = 64;
    unsigned nFft = longClipFft > 0 ? std::max(unsigned(longClipFft), minFft)
                                    : std::bit_ceil(unsigned(std::max(double(minFft), rate * 0.0232)));
    if (clipSamples > 0)
        nFft = std::clamp(std::bit_floor(unsigned(std::max<std::int64_t>(clipSamples / 3, 1))), minFft, nFft);
    int hop = std::max(1, int(std::lround(nFft * (1.0 - std::clamp(overlap, 0.0, 0.97)))));
    if (clipSamples > 0 && minColumns > 0)
        hop = std::clamp(int(clipSamples / minColumns), 1, hop);
    if (maxFrames > 0 && totalSamples / hop > maxFrames)
        hop = int(std::ceil(double(totalSamples) / maxFrames));
    return {.sampleRate = rate, .nFft = int(nFft), .hop = hop};
}

} // namespace crowlingo
