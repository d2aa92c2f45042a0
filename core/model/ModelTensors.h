#pragma once
// The tensors a model of a given config has in its model.safetensors, named as the network
// registers them, computed from the config alone: so that a weights file is checked (names,
// shapes, finite values) before any of the network is allocated, and a mismatch is a clear error
// naming the tensor rather than a LibTorch backtrace.
//
//   for (const auto& [name, shape] : modelTensorShapes(config)) ...
//   checkModelWeights(config, SafeTensors::read(file), file);     // throws ModelError
//
// Threading: plain functions.
#include "core/model/ModelConfig.h"
#include "core/model/SafeTensors.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace crowlingo {

using TensorShapes = std::map<std::string, std::vector<std::int64_t>>;

// Encoder and decoder parameters (not the fixed position embeddings, which are not stored).
// Call on a config that passed validate(): the sizes are multiplied without overflow checks.
TensorShapes modelTensorShapes(const ModelConfig& config);
std::int64_t modelParameterCount(const ModelConfig& config);

// ModelError naming `file` and the tensor for a tensor missing, of another shape than the config
// needs, holding NaN or infinite values, or (among names starting with `prefix`) one the
// architecture does not have. `prefix` is "model." in training checkpoints.
void checkModelWeights(const ModelConfig& config, const SafeTensors& weights, const std::filesystem::path& file,
                       const std::string& prefix = {});

} // namespace crowlingo
