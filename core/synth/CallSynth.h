#pragma once
// Single synthetic animal calls: crow caws from six individuals, songbird whistles and trills,
// frog pulse trains, insect buzzes and bat-like FM sweeps. Used by DemoCorpus and by tests that
// need a call with a known band.
//
//   SynthRng rng(42);
//   SynthCall c = synthesizeCall(CallType::Caw, 2, 22050, rng);   // individual crowIndividuals()[2]
//   // c.samples (peak 0.5), c.duration, c.lowHz .. c.highHz (where the energy is), c.individual == "crow3"
//
// Threading: synthesizeCall() is reentrant; it draws only from the SynthRng it is given (one per
// thread). crowIndividuals() returns an immutable table.
// Determinism: the same rng state gives the same parameters (duration, individual, song type) on
// every platform; the samples are bit-identical wherever the maths library agrees (they use
// std::sin etc., whose last bit may vary between libms; FMA contraction is off, so -march does
// not matter). Bands are rounded outwards to 0.1 Hz and durations to 0.1 ms, so ground truth
// prints short and survives a CSV round trip exactly.
#include "core/common/Types.h"
#include "core/synth/SynthRng.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crowlingo {

enum class CallType { Caw, Whistle, Trill, Frog, Insect, Bat };
inline constexpr std::array<CallType, 6> kAllCallTypes = {CallType::Caw,  CallType::Whistle,
                                                          CallType::Trill, CallType::Frog,
                                                          CallType::Insect, CallType::Bat};

std::string_view callTypeName(CallType type);                   // "caw", "whistle", "trill", "frog", "insect", "bat"
std::optional<CallType> callTypeFromName(std::string_view name); // inverse; nullopt if unknown

// One crow's voice. Ranges of different individuals overlap on purpose (telling them apart must
// be possible but not trivial); each caw also varies within the individual.
struct CrowIndividual {
    std::string id;                    // "crow1" .. "crow6"
    Hertz f0Min = 0, f0Max = 0;        // every caw's f0 contour, jitter included, stays inside
    Hertz f0Typical = 0;               // centre of the per-caw draw
    std::array<Hertz, 3> formantHz{};  // resonances that shape the harmonic stack
    std::array<Hertz, 3> formantBandwidthHz{};
    std::array<double, 3> formantGain{};
    Seconds durationMean = 0.45, durationSd = 0.04; // clamped to 0.3 .. 0.6 s
    double jitter = 0.015;             // sd of the per-cycle relative f0 deviation
    double shimmer = 0.08;             // sd of the per-cycle relative amplitude deviation
    double harmonicToNoiseDb = 6;      // lower = harsher
    Hertz harmonicCeiling = 4400;      // no harmonics above this
};
const std::vector<CrowIndividual>& crowIndividuals();

// How many variants `variant` may select: crow individuals for caws, song types for whistles
// and trills, 1 for the others.
int variantCount(CallType type);

struct SynthCall {
    std::vector<float> samples;  // mono, peak 0.5, starts and ends at silence
    Seconds duration = 0;        // a multiple of 0.1 ms; samples.size() == round(duration * rate)
    Hertz lowHz = 0, highHz = 0; // the band holding the call's energy (f0 .. highest strong harmonic)
    int variant = 0;             // the individual (caw) or song type (whistle, trill) used
    std::string individual;      // crow id for caws, empty otherwise
};

// variant < 0 draws one at random. Throws UsageError for a rate below 16 kHz (the songbird and
// bat bands would not fit) or a variant out of range.
// Bats: real FM bat calls sweep about 100 -> 30 kHz; these are audible-band stand-ins (about
// 10 -> 3 kHz in 3-8 ms, i.e. frequency-divided by ten) so they fit the corpus rate.
SynthCall synthesizeCall(CallType type, int variant, SampleRate rate, SynthRng& rng);

} // namespace crowlingo
