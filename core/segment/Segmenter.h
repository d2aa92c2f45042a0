#pragma once
// Cutting recordings into clips. Three modes, written as the CLI's --segment value:
//   whole[:MAX]        one clip per file; files longer than wholeMaxSeconds (MAX) are cut into
//                      windows of that length; a tail of at least a quarter window is its own
//                      clip, a shorter one extends the last clip (so clips stay < 1.25 x MAX)
//   window:LEN[:HOP]   fixed windows of LEN seconds every HOP seconds (HOP defaults to LEN): the
//                      floor((dur-LEN)/HOP)+1 windows that fit, plus the first one that does not,
//                      clamped to the end of the file, if it holds at least LEN/2; a file shorter
//                      than LEN/2 is one clip (no file disappears)
//   events[:k=v,...]   call detection (EventDetector): band-limited energy over an adaptive
//                      per-band noise floor with hysteresis, min/max duration, gap merging;
//                      optional EventParams overrides, e.g. events:onDb=12,minDuration=0.05
//                      Clips are padded by `padding` (clamped to the file), sorted by start, and
//                      may overlap (calls in different bands at once).
//   table[:PATH]       the researcher's own selections (SelectionClips.h): one clip per selection of
//                      the Raven selection tables under the recordings folder, or of PATH (a Raven,
//                      Audacity or CSV table, or a folder of Raven tables; relative to the
//                      recordings folder). Only an archive can be cut this way (embedFolder), as it
//                      needs to know which recording each selection names: segment() refuses it.
//
//   SegmentSpec spec = SegmentSpec::parse("window:2:1");
//   AudioReader reader(path, {.targetRate = 22050});
//   std::vector<Clip> clips = segment(reader, spec, progress);
//
// Threading: segment() uses only the reader it is given; call it from one worker per file.
// Memory: streams the file block by block, so a multi-hour recording uses bounded memory.
#include "core/audio/AudioReader.h"
#include "core/common/Progress.h"
#include "core/common/Types.h"

#include <string>
#include <vector>

namespace crowlingo {

struct Clip {
    Seconds start = 0;  // recording timeline
    Seconds end = 0;
    Hertz lowHz = 0;    // 0/0 when the segmenter does not estimate a band (whole, window)
    Hertz highHz = 0;
    // Drawn by the researcher (core/pipeline/ClipsByHand.h) rather than found by a segmentation:
    // such a clip stays when its recording is cut again.
    bool byHand = false;
};

// In the recording's own units: seconds of its timeline and real Hz. With a time-expansion factor
// F the analysed band is [lowHz/F, highHz/F] of the expanded audio (clamped to its Nyquist). The
// defaults, though, belong to the expanded audio, as the researcher hears it: see
// forTimeExpansion().
struct EventParams {
    Hertz lowHz = 200;           // analysed band
    Hertz highHz = 11000;
    double onDb = 9.0;           // an event starts when a band exceeds its noise floor by this
                                 // (plus the excess spread of impulsive noise such as rain)
    double offDb = 5.0;          // ... and ends when its bands fall below floor + offDb (hysteresis)
    Seconds noiseWindow = 3.0;   // time scale of the adaptive floor: it follows noise rises of up to
                                 // 12 dB per noiseWindow (falls 4x faster); also the warm-up length
    Seconds minDuration = 0.01;  // short enough for bat-like sweeps (3-8 ms, seen as 10-15 ms events)
    Seconds maxDuration = 5.0;   // longer events are split
    Seconds mergeGap = 0.05;     // events closer than this are merged
    Seconds padding = 0.02;      // added before and after each event

    // The parameters for recordings read with this time expansion, in real units. Those left at
    // their defaults apply to the expanded audio: the band is multiplied and the durations divided
    // by the expansion (x10: 2-110 kHz of a bat recording, events from 1 ms, merged across 5 ms,
    // a 0.3 s noise window). Values given explicitly are the recording's own and stay. (Giving
    // exactly a default counts as not giving it, as in SegmentSpec::toString().)
    EventParams forTimeExpansion(double timeExpansion) const;
};

// What EventDetector accepts (real units); values outside are refused with their range.
struct EventLimits {
    static constexpr Hertz maxHz = 1'000'000.0;   // above any bat or dolphin call
    static constexpr double minOnDb = 0.1, maxDb = 100.0;
    static constexpr Seconds minNoiseWindow = 0.001;
    static constexpr Seconds maxSeconds = 3600.0; // durations, gaps, padding, noise window
};

// Window and whole-file lengths and hops (seconds): shorter hops would make millions of clips.
struct SegmentLimits {
    static constexpr Seconds minSeconds = 0.01, maxSeconds = 86'400.0;
};

struct SegmentSpec {
    enum class Mode { Whole, Window, Events, Table };
    Mode mode = Mode::Whole;
    Seconds windowLength = 2.0;  // window mode
    Seconds windowHop = 2.0;
    Seconds wholeMaxSeconds = 30.0; // whole mode: longer files are cut into windows of this length
    EventParams events;
    std::string table;              // table mode: the table or folder of tables ("": the recordings folder)

    static SegmentSpec parse(const std::string& text); // throws UsageError with the accepted forms
    std::string toString() const;                       // round-trips through parse()
};

std::vector<Clip> segment(AudioReader& reader, const SegmentSpec& spec, const Progress& progress = {});

} // namespace crowlingo
