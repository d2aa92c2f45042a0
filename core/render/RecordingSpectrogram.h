#pragma once
// A whole recording's spectrogram in pages (tiles), for a view that opens a 10-hour file at once
// and scrolls and zooms through it: only the tiles on screen are computed, each from the stretch
// of audio it covers, at a level of detail that matches the zoom.
//
//   RecordingSpectrogram rs("site3/night.wav", settings);     // probes the header only
//   const int level = rs.levelFor(secondsPerPixel);           // columns no wider than a pixel
//   Spectrogram tile = rs.tile(level, rs.tileAt(level, 3600.0));   // dBFS, on a worker thread
//
// Level 0 has one column per STFT frame (hop = settings.hop() samples of the file's own rate).
// Level L has one column per 2^L frames, each the maximum over them up to level kMaxPooledLevel,
// so a 5-ms click still shows zoomed out; coarser levels take the maximum over kSparseFrames
// frames spread evenly across the column (decoding every sample of a 10-hour file to draw it
// whole would take minutes; this draws it in seconds and still catches most loud events).
// Times and frequencies are the recording's own (time expansion does not change a picture).
// Column c of a tile covers startSeconds + c * hopSeconds onwards: its frames' window centres,
// less half a hop, as Raven draws them. Windows reaching past the file's ends see silence there,
// so the columns span the whole file, from 0 to its duration (within a hop). Values are dB re full scale: a full-scale sine peaks at 0 dB; silence is floored at -200 dB.
//
// Threading: immutable after construction; tile() may run on many threads at once (each call
// opens its own reader).
#include "core/audio/AudioReader.h"
#include "core/dsp/Spectrogram.h"
#include "core/render/SpectrogramSettings.h"

#include <cstdint>
#include <filesystem>

namespace crowlingo {

class RecordingSpectrogram {
public:
    static constexpr int kTileColumns = 256;
    static constexpr int kMaxPooledLevel = 6;
    static constexpr int kSparseFrames = 16;

    // Throws AudioError (the file cannot be read) or UsageError (invalid settings).
    RecordingSpectrogram(std::filesystem::path file, SpectrogramSettings settings);

    const std::filesystem::path& file() const { return file_; }
    const AudioInfo& info() const { return info_; }
    const SpectrogramSettings& settings() const { return settings_; }
    Seconds duration() const { return info_.duration(); }
    std::int64_t frameCount() const { return frames_; }   // level-0 columns in the whole file
    int binCount() const { return binEnd_ - binBegin_; }  // rows of every tile (frequency range)
    // The frequencies to show: from the lowest row's centre to the settings' highest frequency
    // (Nyquist if none), at least one bin apart.
    Hertz lowestHz() const;
    Hertz highestHz() const { return highHz_; }

    int maxLevel() const { return maxLevel_; }            // the whole file fits a few tiles
    Seconds columnSeconds(int level) const;               // time between columns at `level`
    int levelFor(Seconds secondsPerPixel) const;          // coarsest level with columns <= 1 pixel
    std::int64_t tileCount(int level) const;
    Seconds tileSeconds(int level) const { return columnSeconds(level) * kTileColumns; }
    std::int64_t tileAt(int level, Seconds t) const;      // the tile holding time t (clamped)

    // kTileColumns columns (fewer in the last tile), bins of [minHz, maxHz]; throws AudioError if
    // the file became unreadable, UsageError for a level or index out of range.
    Spectrogram tile(int level, std::int64_t index) const;

private:
    std::filesystem::path file_;
    SpectrogramSettings settings_;
    AudioInfo info_;
    std::int64_t frames_ = 0;
    int binBegin_ = 0, binEnd_ = 0;
    Hertz highHz_ = 0;
    int maxLevel_ = 0;
    float dbOffset_ = 0; // subtracted so a full-scale sine peaks at 0 dB
};

} // namespace crowlingo
