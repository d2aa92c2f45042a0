#pragma once
// The event detector's channels and which is which. Detection bands are groups of adjacent mel
// bands, each averaging enough FFT bins for a steady level. Wide channels (4 bands) and transient
// channels (8 bands) are spans of adjacent detection bands above 500 Hz, overlapping by half.
// Their levels, floors and ceilings share one array indexed by channel: the bands first, then
// the wide channels, then the transient ones.
//
//   const DetectionChannels ch = DetectionChannels::layout(mel.melCentres(), melParams, timeExpansion);
//   for (std::size_t w = 0; w < ch.wide.size(); ++w) level[ch.wideChannel(w)] = sumOf(ch.wide[w]);
//   if (ch.kindOf(c) == ChannelKind::Transient) ...
//
// Threading: a plain value.
#include "core/common/Types.h"
#include "core/dsp/MelSpectrogram.h"

#include <cstddef>
#include <vector>

namespace crowlingo::detail {

// A detection band is grouped until it averages this many independent FFT bins. A band of one or
// two bins fluctuates so much in noise that "9 dB over the floor" happens every second; with three
// the level is steady enough for the thresholds to mean what they say.
constexpr double kMinEffectiveBins = 3.0;
// Wide and transient channels lie above this (wind rumble lives below).
constexpr double kWideLowestHz = 500.0;
constexpr int kWideBands = 4;       // detection bands per wide channel
constexpr int kTransientBands = 8;  // detection bands per transient channel

enum class ChannelKind { Band, Wide, Transient };

struct ChannelSpan {
    int lo = 0, hi = 0; // first and last detection band, inclusive
};

struct DetectionChannels {
    int bands = 0;                        // detection bands
    std::vector<int> groupOf;             // mel band -> detection band
    std::vector<Hertz> lowReal, highReal; // per detection band: first/last member's centre, real Hz
    int broadLowest = 0;                  // the first detection band above kWideLowestHz
    std::vector<ChannelSpan> wide;        // per wide channel, its bands
    std::vector<ChannelSpan> transient;   // per transient channel, its bands

    int count() const { return bands + int(wide.size()) + int(transient.size()); }
    int wideChannel(std::size_t i) const { return bands + int(i); }
    int transientChannel(std::size_t i) const { return bands + int(wide.size()) + int(i); }
    ChannelKind kindOf(int channel) const
    {
        return channel < bands ? ChannelKind::Band : channel < bands + int(wide.size()) ? ChannelKind::Wide : ChannelKind::Transient;
    }

    // The channels for a mel analysis (centres in analysed Hz; real Hz = analysed x timeExpansion).
    static DetectionChannels layout(const std::vector<Hertz>& melCentres, const MelParams& mp, double timeExpansion);
};

} // namespace crowlingo::detail
