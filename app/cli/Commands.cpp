#include "app/cli/Commands.h"

#include <algorithm>
#include <array>
#include <string_view>

namespace crowlingo::cli {

std::vector<Command> addAllCommands(CLI::App& app)
{
    std::vector<Command> commands{
        addInfoCommand(app),
        addSegmentCommand(app),
        addMelCommand(app),
        addSynthCommand(app),
        addEmbedCommand(app),
        addNeighboursCommand(app),
        addExportCommand(app),
        addTrainCommand(app),
        addAdaptCommand(app),
        addReconstructCommand(app),
        addImportCommand(app),
        addEvaluateCommand(app),
        addProjectCommand(app),
        addClusterCommand(app),
        addMergeCommand(app),
        addRelocateCommand(app),
        addRecordingsCommand(app),
        addClassifyCommand(app),
        addAddClipCommand(app),
        addRedrawClipCommand(app),
        addRemoveClipCommand(app),
    };
    // Commands that read audio or an archive and compute nothing with OpenBLAS or OpenMP start
    // without the re-exec that sets their environment: it costs about 8 ms, a sixth of the 50 ms a
    // script calling the CLI once per file should wait. `neighbours` ranks in a fixed order of its
    // own (NeighbourIndex.h); with --file it is handed to the model runner, with the environment set.
    static constexpr std::array<std::string_view, 8> light{"info",   "segment",    "mel",      "export",
                                                           "import", "recordings", "relocate", "neighbours"};
    for (Command& c : commands)
        if (std::find(light.begin(), light.end(), c.app->get_name()) != light.end()) c.numerics = false;
    return commands;
}

} // namespace crowlingo::cli
