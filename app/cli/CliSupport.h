#pragma once
// What every crowlingo-cli subcommand shares: a terminal progress bar, Ctrl-C handling that asks
// long work to stop cleanly, and the registration signature of a subcommand.
#include "core/common/Progress.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <string>

namespace crowlingo::cli {

// After this, SIGINT/SIGTERM set a flag that stopRequested() returns; a second Ctrl-C kills.
void installStopSignals();
bool stopRequested();

// Draws "[#####     ] 42%  what  rate  ETA 1:23" on stderr (only when stderr is a terminal, else
// one line every few seconds), and polls stopRequested() for cancellation.
class TerminalProgress {
public:
    explicit TerminalProgress(std::string title);
    ~TerminalProgress();
    Progress progress();
    void finish();

private:
    void draw(double done, std::string_view what);
    std::string title_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point lastDraw_{};
    bool tty_ = false;
    bool drawn_ = false;
};

std::string formatDuration(double seconds); // 1:02:03 or 2:03

} // namespace crowlingo::cli
