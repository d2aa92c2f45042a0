#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// The whole Audio-MAE: encoder + decoder, the masked training loss, pooled embeddings, and the
// mapping between its parameters and safetensors tensors (names = registered module paths).
#include "core/model/ModelConfig.h"
#include "core/model/SafeTensors.h"
#include "core/model/detail/MaeDecoder.h"
#include "core/model/detail/PatchOps.h"
#include "core/model/detail/VitEncoder.h"

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>

namespace crowlingo::detail {

struct MaeOutput {
    torch::Tensor loss;   // scalar: MSE over hidden patches that hold signal
    torch::Tensor pred;   // [B, N, P*P] normalised (per-patch normalised when normPixLoss)
    torch::Tensor target; // [B, N, P*P] the input patches (normalised by the config's mean/std, minus `level`)
    torch::Tensor hidden; // [B, N] bool
    torch::Tensor level;  // [B] the window level subtracted from input and target (0 unless config.centreLevel)
    // [B, N, P*P] what `pred` is relative to: each mel bin's mean over the visible cells, broadcast
    // (config.residualTarget; else 0). Reconstruction = pred + baseline (+ level).
    torch::Tensor baseline;
    torch::Tensor latent; // [B, L, D] the encoder's output for the visible patches (after its final norm)
    torch::Tensor keep;   // [B, L] int64: which patch each latent token is (PatchMask::keep)
};

// Each mel bin's mean over the cells of the patches where `use` is true, as patches [B, N, P*P]
// (constant along time); a bin with no such cell takes the mean of all of them.
torch::Tensor visibleBandMean(const torch::Tensor& patches, const torch::Tensor& use, std::int64_t rows,
                              std::int64_t cols, std::int64_t p);

// Mean value of the patches where `use` is true ([B, N, P*P], [B, N] bool -> [B]); 0 for a window
// with none. The window level that config.centreLevel subtracts.
torch::Tensor windowLevel(const torch::Tensor& patches, const torch::Tensor& use);

struct MaskedAutoencoderImpl : torch::nn::Module {
    explicit MaskedAutoencoderImpl(const ModelConfig& c);

    // imgs [B, nMels, frames] normalised; valid [B, N] bool (true = the patch holds signal).
    MaeOutput forward(const torch::Tensor& imgs, const torch::Tensor& valid, double maskRatio, at::Generator& gen);
    // The same with a given mask.
    MaeOutput forward(const torch::Tensor& imgs, const torch::Tensor& valid, const PatchMask& mask);
    // Encoder on the unmasked window, read out as `readout` says over the patches that hold signal:
    // [B, config.embeddingDim()] for the config's readout (Readout's comment says how).
    // skipEmptyColumns: patch columns that hold no signal in any window of the batch are left out
    // of the encoder instead of being computed and masked (same vectors up to float rounding;
    // short clips cost a fraction of a window). false computes every column, as training does.
    torch::Tensor embed(const torch::Tensor& imgs, const torch::Tensor& valid, const Readout& readout,
                        bool skipEmptyColumns = true);

    // Xavier-uniform linear weights, zero biases, unit LayerNorms, mask token ~ N(0, 0.02): MAE's
    // initialisation, drawn from a generator seeded with `seed` (no global RNG state).
    void initialise(std::uint64_t seed);
    std::int64_t parameterCount() const;

    // Parameters as F32 tensors named "<prefix><module path>" (CPU copies).
    void exportTo(SafeTensors& out, const std::string& prefix = {}) const;
    // Copies "<prefix><name>" into every parameter; ModelError naming `file` for a missing tensor or
    // a shape mismatch, and (when rejectUnknown) for a tensor the model does not have.
    void importFrom(const SafeTensors& in, const std::filesystem::path& file, const std::string& prefix = {},
                    bool rejectUnknown = true);

    ModelConfig config;
    VitEncoder encoder{nullptr};
    MaeDecoder decoder{nullptr};
};
TORCH_MODULE(MaskedAutoencoder);

// A fresh module with the same config and a copy of the parameters (for training without touching
// the source model).
MaskedAutoencoder cloneNetwork(const MaskedAutoencoder& source, const ModelConfig& config);

} // namespace crowlingo::detail
