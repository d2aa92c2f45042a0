#include "app/cli/ModelCommands.h"

#include "core/common/NumericsEnvironment.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <unistd.h>
#include <vector>

namespace crowlingo::cli {

namespace fs = std::filesystem;

namespace {

// Where crowlingo-cli-model may be: next to this program (the build tree), then in the
// installation's libexec/crowlingo folder.
std::vector<fs::path> modelProcessCandidates()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    return {exe.parent_path() / "crowlingo-cli-model",
            (exe.parent_path() / CROWLINGO_MODEL_PROCESS_FROM_BINDIR / "crowlingo-cli-model").lexically_normal()};
}

} // namespace

int execModelProcess(char** argv)
{
    std::string searched;
    for (const fs::path& runner : modelProcessCandidates()) {
        if (::access(runner.c_str(), X_OK) != 0) {
            searched += "\n  " + runner.string();
            continue;
        }
        setNumericsEnvironment(); // for the runner's libraries, which load as it starts
        std::fflush(stdout); // exec drops what stdio still buffers
        std::fflush(stderr);
        ::execv(runner.c_str(), argv);
        std::fprintf(stderr, "error: cannot run %s: %s\n", runner.c_str(), std::strerror(errno));
        return 1;
    }
    std::fprintf(stderr, "error: this command runs the model, but crowlingo-cli-model is not installed with crowlingo-cli "
                         "(reinstall CrowLingo); searched:%s\n", searched.c_str());
    return 1;
}

} // namespace crowlingo::cli
