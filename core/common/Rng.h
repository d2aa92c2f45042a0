#pragma once
// The project's one small, fast, seedable random generator (SplitMix64) whose streams can be
// derived from (seed, stream ids) — so each vertex and epoch of an SGD layout, or each training
// step, gets its own stream and a result does not depend on how work is split across threads or
// where a run was resumed.
//
//   Rng rng(Rng::mix(seed, epoch, vertex));
//   std::uint64_t r = rng.next();  std::uint64_t i = rng.below(n);  double u = rng.uniform();
//
// Threading: an Rng is used by one thread at a time; mix() is pure.
#include <cmath>
#include <cstdint>
#include <numbers>

namespace crowlingo {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next()
    {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, bound): Lemire's multiply-shift (bias < bound / 2^64, negligible here).
    std::uint64_t below(std::uint64_t bound) { return std::uint64_t((unsigned __int128)(next()) * bound >> 64); }
    double uniform() { return double(next() >> 11) * 0x1.0p-53; } // [0, 1)
    double normal()                                                // Box-Muller, one of the pair
    {
        const double u1 = 1.0 - uniform(); // (0, 1]: log() stays finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }

    static std::uint64_t mix(std::uint64_t a, std::uint64_t b = 0, std::uint64_t c = 0)
    {
        Rng r(a);
        std::uint64_t h = r.next();
        Rng r2(h ^ (b * 0xD6E8FEB86659FD93ull));
        h = r2.next();
        Rng r3(h ^ (c * 0xA0761D6478BD642Full));
        return r3.next();
    }

private:
    std::uint64_t state_;
};

} // namespace crowlingo
