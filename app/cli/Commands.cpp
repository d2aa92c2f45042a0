#include "app/cli/Commands.h"

namespace crowlingo::cli {

std::vector<Command> addAllCommands(CLI::App& app)
{
    return {
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
    };
}

} // namespace crowlingo::cli
