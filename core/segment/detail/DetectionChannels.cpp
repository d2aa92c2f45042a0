#include "core/segment/detail/DetectionChannels.h"

#include <algorithm>
#include <cmath>

namespace crowlingo::detail {

DetectionChannels DetectionChannels::layout(const std::vector<Hertz>& centres, const MelParams& mp, double timeExpansion)
{
    DetectionChannels ch;
    // Rebuild the HTK triangles on the FFT grid (as MelSpectrogram does) to know how many
    // independent FFT bins each mel band averages: fewer bins means a noisier band level.
    const int nMels = int(centres.size());
    const int nBins = mp.nFft / 2 + 1;
    std::vector<double> edges;
    edges.push_back(mp.fMin);
    edges.insert(edges.end(), centres.begin(), centres.end());
    edges.push_back(mp.fMax);
    auto weight = [&](int m, int k) {
        const double f = double(k) * mp.sampleRate / mp.nFft;
        const double up = (f - edges[m]) / (edges[m + 1] - edges[m]);
        const double down = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
        return std::max(0.0, std::min(up, down));
    };
    // Neighbouring bins of a Hann-windowed FFT are correlated: |rho|^2 = 4/9 at lag 1, 1/36 at lag 2.
    auto effectiveBins = [&](const std::vector<double>& w) {
        double sum = 0, quad = 0;
        for (int k = 0; k < nBins; ++k) {
            if (w[k] == 0) continue;
            sum += w[k];
            for (int l = std::max(0, k - 2); l <= std::min(nBins - 1, k + 2); ++l) {
                const int lag = std::abs(k - l);
                quad += w[k] * w[l] * (lag == 0 ? 1.0 : lag == 1 ? 4.0 / 9 : 1.0 / 36);
            }
        }
        return quad > 0 ? sum * sum / quad : 0.0;
    };
    ch.groupOf.assign(std::size_t(nMels), 0);
    std::vector<double> w(std::size_t(nBins), 0.0);
    int first = 0;
    for (int m = 0; m < nMels; ++m) {
        for (int k = 0; k < nBins; ++k) w[k] += weight(m, k);
        ch.groupOf[m] = ch.bands;
        const bool enough = effectiveBins(w) >= kMinEffectiveBins;
        if (!enough && m < nMels - 1) continue;
        if (!enough && ch.bands > 0) {
            // Too narrow a remainder at the top: join it to the previous group.
            for (int k = first; k <= m; ++k) ch.groupOf[k] = ch.bands - 1;
            ch.highReal.back() = centres[m] * timeExpansion;
            break;
        }
        ch.lowReal.push_back(centres[first] * timeExpansion);
        ch.highReal.push_back(centres[m] * timeExpansion);
        ++ch.bands;
        first = m + 1;
        std::fill(w.begin(), w.end(), 0.0);
    }
    const int bands = ch.bands;
    int lowest = 0;
    while (lowest < bands && ch.lowReal[std::size_t(lowest)] < kWideLowestHz) ++lowest;
    ch.broadLowest = lowest;
    // Spans of `width` adjacent bands above kWideLowestHz, overlapping by half, the last ending at the top.
    auto spans = [&](int width, std::vector<ChannelSpan>& out) {
        if (bands - lowest < width) return;
        for (int start = lowest;; start += width / 2) {
            const int last = std::min(bands - 1, start + width - 1);
            out.push_back({std::max(lowest, last - width + 1), last});
            if (last == bands - 1) break;
        }
    };
    spans(kWideBands, ch.wide);
    spans(kTransientBands, ch.transient);
    return ch;
}

} // namespace crowlingo::detail
