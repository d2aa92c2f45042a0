#pragma once
// The one contract for long work: core reports progress and polls for cancellation; the CLI
// draws a terminal bar from it, the GUI turns it into signals. Core never creates a QThread.
//
//   Progress p{[](double done, std::string_view what) { draw(done, what); },
//              [] { return stopRequested.load(); }};
//   longOperation(args, p);   // throws Cancelled when p.cancelled() turns true
//
// Threading: report() and cancelled() may be called from whichever thread runs the work.
#include <functional>
#include <stdexcept>
#include <string_view>

namespace crowlingo {

struct Progress {
    std::function<void(double done, std::string_view what)> report; // done in [0, 1]
    std::function<bool()> cancelled;

    void operator()(double done, std::string_view what = {}) const { if (report) report(done, what); }
    bool isCancelled() const { return cancelled && cancelled(); }
    // Throws Cancelled if cancellation was requested: call at safe points only.
    void checkCancelled() const;
    // The same progress for one phase of a longer job: the phase's 0..1 maps to from..to.
    Progress part(double from, double to) const
    {
        return {[*this, from, to](double done, std::string_view what) { (*this)(from + (to - from) * done, what); },
                cancelled};
    }
};

// Thrown by long operations that noticed Progress::cancelled(); work committed so far stays.
struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("cancelled") {}
};

inline void Progress::checkCancelled() const { if (isCancelled()) throw Cancelled(); }

} // namespace crowlingo
