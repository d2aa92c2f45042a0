#pragma once
// What the decoded samples of a recording look like, gathered while reading: enough to tell a
// researcher that a file is digital silence, a constant (DC) signal, clipped, or held NaN,
// infinite or absurd sample values (which the reader replaces by 0 so they never reach the model).
//
//   AudioReader r(path); ... read or stream ...;
//   if (std::string note = describeSignalProblems(r.signalStats()); !note.empty()) warn(note);
//
// Threading: plain values and a pure function.
#include "core/common/Types.h"

#include <string>

namespace crowlingo {

struct SignalStats {
    SampleCount frames = 0;      // input frames examined (a range read twice counts twice)
    SampleCount nan = 0;         // samples (any channel) read as 0 because they were NaN
    SampleCount infinite = 0;    // ... infinite
    SampleCount absurd = 0;      // ... finite but beyond +-1e6 full scale, which no recorder makes
    SampleCount clippedFrames = 0; // frames with a channel at full scale (|x| >= 0.999)
    double peak = 0;             // largest |sample| kept
    double sum = 0;              // of the mono signal (mixed or chosen channel)
    double sumSquares = 0;

    SampleCount invalid() const { return nan + infinite + absurd; }
    void add(const SignalStats& other);
};

// Largest magnitude a sample may have; beyond it a sample is garbage (float files only).
constexpr float kAbsurdSampleMagnitude = 1e6f;

// One sentence naming every problem found, or "" for an ordinary recording.
std::string describeSignalProblems(const SignalStats& stats);

} // namespace crowlingo
