#include "app/cli/ModelOption.h"

#include "core/model/DefaultModel.h"

#include <cstdio>

namespace crowlingo::cli {

Model loadModelOption(const std::string& path)
{
    const std::filesystem::path dir = path.empty() ? defaultModelDir() : std::filesystem::path(path);
    Model m = Model::load(dir);
    std::fprintf(stderr, "model: %s (id %.12s…)\n", dir.string().c_str(), m.id().c_str());
    return m;
}

} // namespace crowlingo::cli
