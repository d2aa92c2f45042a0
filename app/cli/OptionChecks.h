#pragma once
// Checks on numeric command-line values that CLI11's own validators miss or phrase badly: NaN
// and infinity pass CLI::Range (every comparison with NaN is false), and CLI::NonNegativeNumber
// prints a 309-digit bound. Every floating option goes through finiteBetween() or
// finiteAtLeast(); the message names the option (CLI11 adds it) and the range:
//   --mask-ratio: must be a number from 0.3 to 0.8 (got nan)
//
//   sub->add_option("--lr", t.lr)->check(finiteBetween(1e-9, 1.0));
//   checkTimeSpan(start, end, reader.duration(), file);   // UsageError
#include "core/archive/ArchiveSettings.h"
#include "core/common/Types.h"

#include <CLI/CLI.hpp>

#include <string>

namespace crowlingo::cli {

CLI::Validator finiteBetween(double lo, double hi);
CLI::Validator finiteAtLeast(double lo);
CLI::Validator wholeBetween(long long lo, long long hi);
// --threads: 1..1024, or 0 for all cores.
CLI::Validator threadCountCheck();
// auto, float32 or bfloat16 (parsePrecisionChoice).
CLI::Validator precisionCheck();

// The accepted time-expansion factors (embed, segment, mel, reconstruct, train).
constexpr double kMinTimeExpansion = ArchiveSettings::minTimeExpansion, kMaxTimeExpansion = ArchiveSettings::maxTimeExpansion;

// --start/--end against the file: UsageError for a start at or past the end of the file (its
// duration in the message) or an end not after the start. end < 0: not given. Negative and
// non-finite values are refused earlier, by finiteAtLeast(0).
void checkTimeSpan(Seconds start, Seconds end, Seconds duration, const std::string& file);

// An error message without the C++ stack trace LibTorch appends to its own ("Exception raised
// from ..."): the user needs the first line, not 40 frames.
std::string withoutBacktrace(const std::string& message);

} // namespace crowlingo::cli
