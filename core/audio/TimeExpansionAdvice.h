#pragma once
// Whether recordings' sample rates suggest another time expansion than the one chosen: bat
// recordings at 192-500 kHz read at 1 give the model only their lowest 11 kHz (most bat calls are
// above it), and hydrophone recordings at 1-4 kHz read at 1 fill only the model's lowest bands
// (their calls lie below 100 Hz). The advice says so and names the factor that fits; the user
// decides (a 96-kHz bird recording needs no expansion, so only clear cases are advised).
//
//   if (auto a = timeExpansionAdvice(rates, 1.0, 22050, 50)) std::printf("note: %s\n", a->c_str());
//   if (auto s = suggestTimeExpansion(rates, 1.0, 22050, 50)) offer(s->factor, s->reason); // before embedding
//
// Threading: a pure function.
#include "core/common/Types.h"

#include <optional>
#include <string>
#include <vector>

namespace crowlingo {

struct TimeExpansionSuggestion {
    double factor = 1.0;  // 10 for ultrasound, 0.1 for infrasound
    std::string reason;   // what the model hears of the recordings at 1, and at `factor`
};

// rates: the recordings' sample rates (Hz); timeExpansion: the factor chosen; analysisRate and
// lowestHz: the model's input rate and lowest band (its band is lowestHz .. analysisRate / 2).
// A suggestion when the factor is 1 and most recordings are ultrasonic (>= 192 kHz) or infrasonic
// (<= 4 kHz); nothing otherwise.
std::optional<TimeExpansionSuggestion> suggestTimeExpansion(const std::vector<SampleRate>& rates, double timeExpansion,
                                                            SampleRate analysisRate, Hertz lowestHz);

// The same said after embedding: the reason, and that a new archive is needed to change it.
std::optional<std::string> timeExpansionAdvice(const std::vector<SampleRate>& rates, double timeExpansion,
                                               SampleRate analysisRate, Hertz lowestHz);

} // namespace crowlingo
