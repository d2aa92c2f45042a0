#include "core/archive/FolderSampleRates.h"

#include "core/archive/FolderScanner.h"
#include "core/audio/AudioReader.h"

namespace crowlingo {

std::vector<SampleRate> sampleRatesInFolder(const std::filesystem::path& folder, std::size_t maxFiles,
                                            const std::function<bool()>& cancelled)
{
    const FolderScan scan = scanFolder(folder);
    const std::size_t n = scan.files.size(), picks = std::min(n, maxFiles);
    std::vector<SampleRate> rates;
    for (std::size_t k = 0; k < picks; ++k) {
        if (cancelled && cancelled()) break;
        try {
            // Opening reads the header only; no samples are decoded.
            const AudioReader reader(scan.files[k * n / picks].path);
            rates.push_back(reader.info().sampleRate);
        } catch (const std::exception&) {
            // An unreadable file is reported when it is embedded; the advice comes from the others.
        }
    }
    return rates;
}

} // namespace crowlingo
