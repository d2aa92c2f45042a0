#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// The ViT encoder: linear patch embedding + fixed sin-cos position embedding, pre-norm blocks,
// final LayerNorm. Parameter names: encoder.patch_embed.*, encoder.blocks.<i>.*, encoder.norm.*
#include "core/model/ModelConfig.h"
#include "core/model/detail/TransformerBlock.h"

#include <torch/torch.h>

#include <vector>

namespace crowlingo::detail {

struct VitEncoderImpl : torch::nn::Module {
    explicit VitEncoderImpl(const ModelConfig& c);

    // patches [B, N, P*P] (normalised); keep [B, L] int64 indices of the tokens that enter the
    // encoder, or undefined for all N; keyPadding [B, L] bool (true = no signal) or undefined.
    // layer -1: after the last block and the final norm; 0..depth-1: raw output of that block.
    torch::Tensor forward(const torch::Tensor& patches, const torch::Tensor& keep, const torch::Tensor& keyPadding,
                          int layer = -1);
    // Tokens (no masking) through the encoder; the outputs of the requested layers in the
    // order asked (-1: after the final norm; i: raw output of block i). Stops after the deepest.
    // positions [L] int64: the patch positions the L tokens of `patches` stand at (the same for
    // every window of the batch), or undefined when `patches` holds all N in order.
    std::vector<torch::Tensor> layerOutputs(const torch::Tensor& patches, const torch::Tensor& keyPadding,
                                            const std::vector<int>& layers, const torch::Tensor& positions = {});

    torch::nn::Linear patch_embed{nullptr};
    torch::nn::ModuleList blocks;
    torch::nn::LayerNorm norm{nullptr};
    torch::Tensor pos_embed; // buffer [1, N, D]: fixed, not saved
};
TORCH_MODULE(VitEncoder);

} // namespace crowlingo::detail
