#pragma once
// The number of worker threads used by core (LibTorch intra-op threads, decode workers).
// Default: the environment variable CROWLINGO_THREADS if it is a positive number, else the number
// of cores. Set once at start-up from the user's option (--threads, GUI setting).
namespace crowlingo {

int defaultThreadCount();       // CROWLINGO_THREADS, else std::thread::hardware_concurrency(), at least 1
void setThreadCount(int n);     // n <= 0 means the default; the model applies it to LibTorch (torch::set_num_threads) before work
int threadCount();

} // namespace crowlingo
