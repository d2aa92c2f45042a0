#include "core/render/CategoricalPalette.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <vector>

namespace crowlingo {

namespace {

struct Lab {
    double L, a, b;
};

double linear(double c)
{
    c /= 255.0;
    return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}

Lab toLab(std::uint32_t rgb)
{
    const double r = linear((rgb >> 16) & 0xff), g = linear((rgb >> 8) & 0xff), b = linear(rgb & 0xff);
    // sRGB -> XYZ (D65), normalised by the white point.
    const double x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    const double y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    const double z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    const auto f = [](double t) { return t > 216.0 / 24389.0 ? std::cbrt(t) : (24389.0 / 27.0 * t + 16.0) / 116.0; };
    const double fx = f(x), fy = f(y), fz = f(z);
    return {116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)};
}

double distance2(const Lab& p, const Lab& q)
{
    return (p.L - q.L) * (p.L - q.L) + (p.a - q.a) * (p.a - q.a) + (p.b - q.b) * (p.b - q.b);
}

// Tableau 10, the colours people know from matplotlib.
constexpr std::array<std::uint32_t, 10> kStart = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                                  0x8c564b, 0xe377c2, 0x17becf, 0xbcbd22, 0x393b79};

// The palette grows on demand: greedy maximin over a fixed candidate grid, so colour k is the
// same whatever count was asked for first.
class Palette {
public:
    std::uint32_t at(int index)
    {
        const std::lock_guard lock(mutex_);
        if (colours_.empty()) start();
        while (int(colours_.size()) <= index) grow();
        return colours_[std::size_t(index)];
    }

private:
    void start()
    {
        // Every 15th level of each channel; readable on white, and not grey.
        for (int r = 0; r < 256; r += 15)
            for (int g = 0; g < 256; g += 15)
                for (int b = 0; b < 256; b += 15) {
                    const std::uint32_t rgb = std::uint32_t(r << 16 | g << 8 | b);
                    const Lab lab = toLab(rgb);
                    if (lab.L < 35 || lab.L > 85 || std::hypot(lab.a, lab.b) < 25) continue;
                    candidates_.push_back(rgb);
                    candidateLab_.push_back(lab);
                }
        nearest_.assign(candidates_.size(), std::numeric_limits<double>::infinity());
        for (std::uint32_t c : kStart) add(c);
    }

    void add(std::uint32_t rgb)
    {
        colours_.push_back(rgb);
        const Lab lab = toLab(rgb);
        for (std::size_t i = 0; i < candidates_.size(); ++i) nearest_[i] = std::min(nearest_[i], distance2(lab, candidateLab_[i]));
    }

    void grow()
    {
        // Ties go to the first candidate: deterministic on every machine.
        const auto best = std::max_element(nearest_.begin(), nearest_.end());
        add(candidates_[std::size_t(best - nearest_.begin())]);
    }

    std::mutex mutex_;
    std::vector<std::uint32_t> colours_;
    std::vector<std::uint32_t> candidates_;
    std::vector<Lab> candidateLab_;
    std::vector<double> nearest_; // squared distance of each candidate to the nearest chosen colour
};

} // namespace

std::uint32_t categoricalColour(int index)
{
    static Palette palette;
    return palette.at(std::max(0, index));
}

double cie76Distance(std::uint32_t rgbA, std::uint32_t rgbB) { return std::sqrt(distance2(toLab(rgbA), toLab(rgbB))); }

double cieLightness(std::uint32_t rgb) { return toLab(rgb).L; }

double cieChroma(std::uint32_t rgb)
{
    const Lab lab = toLab(rgb);
    return std::hypot(lab.a, lab.b);
}

} // namespace crowlingo
