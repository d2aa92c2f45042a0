#pragma once
// Internal to core/analysis: dot product and squared L2 distance of float vectors, 4-wide with
// four accumulators (GCC/Clang vector extensions: SSE on x86-64, NEON on arm64). Debian builds
// faiss for the x86-64 baseline, where its fvec_* functions fall back to scalar loops; these are
// the inner loops of Prim's spanning tree and of the exemplar search.
//
//   float d = 1.0f - dot(a, b, dim);        // cosine distance of normalised rows
//   float e = std::sqrt(squaredL2(a, b, dim));
//
// Threading: pure functions.
#include <cstddef>
#include <cstring>

namespace crowlingo {

namespace simd {
typedef float v4 __attribute__((vector_size(16)));
inline v4 load(const float* p)
{
    v4 v;
    std::memcpy(&v, p, sizeof v); // unaligned load
    return v;
}
inline float sum(v4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }
} // namespace simd

inline float dot(const float* a, const float* b, std::size_t n)
{
    simd::v4 s0{}, s1{}, s2{}, s3{};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        s0 += simd::load(a + i) * simd::load(b + i);
        s1 += simd::load(a + i + 4) * simd::load(b + i + 4);
        s2 += simd::load(a + i + 8) * simd::load(b + i + 8);
        s3 += simd::load(a + i + 12) * simd::load(b + i + 12);
    }
    for (; i + 4 <= n; i += 4) s0 += simd::load(a + i) * simd::load(b + i);
    float s = simd::sum((s0 + s1) + (s2 + s3));
    for (; i < n; ++i) s += a[i] * b[i];
    return s;
}

inline float squaredL2(const float* a, const float* b, std::size_t n)
{
    simd::v4 s0{}, s1{}, s2{}, s3{};
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const simd::v4 d0 = simd::load(a + i) - simd::load(b + i);
        const simd::v4 d1 = simd::load(a + i + 4) - simd::load(b + i + 4);
        const simd::v4 d2 = simd::load(a + i + 8) - simd::load(b + i + 8);
        const simd::v4 d3 = simd::load(a + i + 12) - simd::load(b + i + 12);
        s0 += d0 * d0;
        s1 += d1 * d1;
        s2 += d2 * d2;
        s3 += d3 * d3;
    }
    for (; i + 4 <= n; i += 4) {
        const simd::v4 d = simd::load(a + i) - simd::load(b + i);
        s0 += d * d;
    }
    float s = simd::sum((s0 + s1) + (s2 + s3));
    for (; i < n; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
    return s;
}

} // namespace crowlingo
