#include "app/cli/ModelOption.h"

#include "core/common/NumericsEnvironment.h"
#include "core/common/Threads.h"
#include "core/model/DefaultModel.h"
#include "core/model/InferencePrecision.h"

#include <cstdio>

namespace crowlingo::cli {

Model loadModelOption(const std::string& path)
{
    const std::filesystem::path dir = path.empty() ? defaultModelDir() : std::filesystem::path(path);
    Model m = Model::load(dir);
    // Threads and BLAS kernel decide the speed: said here so that a slow run can be told apart.
    const std::string kernel = openBlasKernel();
    std::fprintf(stderr, "model: %s (id %.12s…; %d threads, embeds in %s%s%s)\n", dir.string().c_str(), m.id().c_str(),
                 threadCount(), precisionName(embeddingPrecision()), kernel.empty() ? "" : ", OpenBLAS kernel ",
                 kernel.c_str());
    return m;
}

} // namespace crowlingo::cli
