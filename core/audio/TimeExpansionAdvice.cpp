#include "core/audio/TimeExpansionAdvice.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace crowlingo {

namespace {

constexpr SampleRate kUltrasoundRate = 192000; // bat detectors record at 192-500 kHz
constexpr SampleRate kInfrasoundRate = 4000;   // baleen-whale monitoring at 1-4 kHz

std::string kiloHertz(double hz)
{
    char text[32];
    std::snprintf(text, sizeof text, hz >= 10000 ? "%.0f kHz" : "%.1f kHz", hz / 1000.0);
    return text;
}

} // namespace

std::optional<TimeExpansionSuggestion> suggestTimeExpansion(const std::vector<SampleRate>& rates, double timeExpansion,
                                                            SampleRate analysisRate, Hertz lowestHz)
{
    if (rates.empty() || timeExpansion != 1.0)
        return std::nullopt;
    std::vector<SampleRate> sorted = rates;
    std::sort(sorted.begin(), sorted.end());
    const SampleRate median = sorted[sorted.size() / 2];
    const double top = analysisRate / 2.0;
    if (median >= kUltrasoundRate)
        return TimeExpansionSuggestion{10.0, "most recordings are sampled at " + kiloHertz(median) + " (ultrasound?), but at "
               "time expansion 1 the model hears only up to " + kiloHertz(top) + " of them. For bat recordings, time "
               "expansion 10 lets it hear up to " + kiloHertz(10 * top)};
    if (median <= kInfrasoundRate)
        return TimeExpansionSuggestion{0.1, "most recordings are sampled at " + kiloHertz(median) + ", so at time expansion 1 "
               "they fill only the model's bands up to " + kiloHertz(median / 2.0) + " of " + kiloHertz(top) + ". For "
               "infrasound (baleen whales), time expansion 0.1 spreads " + std::to_string(int(std::lround(lowestHz / 10))) +
               " Hz-" + kiloHertz(median / 2.0) + " over them"};
    return std::nullopt;
}

std::optional<std::string> timeExpansionAdvice(const std::vector<SampleRate>& rates, double timeExpansion,
                                               SampleRate analysisRate, Hertz lowestHz)
{
    const auto s = suggestTimeExpansion(rates, timeExpansion, analysisRate, lowestHz);
    if (!s) return std::nullopt;
    return s->reason + " (embed into a new archive with it: an archive keeps its factor)";
}

} // namespace crowlingo
