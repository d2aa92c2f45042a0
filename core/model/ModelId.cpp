#include "core/model/ModelId.h"

#include "core/model/Sha256.h"

namespace crowlingo {

std::string modelIdFor(const std::string& weightsHash, const ModelConfig& config)
{
    return Sha256::hex(weightsHash + "\n" + config.inputSpecJson() + "\n");
}

} // namespace crowlingo
