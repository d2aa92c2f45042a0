#pragma once
// One phrasing for a setting outside what CrowLingo supports, with the allowed range in the
// message, so that an absurd value is refused before anything is allocated for it:
//
//   requireInRange("architecture.encoder.depth", c.encoderDepth, 1, 64);
//   // UsageError: architecture.encoder.depth = 1000000 is out of range 1..64
//
// NaN and infinity are outside every range. Threading: plain functions.
#include "core/common/Error.h"

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <type_traits>

namespace crowlingo {

// Shortest text that reads back to the same value ("0.3", "1e+12", "nan"), never 300 digits.
template <typename T>
std::string numberText(T value)
{
    if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(value)) return "nan";
        if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
        // Whole numbers below 10^10 in full: "1000000", not the shorter "1e+06".
        if (value == std::trunc(value) && std::fabs(value) < 1e10) return std::to_string((long long)value);
    }
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

template <typename T>
std::string outOfRangeMessage(std::string_view name, T value, T lo, T hi, std::string_view unit = {})
{
    const std::string u = unit.empty() ? std::string() : " " + std::string(unit);
    return std::string(name) + " = " + numberText(value) + " is out of range " + numberText(lo) + ".." + numberText(hi) + u;
}

template <typename T>
bool inRange(T value, T lo, T hi)
{
    return lo <= value && value <= hi; // false for NaN
}

// Throws UsageError with outOfRangeMessage() unless lo <= value <= hi.
template <typename T>
void requireInRange(std::string_view name, T value, T lo, T hi, std::string_view unit = {})
{
    if (!inRange(value, lo, hi)) throw UsageError(outOfRangeMessage(name, value, lo, hi, unit));
}

} // namespace crowlingo
