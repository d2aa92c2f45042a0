#pragma once
// Internal to core/analysis: caps the OpenMP threads that faiss and OpenBLAS use for the calls
// made in this scope, on this thread only (omp_set_num_threads sets the calling thread's value).
// Used so that faiss honours threadCount() (the user's --threads) and so that small problems run
// on one thread: on busy cores, OpenMP barriers cost far more than the work they split.
//
//   OmpThreadLimit limit(work < 1e7 ? 1 : threadCount());
//   index.search(...);   // faiss with at most that many threads; restored at scope exit
//
// Threading: affects only the constructing thread, until destruction.
#include <algorithm>

#include <omp.h>

namespace crowlingo {

class OmpThreadLimit {
public:
    explicit OmpThreadLimit(int threads) : previous_(omp_get_max_threads())
    {
        omp_set_num_threads(std::max(1, std::min(threads, previous_)));
    }
    ~OmpThreadLimit() { omp_set_num_threads(previous_); }
    OmpThreadLimit(const OmpThreadLimit&) = delete;
    OmpThreadLimit& operator=(const OmpThreadLimit&) = delete;

    // One thread below this many multiply-adds, threadCount() above.
    static int forWork(double multiplyAdds);

private:
    int previous_;
};

} // namespace crowlingo
