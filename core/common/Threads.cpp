#include "core/common/Threads.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace crowlingo {

namespace {
std::atomic<int> g_threads{0};
}

int defaultThreadCount() { return std::max(1u, std::thread::hardware_concurrency()); }

void setThreadCount(int n) { g_threads = n > 0 ? n : 0; }

int threadCount()
{
    const int n = g_threads.load();
    return n > 0 ? n : defaultThreadCount();
}

} // namespace crowlingo
