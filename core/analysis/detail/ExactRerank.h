#pragma once
// Internal to core/analysis: "BLAS proposes, a fixed-order kernel decides" — how every nearest-
// neighbour choice in core/analysis is made the same on every CPU, BLAS kernel and thread count.
//
// faiss ranks candidates with matrix products (sgemm). OpenBLAS picks its kernel by CPU (and by
// OPENBLAS_CORETYPE) and splits work by thread count, so the same distance comes out different in
// its last bits from one machine or thread count to another, and two near-equal candidates can swap.
// So BLAS only proposes: it is asked for kRerankMargin more candidates than needed, each candidate's
// distance is computed again with Distance.h (a fixed order of operations in the project's own
// compiled code, the same bits everywhere), and the nearest are kept in (distance, index) order.
// The result differs between machines only if BLAS rounding pushes a true neighbour behind
// kRerankMargin others, i.e. when more than that many candidates lie within float rounding
// (~1e-6 relative) of it — in practice only among exact duplicate vectors, whose distances are
// then equal anyway.
//
//   std::vector<Candidate> c = ...;                         // exact distances of the proposals
//   keepNearest(c, k, distanceRow, indexRow);               // k nearest, nearest first, -1 / inf pad
//
// Threading: pure functions.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace crowlingo {

inline constexpr int kRerankMargin = 8;

struct Candidate {
    float distance;
    std::int64_t index;
};

// Total order: nearer first, the lower index first among equal distances (so the result does not
// depend on the order in which candidates were proposed).
inline bool nearer(const Candidate& a, const Candidate& b)
{
    return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
}

// Writes the k nearest of `candidates` (duplicated indices allowed, kept once) to distance/index,
// padding with infinity / -1. Reorders `candidates`.
inline void keepNearest(std::vector<Candidate>& candidates, std::size_t k, float* distance, std::int64_t* index)
{
    std::sort(candidates.begin(), candidates.end(), nearer);
    std::size_t out = 0;
    for (std::size_t c = 0; c < candidates.size() && out < k; ++c) {
        if (c > 0 && candidates[c].index == candidates[c - 1].index) continue;
        distance[out] = candidates[c].distance;
        index[out] = candidates[c].index;
        ++out;
    }
    for (; out < k; ++out) {
        distance[out] = std::numeric_limits<float>::infinity();
        index[out] = -1;
    }
}

} // namespace crowlingo
