#!/usr/bin/env bash
# Builds the `core`-labelled tests with AddressSanitizer + UndefinedBehaviorSanitizer in their own
# build folder and runs them (part of README command 2 via run-tests.sh; also usable alone).
# Usage: bash packaging/run-sanitizer-tests.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${CROWLINGO_SANITIZER_BUILD_DIR:-build-sanitize}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCROWLINGO_SANITIZE=ON -DCROWLINGO_BUILD_GUI=OFF
# Only what the core tests need: LibTorch-heavy model code is built once, the GUI not at all.
mapfile -t targets < <(cd "$build" && ctest -N -L core | sed -n 's/.*Test *#[0-9]*: \(tst_[a-z_]*\).*/\1/p')
cmake --build "$build" --target "${targets[@]}"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export LSAN_OPTIONS=suppressions=$PWD/packaging/sanitizers/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cd "$build"
ctest -L core --output-on-failure --timeout 900 "$@"
