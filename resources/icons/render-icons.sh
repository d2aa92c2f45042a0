#!/usr/bin/env bash
# Renders the PNG sizes of the icon from crowlingo.svg (needs librsvg2-bin). The PNGs are
# committed, so building does not need this; rerun it after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")"
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" crowlingo.svg -o "crowlingo-$size.png"
done
