#pragma once
// Internal to core/analysis: split [0, n) into `threads` contiguous slices, one std::thread each.
//
//   parallelFor(n, threadCount(), [&](std::size_t begin, std::size_t end, int slice) { ... });
//   // slice boundaries depend only on (n, threads): results written per index are deterministic.
//
// Threading: the body runs concurrently on disjoint slices; it must not throw (exceptions would
// cross threads) — callers keep bodies noexcept in practice (arithmetic on preallocated buffers).
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace crowlingo {

template <class Body>
void parallelFor(std::size_t n, int threads, Body&& body)
{
    const std::size_t t = std::max<std::size_t>(1, std::min<std::size_t>(std::size_t(std::max(threads, 1)), n));
    if (t <= 1) {
        body(std::size_t(0), n, 0);
        return;
    }
    std::vector<std::thread> workers;
    workers.reserve(t - 1);
    for (std::size_t s = 1; s < t; ++s)
        workers.emplace_back([&, s] { body(n * s / t, n * (s + 1) / t, int(s)); });
    body(0, n / t, 0);
    for (auto& w : workers) w.join();
}

} // namespace crowlingo
