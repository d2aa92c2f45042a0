#!/usr/bin/env bash
# bench_whitening on every archive that resources/models/evaluate-model.sh embedded (its --out
# folder holds <set>.crowlingo with the labels imported): exports each archive's vectors and shown
# labels, then prints P@1/5/10 of the vectors as stored, centred and PCA-whitened.
#
# Usage: bash bench/whitening_sets.sh EVAL_OUT [BUILD_DIR]
set -euo pipefail
eval_out=$(realpath "$1")
build=$(realpath "${2:-build}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for archive in "$eval_out"/*.crowlingo; do
    name=$(basename "$archive" .crowlingo)
    case "$name" in *.train) continue ;; esac
    "$build/app/crowlingo-cli" export "$archive" --embeddings "$work/v.npy" --clips "$work/clips.csv" \
        --csv "$work/full.csv" --force > /dev/null
    # One label per row of the .npy (clips.csv has its order), "" where the clip has none.
    python3 - "$work" <<'PY'
import csv, sys
work = sys.argv[1]
shown = {r["clip_id"]: r["label"] for r in csv.DictReader(open(f"{work}/full.csv"))}
with open(f"{work}/labels.txt", "w") as out:
    for r in csv.DictReader(open(f"{work}/clips.csv")):
        out.write(shown.get(r["clip_id"], "") + "\n")
PY
    echo "== $name"
    "$build/bench/bench_whitening" "$work/v.npy" "$work/labels.txt"
done
