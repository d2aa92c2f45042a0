#include "core/common/SystemMemory.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include <unistd.h>

namespace crowlingo {

namespace {

std::int64_t memAvailable()
{
    std::ifstream in("/proc/meminfo");
    std::string key;
    std::int64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    const long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
    return pages > 0 && pageSize > 0 ? std::int64_t(pages) * pageSize : -1;
}

// cgroup v2: the limit of this process's group less what it uses; -1 without a limit.
std::int64_t cgroupHeadroom()
{
    std::ifstream maxFile("/sys/fs/cgroup/memory.max"), currentFile("/sys/fs/cgroup/memory.current");
    std::string max;
    std::int64_t current = 0;
    if (!(maxFile >> max) || max == "max" || !(currentFile >> current)) return -1;
    try {
        return std::max<std::int64_t>(0, std::stoll(max) - current);
    } catch (const std::exception&) {
        return -1;
    }
}

} // namespace

std::int64_t availableMemoryBytes()
{
    const std::int64_t host = memAvailable(), group = cgroupHeadroom();
    if (host < 0) return group;
    return group < 0 ? host : std::min(host, group);
}

std::string memoryText(std::int64_t bytes)
{
    char buf[32];
    if (bytes >= 1'000'000'000) std::snprintf(buf, sizeof buf, "%.1f GB", double(bytes) / 1e9);
    else std::snprintf(buf, sizeof buf, "%.0f MB", double(bytes) / 1e6);
    return buf;
}

} // namespace crowlingo
