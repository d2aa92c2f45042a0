#pragma once
// What a field recording does to a call between the animal and the microphone, for training
// corpora: the call played slightly faster or slower (individual and population differences in
// tempo and pitch) and a reverberant tail (forest, room, water surface).
//
//   SynthRng rng(5);
//   applyFieldEffects(call, 22050, rng);   // call.samples, duration and band updated
//
// Threading and determinism as in CallSynth.h.
#include "core/common/Types.h"
#include "core/synth/CallSynth.h"
#include "core/synth/SynthRng.h"

namespace crowlingo {

struct FieldEffectRanges {
    double minSpeed = 0.85, maxSpeed = 1.18;      // resampling factor: pitch and tempo together
    double reverbProbability = 0.6;
    Seconds minRt60 = 0.03, maxRt60 = 0.8;        // decay time of the tail
    double minWet = 0.1, maxWet = 0.6;            // tail level relative to the dry call
};

// Applies one random speed change and, with reverbProbability, a reverberant tail; the result is
// normalised back to peak 0.5, keeps a duration on the 0.1 ms grid and a band rounded outwards.
void applyFieldEffects(SynthCall& call, SampleRate rate, SynthRng& rng, const FieldEffectRanges& ranges = {});

} // namespace crowlingo
