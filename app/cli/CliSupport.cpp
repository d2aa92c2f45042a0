#include "app/cli/CliSupport.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace crowlingo::cli {

namespace {
std::atomic<int> g_stops{0};

void onStopSignal(int sig)
{
    if (g_stops.fetch_add(1) >= 1) {
        std::signal(sig, SIG_DFL);
        std::raise(sig);
    }
}
} // namespace

void installStopSignals()
{
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
}

bool stopRequested() { return g_stops.load() > 0; }

std::string formatDuration(double seconds)
{
    if (!(seconds >= 0) || seconds > 1e7) return "--:--";
    const long s = long(seconds + 0.5);
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

TerminalProgress::TerminalProgress(std::string title)
    : title_(std::move(title)), start_(std::chrono::steady_clock::now()), tty_(isatty(STDERR_FILENO))
{
}

TerminalProgress::~TerminalProgress() { finish(); }

Progress TerminalProgress::progress()
{
    return Progress{[this](double done, std::string_view what) { draw(done, what); }, [] { return stopRequested(); }};
}

void TerminalProgress::draw(double done, std::string_view what)
{
    const auto now = std::chrono::steady_clock::now();
    const auto minGap = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(5000);
    if (done < 1.0 && drawn_ && now - lastDraw_ < minGap) return;
    lastDraw_ = now;
    drawn_ = true;
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double eta = done > 0.001 ? elapsed * (1.0 - done) / done : -1;
    constexpr int width = 30;
    const int filled = int(done * width + 0.5);
    std::string bar(std::size_t(std::clamp(filled, 0, width)), '#');
    bar.resize(width, ' ');
    std::fprintf(stderr, "%s%s [%s] %3d%%  %s  elapsed %s  ETA %s%s", tty_ ? "\r\033[K" : "", title_.c_str(),
                 bar.c_str(), int(done * 100), std::string(what).c_str(), formatDuration(elapsed).c_str(),
                 formatDuration(eta).c_str(), tty_ ? "" : "\n");
    std::fflush(stderr);
}

void TerminalProgress::finish()
{
    if (drawn_ && tty_) std::fprintf(stderr, "\n");
    drawn_ = false;
}

} // namespace crowlingo::cli
