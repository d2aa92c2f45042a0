#pragma once
// Streaming call detector: band-limited energy (mel bands) over an adaptive per-band noise floor,
// with hysteresis (onDb to start, offDb to continue), gap merging, minimum and maximum duration.
// Several events may be open at once in different bands (a hum does not swallow a whistle).
// Short events that do not stand out of what an impulse lifts in every band (rain on leaves,
// handling noise) are dropped as clicks; EventDetector.cpp explains the rules.
//
//   EventDetector det(EventParams{}, reader.outputRate(), reader.options().timeExpansion);
//   reader.stream(0, reader.duration(), 5.0, [&](auto block, Seconds) { det.feed(block); return true; });
//   det.finish(); std::vector<Clip> calls = det.takeEvents();   // unpadded events
//
// Threading: an EventDetector is used by one thread at a time.
// Units: EventParams and the emitted clips are in the recording's own units (seconds of the
// recording, real Hz). With time expansion F the analysed samples run at rate/F in real time, so
// the analysed band is [lowHz/F, highHz/F] (clamped to the analysis Nyquist) and a band's
// analysis Hz are reported as Hz x F. Parameters left at their defaults apply to the expanded
// audio (EventParams::forTimeExpansion); params() returns them as used, in real units.
// Memory: bounded whatever the length of the stream: at most 65536 samples, the first
// min(noiseWindow, 10 s) of band levels (the noise statistics start from them) and a few dozen
// frames of rings; maxBufferedSamples()/maxBufferedFrames() report the high-water marks. Events
// wait in the detector until takeEvents().
#include "core/common/Types.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/segment/Segmenter.h"

#include <memory>
#include <span>
#include <vector>

namespace crowlingo {

class EventDetector {
public:
    // startTime: recording time of the first sample that will be fed.
    // Throws UsageError if the parameters are invalid or the band lies above the analysis Nyquist.
    EventDetector(const EventParams& params, SampleRate analysisRate, double timeExpansion = 1.0,
                  Seconds startTime = 0);
    ~EventDetector();
    EventDetector(EventDetector&&) noexcept;
    EventDetector& operator=(EventDetector&&) noexcept;

    // The next samples of the stream (mono, analysisRate), any block size.
    void feed(std::span<const float> samples);
    // End of stream: analyses what is left and closes the open events.
    void finish();
    // Events completed so far, without padding, sorted by start; removed from the detector. Events
    // may overlap (different bands), and one completed later may start before one taken earlier
    // (a long event in one band around short ones in another): sort the union if order matters.
    std::vector<Clip> takeEvents();

    // Throws UsageError naming the offending parameter (ranges only; the band is checked against
    // the analysis rate by the constructor).
    static void checkParams(const EventParams& params);

    const EventParams& params() const;
    const MelParams& analysisParams() const; // the mel analysis chosen for this rate and band

    // Diagnostics for the bounded-memory guarantee: high-water marks of the internal buffers.
    SampleCount maxBufferedSamples() const;
    std::size_t maxBufferedFrames() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
