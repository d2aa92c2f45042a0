#include "app/cli/ModelCommands.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <unistd.h>

namespace crowlingo::cli {

namespace fs = std::filesystem;

fs::path modelProcessPath()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    for (const fs::path& candidate : {exe.parent_path() / "crowlingo-cli-model",
                                      exe.parent_path() / CROWLINGO_MODEL_PROCESS_FROM_BINDIR / "crowlingo-cli-model"})
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.lexically_normal();
    return {};
}

int execModelProcess(char** argv)
{
    const fs::path runner = modelProcessPath();
    if (runner.empty()) {
        std::fprintf(stderr, "error: this command runs the model, but crowlingo-cli-model is neither next to crowlingo-cli "
                             "nor in %s: reinstall CrowLingo\n", CROWLINGO_MODEL_PROCESS_FROM_BINDIR);
        return 1;
    }
    std::fflush(stdout); // exec drops what stdio still buffers
    std::fflush(stderr);
    ::execv(runner.c_str(), argv);
    std::fprintf(stderr, "error: cannot run %s: %s\n", runner.c_str(), std::strerror(errno));
    return 1;
}

} // namespace crowlingo::cli
