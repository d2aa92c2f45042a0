#!/usr/bin/env bash
# Regenerates the bundled default model (resources/models/default) with the project's own
# commands: a synthetic corpus from a fixed seed, then self-supervised training from scratch.
# Usage: bash resources/models/train-default.sh [BUILD_DIR] [MINUTES]
# Time-bounded (the bundled model was trained for 35 minutes on 2 cores), so a rerun gives a model
# of the same recipe and quality, not the same bytes; use --steps in train for exact reruns.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
minutes=${2:-35}
cli="$build/app/crowlingo-cli"
work=${CROWLINGO_TRAIN_WORK:-$(mktemp -d)}
[[ -n "${CROWLINGO_TRAIN_WORK:-}" ]] || trap 'rm -rf "$work"' EXIT

# Training corpus: other seeds than the demo corpus (seed 1), so the demo is unseen data.
"$cli" synth "$work/corpus" --files 40 --minutes 3 --seed 1001
"$cli" train "$work/corpus" --init scratch --segment events --out "$work/model" \
  --minutes "$minutes" --batch 64 --seed 1 --mask-ratio 0.75
mkdir -p resources/models/default
cp "$work/model/config.json" "$work/model/model.safetensors" "$work/model/loss.csv" resources/models/default/
echo "default model written to resources/models/default"
