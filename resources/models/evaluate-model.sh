#!/usr/bin/env bash
# The one measurement every model decision is judged by (MODEL_CARD.md, "Evaluation table").
# For each labelled set with at least 2 classes of at least 5 clips, and for the synthetic demo:
#   - leave-one-out kNN precision P@1/5/10 (cosine) of the model and of the hand-made baseline
#     (mean + std of each log-mel band), from `crowlingo-cli evaluate`, and their difference at P@5
#     with a 95 % interval (paired bootstrap over the queries);
#   - masked-patch MSE at 75 % masking against the trivial predictor (each mel bin's mean over the
#     visible cells), averaged over up to 24 clips not used for training, from `reconstruct`;
#   - with --adapt-minutes M: the same after `adapt --minutes M` on two thirds of the set's own
#     recordings (P@k over all clips, re-embedded with the adapted model; MSE on the third held out).
# Every real set is embedded with --segment whole (one clip per labelled file), bats at x10 time
# expansion; the demo with --segment events and span labels. The time scale is the one `embed` chooses.
#
# Usage: bash resources/models/evaluate-model.sh [--model DIR] [--build DIR] [--out DIR]
#                                                [--adapt-minutes M | --adapt-steps N] [--adapt-args "--lr X ..."]
#                                                [--sets "a b ..."] [--knn-only]
# Prints one Markdown table row per set and writes it to OUT/table.md. Needs ../shared/data for
# the real sets (skipped when absent); the demo corpus is synthesised (seed 1, never trained on).
set -euo pipefail
cd "$(dirname "$0")/../.."
model=resources/models/default build=build out="" adapt=0 adapt_steps=0 adapt_args="" knn_only=0
sets="demo_calltype demo_individual bf_syllables bf_individuals batdetect2_calls maad_spinetail"
while (($#)); do
  case $1 in
    --model) model=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --adapt-minutes) adapt=$2; shift 2 ;;
    --adapt-steps) adapt_steps=$2; adapt=$2; shift 2 ;; # a fixed amount of training, whatever else runs
    --adapt-args) adapt_args=$2; shift 2 ;;
    --sets) sets=$2; shift 2 ;;
    --knn-only) knn_only=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
out=${out:-$(mktemp -d)}
cli="$(realpath "$build/app/crowlingo-cli")"
model=$(realpath "$model")
shared=$(realpath -m ../shared/data)
mkdir -p "$out"
log="$out/log.txt"
: > "$log"

