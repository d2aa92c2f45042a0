#pragma once
// PRIVATE to core/model: included only by core/model .cpp files, never by a public header
// (public headers stay torch-free so Qt code can include them).
//
// Patch-level tensor operations shared by the network, the embedder, reconstruction and training:
// patchify/unpatchify, the fixed 2-D sin-cos position embedding, random masking and the masked loss.
// Token order everywhere: n = row * cols + col, row = mel band block (low frequencies first),
// col = time block. A patch's values are row-major inside the patch (mel, then time).
#include <torch/torch.h>

#include <cstdint>

namespace crowlingo::detail {

// imgs [B, rows*p, cols*p] -> [B, rows*cols, p*p]
torch::Tensor patchify(const torch::Tensor& imgs, std::int64_t p);
// patches [B, rows*cols, p*p] -> [B, rows*p, cols*p]
torch::Tensor unpatchify(const torch::Tensor& patches, std::int64_t p, std::int64_t rows, std::int64_t cols);

// MAE's fixed 2-D sin-cos embedding: the first half of the width encodes the row, the second half
// the column, each as [sin(pos * w_k), cos(pos * w_k)] with w_k = 10000^(-k / (dim/4)). [1, rows*cols, dim]
torch::Tensor sincosPosEmbed2d(std::int64_t dim, std::int64_t rows, std::int64_t cols);

// Exactly round(ratio * n) patches hidden; throws UsageError unless 0.30 <= ratio <= 0.80.
std::int64_t hiddenPatchCount(std::int64_t n, double ratio);

struct PatchMask {
    torch::Tensor keep;    // [B, n - hidden] int64: indices of the visible patches (encoder input order)
    torch::Tensor restore; // [B, n] int64: position of each patch in [visible..., hidden...]
    torch::Tensor hidden;  // [B, n] bool: true = masked
};
// Per-sample random masking (MAE): argsort of uniform noise drawn from `gen` on the CPU, so a
// given generator state gives the same masks on any device.
PatchMask randomPatchMask(std::int64_t batch, std::int64_t n, double ratio, at::Generator& gen,
                          torch::Device device = torch::kCPU);

// Masks drawn among the patches that hold signal (valid [B, n] bool), for training, validation and
// reconstruction alike: in each window round(ratio * V) of its V signal patches are hidden (at
// least one, and one left visible, when V >= 2; padding patches are hidden too but hold nothing to
// predict); windows keep different numbers of signal patches visible, so the kept list is as long
// as the longest and is filled up with padding patches (which attention ignores), or where a
// window has too few, with more of its signal patches, which then count as visible. Masks drawn
// over the whole window instead hide every patch of a short call about one time in five.
// With `coverage` ([B, n] float, the share of each patch's frames inside its window, as
// patchCoverage gives), the visible signal patches are drawn in proportion to it (weighted sampling
// without replacement): a clip whose last patch column holds a few frames is not shown through
// those few frames alone. Reconstruction uses it; training draws uniformly.
PatchMask signalPatchMasks(const torch::Tensor& valid, double ratio, at::Generator& gen,
                           torch::Device device = torch::kCPU, const torch::Tensor& coverage = {});
// [1, rows * cols] float: for a window of `frames` frames cut into patches `patch` frames wide (patch
// n = row * cols + col), the share of patch n's frames that lie inside the window.
torch::Tensor patchCoverage(int frames, int patch, int rows, int cols);

// Mean over the patches where `weight` is true of the per-patch MSE (pred - target)^2; with
// normPix the target is normalised per patch first (MAE's norm_pix_loss). 0 if no weight.
torch::Tensor maskedPatchLoss(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weight,
                              bool normPix);
// (target - mean) / sqrt(var + 1e-6) per patch, and its inverse given the same target.
torch::Tensor normalisePatches(const torch::Tensor& target);

} // namespace crowlingo::detail
