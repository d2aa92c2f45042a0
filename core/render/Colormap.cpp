#include "core/render/Colormap.h"

#include <cmath>

namespace crowlingo {

namespace {

// Where the tables come from: matplotlib is not a build dependency, so the tables are the
// degree-6 polynomial fits to matplotlib's magma and viridis by Matt Zucker
// (shadertoy.com/view/WlfXRN, CC0; fitted to the BIDS colormap data, also CC0), evaluated at
// t = i/255 when compiling. They match matplotlib's published 256 entries to within about 5/255
// per channel (e.g. viridis ends #470155 .. #fce721 against #440154 .. #fde725) — invisible in
// a figure. Swap in the listed matplotlib values here if exact agreement is ever needed.
using Coefficients = std::array<std::array<double, 3>, 7>; // c0 .. c6, each {r, g, b}

constexpr Coefficients kMagmaFit{{
    {-0.002136485053939582, -0.000749655052795221, -0.005386127855323933},
    {0.2516605407371642, 0.6775232436837668, 2.494026599312351},
    {8.353717279216625, -3.577719514958484, 0.3144679030132573},
    {-27.66873308576866, 14.26473078096533, -13.64921318813922},
    {52.17613981234068, -27.94360607168351, 12.94416944238394},
    {-50.76852536473588, 29.04658282127291, 4.23415299384598},
    {18.65570506591883, -11.48977351997711, -5.601961508734096},
}};

constexpr Coefficients kViridisFit{{
    {0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
    {0.1050930431085774, 1.404613529898575, 1.384590162594685},
    {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
    {-4.634230498983486, -5.799100973351585, -19.33244095627987},
    {6.228269936347081, 14.17993336680509, 56.69055260068105},
    {4.776384997670288, -13.74514537774601, -65.35303263337234},
    {-5.435455855934631, 4.645852612178535, 26.3124352495832},
}};

using Table = std::array<std::array<std::uint8_t, 3>, 256>;

constexpr Table makeTable(const Coefficients& c)
{
    Table table{};
    for (int i = 0; i < 256; ++i) {
        const double t = i / 255.0;
        for (int ch = 0; ch < 3; ++ch) {
            double v = 0; // Horner
            for (int k = 6; k >= 0; --k)
                v = v * t + c[k][ch];
            const double byte = v * 255.0 + 0.5;
            table[i][ch] = byte <= 0 ? 0 : byte >= 255 ? 255 : std::uint8_t(byte);
        }
    }
    return table;
}

constexpr Table kMagma = makeTable(kMagmaFit);
constexpr Table kViridis = makeTable(kViridisFit);

} // namespace

const std::array<std::array<std::uint8_t, 3>, 256>& colormapTable(Colormap map)
{
    return map == Colormap::Viridis ? kViridis : kMagma;
}

std::array<std::uint8_t, 3> colormapRgb(Colormap map, float t)
{
    if (std::isnan(t))
        return kMaskedRgb;
    const float clamped = t < 0.0f ? 0.0f : t > 1.0f ? 1.0f : t;
    return colormapTable(map)[std::size_t(std::lround(clamped * 255.0f))];
}

std::uint32_t colormapRgb32(Colormap map, float t)
{
    const auto c = colormapRgb(map, t);
    return 0xff000000u | std::uint32_t(c[0]) << 16 | std::uint32_t(c[1]) << 8 | std::uint32_t(c[2]);
}

std::string_view colormapName(Colormap map) { return map == Colormap::Viridis ? "viridis" : "magma"; }

std::optional<Colormap> colormapFromName(std::string_view name)
{
    if (name == "magma")
        return Colormap::Magma;
    if (name == "viridis")
        return Colormap::Viridis;
    return std::nullopt;
}

} // namespace crowlingo
