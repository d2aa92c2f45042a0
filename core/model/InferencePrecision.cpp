#include "core/model/InferencePrecision.h"

#include <atomic>
#include <cstdlib>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace crowlingo {

namespace {
// -1: not set (the default applies); otherwise a PrecisionChoice.
std::atomic<int> g_choice{-1};
}

std::optional<PrecisionChoice> parsePrecisionChoice(std::string_view text)
{
    if (text == "auto") return PrecisionChoice::Auto;
    if (text == "float32" || text == "fp32") return PrecisionChoice::Float32;
    if (text == "bfloat16" || text == "bf16") return PrecisionChoice::BFloat16;
    return std::nullopt;
}

const char* precisionName(InferencePrecision precision)
{
    return precision == InferencePrecision::BFloat16 ? "bfloat16" : "float32";
}

// Read from cpuid itself rather than from LibTorch, so that the choice is known (and printed)
// without loading it: leaf 7, sub-leaf 1, EAX bit 5 is AVX512-BF16; leaf 7, sub-leaf 0, EDX bit 22
// is AMX-BF16. The OS must also save the AVX-512 state (XCR0 bits 5-7), as for any AVX-512 code.
bool cpuHasBFloat16Instructions()
{
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) return false; // OSXSAVE
    unsigned xcr0Low = 0, xcr0High = 0;
    __asm__("xgetbv" : "=a"(xcr0Low), "=d"(xcr0High) : "c"(0));
    if ((xcr0Low & 0xE6u) != 0xE6u) return false; // SSE, AVX and AVX-512 state enabled by the OS
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    const bool amxBf16 = d & (1u << 22);
    const unsigned subleaves = a;
    bool avx512Bf16 = false;
    if (subleaves >= 1) {
        __cpuid_count(7, 1, a, b, c, d);
        avx512Bf16 = a & (1u << 5);
    }
    return avx512Bf16 || amxBf16;
#else
    return false;
#endif
}

PrecisionChoice defaultPrecisionChoice()
{
    if (const char* env = std::getenv("CROWLINGO_PRECISION"))
        if (auto choice = parsePrecisionChoice(env)) return *choice;
    return PrecisionChoice::Auto;
}

void setPrecisionChoice(PrecisionChoice choice) { g_choice = int(choice); }

PrecisionChoice precisionChoice()
{
    const int c = g_choice.load();
    return c < 0 ? defaultPrecisionChoice() : PrecisionChoice(c);
}

InferencePrecision embeddingPrecision()
{
    switch (precisionChoice()) {
    case PrecisionChoice::Float32: return InferencePrecision::Float32;
    case PrecisionChoice::BFloat16: return InferencePrecision::BFloat16;
    case PrecisionChoice::Auto: break;
    }
    static const bool native = cpuHasBFloat16Instructions();
    return native ? InferencePrecision::BFloat16 : InferencePrecision::Float32;
}

} // namespace crowlingo
