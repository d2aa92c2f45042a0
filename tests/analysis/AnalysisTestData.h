#pragma once
// Synthetic data for the analysis tests: Gaussian blobs (Box-Muller on a seeded std::mt19937,
// written here so the numbers do not depend on the standard library's normal_distribution) and
// uniform noise.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <vector>

namespace analysis_test {

class Gauss {
public:
    explicit Gauss(std::uint32_t seed) : rng_(seed) {}
    double uniform() { return (double(rng_()) + 0.5) / 4294967296.0; } // (0, 1)
    double normal()
    {
        if (haveSpare_) {
            haveSpare_ = false;
            return spare_;
        }
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        const double phi = 2.0 * std::numbers::pi * uniform();
        spare_ = r * std::sin(phi);
        haveSpare_ = true;
        return r * std::cos(phi);
    }
    std::mt19937& engine() { return rng_; }

private:
    std::mt19937 rng_;
    double spare_ = 0;
    bool haveSpare_ = false;
};

struct Data {
    int dimension = 0;
    std::vector<float> rows;   // n x dimension
    std::vector<int> truth;    // blob per row; -1 for background noise
    std::size_t size() const { return truth.size(); }
};

// `blobs` Gaussian blobs of `perBlob` points: centres N(0, centreScale^2) per coordinate, points
// N(centre, 1).
inline Data blobs(int count, int perBlob, int dimension, double centreScale, std::uint32_t seed)
{
    Gauss g(seed);
    Data d;
    d.dimension = dimension;
    std::vector<double> centres(std::size_t(count) * std::size_t(dimension));
    for (double& c : centres) c = centreScale * g.normal();
    for (int b = 0; b < count; ++b)
        for (int i = 0; i < perBlob; ++i) {
            for (int j = 0; j < dimension; ++j)
                d.rows.push_back(float(centres[std::size_t(b) * std::size_t(dimension) + std::size_t(j)] + g.normal()));
            d.truth.push_back(b);
        }
    return d;
}

// Appends `count` points uniform in [lo, hi]^dimension, truth -1.
inline void addUniform(Data& d, int count, double lo, double hi, std::uint32_t seed)
{
    Gauss g(seed);
    for (int i = 0; i < count; ++i) {
        for (int j = 0; j < d.dimension; ++j) d.rows.push_back(float(lo + (hi - lo) * g.uniform()));
        d.truth.push_back(-1);
    }
}

inline Data uniform(int count, int dimension, std::uint32_t seed)
{
    Data d;
    d.dimension = dimension;
    addUniform(d, count, 0.0, 1.0, seed);
    return d;
}

} // namespace analysis_test
