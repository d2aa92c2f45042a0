#!/usr/bin/env bash
# Which space should clusters be found in: the embeddings, or the 2-D map the user sees?
# For each labelled set embedded by resources/models/evaluate-model.sh (its --out folder holds
# <set>.crowlingo and <set>.labels.csv), on a copy of the archive: a UMAP map with the defaults,
# then HDBSCAN with the defaults on the embeddings and on the map. Prints, per set and space, the
# clusters found, the share of clips left as noise, and agreement with the labels (ARI and NMI over
# the labelled clips, noise counted as one more cluster) from `crowlingo-cli evaluate`.
#
# Usage: bash bench/clustering_space.sh EVAL_OUT [CLI] [MIN_CLUSTER_SIZE]
# Writes EVAL_OUT/clustering-space.md too.
set -euo pipefail
eval_out=$(realpath "$1")
cli=$(realpath "${2:-build/app/crowlingo-cli}")
mcs=${3:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Archives keep their recordings' folder relative to themselves: the copies see the same folders.
for d in "$eval_out"/*/; do ln -s "$(realpath "$d")" "$work/$(basename "$d")"; done
table="$eval_out/clustering-space.md"
echo "| set | clips | classes | space | clusters | noise | ARI | NMI |" | tee "$table"
echo "|---|---|---|---|---|---|---|---|" | tee -a "$table"
for archive in "$eval_out"/*.crowlingo; do
  set=$(basename "$archive" .crowlingo)
  labels="$eval_out/$set.labels.csv"
  [[ -f $labels ]] || continue
  cp "$archive" "$work/$set.crowlingo"
  [[ -f $archive-wal ]] && cp "$archive-wal" "$work/$set.crowlingo-wal"
  a="$work/$set.crowlingo"
  "$cli" project "$a" >/dev/null 2>&1
  for space in embeddings map; do
    flag="--space $space"
    summary=$("$cli" cluster "$a" --min-cluster-size "$mcs" $flag 2>/dev/null)
    clips=$(grep -oP '(?<=clusters over )[0-9]+' <<<"$summary")
    clusters=$(grep -oP '^[0-9]+(?= clusters over)' <<<"$summary")
    noise=$(grep -oP '(?<=noise   -1: )[0-9]+' <<<"$summary" || echo 0)
    ev=$("$cli" evaluate "$a" --labels "$labels" 2>/dev/null)
    classes=$(grep -oP '(?<=labelled clips in )[0-9]+' <<<"$ev")
    read -r ari nmi < <(grep -A1 'clusters against the labels' <<<"$ev" | tail -1 | awk '{print $3, $4}')
    printf "| %s | %s | %s | %s | %s | %.0f %% | %s | %s |\n" "$set" "$clips" "$classes" "$space" "$clusters" \
      "$(echo "100 * $noise / $clips" | bc -l)" "$ari" "$nmi" | tee -a "$table"
  done
done
