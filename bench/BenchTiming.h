#pragma once
// Wall-clock seconds of one call, shared by the benchmarks.
#include <chrono>

template <class F>
double timeIt(F&& f)
{
    const auto t0 = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
