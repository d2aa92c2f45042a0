#pragma once
// Domain units, named once. Times are in seconds of the *recording's own* timeline (what a
// researcher sees in Raven or Audacity), even when a time-expansion factor is applied for analysis.
#include <cstdint>

namespace crowlingo {

using Seconds = double;
using Hertz = double;
using SampleRate = int;
using FrameIndex = std::int64_t;  // signed: offsets are subtracted
using SampleCount = std::int64_t; // signed for the same reason
using ClipId = std::int64_t;      // SQLite rowid

} // namespace crowlingo
