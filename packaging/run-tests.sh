#!/usr/bin/env bash
# Installs what is needed, builds CrowLingo and runs the whole test suite (README command 2).
# Usage: bash packaging/run-tests.sh [extra ctest arguments, e.g. -L core]
set -euo pipefail
cd "$(dirname "$0")/.."

bash packaging/setup-debian.sh
build=${CROWLINGO_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build"

# Audio output for the GUI's playback tests: a PulseAudio server with a null sink, whose monitor
# the tests record to prove that sound came out.
source packaging/start-test-audio.sh

(cd "$build" && ctest --output-on-failure --timeout 600 "$@")

# The core tests again under AddressSanitizer + UndefinedBehaviorSanitizer (a second build folder).
# Skipped when ctest was asked for a part of the suite, or with CROWLINGO_SANITIZER_TESTS=0.
if [[ $# -eq 0 && ${CROWLINGO_SANITIZER_TESTS:-1} != 0 ]]; then
  bash packaging/run-sanitizer-tests.sh
fi
