#pragma once
// Perceptual colormaps (magma, viridis) as 256-entry tables, shared by the PNG figures and the GUI.
//
//   auto [r, g, b] = colormapRgb(Colormap::Magma, 0.7f);     // t in [0, 1], clamped
//   std::uint32_t px = colormapRgb32(Colormap::Viridis, t);  // 0xffRRGGBB (QImage::Format_RGB32)
//   if (auto cm = colormapFromName("viridis")) use(*cm);     // CLI/GUI option values
//
// Threading: pure functions over constant tables; safe from any thread.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace crowlingo {

enum class Colormap { Magma, Viridis };

// Colour of NaN values (masked patches): a neutral light grey, outside both colormaps.
inline constexpr std::array<std::uint8_t, 3> kMaskedRgb{0xd0, 0xd0, 0xd0};

// Table entry round(t * 255); t is clamped to [0, 1]; NaN gives kMaskedRgb.
std::array<std::uint8_t, 3> colormapRgb(Colormap map, float t);
std::uint32_t colormapRgb32(Colormap map, float t); // 0xffRRGGBB
// The 256 entries, low to high.
const std::array<std::array<std::uint8_t, 3>, 256>& colormapTable(Colormap map);

std::string_view colormapName(Colormap map); // "magma", "viridis"
std::optional<Colormap> colormapFromName(std::string_view name);

} // namespace crowlingo
