#include "core/audio/SignalStats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace crowlingo {

void SignalStats::add(const SignalStats& o)
{
    frames += o.frames;
    nan += o.nan;
    infinite += o.infinite;
    absurd += o.absurd;
    clippedFrames += o.clippedFrames;
    peak = std::max(peak, o.peak);
    sum += o.sum;
    sumSquares += o.sumSquares;
}

std::string describeSignalProblems(const SignalStats& s)
{
    std::vector<std::string> parts;
    char buf[160];
    if (s.invalid() > 0) {
        std::string what;
        const auto list = [&](SampleCount n, const char* name) {
            if (n == 0) return;
            if (!what.empty()) what += ", ";
            what += std::to_string(n) + " " + name;
        };
        list(s.nan, "NaN");
        list(s.infinite, "infinite");
        list(s.absurd, "absurdly large (beyond 1e6 full scale)");
        parts.push_back(what + " sample values, read as silence");
    }
    if (s.frames > 0) {
        const double n = double(s.frames);
        const double mean = s.sum / n;
        const double variance = std::max(0.0, s.sumSquares / n - mean * mean);
        if (s.peak == 0) {
            // All zero: silence, unless the zeros are the garbage replaced (said above).
            if (s.invalid() == 0) parts.push_back("digital silence: every sample is zero");
        } else if (std::sqrt(variance) < 1e-5 * std::max(1.0, s.peak)) {
            std::snprintf(buf, sizeof buf, "a constant (DC) signal at %.3g of full scale, no sound", mean);
            parts.push_back(buf);
        }
        const double clipped = double(s.clippedFrames) / n;
        if (clipped > 0.01) {
            std::snprintf(buf, sizeof buf, "clipped: %.1f %% of samples at full scale", 100 * clipped);
            parts.push_back(buf);
        }
    }
    std::string out;
    for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
    return out;
}

} // namespace crowlingo
