#!/usr/bin/env bash
# Installs what is needed, builds CrowLingo, makes the demo archive from the synthetic corpus and
# opens it (README command 1). The GUI opens when there is a display; without one, the CLI tours
# the archive instead.
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/setup-debian.sh
build=${CROWLINGO_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build"

cli="$build/app/crowlingo-cli"
demo=${CROWLINGO_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/crowlingo/demo}
if [[ ! -f "$demo/recordings/ground_truth.csv" ]]; then
  "$cli" synth "$demo/recordings" --files 8 --minutes 2 --seed 1
fi
# Resumable and incremental: a second run only checks that nothing changed.
"$cli" embed "$demo/recordings" -o "$demo/demo.crowlingo" --segment events
# Map and clusters once per model: a new default model re-embeds the archive, and needs its own.
model_id=$(sha256sum resources/models/default/model.safetensors | cut -c1-16)
if [[ ! -f "$demo/.analysed-$model_id" ]]; then
  "$cli" project "$demo/demo.crowlingo" --method umap
  "$cli" cluster "$demo/demo.crowlingo" --method hdbscan --min-cluster-size 8
  # The synthetic ground truth as labels, so the map can also be coloured by call type.
  awk -F, 'NR > 1 { print $1 "," $2 "," $3 "," $6 }' "$demo/recordings/ground_truth.csv" |
    sed '1i path,start_s,end_s,label' > "$demo/call_types.csv"
  "$cli" import "$demo/demo.crowlingo" --labels "$demo/call_types.csv" --source ground-truth
  touch "$demo/.analysed-$model_id"
fi

if [[ -x "$build/app/crowlingo" && -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
  exec "$build/app/crowlingo" "$demo/demo.crowlingo"
fi
echo
echo "No display (or no GUI build): a tour of the demo archive with the CLI instead."
"$cli" neighbours "$demo/demo.crowlingo" 1 -k 5
"$cli" export "$demo/demo.crowlingo" --embeddings "$demo/embeddings.npy" --clips "$demo/clips.csv" --force # a rerun replaces them
