#pragma once
// Decoding audio files with libsndfile (WAV, W64, RF64, FLAC, OGG/Vorbis, Opus, MP3, AIFF; any
// bit depth and channel count), converted to the analysis rate with libsoxr (high quality).
//
//   AudioReader r("site3/0412.flac", {.targetRate = 22050, .timeExpansion = 1.0});
//   std::vector<float> x = r.read(12.0, 13.5);      // mono, 22050 Hz, seeks (no full decode)
//   r.stream(0, r.duration(), 10.0, [](std::span<const float> block, Seconds t0) { ...; return true; });
//
// Threading: an AudioReader is used by one thread at a time; open one per worker.
// Times are seconds in the recording's own timeline. With a time-expansion factor F, the file's
// samples are treated as if recorded at rate/F (F = 10 maps bat calls at 20-100 kHz to 2-10 kHz),
// so read(a, b) returns (b - a) * F * targetRate samples.
#include "core/audio/SignalStats.h"
#include "core/common/Types.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

struct AudioInfo {
    std::filesystem::path path;
    std::string format;   // "WAV", "FLAC", "OGG", "MP3", ... (libsndfile major format name)
    std::string encoding; // "PCM 16-bit", "Vorbis", "float 32-bit", ...
    SampleRate sampleRate = 0;
    int channels = 0;
    FrameIndex frames = 0;
    Seconds duration() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

// Opens the file's header only. Throws AudioError naming the file (missing, empty, not audio,
// unreadable, truncated header).
AudioInfo probeAudio(const std::filesystem::path& path);

struct ReadOptions {
    SampleRate targetRate = 0;  // 0: keep the file's rate (after time expansion)
    int channel = -1;           // -1: mix all channels to mono; else 0-based channel index
    double timeExpansion = 1.0; // >= 1 for ultrasound (see above)
};

class AudioReader {
public:
    AudioReader(const std::filesystem::path& path, ReadOptions options = {});
    ~AudioReader();
    AudioReader(AudioReader&&) noexcept;
    AudioReader& operator=(AudioReader&&) noexcept;

    const AudioInfo& info() const;
    const ReadOptions& options() const;
    SampleRate outputRate() const; // targetRate, or the file's rate / timeExpansion
    Seconds duration() const;      // of the recording, in its own timeline

    // Mono samples at outputRate() for [start, end) (clamped to the file). Seeks; decodes only the
    // range plus a short margin for the resampler. Garbage samples (NaN, infinite, absurd) are replaced
    // by 0 and counted.
    std::vector<float> read(Seconds start, Seconds end);

    // Visits [start, end) in consecutive blocks of about blockSeconds, in bounded memory.
    // visit returns false to stop early. Samples are continuous across blocks (one soxr stream).
    void stream(Seconds start, Seconds end, Seconds blockSeconds,
                const std::function<bool(std::span<const float> block, Seconds blockStart)>& visit);

    // Number of garbage input samples (NaN, infinite, or beyond kAbsurdSampleMagnitude) replaced
    // by 0 so far.
    SampleCount nonFiniteSamples() const;
    // Statistics of everything read so far (for quality notes: silence, DC, clipping, garbage).
    const SignalStats& signalStats() const;
    // "" for a sound file; else why it holds less audio than its header announces (a truncated
    // copy, a recorder that died mid-file). Found when opening, or by a read that stopped early;
    // reads then return only the audio present.
    const std::string& damage() const;

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Convenience: the whole file (or a range) at a rate, mono.
std::vector<float> readAudio(const std::filesystem::path& path, ReadOptions options = {},
                             Seconds start = 0, Seconds end = -1);

// File name extensions CrowLingo treats as audio (lower case, with the dot).
bool hasAudioExtension(const std::filesystem::path& path);

} // namespace crowlingo
