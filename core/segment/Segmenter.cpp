#include "core/segment/Segmenter.h"

#include "core/common/Error.h"
#include "core/common/RangeCheck.h"
#include "core/segment/EventDetector.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

namespace crowlingo {

namespace {

constexpr const char* kAcceptedForms =
    "accepted forms: whole, whole:MAX, window:LEN[:HOP], events, events:key=value,..., table, table:PATH "
    "(times in seconds, frequencies in Hz; event keys: lowHz, highHz, onDb, offDb, noiseWindow, "
    "minDuration, maxDuration, mergeGap, padding; PATH: a selection table or a folder of Raven tables)";

[[noreturn]] void badSpec(const std::string& text, const std::string& why)
{
    throw UsageError("cannot parse segment spec \"" + text + "\": " + why + "; " + kAcceptedForms);
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> parts;
    std::size_t from = 0;
    while (true) {
        const std::size_t at = s.find(sep, from);
        parts.push_back(s.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from));
        if (at == std::string_view::npos) return parts;
        from = at + 1;
    }
}

// Locale-independent, whole-string number; nullopt-like NaN on failure.
double toNumber(std::string_view s)
{
    s = trim(s);
    double v = 0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return NAN;
    return v;
}

double positiveSeconds(const std::string& text, std::string_view field, const char* what)
{
    if (trim(field).empty()) badSpec(text, std::string("missing ") + what);
    const double v = toNumber(field);
    if (std::isnan(v)) badSpec(text, std::string(what) + " \"" + std::string(field) + "\" is not a number");
    if (!inRange(v, SegmentLimits::minSeconds, SegmentLimits::maxSeconds))
        badSpec(text, outOfRangeMessage(what, v, SegmentLimits::minSeconds, SegmentLimits::maxSeconds, "s"));
    return v;
}

// Shortest text that reads back to the same double.
std::string number(double v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

struct EventField {
    const char* key;
    double EventParams::*member;
};
constexpr EventField kEventFields[] = {
    {"lowHz", &EventParams::lowHz},           {"highHz", &EventParams::highHz},
    {"onDb", &EventParams::onDb},             {"offDb", &EventParams::offDb},
    {"noiseWindow", &EventParams::noiseWindow}, {"minDuration", &EventParams::minDuration},
    {"maxDuration", &EventParams::maxDuration}, {"mergeGap", &EventParams::mergeGap},
    {"padding", &EventParams::padding},
};

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Consecutive windows of `length` every `hop` over [0, duration); the first window that would
// run past the end is kept, clamped to the end, if it holds at least half a window.
std::vector<Clip> windows(Seconds duration, Seconds length, Seconds hop)
{
    std::vector<Clip> clips;
    constexpr double eps = 1e-9; // durations like 10.0 - 2.0 must count as whole windows
    for (std::int64_t k = 0;; ++k) {
        const Seconds start = double(k) * hop; // not accumulated: no drift over hours
        if (start >= duration - eps) break;
        if (start + length <= duration + eps) {
            clips.push_back({start, std::min(start + length, duration), 0, 0});
            continue;
        }
        if (duration - start >= length / 2 - eps) clips.push_back({start, duration, 0, 0});
        break;
    }
    return clips;
}

} // namespace

EventParams EventParams::forTimeExpansion(double timeExpansion) const
{
    const EventParams defaults;
    EventParams p = *this;
    if (lowHz == defaults.lowHz && highHz == defaults.highHz) { // a band half given is taken as given
        p.lowHz *= timeExpansion;
        p.highHz *= timeExpansion;
    }
    for (Seconds EventParams::*duration : {&EventParams::noiseWindow, &EventParams::minDuration, &EventParams::maxDuration,
                                           &EventParams::mergeGap, &EventParams::padding})
        if (this->*duration == defaults.*duration) p.*duration /= timeExpansion;
    return p;
}

SegmentSpec SegmentSpec::parse(const std::string& text)
{
    const std::string_view spec = trim(text);
    const std::vector<std::string_view> parts = split(spec, ':');
    const std::string_view mode = trim(parts[0]);
    SegmentSpec s;
    if (mode == "whole") {
        s.mode = Mode::Whole;
        if (parts.size() > 2) badSpec(text, "too many fields for whole");
        if (parts.size() == 2) s.wholeMaxSeconds = positiveSeconds(text, parts[1], "maximum clip length");
    } else if (mode == "window") {
        s.mode = Mode::Window;
        if (parts.size() < 2) badSpec(text, "missing window length");
        if (parts.size() > 3) badSpec(text, "too many fields for window");
        s.windowLength = positiveSeconds(text, parts[1], "window length");
        s.windowHop = parts.size() == 3 ? positiveSeconds(text, parts[2], "window hop") : s.windowLength;
    } else if (mode == "events") {
        s.mode = Mode::Events;
        // Only the first ':' separates the overrides (values never contain ':').
        const std::size_t colon = spec.find(':');
        if (colon != std::string_view::npos) {
            const std::string_view overrides = spec.substr(colon + 1);
            if (trim(overrides).empty()) badSpec(text, "missing key=value after events:");
            for (std::string_view item : split(overrides, ',')) {
                const std::size_t eq = item.find('=');
                if (eq == std::string_view::npos) badSpec(text, "expected key=value, got \"" + std::string(trim(item)) + "\"");
                const std::string_view key = trim(item.substr(0, eq));
                const auto field = std::find_if(std::begin(kEventFields), std::end(kEventFields),
                                                [&](const EventField& f) { return equalsIgnoreCase(f.key, key); });
                if (field == std::end(kEventFields)) badSpec(text, "unknown event key \"" + std::string(key) + "\"");
                const double v = toNumber(item.substr(eq + 1));
                if (std::isnan(v))
                    badSpec(text, "value of " + std::string(field->key) + " \"" + std::string(trim(item.substr(eq + 1))) +
                                      "\" is not a number");
                s.events.*(field->member) = v;
            }
        }
        try {
            // Same checks as the detector, so a bad spec fails before any file is opened.
            EventDetector::checkParams(s.events);
        } catch (const UsageError& e) {
            badSpec(text, e.what());
        }
    } else if (mode == "table") {
        s.mode = Mode::Table;
        // Everything after the first ':' is the path, which may hold ':' itself.
        const std::size_t colon = spec.find(':');
        if (colon != std::string_view::npos) {
            s.table = std::string(trim(spec.substr(colon + 1)));
            if (s.table.empty()) badSpec(text, "missing table path after table:");
        }
    } else if (mode.empty()) {
        badSpec(text, "empty spec");
    } else {
        badSpec(text, "unknown mode \"" + std::string(mode) + "\"");
    }
    return s;
}

std::string SegmentSpec::toString() const
{
    switch (mode) {
    case Mode::Whole:
        return wholeMaxSeconds == SegmentSpec{}.wholeMaxSeconds ? "whole" : "whole:" + number(wholeMaxSeconds);
    case Mode::Window:
        return "window:" + number(windowLength) + (windowHop == windowLength ? "" : ":" + number(windowHop));
    case Mode::Events: {
        // Only the parameters that differ from the defaults, in a fixed order.
        const EventParams defaults;
        std::string out = "events";
        char sep = ':';
        for (const EventField& f : kEventFields) {
            if (events.*(f.member) == defaults.*(f.member)) continue;
            out += sep + std::string(f.key) + "=" + number(events.*(f.member));
            sep = ',';
        }
        return out;
    }
    case Mode::Table:
        return table.empty() ? "table" : "table:" + table;
    }
    return "whole";
}

std::vector<Clip> segment(AudioReader& reader, const SegmentSpec& spec, const Progress& progress)
{
    const Seconds duration = reader.duration();
    switch (spec.mode) {
    case SegmentSpec::Mode::Whole: {
        const Seconds w = spec.wholeMaxSeconds;
        if (duration <= 0) return {};
        if (!(w > 0) || duration <= w) return {{0, duration, 0, 0}};
        // Windows of w; a remainder shorter than a quarter window is not worth its own clip
        // (an embedder would see mostly padding), so it extends the last clip instead (< 1.25 w).
        std::vector<Clip> clips;
        const auto full = std::int64_t(std::floor(duration / w + 1e-9));
        for (std::int64_t k = 0; k < full; ++k) clips.push_back({double(k) * w, std::min(double(k + 1) * w, duration), 0, 0});
        const Seconds rest = duration - double(full) * w;
        if (rest >= w / 4) clips.push_back({double(full) * w, duration, 0, 0});
        else if (rest > 1e-9) clips.back().end = duration;
        return clips;
    }
    case SegmentSpec::Mode::Window: {
        if (!(spec.windowLength > 0) || !(spec.windowHop > 0))
            throw UsageError(fileError("segment", reader.info().path, "window length and hop must be > 0"));
        std::vector<Clip> clips = windows(duration, spec.windowLength, spec.windowHop);
        // A file shorter than half a window still gives one clip: no recording silently disappears.
        if (clips.empty() && duration > 0) clips.push_back({0, duration, 0, 0});
        return clips;
    }
    case SegmentSpec::Mode::Events: {
        const double te = reader.options().timeExpansion;
        std::optional<EventDetector> detector;
        try {
            detector.emplace(spec.events, reader.outputRate(), te, 0.0);
        } catch (const UsageError& e) {
            throw UsageError(fileError("detect events in", reader.info().path, e.what()));
        }
        std::vector<Clip> clips;
        const EventParams& p = detector->params(); // in real units, defaults adapted to the expansion
        auto collect = [&] {
            for (Clip c : detector->takeEvents()) {
                c.start = std::max(0.0, c.start - p.padding);
                c.end = std::min(duration, c.end + p.padding);
                if (c.end > c.start) clips.push_back(c);
            }
        };
        constexpr Seconds kBlockSeconds = 5.0;
        reader.stream(0, duration, kBlockSeconds, [&](std::span<const float> block, Seconds blockStart) {
            progress.checkCancelled();
            detector->feed(block);
            collect();
            if (duration > 0) progress(std::clamp(blockStart / duration, 0.0, 1.0), "detecting events");
            return true;
        });
        detector->finish();
        collect();
        std::stable_sort(clips.begin(), clips.end(), [](const Clip& a, const Clip& b) { return a.start < b.start; });
        progress(1.0, "detecting events");
        return clips;
    }
    case SegmentSpec::Mode::Table:
        throw UsageError(fileError("segment", reader.info().path,
                                   "\"" + spec.toString() + "\" cuts the clips a selection table names, which needs the folder "
                                   "the table's recordings are in: embed the folder into an archive with it"));
    }
    return {};
}

} // namespace crowlingo
