#pragma once
// Checks every parsed LabelTable must pass, whatever the input (shared by fuzz_labelcsv and
// fuzz_raventable). Aborts with a message on the first violation, which libFuzzer reports as a crash.
//
//   const LabelTable t = LabelTable::parse(text, "x.csv");
//   checkLabelTable(t, text);
//
// Threading: stateless.
#include "core/archive/LabelTable.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace crowlingo {

inline void require(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

inline void checkLabelTable(const LabelTable& t, std::string_view text)
{
    const int lines = int(std::count(text.begin(), text.end(), '\n')) + 1;
    require(int(t.rows.size() + t.problems.size()) <= t.records, "more rows and problems than records");
    int previous = 1; // the header
    for (const LabelTableRow& r : t.rows) {
        require(r.line > previous && r.line <= lines, "row lines out of order or out of range");
        previous = r.line;
        require(!r.label.empty(), "empty label");
        require(r.label.find_first_of(" \t", 0) != 0 && r.label.back() != ' ' && r.label.back() != '\t',
                "label not trimmed");
        require(r.startS.has_value() == r.endS.has_value(), "start without end");
        if (r.startS) {
            require(std::isfinite(*r.startS) && std::isfinite(*r.endS), "non-finite time");
            require(*r.startS <= *r.endS, "start after end");
        }
        require(r.lowHz.has_value() == r.highHz.has_value(), "low without high frequency");
        if (r.lowHz) {
            require(std::isfinite(*r.lowHz) && std::isfinite(*r.highHz), "non-finite frequency");
            require(0 <= *r.lowHz && *r.lowHz <= *r.highHz, "frequencies out of order");
        }
        const bool byClip = t.format == LabelTableFormat::ClipIdCsv;
        require(r.clipId.has_value() == byClip, "clip id on a non clip_id row (or missing)");
        require(byClip == r.path.empty(), "path missing (or present on a clip_id row)");
        if (t.format == LabelTableFormat::SpanCsv) require(r.startS && *r.startS < *r.endS, "span row without a span");
        if (t.format == LabelTableFormat::RecordingCsv || byClip) require(!r.startS && !r.lowHz, "unexpected span");
        if (t.format != LabelTableFormat::RavenSelections) require(r.ref == RecordingRef::RelativePath, "CSV path ref");
    }
    for (const auto& [line, why] : t.problems) {
        require(line >= 2 && line <= lines, "problem line out of range");
        require(!why.empty(), "problem without a reason");
    }
    require(!t.labelColumn.empty(), "no label column named");
}

} // namespace crowlingo
