#!/bin/sh
# Runs one harness for a while, niced, on a scratch corpus seeded from fuzz/corpus/<harness>/:
#   fuzz/run.sh build-fuzz fuzz_safetensors 600
# Everything goes to <build>/fuzz-runs/<harness>/ (never into the committed seeds): new inputs to
# corpus/, crash-*/leak-*/timeout-* files, and the log fuzz-0.log (-jobs=1 runs one worker that
# logs to fuzz-<n>.log in the current folder, hence the cd).
set -eu
build=$(cd "$1" && pwd) harness=$2 seconds=${3:-600}
here=$(cd "$(dirname "$0")" && pwd)
out=$build/fuzz-runs/$harness
mkdir -p "$out/corpus"
cd "$out"
exec nice -n 10 "$build/fuzz/$harness" -max_total_time="$seconds" -jobs=1 -workers=1 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/" corpus "$here/corpus/$harness"
