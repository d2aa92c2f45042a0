#pragma once
// Internal to core/analysis: x^b for one fixed exponent b, by table look-up, to a few 1e-6 relative
// error. The UMAP layout evaluates d²^b (b from the min_dist curve) once per attractive and per
// negative sample, over a billion times at 50k points; powf was 40 % of the layout's time. A table
// indexed by the float's exponent and its top 8 mantissa bits, interpolated linearly across the
// remaining bits, costs a couple of loads and one multiply-add. Outside 2^-40 .. 2^41 it falls back
// to std::pow. Pure arithmetic: identical results on every thread and run.
//
//   PowTable pb(curve.b);   float v = pb(d2);   // == std::pow(d2, b) within a few 1e-6 relative
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

namespace crowlingo {

class PowTable {
public:
    explicit PowTable(float exponent) : b_(exponent), table_(std::size_t(kExponents) * kSteps + 1)
    {
        for (std::size_t i = 0; i < table_.size(); ++i) {
            const double x = std::ldexp(1.0 + double(i % kSteps) / kSteps, int(i / kSteps) + kMinExponent);
            table_[i] = float(std::pow(x, double(exponent)));
        }
    }

    float operator()(float x) const
    {
        const auto bits = std::bit_cast<std::uint32_t>(x);
        const int e = int((bits >> 23) & 0xFFu) - 127;
        if (e < kMinExponent || e >= kMinExponent + kExponents || (bits >> 31)) return std::pow(x, b_);
        const std::size_t i = std::size_t(e - kMinExponent) * kSteps + ((bits >> kFracBits) & (kSteps - 1));
        const float frac = float(bits & ((1u << kFracBits) - 1)) * (1.0f / float(1u << kFracBits));
        return table_[i] + frac * (table_[i + 1] - table_[i]);
    }

private:
    static constexpr int kMinExponent = -40;
    static constexpr int kExponents = 81;  // 2^-40 .. 2^41
    static constexpr int kSteps = 256;     // top 8 mantissa bits
    static constexpr int kFracBits = 23 - 8;
    float b_;
    std::vector<float> table_;
};

} // namespace crowlingo
