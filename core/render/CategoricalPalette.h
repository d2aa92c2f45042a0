#pragma once
// Colours for categories (clusters, labels, recordings) that stay tellable apart as their number
// grows: the ten strong Tableau colours first (familiar from matplotlib), then each next colour
// the one farthest, in CIELAB, from every colour chosen so far (Glasbey et al. 2007, "Colour
// displays for categorical images"). Candidates are kept readable on a white map (lightness
// 35-85) and away from grey, which the map keeps for noise and unlabelled clips.
//
//   std::uint32_t rgb = categoricalColour(27);        // 0xRRGGBB, the same on every run
//   double d = cie76Distance(categoricalColour(0), categoricalColour(1));
//
// Threading: the palette is computed once, on first use, under a lock; safe from any thread.
#include <cstdint>

namespace crowlingo {

std::uint32_t categoricalColour(int index); // 0xRRGGBB; index >= 0
// The colour difference ΔE*ab (CIE 1976) of two 0xRRGGBB colours (sRGB, D65): about 2.3 is just
// noticeable, above 20 two small dots are told apart at a glance.
double cie76Distance(std::uint32_t rgbA, std::uint32_t rgbB);
// CIELAB lightness L* of an 0xRRGGBB colour, 0 (black) to 100 (white).
double cieLightness(std::uint32_t rgb);
// CIELAB chroma C*ab (0 for greys).
double cieChroma(std::uint32_t rgb);

} // namespace crowlingo
