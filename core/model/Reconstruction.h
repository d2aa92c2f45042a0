#pragma once
// What the model "hears": hide a random subset of a window's patches, let the MAE fill them in,
// and compare with the truth and with a trivial predictor.
//
//   Reconstruction r = reconstruct(model, windowLogMel, 0.75, /*seed=*/7);
//   view(r.maskedInput);  view(r.reconstruction);  view(r.patchError);
//   qDebug() << r.maskedMse << "vs trivial" << r.trivialMse;
//
// Threading: reconstruct() may run on any one worker thread per call (c10::InferenceMode is created
// in the calling thread); concurrent calls on a shared Model are safe.
#include "core/dsp/Spectrogram.h"
#include "core/model/Model.h"

#include <cstdint>
#include <vector>

namespace crowlingo {

struct Reconstruction {
    // All four have the input window's frames x bins and its time/frequency axes.
    Spectrogram original;       // the input, dB
    Spectrogram maskedInput;    // the input with hidden patches' cells = NaN
    Spectrogram reconstruction; // visible cells copied from the input, hidden ones predicted (dB)
    Spectrogram patchError;     // the model's squared error (dB^2) averaged per patch, every patch
                                // (visible ones too), broadcast to its cells
    // Per patch, n = row * patchCols + col (row: mel band block from the lowest, col: time block).
    // round(maskRatio * V) of the V patches inside the window's frames are true (at least one, and
    // at least one false when V >= 2); patches past the window's end (padding) are true as well.
    std::vector<bool> patchMasked;
    int patchRows = 0;
    int patchCols = 0;
    double maskedMse = 0;  // dB^2 over the hidden cells inside the clip
    double trivialMse = 0; // same cells predicted by each mel bin's mean over the visible cells
                           // (the mean of all visible cells for a bin with none); NaN only for a window
                           // of a single patch
};

// windowLogMel: at most config.frames frames (shorter windows are padded and the padding masked),
// config.mel.nMels bins. maskRatio in 0.30..0.80. Same seed => same mask and output.
// Throws UsageError for a wrong size or ratio.
// With normPixLoss the model predicts per-patch normalised values; they are mapped back with the
// true patch's mean and spread (as MAE's visualisation does), so such reconstructions look better
// than the model alone could make them.
Reconstruction reconstruct(const Model& model, const Spectrogram& windowLogMel, double maskRatio, std::uint64_t seed);

} // namespace crowlingo
