#include "core/synth/SynthRng.h"

#include <limits>

namespace crowlingo {

double SynthRng::uniform()
{
    // Top 53 bits scaled by 2^-53: exact, never 1.0.
    return double(engine_() >> 11) * 0x1.0p-53;
}

int SynthRng::uniformInt(int lo, int hi)
{
    if (hi <= lo)
        return lo;
    const std::uint64_t range = std::uint64_t(std::int64_t(hi) - std::int64_t(lo)) + 1;
    // Reject the top partial block so every value is equally likely.
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max()
        - (std::numeric_limits<std::uint64_t>::max() % range);
    std::uint64_t x;
    do {
        x = engine_();
    } while (x >= limit);
    return int(std::int64_t(lo) + std::int64_t(x % range));
}

double SynthRng::normal(double mean, double sd)
{
    double sum = 0.0;
    for (int i = 0; i < 12; ++i)
        sum += uniform();
    return mean + sd * (sum - 6.0);
}

double SynthRng::noise()
{
    const std::uint64_t x = engine_();
    const double sum = double(x & 0xFFFF) + double((x >> 16) & 0xFFFF) + double((x >> 32) & 0xFFFF) + double(x >> 48);
    // Each quarter is uniform on 0 .. 65535: mean 32767.5, variance (65536^2 - 1) / 12.
    constexpr double mean = 4 * 32767.5, sd = 37837.227237206; // sqrt(4 * (65536^2 - 1) / 12)
    return (sum - mean) / sd;
}

std::uint64_t SynthRng::derive(std::uint64_t seed, std::uint64_t stream)
{
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

} // namespace crowlingo
