#include "app/cli/OptionChecks.h"

#include "core/common/Error.h"
#include "core/common/RangeCheck.h"
#include "core/model/InferencePrecision.h"

#include <charconv>
#include <cmath>
#include <optional>

namespace crowlingo::cli {

namespace {

template <typename T>
std::optional<T> parseWhole(const std::string& text)
{
    T v{};
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

std::optional<double> parseReal(const std::string& text)
{
    double v = 0;
    const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

} // namespace

CLI::Validator finiteBetween(double lo, double hi)
{
    const std::string range = "a number from " + numberText(lo) + " to " + numberText(hi);
    return CLI::Validator(
        [=](std::string& input) -> std::string {
            const std::optional<double> v = parseReal(input);
            if (v && std::isfinite(*v) && inRange(*v, lo, hi)) return {};
            return "must be " + range + " (got " + input + ")";
        },
        "FLOAT in " + numberText(lo) + ".." + numberText(hi));
}

CLI::Validator finiteAtLeast(double lo)
{
    return CLI::Validator(
        [=](std::string& input) -> std::string {
            const std::optional<double> v = parseReal(input);
            if (v && std::isfinite(*v) && *v >= lo) return {};
            return "must be a finite number >= " + numberText(lo) + " (got " + input + ")";
        },
        "FLOAT >= " + numberText(lo));
}

CLI::Validator wholeBetween(long long lo, long long hi)
{
    return CLI::Validator(
        [=](std::string& input) -> std::string {
            const std::optional<long long> v = parseWhole<long long>(input);
            if (v && inRange(*v, lo, hi)) return {};
            return "must be a whole number from " + numberText(lo) + " to " + numberText(hi) + " (got " + input + ")";
        },
        "INT in " + numberText(lo) + ".." + numberText(hi));
}

CLI::Validator precisionCheck()
{
    return CLI::Validator(
        [](std::string& input) -> std::string {
            if (parsePrecisionChoice(input)) return {};
            return "must be auto, float32 or bfloat16 (got " + input + ")";
        },
        "auto|float32|bfloat16");
}

CLI::Validator threadCountCheck()
{
    return CLI::Validator(
        [](std::string& input) -> std::string {
            const std::optional<int> v = parseWhole<int>(input);
            if (v && inRange(*v, 0, 1024)) return {};
            return "must be between 1 and 1024, or 0 for all cores (got " + input + ")";
        },
        "INT in 1..1024, 0: all cores");
}

void checkTimeSpan(Seconds start, Seconds end, Seconds duration, const std::string& file)
{
    if (start >= duration)
        throw UsageError("--start " + numberText(start) + " s is at or beyond the end of \"" + file + "\", which is "
                         + numberText(std::round(duration * 1000) / 1000) + " s long");
    if (end >= 0 && end <= start)
        throw UsageError("--end " + numberText(end) + " s must be after --start " + numberText(start) + " s");
}

std::string withoutBacktrace(const std::string& message)
{
    const std::size_t at = message.find("Exception raised from ");
    std::string out = at == std::string::npos ? message : message.substr(0, at);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

} // namespace crowlingo::cli
