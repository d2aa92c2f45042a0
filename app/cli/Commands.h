#pragma once
// Registration of crowlingo-cli's subcommands; one file per subcommand (XCommand.cpp). Each adds
// its CLI11 subcommand and returns what to run once the whole command line has been parsed.
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace crowlingo::cli {

struct Command {
    CLI::App* app;
    std::function<int()> run; // returns the process exit code
    // Whether it may run OpenBLAS or OpenMP work: then the program first re-executes itself with
    // those libraries' settings (NumericsEnvironment.h). Cleared by addAllCommands for the light ones.
    bool numerics = true;
};

std::vector<Command> addAllCommands(CLI::App& app);

Command addInfoCommand(CLI::App& app);
Command addSegmentCommand(CLI::App& app);
Command addMelCommand(CLI::App& app);
Command addSynthCommand(CLI::App& app);
Command addEmbedCommand(CLI::App& app);
Command addNeighboursCommand(CLI::App& app);
Command addExportCommand(CLI::App& app);
Command addTrainCommand(CLI::App& app);
Command addReconstructCommand(CLI::App& app);
Command addImportCommand(CLI::App& app);
Command addEvaluateCommand(CLI::App& app);
Command addProjectCommand(CLI::App& app);
Command addClusterCommand(CLI::App& app);
Command addMergeCommand(CLI::App& app);
Command addRelocateCommand(CLI::App& app);
Command addRecordingsCommand(CLI::App& app);
Command addAdaptCommand(CLI::App& app);
Command addClassifyCommand(CLI::App& app);
Command addAddClipCommand(CLI::App& app);
Command addRedrawClipCommand(CLI::App& app);
Command addRemoveClipCommand(CLI::App& app);

} // namespace crowlingo::cli
