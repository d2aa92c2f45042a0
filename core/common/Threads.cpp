#include "core/common/Threads.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <thread>

namespace crowlingo {

namespace {
std::atomic<int> g_threads{0};
}

// CROWLINGO_THREADS, when it holds a positive whole number, else the number of cores. The variable
// lets a batch job (a Slurm task given 4 of 64 cores) or a test run fix the count for every
// program at once.
int defaultThreadCount()
{
    if (const char* env = std::getenv("CROWLINGO_THREADS")) {
        char* end = nullptr;
        const long n = std::strtol(env, &end, 10);
        if (end != env && *end == '\0' && n > 0 && n <= 1024) return int(n);
    }
    return int(std::max(1u, std::thread::hardware_concurrency()));
}

void setThreadCount(int n) { g_threads = n > 0 ? n : 0; }

int threadCount()
{
    const int n = g_threads.load();
    return n > 0 ? n : defaultThreadCount();
}

} // namespace crowlingo
