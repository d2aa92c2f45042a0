#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// The MAE decoder: projects the visible latents to its own width, re-inserts a learned mask token
// at the hidden positions, adds its fixed position embedding and predicts every patch's P*P values.
// Parameter names: decoder.embed.*, decoder.mask_token, decoder.blocks.<i>.*, decoder.norm.*, decoder.pred.*
#include "core/model/ModelConfig.h"
#include "core/model/detail/TransformerBlock.h"

#include <torch/torch.h>

namespace crowlingo::detail {

struct MaeDecoderImpl : torch::nn::Module {
    explicit MaeDecoderImpl(const ModelConfig& c);

    // latent [B, L, encoderDim] (visible tokens in keep order); restore [B, N]; keyPadding [B, N]
    // bool or undefined. Returns [B, N, P*P].
    torch::Tensor forward(const torch::Tensor& latent, const torch::Tensor& restore, const torch::Tensor& keyPadding);

    torch::nn::Linear embed{nullptr};
    torch::Tensor mask_token; // parameter [1, 1, decoderDim]
    torch::nn::ModuleList blocks;
    torch::nn::LayerNorm norm{nullptr};
    torch::nn::Linear pred{nullptr};
    torch::Tensor pos_embed; // buffer
};
TORCH_MODULE(MaeDecoder);

} // namespace crowlingo::detail
