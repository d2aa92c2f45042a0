#!/usr/bin/env bash
# Regenerates the bundled default model (resources/models/default) with the project's own
# commands, in the two stages it was made in (MODEL_CARD.md, "Training"):
#   1. from scratch on the synthetic demo-style corpus (seed 1001): 5,000 steps, about 45 minutes
#      on 2 cores;
#   2. continued on a field-style corpus (seed 2001: varied vocalisations, speed changes, reverb,
#      overlaps, a varying background), read at time scales 1, 2 and 4: 12,000 steps, about
#      2.3 hours on 2 cores.
# Usage: bash resources/models/train-default.sh [BUILD_DIR] [STAGE1_STEPS] [STAGE2_STEPS]
# Fixed step counts, so a rerun with the same thread count on the same machine gives the same
# weights (the bundled stage 2 ran on 1 thread and was resumed from a checkpoint once).
# CROWLINGO_TRAIN_WORK=DIR keeps the corpora and checkpoints there; rerunning with the same DIR
# resumes stage 2 from its last checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps1=${2:-5000}
steps2=${3:-12000}
cli="$build/app/crowlingo-cli"
work=${CROWLINGO_TRAIN_WORK:-$(mktemp -d)}
[[ -n "${CROWLINGO_TRAIN_WORK:-}" ]] || trap 'rm -rf "$work"' EXIT

# Training corpora: other seeds than the demo corpus (seed 1), so the demo is unseen data.
if [[ ! -f "$work/stage1/model.safetensors" ]]; then
  [[ -d "$work/corpus1" ]] || "$cli" synth "$work/corpus1" --files 40 --minutes 3 --seed 1001
  "$cli" train "$work/corpus1" --init scratch --segment events --out "$work/stage1" \
    --steps "$steps1" --batch 64 --seed 1 --mask-ratio 0.75 --lr 2e-3
fi

[[ -d "$work/corpus2" ]] || "$cli" synth "$work/corpus2" --style field --files 60 --minutes 3 --seed 2001
resume=()
[[ -f "$work/stage2/checkpoint.safetensors" ]] && resume=(--resume)
"$cli" train "$work/corpus2" --init "$work/stage1" --segment events --time-scales 1,2,4 --out "$work/stage2" \
  --steps "$steps2" --batch 64 --seed 7 --mask-ratio 0.75 --lr 1e-3 --checkpoint-minutes 3 "${resume[@]}"

mkdir -p resources/models/default
cp "$work/stage2/config.json" "$work/stage2/model.safetensors" "$work/stage2/loss.csv" resources/models/default/
echo "default model written to resources/models/default"
