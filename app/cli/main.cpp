// crowlingo-cli: everything the GUI can do, from a terminal, through core. Built twice: as
// crowlingo-cli, without LibTorch, which hands the commands that run the model to
// crowlingo-cli-model (ModelCommands.h), and as crowlingo-cli-model, which runs every command.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/OptionChecks.h"
#include "core/common/Error.h"
#include "core/common/NumericsEnvironment.h"
#include "core/common/Threads.h"
#include "core/model/InferencePrecision.h"

#include <algorithm>
#include <cstdio>

int main(int argc, char** argv)
{
    using namespace crowlingo;
    CLI::App app{"CrowLingo Workbench: embed, explore and label animal-sound recordings with a "
                 "self-supervised audio model.", "crowlingo-cli"}; // the name, not argv[0], in usage lines and the man page
    app.set_version_flag("--version", std::string("crowlingo-cli ") + CROWLINGO_VERSION);
    app.require_subcommand(1);
    int threads = 0;
    app.add_option("--threads", threads, "Worker threads (LibTorch and decoding); default: all cores")
        ->check(cli::threadCountCheck());
    std::string precision;
    app.add_option("--precision", precision,
                   "Number format of the model's arithmetic when embedding: auto (bfloat16 where the CPU has "
                   "bfloat16 instructions, else float32), float32 or bfloat16; default: CROWLINGO_PRECISION, else auto")
        ->check(cli::precisionCheck());
    const std::vector<cli::Command> commands = cli::addAllCommands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    const auto command = std::find_if(commands.begin(), commands.end(), [](const cli::Command& c) { return c.app->parsed(); });
    if (command == commands.end()) return 0; // require_subcommand(1) makes this unreachable
    // Before any thread exists; parsing started none. The model runner loads LibTorch, so it always does.
    if (command->numerics || cli::runsModelItself()) ensureNumericsEnvironment(argv);
    setThreadCount(threads);
    if (!precision.empty()) setPrecisionChoice(*parsePrecisionChoice(precision));
    cli::installStopSignals();
    try {
        return command->run();
    } catch (const cli::NeedsModelProcess&) {
        return cli::execModelProcess(argv);
    } catch (const Cancelled&) {
        std::fprintf(stderr, "\nstopped: the work done so far is kept\n");
        return 130;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", cli::withoutBacktrace(e.what()).c_str());
        return 1;
    }
    return 0;
}
