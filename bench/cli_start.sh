#!/usr/bin/env bash
# How long crowlingo-cli takes to answer commands that do not run the model, and what loading
# LibTorch costs the ones that do: wall-clock time of each command line, median of RUNS runs, after
# one warm-up run (so the page cache holds the libraries, as it does for a script calling the CLI
# per file).
#
# Usage: bash bench/cli_start.sh [BUILD_DIR] [RUNS]
# Makes a 3-second synthetic recording and a small archive in a temporary folder.
set -euo pipefail
build=$(realpath "${1:-build}")
runs=${2:-21}
cli=$build/app/crowlingo-cli
runner=$build/app/crowlingo-cli-model
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cli" synth "$work/rec" --files 2 --minutes 0.05 --seed 1 >/dev/null 2>&1
"$cli" embed "$work/rec" -o "$work/a.crowlingo" >/dev/null 2>&1
file=$work/rec/rec_000.flac

# median_ms CMD...: the median wall-clock time of RUNS runs, in milliseconds.
median_ms() {
  "$@" >/dev/null 2>&1 || true
  local times=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    times+=($(((t1 - t0) / 1000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR] = $1} END {printf "%.1f", a[int((NR + 1) / 2)] / 1000}'
}

echo "| command | crowlingo-cli (ms) | crowlingo-cli-model, the same command (ms) |"
echo "|---|---:|---:|"
while IFS='|' read -r label args; do
  read -r -a argv <<<"${args//FILE/$file}"
  argv=("${argv[@]//ARCHIVE/$work/a.crowlingo}")
  printf '| `%s` | %s | %s |\n' "$label" "$(median_ms "$cli" "${argv[@]}")" "$(median_ms "$runner" "${argv[@]}")"
done <<'LINES'
--help|--help
--version|--version
info FILE|info FILE
segment FILE|segment FILE
neighbours ARCHIVE 1|neighbours ARCHIVE 1 -k 5
export ARCHIVE --clips|export ARCHIVE --clips /dev/null --force
reconstruct --help (handed to the runner)|reconstruct --help
LINES
