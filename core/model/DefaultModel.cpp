#include "core/model/DefaultModel.h"

#include "core/common/Error.h"

#include <cstdlib>
#include <vector>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> resourceCandidates()
{
    std::vector<fs::path> dirs;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        dirs.push_back(exe.parent_path().parent_path() / "share" / "crowlingo"); // <prefix>/bin/crowlingo
        // <prefix>/libexec/crowlingo/crowlingo-cli-model, which runs crowlingo-cli's model commands
        dirs.push_back(exe.parent_path().parent_path().parent_path() / "share" / "crowlingo");
    }
#ifdef CROWLINGO_SOURCE_DIR
    dirs.push_back(fs::path(CROWLINGO_SOURCE_DIR) / "resources");
#endif
    return dirs;
}

} // namespace

fs::path resourcesDir()
{
    for (const fs::path& d : resourceCandidates())
        if (fs::exists(d / "models")) return d;
    return {};
}

fs::path defaultModelDir()
{
    if (const char* env = std::getenv("CROWLINGO_MODEL"); env && *env) return env;
    std::string searched;
    for (const fs::path& d : resourceCandidates()) {
        const fs::path m = d / "models" / "default";
        if (fs::exists(m / "config.json")) return m;
        searched += "\n  " + m.string();
    }
    throw ModelError("cannot find the default model; searched:" + searched + "\n  (set CROWLINGO_MODEL or pass --model)");
}

} // namespace crowlingo
