#pragma once
// Domain-randomised vocalisations for training: calls that belong to no species, drawn from wide
// ranges of duration, pitch, frequency modulation, harmonic structure, noisiness and rhythm, so a
// self-supervised model learns the building blocks of animal sound (tones, sweeps, harmonic
// stacks, noisy bands, pulse trains, multi-element syllables) rather than six fixed call types.
//
//   SynthRng rng(3);
//   SynthCall v = synthesizeVocalisation(22050, rng);   // 5 ms .. ~2 s, peak 0.5, band in lowHz..highHz
//
// Threading and determinism as in CallSynth.h: reentrant, draws only from the SynthRng given.
#include "core/common/Types.h"
#include "core/synth/CallSynth.h"
#include "core/synth/SynthRng.h"

namespace crowlingo {

// One vocalisation of 1-6 elements separated by 8-150 ms gaps; each element is one of: a tonal
// contour (1-8 harmonics, sweeps, vibrato), band-limited noise, or a pulse train. Throws
// UsageError for a rate below 16 kHz.
SynthCall synthesizeVocalisation(SampleRate rate, SynthRng& rng);

} // namespace crowlingo
