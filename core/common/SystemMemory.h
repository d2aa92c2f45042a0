#pragma once
// How much memory this process can still take, for refusing work that cannot fit before it
// starts (a training batch that would need 19 GB on an 8 GB laptop) instead of failing half-way.
//
//   if (needed > availableMemoryBytes()) throw UsageError(...);
//
// Threading: reads /proc and /sys on each call; safe from any thread.
#include <cstdint>
#include <string>

namespace crowlingo {

// The smallest of: MemAvailable in /proc/meminfo (else sysconf's physical pages) and, inside a
// container, the cgroup's memory.max minus memory.current. -1 when none can be read.
std::int64_t availableMemoryBytes();

// "13.1 GB", "512 MB": decimal units, as the system monitor shows them.
std::string memoryText(std::int64_t bytes);

} // namespace crowlingo
