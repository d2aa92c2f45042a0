#pragma once
// FFTW's planner and plan destruction are not thread-safe (only the fftwf_execute family is):
// every plan in CrowLingo is made and destroyed under this one process-wide lock.
#include <mutex>

namespace crowlingo::detail {

std::mutex& fftwPlannerMutex();

} // namespace crowlingo::detail
