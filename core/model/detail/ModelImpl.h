#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// What a Model handle shares: config, network (on its device, in eval mode) and id.
#include "core/model/InferencePrecision.h"
#include "core/model/Model.h"
#include "core/model/detail/MaskedAutoencoder.h"

#include <torch/torch.h>

#include <memory>
#include <mutex>

namespace crowlingo {

struct Model::Impl {
    ModelConfig config;
    detail::MaskedAutoencoder net{nullptr};
    torch::Device device{torch::kCPU};
    std::string id;          // modelIdFor(weightsHash, config)
    std::string weightsHash; // of the safetensors bytes
    // The loaded file's bytes, kept only when a foreign writer laid it out differently from our
    // serialisation, so that save() reproduces the file whose hash is weightsHash.
    std::vector<std::byte> foreignBytes;

    // A handle for forward passes from a const Model: they read the weights, never write them
    // (torch's module API is not const-qualified).
    detail::MaskedAutoencoder network() const { return net; }
    // The same weights in the given number format for embedding: bfloat16 is a copy made on first
    // use (about 10 MB for the default model) and shared by every handle of these weights.
    detail::MaskedAutoencoder network(InferencePrecision precision) const;

    struct ReducedPrecision {
        std::mutex making;
        detail::MaskedAutoencoder net{nullptr};
    };
    std::shared_ptr<ReducedPrecision> bfloat16 = std::make_shared<ReducedPrecision>();

    // The bytes of model.safetensors for this network (deterministic: sorted names, fixed header).
    std::vector<std::byte> weightBytes() const;
    // Wraps a network (moved to the preferred device, eval mode) and computes its id from
    // `fileBytes` when given (a loaded file), else from weightBytes().
    static std::shared_ptr<const Impl> make(ModelConfig config, detail::MaskedAutoencoder net,
                                            std::vector<std::byte> fileBytes = {});
};

namespace detail {
// CUDA when available (this build is CPU-only; the path is kept simple).
torch::Device preferredDevice();
// torch::set_num_threads(crowlingo::threadCount()) when it changed.
void applyThreadCount();
} // namespace detail

} // namespace crowlingo
