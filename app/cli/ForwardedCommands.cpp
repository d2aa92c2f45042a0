// crowlingo-cli's stand-ins for the commands that run the model (ModelCommands.h): each is listed
// under its own name and description, takes any arguments, and hands the whole command line to
// crowlingo-cli-model, which parses it, answers --help and runs it. Linked into crowlingo-cli only,
// in place of EmbedCommand.cpp, TrainCommand.cpp, AdaptCommand.cpp, ReconstructCommand.cpp,
// AddClipCommand.cpp and QueryEmbedding.cpp.
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"

namespace crowlingo::cli {

namespace {

Command forwarded(CLI::App& app, const CommandText& text)
{
    auto* sub = app.add_subcommand(text.name, text.description);
    sub->set_help_flag(); // `crowlingo-cli embed --help` is answered by the runner, which knows the options
    sub->allow_extras();
    sub->prefix_command();
    // No re-exec of crowlingo-cli first: execModelProcess sets the runner's environment.
    return {sub, []() -> int { throw NeedsModelProcess{}; }, false};
}

} // namespace

bool runsModelItself() { return false; }

Command addEmbedCommand(CLI::App& app) { return forwarded(app, kEmbedText); }
Command addTrainCommand(CLI::App& app) { return forwarded(app, kTrainText); }
Command addAdaptCommand(CLI::App& app) { return forwarded(app, kAdaptText); }
Command addReconstructCommand(CLI::App& app) { return forwarded(app, kReconstructText); }
Command addAddClipCommand(CLI::App& app) { return forwarded(app, kAddClipText); }
Command addRedrawClipCommand(CLI::App& app) { return forwarded(app, kRedrawClipText); }

std::vector<float> embedAudioQuery(const Archive&, const std::string&, const std::string&, const std::string&, double, double)
{
    throw NeedsModelProcess{};
}

} // namespace crowlingo::cli
