#!/usr/bin/env bash
# Measures the bundled default model for MODEL_CARD.md, with the project's own CLI:
#  1. the synthetic demo corpus (seed 1, never seen in training): kNN precision for call types and
#     for crow individuals, next to the hand-made baseline;
#  2. the labelled real recordings in ../shared/data (if present): Bengalese finch individuals
#     (whole songs) and syllables (single syllables);
#  3. reconstruction figures, and masked MSE against the trivial predictor averaged over windows;
#  4. with CROWLINGO_EVAL_ADAPT=1, adapting the model to 2/3 of the finch songs and reconstructing
#     the other third with both models.
# Usage: bash resources/models/evaluate-default.sh [BUILD_DIR] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
out=${2:-$(mktemp -d)}
cli="$build/app/crowlingo-cli"
model=${CROWLINGO_MODEL_DIR:-resources/models/default}
shared=../shared/data
mkdir -p "$out"

echo "== synthetic demo corpus (seed 1) =="
[[ -f "$out/demo/ground_truth.csv" ]] || "$cli" synth "$out/demo" --files 8 --minutes 2 --seed 1
"$cli" embed "$out/demo" -o "$out/demo.crowlingo" --model "$model" --segment events
# Ground truth -> label files in the import format (span labels).
awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $6 }' "$out/demo/ground_truth.csv" |
  sed '1i path,start_s,end_s,label' > "$out/call_types.csv"
awk -F, 'NR > 1 && $7 != "" { print $1 "," $2 "," $3 "," $7 }' "$out/demo/ground_truth.csv" |
  sed '1i path,start_s,end_s,label' > "$out/individuals.csv"
"$cli" evaluate "$out/demo.crowlingo" --labels "$out/call_types.csv"
"$cli" evaluate "$out/demo.crowlingo" --labels "$out/individuals.csv"

# Issue 4's criterion: most of a caw's 5 nearest neighbours are caws of the same crow.
"$cli" export "$out/demo.crowlingo" --embeddings "$out/demo.npy" --clips "$out/demo_clips.csv"
/usr/bin/python3 resources/models/caw-neighbours.py "$out/demo.npy" "$out/demo_clips.csv" "$out/demo/ground_truth.csv"

if [[ -d "$shared" ]]; then
  for set in bf_individuals bf_syllables; do
    echo "== real recordings: $set =="
    mkdir -p "$out/$set"
    # The archive's root is the shared folder itself (read-only); the archive lives in $out.
    "$cli" embed "$shared/$set" -o "$out/$set.crowlingo" --model "$model" --segment whole
    awk -F'\t' -v s="$set/" 'NR > 1 && index($1, s) == 1 { print substr($1, length(s) + 1) "," $2 }' \
      "$shared/MANIFEST.tsv" | sed '1i path,label' > "$out/$set.labels.csv"
    "$cli" evaluate "$out/$set.crowlingo" --labels "$out/$set.labels.csv"
  done
  song=$(find "$shared/bf_individuals" -name '*.flac' | sort | head -1)
  "$cli" reconstruct "$song" --start 2.0 --model "$model" --png "$out/reconstruction_bengalese_finch.png"
fi
# Reconstruction against the trivial predictor, averaged: mean masked MSE over windows.
mean_mse() { # MODEL FILE... (window at 1.0 s of each file)
  local model=$1; shift
  for f in "$@"; do "$cli" reconstruct "$f" --start 1.0 --model "$model" --png "$out/r.png" 2>&1 | grep MSE; done |
    awk '{m += $3; t += $7; n++; if ($3 < $7) w++} END {printf "%d windows: model %.1f dB2, trivial %.1f dB2, model better in %d\n", n, m/n, t/n, w}'
}
echo "== reconstruction, unseen synthetic windows =="
for f in "$out"/demo/rec_00{0,3,5}.flac; do
  for s in 5 17 33 48 62 80; do "$cli" reconstruct "$f" --start "$s" --model "$model" --png "$out/r.png" 2>&1 | grep MSE; done
done | awk '{m += $3; t += $7; n++; if ($3 < $7) w++} END {printf "%d windows: model %.1f dB2, trivial %.1f dB2, model better in %d\n", n, m/n, t/n, w}'

# Adapting to real recordings (CROWLINGO_EVAL_ADAPT=1; about 10 minutes, the training part set by
# CROWLINGO_EVAL_ADAPT_MINUTES, default 8): every third finch song
# is held out, the model is adapted to the others for 8 minutes, and both models reconstruct the
# held-out songs.
if [[ -d "$shared" && ${CROWLINGO_EVAL_ADAPT:-0} == 1 ]]; then
  echo "== adapting to Bengalese finch songs =="
  rm -rf "$out/bf_train" "$out/bf_train.crowlingo" "$out/bf_train.models"
  mkdir -p "$out/bf_train"
  held=()
  i=0
  for f in $(find "$shared/bf_individuals" -name '*.flac' | sort); do
    i=$((i + 1))
    if (( i % 3 == 0 )); then held+=("$f"); else ln -s "$(realpath "$f")" "$out/bf_train/$(basename "$(dirname "$f")")_$(basename "$f")"; fi
  done
  "$cli" embed "$out/bf_train" -o "$out/bf_train.crowlingo" --model "$model" --segment whole
  "$cli" adapt "$out/bf_train.crowlingo" --model "$model" --minutes "${CROWLINGO_EVAL_ADAPT_MINUTES:-8}"
  adapted=$(ls -d "$out"/bf_train.models/adapted-* | head -1)
  echo "default model on ${#held[@]} held-out songs:"; mean_mse "$model" "${held[@]}"
  echo "adapted model on the same songs:"; mean_mse "$adapted" "${held[@]}"
fi

first_caw=$(awk -F, '$6 == "caw" { print $1 " " $2; exit }' "$out/demo/ground_truth.csv")
"$cli" reconstruct "$out/demo/${first_caw% *}" --start "$(awk -v t="${first_caw#* }" 'BEGIN { print (t > 0.4 ? t - 0.4 : 0) }')" \
  --model "$model" --png "$out/reconstruction_synthetic_caw.png"
echo "results in $out"
