#pragma once
// The number format the encoder computes embeddings in. bfloat16 keeps float32's range with an
// 8-bit mantissa; on a CPU with bfloat16 instructions (AVX512-BF16, AMX) oneDNN runs the encoder's
// matrix products in it several times faster, and the vectors stay within cosine 0.9999 of float32's
// (measured on the labelled sets: resources/models/MODEL_CARD.md, BENCHMARKS.md). Elsewhere
// bfloat16 is emulated and slower, so `Auto` picks it only where the CPU has the instructions.
// Training (adaptation's included) and reconstruction always compute in float32.
//
//   setPrecisionChoice(*parsePrecisionChoice("auto"));  // from --precision, once at start-up
//   InferencePrecision p = embeddingPrecision();       // what Embedder uses unless told otherwise
//
// Default: the environment variable CROWLINGO_PRECISION (auto, float32 or bfloat16), else auto.
// Threading: the choice is process-wide and atomic; set it before work starts.
#include <optional>
#include <string_view>

namespace crowlingo {

enum class InferencePrecision { Float32, BFloat16 };
enum class PrecisionChoice { Auto, Float32, BFloat16 };

// "auto", "float32" or "bfloat16" (also "fp32", "bf16"); nullopt for anything else.
std::optional<PrecisionChoice> parsePrecisionChoice(std::string_view text);
const char* precisionName(InferencePrecision precision); // "float32", "bfloat16"

// Whether the CPU computes bfloat16 products in hardware (cpuid: AVX512-BF16 or AMX-BF16).
bool cpuHasBFloat16Instructions();

PrecisionChoice defaultPrecisionChoice(); // CROWLINGO_PRECISION when it names a choice, else Auto
void setPrecisionChoice(PrecisionChoice choice);
PrecisionChoice precisionChoice();        // as set, else defaultPrecisionChoice()
// The choice resolved on this CPU: Auto is BFloat16 where cpuHasBFloat16Instructions(), else Float32.
InferencePrecision embeddingPrecision();

} // namespace crowlingo
