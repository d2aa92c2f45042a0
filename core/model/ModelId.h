#pragma once
// The id an archive files a model's vectors under: SHA-256 of the weights' hash and of the input
// part of the config (what a vector means depends on both). Apart from Model.h so that code that
// only names models (the archive, the CLI's light commands) does not link LibTorch.
//
// Threading: a pure function.
#include "core/model/ModelConfig.h"

#include <string>

namespace crowlingo {

// SHA-256 (lowercase hex) of the weights' hash and config.inputSpecJson(), one line each.
std::string modelIdFor(const std::string& weightsHash, const ModelConfig& config);

} // namespace crowlingo
