#include "core/common/NumericsEnvironment.h"

#include <algorithm>
#include <cctype>
#include <array>
#include <cstdlib>
#include <dlfcn.h>
#include <optional>
#include <unistd.h>
#include <utility>

namespace crowlingo {

namespace {

// OpenBLAS' x86-64 kernels (DYNAMIC_ARCH build) by the widest instructions they use.
std::optional<VectorUnits> kernelUnits(std::string_view kernel)
{
    static constexpr std::array<std::pair<std::string_view, VectorUnits>, 21> kernels{{
        {"Prescott", VectorUnits::Sse},     {"Core2", VectorUnits::Sse},      {"Penryn", VectorUnits::Sse},
        {"Dunnington", VectorUnits::Sse},   {"Nehalem", VectorUnits::Sse},    {"Atom", VectorUnits::Sse},
        {"Nano", VectorUnits::Sse},         {"Opteron", VectorUnits::Sse},    {"Opteron_SSE3", VectorUnits::Sse},
        {"Barcelona", VectorUnits::Sse},    {"Bobcat", VectorUnits::Sse},     {"Sandybridge", VectorUnits::Avx},
        {"Bulldozer", VectorUnits::Avx},    {"Piledriver", VectorUnits::Avx}, {"Steamroller", VectorUnits::Avx},
        {"Excavator", VectorUnits::Avx},    {"Haswell", VectorUnits::Avx2},   {"Zen", VectorUnits::Avx2},
        {"SkylakeX", VectorUnits::Avx512},  {"Cooperlake", VectorUnits::Avx512}, {"SapphireRapids", VectorUnits::Avx512},
    }};
    for (const auto& [name, units] : kernels)
        if (std::equal(name.begin(), name.end(), kernel.begin(), kernel.end(),
                       [](unsigned char a, unsigned char b) { return std::tolower(a) == std::tolower(b); }))
            return units;
    return std::nullopt;
}

} // namespace

VectorUnits cpuVectorUnits()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // libgcc checks that the operating system saves the registers too (XGETBV), not only CPUID.
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
        return VectorUnits::Avx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return VectorUnits::Avx2;
    if (__builtin_cpu_supports("avx")) return VectorUnits::Avx;
#endif
    return VectorUnits::Sse;
}

std::string betterOpenBlasKernel(std::string_view chosen, VectorUnits cpu)
{
    const std::optional<VectorUnits> used = kernelUnits(chosen);
    if (!used || *used >= cpu) return {};
    switch (cpu) {
    case VectorUnits::Avx512: return "SkylakeX";
    case VectorUnits::Avx2: return "Haswell";
    case VectorUnits::Avx: return "Sandybridge";
    case VectorUnits::Sse: return {};
    }
    return {};
}

std::string openBlasKernel()
{
    // Looked up, not linked: the BLAS may be another implementation (the reference BLAS, BLIS).
    using CoreName = char* (*)();
    const auto coreName = reinterpret_cast<CoreName>(::dlsym(RTLD_DEFAULT, "openblas_get_corename"));
    if (!coreName) return {};
    const char* name = coreName();
    return name ? std::string(name) : std::string();
}

std::string tunablesWithHugePages(std::string_view tunables)
{
    // Colon-separated name=value pairs (glibc's manual, "Tunables").
    for (std::size_t at = 0; at <= tunables.size();) {
        const std::size_t end = std::min(tunables.find(':', at), tunables.size());
        const std::string_view pair = tunables.substr(at, end - at);
        if (pair.substr(0, pair.find('=')) == "glibc.malloc.hugetlb") return {};
        at = end + 1;
    }
    constexpr std::string_view hugePages = "glibc.malloc.hugetlb=1";
    return tunables.empty() ? std::string(hugePages) : std::string(tunables) + ":" + std::string(hugePages);
}

bool setNumericsEnvironment()
{
    bool changed = false;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (const std::string asked = tunablesWithHugePages(tunables ? tunables : ""); !asked.empty()) {
        ::setenv("GLIBC_TUNABLES", asked.c_str(), 1);
        changed = true;
    }
    if (!std::getenv("OMP_WAIT_POLICY")) { // the user's choice, or already re-executed
        ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
        changed = true;
    }
    if (!std::getenv("OPENBLAS_CORETYPE")) {
        const std::string better = betterOpenBlasKernel(openBlasKernel(), cpuVectorUnits());
        if (!better.empty()) {
            ::setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
            changed = true;
        }
    }
    return changed;
}

void ensureNumericsEnvironment(char** argv)
{
    if (setNumericsEnvironment()) ::execv("/proc/self/exe", argv);
    // execv only returns on failure: carry on with the libraries' defaults.
}

} // namespace crowlingo
