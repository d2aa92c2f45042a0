#include "core/render/SpectrogramImage.h"

#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo {

ValueRange autoValueRange(const Spectrogram& s, double lowPercentile, double highPercentile)
{
    std::vector<float> finite;
    finite.reserve(s.values.size());
    for (float v : s.values)
        if (std::isfinite(v))
            finite.push_back(v);
    if (finite.empty())
        return {};
    auto at = [&](double percentile) {
        const double p = std::clamp(percentile, 0.0, 100.0) / 100.0;
        const auto k = std::size_t(std::llround(p * double(finite.size() - 1)));
        std::nth_element(finite.begin(), finite.begin() + std::ptrdiff_t(k), finite.end());
        return finite[k];
    };
    ValueRange r{at(lowPercentile), at(highPercentile)};
    if (!(r.max > r.min)) {
        const float mid = r.min;
        r = {mid - 1.0f, mid + 1.0f};
    }
    return r;
}

std::vector<std::uint32_t> renderSpectrogramRgb32(const Spectrogram& s, ValueRange range, Colormap map)
{
    std::vector<std::uint32_t> px(std::size_t(std::max(s.frames, 0)) * std::size_t(std::max(s.bins, 0)));
    if (!px.empty())
        renderSpectrogramRgb32(s, range, map, px.data(), s.frames, s.bins, s.frames);
    return px;
}

void renderSpectrogramRgb32(const Spectrogram& s, ValueRange range, Colormap map, std::uint32_t* out, int width,
                            int height, std::ptrdiff_t strideInPixels)
{
    if (width <= 0 || height <= 0)
        return;
    if (strideInPixels < width)
        throw UsageError("cannot render a spectrogram: stride smaller than width");
    if (s.frames <= 0 || s.bins <= 0 || s.values.size() < std::size_t(s.frames) * std::size_t(s.bins)) {
        for (int y = 0; y < height; ++y)
            std::fill_n(out + y * strideInPixels, width, colormapRgb32(map, std::nanf("")));
        return;
    }
    const float span = range.max > range.min ? range.max - range.min : 1.0f;
    // Source range [first, last) of output cell i of n over m source cells: at least one.
    auto cells = [](int i, int n, int m) {
        const int first = int(std::int64_t(i) * m / n);
        const int last = std::max(first + 1, int(std::int64_t(i + 1) * m / n));
        return std::pair{first, last};
    };
    std::vector<std::pair<int, int>> cols(width);
    for (int x = 0; x < width; ++x)
        cols[x] = cells(x, width, s.frames);
    for (int y = 0; y < height; ++y) {
        const auto [b0, b1] = cells(height - 1 - y, height, s.bins); // row 0 is the top: highest bins
        std::uint32_t* row = out + y * strideInPixels;
        for (int x = 0; x < width; ++x) {
            float peak = -std::numeric_limits<float>::infinity();
            bool any = false;
            for (int t = cols[x].first; t < cols[x].second; ++t)
                for (int b = b0; b < b1; ++b) {
                    const float v = s.values[std::size_t(t) * s.bins + b];
                    if (!std::isnan(v)) {
                        peak = any ? std::max(peak, v) : v;
                        any = true;
                    }
                }
            row[x] = colormapRgb32(map, any ? (peak - range.min) / span : std::nanf(""));
        }
    }
}

} // namespace crowlingo
