#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// The contrastive term training can add to the masked loss (TrainOptions::contrastiveWeight). Two
// views of each window are read out as embeddings are and pulled together while every other clip
// in the batch is pushed away (InfoNCE, as SimCLR; SSAST found a contrastive term next to masked
// reconstruction worth far more than reconstruction alone for frozen use):
//  - the student's view is the masked window the reconstruction already encodes: its visible
//    tokens, pooled per frequency row (no extra pass through the encoder);
//  - the target's view is the whole window, changed in ways a recording changes and a call type
//    does not (BYOL-A's augmentations), and read out without gradient (one forward pass):
//      - another window of the batch mixed in underneath, in power (log-mixup-exp), brought to
//        the window's level first and weighted by a random factor below maxMix: overlapping calls
//        and background;
//      - the whole window shifted by a few mel bins: small pitch differences between individuals
//        and renditions.
// Gradient through both views of a whole window cost 7x a masked step; this costs about 2x.
#include "core/model/ModelConfig.h"

#include <torch/torch.h>

namespace crowlingo::detail {

struct ContrastiveAugmentation {
    double maxMix = 0.4;  // partner weight drawn from U(0, maxMix)
    int maxBinShift = 2;  // mel-bin shift drawn from -maxBinShift..maxBinShift
};

// imgs [B, nMels, frames], normalised as the network's input -> one augmented view, same shape.
// Every random draw comes from `gen` (reproducible per step).
torch::Tensor augmentedView(const torch::Tensor& imgs, const ModelConfig& c, const ContrastiveAugmentation& aug,
                            at::Generator& gen);

// Mean of the visible tokens that hold signal, per row of patches when keepRows (rows are
// concatenated, as Readout::keepRows reads the encoder) or over all of them: latent [B, L, D],
// keep [B, L] patch indices, valid [B, N] -> [B, rows * D] or [B, D]. A row with no visible
// token contributes zeros.
torch::Tensor pooledVisibleTokens(const torch::Tensor& latent, const torch::Tensor& keep, const torch::Tensor& valid,
                                  std::int64_t cols, std::int64_t rows, bool keepRows);

// Symmetric InfoNCE between two batches of embeddings [B, E] (scaled to unit length here): each
// row's positive is the same row of the other view. sameSource [B, B] bool is true where two rows
// come from the same clip (a small archive repeats clips within a batch); those pairs are neither
// positives nor negatives. Scalar; 0 for a batch of one.
torch::Tensor infoNceLoss(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& sameSource,
                          double temperature);

} // namespace crowlingo::detail
