#!/usr/bin/env bash
# Regenerates the bundled default model (resources/models/default) with the project's own
# commands: a synthetic corpus from a fixed seed, then self-supervised training from scratch.
# Usage: bash resources/models/train-default.sh [BUILD_DIR] [STEPS]
# A fixed number of steps, so a rerun with the same thread count on the same machine gives the same
# weights (the bundled model: 5000 steps, about 45 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-5000}
cli="$build/app/crowlingo-cli"
work=${CROWLINGO_TRAIN_WORK:-$(mktemp -d)}
[[ -n "${CROWLINGO_TRAIN_WORK:-}" ]] || trap 'rm -rf "$work"' EXIT

# Training corpus: other seeds than the demo corpus (seed 1), so the demo is unseen data.
"$cli" synth "$work/corpus" --files 40 --minutes 3 --seed 1001
"$cli" train "$work/corpus" --init scratch --segment events --out "$work/model" \
  --steps "$steps" --batch 64 --seed 1 --mask-ratio 0.75 --lr 2e-3
mkdir -p resources/models/default
cp "$work/model/config.json" "$work/model/model.safetensors" "$work/model/loss.csv" resources/models/default/
echo "default model written to resources/models/default"
