#pragma once
// A deterministic synthetic demo corpus: minutes-long "field recordings" with calls at known
// times over background noise, plus the ground-truth CSV. Real recordings cannot be shipped, so
// the project generates its demo archive from a seed.
//
//   CorpusParams p;  p.files = 8;  p.seed = 1;                        // 8 x 120 s at 22050 Hz
//   auto calls = writeDemoCorpus("demo", p, progress);                 // demo/rec_000.flac .. + demo/ground_truth.csv
//   auto again = readGroundTruth("demo/ground_truth.csv");             // == calls
//
// Threading: all functions are reentrant; synthesizeRecording() for different files may run on
// different threads at once. writeDemoCorpus() works on the calling thread and calls the
// Progress callbacks there; it throws Cancelled between files when asked to stop (files already
// written stay, the CSV is written only when every file is done).
// Determinism: all random draws come from std::mt19937_64 through SynthRng (no
// implementation-defined <random> distributions), so the same params give the same call times,
// types and individuals on every platform and standard library; band edges are rounded to 0.1 Hz
// from values computed with std::sin/pow (a last-bit libm difference could move one by 0.1 Hz in
// rare cases); samples are bit-identical wherever the maths library agrees (see CallSynth.h).
// Each file draws from its own stream (SynthRng::derive(seed, fileIndex)), so file 3 is the same
// whatever `files` is.
//
// What a recording holds: background (pink noise, wind rumble with gusts, rain clicks in about
// half the files) at -40 .. -32 dBFS RMS, and calls that never overlap (gaps >= 0.2 s): caw bouts
// (1-4 caws of one crow), whistles, trills, frog pulse trains, insect buzzes, bat passes (2-5
// sweeps). Each call's SNR is drawn from 0 .. 30 dB (bats, a few ms long: 6 .. 30 dB), measured
// in the call's own band (Welch, see WelchPower.h) against the background within 0.25 s around
// it; a call too loud to fit under -1 dBFS is turned down and its SNR recorded as such. Times are
// on a 0.1 ms grid, bands rounded outwards to 0.1 Hz.
#include "core/common/Progress.h"
#include "core/common/Types.h"
#include "core/synth/BackgroundNoise.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crowlingo {

// Demo: the six call types, clean gaps, as documented above (the bundled demo archive and the
// tests rely on it). Field: a training corpus closer to field recordings: half the events are
// domain-randomised vocalisations (VocalisationSynth.h), every call is sped up or slowed down and
// often reverberant (FieldEffects.h), a quarter of the events overlap the previous one, and the
// background level spans -50 .. -28 dBFS. Ground truth stays sorted by start; a vocalisation's
// call_type is "vocalisation". Song: the field style, but most vocalisation events repeat one call
// 2-8 times at a steady rhythm, as songs, trills, frog choruses and pulse trains do; each rendition
// is the same call with its own small speed change (0.97-1.03x) and level (+-2 dB), in the same
// acoustics. Animal sound is repetitive: a masked model that can copy a visible rendition into a
// hidden one, and knows a rendition from another call, hears real songs better.
enum class CorpusStyle { Demo, Field, Song };

struct CorpusParams {
    CorpusStyle style = CorpusStyle::Demo;
    int files = 8;
    Seconds secondsPerFile = 120;
    std::uint64_t seed = 1;
    SampleRate sampleRate = 22050;  // at least 16000 (songbird and bat bands must fit)
    double callsPerMinute = 30;     // ground-truth rows per minute, on average (bouts count each caw);
                                    // the song style holds more: its events are paced as the field
                                    // style's, and a song's 2-8 renditions are rows of their own
};

struct GroundTruthCall {
    std::string file;        // file name relative to the CSV's folder, e.g. "rec_003.flac"
    Seconds start = 0, end = 0;
    Hertz lowHz = 0, highHz = 0;
    std::string callType;    // caw, whistle, trill, frog, insect, bat (see CallSynth.h)
    std::string individual;  // crow id ("crow1" .. "crow6") for caws, empty otherwise
    bool operator==(const GroundTruthCall&) const = default;
};

struct SynthRecording {
    std::vector<float> samples;     // mono, |x| <= 0.891 (-1 dBFS)
    SampleRate sampleRate = 0;
    std::vector<GroundTruthCall> calls; // sorted by start
    std::vector<double> snrDb;      // per call, same order: in-band SNR it was mixed at
    BackgroundParams background;    // the site/weather drawn for this file
};

std::string demoFileName(int fileIndex); // "rec_000.flac"

// File `fileIndex` (>= 0) of the corpus, in memory. Throws UsageError for invalid params.
SynthRecording synthesizeRecording(const CorpusParams& params, int fileIndex);

// Writes outDir/rec_000.flac .. (FLAC, 16-bit, mono) and outDir/ground_truth.csv (header
// file,start,end,low_hz,high_hz,call_type,individual), creating outDir if needed; returns every
// call of every file in file order. Throws UsageError (bad params, folder or CSV not writable),
// AudioError (FLAC not writable) or Cancelled.
std::vector<GroundTruthCall> writeDemoCorpus(const std::filesystem::path& outDir, const CorpusParams& params,
                                             const Progress& progress = {});

// Reads a ground-truth CSV as written above (RFC 4180 quoting via core/common/Csv.h; CRLF and a
// UTF-8 BOM accepted, blank lines skipped). Throws Error naming the file if it cannot be opened or
// a quote is unterminated, and UsageError naming the file and line for a wrong header, a wrong
// number of fields, a non-numeric or negative time or frequency, end <= start, high_hz < low_hz,
// or an empty file name or call_type.
std::vector<GroundTruthCall> readGroundTruth(const std::filesystem::path& csv);

// The CSV text for `calls` (header included), as writeDemoCorpus writes it.
std::string groundTruthCsv(const std::vector<GroundTruthCall>& calls);

} // namespace crowlingo