# P@1 P@5 P@10 of the model, then of the baseline, then model - baseline at P@5 with its 95 %
# interval (paired bootstrap over the queries), from `evaluate` output.
precisions() { awk '/^model embedding/ && !m { m = $3 " " $4 " " $5 } /^baseline \(/ && !b { b = $5 " " $6 " " $7 }
                    /^  @1 / && !d { d = $5 " " $6 } END { print m, b, (d ? d : "- -") }'; }

# Mean masked MSE (dB^2) of MODEL and of the trivial predictor over FILE@START items (one model
# window from START), and the number of windows where the trivial predictor is defined.
reconstruction_mse() {
  local model=$1; shift
  local item
  for item in "$@"; do
    "$cli" reconstruct "${item%@*}" --start "${item##*@}" --time-expansion "$te" --time-scale "$scale" --model "$model" \
      --png "$out/r.png" --force 2>&1 | grep -E '^masked' || true
  done | awk '{ m += $3; t += $7; n++ } END { if (n) printf "%.1f %.1f %d\n", m / n, t / n, n; else print "nan nan 0" }'
}

# Every 3rd file (sorted) held out from adaptation; at most 24 of them measured.
split_files() { # LISTFILE -> $out/$set.train/ (symlinks), $out/$set.held
  local list=$1 set=$2 i=0 f
  rm -rf "$out/$set.train"; mkdir -p "$out/$set.train"; : > "$out/$set.held"
  while read -r f; do
    i=$((i + 1))
    if ((i % 3 == 0)); then echo "$f" >> "$out/$set.held"
    else ln -s "$f" "$out/$set.train/$(echo "${f#"$root"/}" | tr / _)"; fi
  done < "$list"
}

row() { # SET ROOT LABELS TIME-EXPANSION SEGMENT
  local set=$1 root=$2 labels=$3 te=$4 segment=$5 a=$out/$set.crowlingo
  rm -f "$a"
  local embed_root=$root
  "$cli" embed "$embed_root" -o "$a" --model "$model" --segment "$segment" --time-expansion "$te" >> "$log" 2>&1 || [[ $? == 3 ]]
  scale=$(grep -o 'read at time scale [0-9]*' "$log" | tail -1 | awk '{ print $5 }')
  read -r m1 m5 m10 b1 b5 b10 d5 d5ci < <("$cli" evaluate "$a" --labels "$labels" 2>>"$log" | tee -a "$log" | precisions)
  find "$root" -type f \( -name '*.wav' -o -name '*.flac' -o -name '*.ogg' \) | sort > "$out/$set.files"
  split_files "$out/$set.files" "$set"
  # At most 24 held-out windows: for whole-file clips the first window of evenly spaced files; for
  # long recordings (events) 8 windows in each of 3 files.
  if [[ $segment == whole ]]; then
    mapfile -t held < <(awk -v n="$(wc -l < "$out/$set.held")" 'BEGIN { s = n > 24 ? n / 24 : 1 }
                         { if (NR - 1 >= c * s) { print $0 "@0"; c++ } }' "$out/$set.held")
  else
    mapfile -t held < <(head -3 "$out/$set.held" | while read -r f; do for s in 5 17 33 48 62 80 95 105; do echo "$f@$s"; done; done)
  fi
  local mm=- tm=- nm=0
  ((knn_only)) || read -r mm tm nm < <(reconstruction_mse "$model" "${held[@]}")
  local line="| $set | $(awk '/labelled clips in/ { n = $1 " / " $5 } END { print n }' "$log") | ×$scale | $m1 | $m5 | $m10 | $b1 | $b5 | $b10 | $d5 $d5ci | $mm / $tm ($nm)"
  if [[ $adapt != 0 ]]; then
    local t=$out/$set.train.crowlingo
    rm -rf "$t" "$out/$set.train.models"
    "$cli" embed "$out/$set.train" -o "$t" --model "$model" --segment "$segment" --time-expansion "$te" >> "$log" 2>&1 || [[ $? == 3 ]]
    # shellcheck disable=SC2086 # adapt_args is a list of options
    local length=(--minutes "$adapt"); ((adapt_steps)) && length=(--steps "$adapt_steps")
    "$cli" adapt "$t" --model "$model" "${length[@]}" --keep-if-worse $adapt_args >> "$log" 2>&1
    local adapted; adapted=$(ls -d "$out/$set.train.models"/adapted-* | head -1)
    rm -f "$a"
    "$cli" embed "$embed_root" -o "$a" --model "$adapted" --segment "$segment" --time-expansion "$te" >> "$log" 2>&1 || [[ $? == 3 ]]
    read -r a1 a5 a10 _ _ _ _ _ < <("$cli" evaluate "$a" --labels "$labels" 2>>"$log" | tee -a "$log" | precisions)
    read -r am _ _ < <(reconstruction_mse "$adapted" "${held[@]}")
    line+=" | $a1 | $a5 | $a10 | $am"
  fi
  echo "$line |" | tee -a "$out/table.md"
  cat "$log" >> "$out/log-all.txt"; : > "$log"
}

header="| set | clips / classes | time scale | model P@1 | P@5 | P@10 | baseline P@1 | P@5 | P@10 | model − baseline P@5 [95 % interval] | masked MSE model / trivial, dB² (clips) |"
[[ $adapt != 0 ]] && header+=" adapted $( ((adapt_steps)) && echo "$adapt_steps steps" || echo "$adapt min") P@1 | P@5 | P@10 | adapted MSE |"
echo "$header" | tee "$out/table.md"
echo "model: $model ($(date -u +%F))" >> "$out/table.md"

manifest_labels() { # SET -> label CSV relative to the set's folder
  awk -F'\t' -v s="$1/" 'NR > 1 && index($1, s) == 1 { print substr($1, length(s) + 1) "," $2 }' \
    "$shared/MANIFEST.tsv" | sed '1i path,label' > "$out/$1.labels.csv"
}

for set in $sets; do
  case $set in
    demo_calltype|demo_individual)
      [[ -f "$out/demo/ground_truth.csv" ]] || "$cli" synth "$out/demo" --files 8 --minutes 2 --seed 1 >> "$log" 2>&1
      # Ground truth as labelled spans over the recordings, cut by the events detector.
      col=6; [[ $set == demo_individual ]] && col=7
      awk -F, -v c=$col 'NR > 1 && $c != "" { print $1 "," $2 "," $3 "," $c }' "$out/demo/ground_truth.csv" |
        sed '1i path,start_s,end_s,label' > "$out/$set.labels.csv"
      row "$set" "$out/demo" "$out/$set.labels.csv" 1 events ;;
    *)
      [[ -d "$shared/$set" ]] || { echo "skipping $set: $shared/$set not found" >&2; continue; }
      manifest_labels "$set"
      te=1; [[ $set == batdetect2_calls ]] && te=10
      row "$set" "$shared/$set" "$out/$set.labels.csv" "$te" whole ;;
  esac
done
echo "table: $out/table.md"
