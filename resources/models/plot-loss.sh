#!/usr/bin/env bash
# Draws a model's training and validation loss (loss.csv written by `crowlingo-cli train`) to PNG.
# Needs gnuplot (apt-get install gnuplot-nox); only for the model card, not for building.
# Usage: bash resources/models/plot-loss.sh MODEL_DIR/loss.csv OUT.png [TITLE]
set -euo pipefail
csv=$1
png=$2
title=${3:-Default model: self-supervised training on the synthetic corpus}
gnuplot <<GP
set terminal pngcairo size 900,420 font "DejaVu Sans,10"
set output "$png"
set datafile separator ","
set key top right
set xlabel "optimiser step"
set ylabel "masked-patch MSE (normalised units)"
set grid
set logscale y
set title "$title"
plot "$csv" every ::1 using 1:(strlen(strcol(2)) > 0 ? \$2 : 1/0) with lines lc rgb "#8888cc" title "training (per batch)", \
     "$csv" every ::1 using 1:(strlen(strcol(3)) > 0 ? \$3 : 1/0) with linespoints lw 2 pt 7 ps 0.6 lc rgb "#cc3311" title "validation (held-out clips)"
GP
echo "wrote $png"
