#pragma once
// The one timestamp format CrowLingo writes (archive rows, export provenance): ISO 8601, UTC.
//
//   archive.setMeta("created_at", utcNowIso());   // "2026-11-26T19:15:37Z"
//
// Threading: safe from any thread (gmtime_r).
#include <string>

namespace crowlingo {

std::string utcNowIso();

} // namespace crowlingo
