#pragma once
// The sample rates of a folder's recordings, read from the headers of a few of them, to advise
// the time expansion before anything is embedded (TimeExpansionAdvice.h): a bat folder is told
// to use 10 while the New Archive dialog is still open, not after an hour of embedding.
//
//   std::vector<SampleRate> rates = sampleRatesInFolder("recordings/");
//
// Threading: a pure function (reads the disk); call it off the GUI thread, as a big folder takes
// a while to scan.
#include "core/common/Types.h"

#include <cstddef>
#include <filesystem>
#include <functional>
#include <vector>

namespace crowlingo {

// Rates of up to maxFiles audio files spread evenly over the folder (sorted by path); files that
// cannot be read are skipped. `cancelled`, if given, is asked between files.
std::vector<SampleRate> sampleRatesInFolder(const std::filesystem::path& folder, std::size_t maxFiles = 24,
                                            const std::function<bool()>& cancelled = {});

} // namespace crowlingo
