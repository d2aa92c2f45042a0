#pragma once
// Random numbers for the synthetic corpus that are the same on every platform and standard library.
//
//   SynthRng rng(SynthRng::derive(seed, fileIndex));   // one independent stream per file / call
//   double f0 = rng.uniform(420.0, 520.0);             // [a, b)
//   double jitter = rng.normal(0.0, 0.01);             // Irwin-Hall approximation, |z| <= 6
//
// Threading: a SynthRng is used by one thread at a time; give each worker its own stream (derive()).
// Why not <random>'s distributions: std::uniform_real_distribution, std::normal_distribution etc.
// are implementation-defined, so libstdc++ and libc++ (or MSVC) draw different numbers from the
// same engine. std::mt19937_64 itself is fully specified by the standard (seeding included), so we
// keep the engine and derive every value from its raw 64-bit outputs with IEEE +, * and / only
// (no log/sin/exp, whose last bit may differ between maths libraries).
#include <cstdint>
#include <random>

namespace crowlingo {

class SynthRng {
public:
    explicit SynthRng(std::uint64_t seed) : engine_(seed) {}

    std::uint64_t next() { return engine_(); }      // raw mt19937_64 output
    double uniform();                               // [0, 1), 53-bit resolution
    double uniform(double a, double b) { return a + (b - a) * uniform(); }
    int uniformInt(int lo, int hi);                 // inclusive, unbiased (rejection)
    bool chance(double p) { return uniform() < p; }
    // Sum of 12 uniforms minus 6: mean 0, sd 1, bounded to +-6 (no wild outliers in synthesis
    // parameters), and exact IEEE arithmetic, hence portable.
    double normal(double mean = 0.0, double sd = 1.0);
    // Cheap noise sample for audio: the sum of the four 16-bit quarters of one engine output,
    // centred and scaled to mean 0, sd 1 (kurtosis 2.7, |x| <= 3.47). Close enough to Gaussian
    // once filtered, at a quarter of normal()'s cost.
    double noise();

    // A well-mixed, independent seed for sub-stream `stream` of `seed` (SplitMix64 finaliser),
    // so that file 3's calls do not depend on how many numbers file 2 drew.
    static std::uint64_t derive(std::uint64_t seed, std::uint64_t stream);

private:
    std::mt19937_64 engine_;
};

} // namespace crowlingo
