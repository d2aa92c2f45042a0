#pragma once
// The model's input for one clip: its samples at the model's rate and their log-mel spectrogram.
// One place for this so that embedding, neighbour queries, reconstruction and the GUI agree.
//
//   AudioReader reader(path, {.targetRate = mel.params().sampleRate, .timeExpansion = te});
//   Spectrogram s = clipLogMel(reader, mel, clip.start, clip.end);
//
// Threading: uses the reader given (one thread at a time) and MelSpectrogram (thread-safe).
#include "core/audio/AudioReader.h"
#include "core/dsp/MelSpectrogram.h"

namespace crowlingo {

// Log-mel of [start, end). A clip shorter than one FFT frame is widened symmetrically within the
// file, and a whole file that short is centred in silence, so that every non-empty clip yields at
// least one frame. startSeconds/hopSeconds are in recording time.
Spectrogram clipLogMel(AudioReader& reader, const MelSpectrogram& mel, Seconds start, Seconds end);

} // namespace crowlingo
