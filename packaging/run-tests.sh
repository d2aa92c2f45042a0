#!/usr/bin/env bash
# Installs what is needed, builds CrowLingo and runs the whole test suite (README command 2):
#   1. every test, with OpenBLAS' kernel as this machine sets it and all cores;
#   2. the numerical tests (labels core and model: analysis, DSP, model, archive) again under
#      another OpenBLAS kernel on one thread, so that a result that depends on the CPU's BLAS
#      kernel or on the thread count fails here rather than on someone else's machine
#      (tst_reproducibility, which runs itself under every kernel the CPU has, is left out here),
#      with the model in float32: on a CPU with bfloat16 instructions stage 1 embeds in bfloat16
#      (--precision auto), so this stage covers the float32 path that CPUs without them take;
#   3. the core tests under AddressSanitizer + UndefinedBehaviorSanitizer (a second build folder).
# Every stage runs even when an earlier one failed; the summary at the end names what failed and
# says whether each stage ran. Exit status: 0 only if every stage that ran passed.
# Usage: bash packaging/run-tests.sh [extra ctest arguments, e.g. -L core]
#   With extra arguments only stage 1 runs, with those arguments. CROWLINGO_SANITIZER_TESTS=0
#   skips stage 3, CROWLINGO_SECOND_KERNEL_TESTS=0 stage 2.
set -uo pipefail
cd "$(dirname "$0")/.."

bash packaging/setup-debian.sh || exit 1
build=${CROWLINGO_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo || exit 1
cmake --build "$build" || exit 1

# Audio output for the GUI's playback tests: a PulseAudio server with a null sink, whose monitor
# the tests record to prove that sound came out.
source packaging/start-test-audio.sh

summary=()
failed=0
# run_stage NAME BUILD_DIR COMMAND...: runs a ctest stage, remembers whether it passed and which
# tests failed (ctest lists them in BUILD_DIR/Testing/Temporary/LastTestsFailed.log).
run_stage() {
  local name=$1 dir=$2
  shift 2
  echo
  echo "=== $name"
  local log=$dir/Testing/Temporary/LastTestsFailed.log
  rm -f "$log"
  if "$@"; then
    summary+=("passed:  $name")
  else
    failed=1
    local which=""
    [[ -f $log ]] && which=$(sed 's/^[0-9]*://' "$log" | tr '\n' ' ')
    summary+=("FAILED:  $name${which:+ — $which}")
  fi
}
# Why a stage was skipped.
skipped_because() { local var=$1; shift; if [[ $# -gt 0 ]]; then echo "part of the suite asked for"; else echo "$var=0"; fi; }

# An OpenBLAS kernel this CPU can run that differs from the one in use (the variable as set, or
# OpenBLAS' own choice when unset).
second_kernel() {
  local flags current=${OPENBLAS_CORETYPE:-}
  flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
  local choices=()
  [[ $flags == *avx512f* && $flags == *avx512bw* && $flags == *avx512vl* ]] && choices+=(SkylakeX)
  [[ $flags == *avx2* && $flags == *fma* ]] && choices+=(Haswell)
  [[ $flags == *" avx "* ]] && choices+=(Sandybridge)
  choices+=(Prescott)
  # With the variable unset OpenBLAS picks the newest kernel the CPU runs: take the next one.
  [[ -z $current ]] && current=${choices[0]}
  for c in "${choices[@]}"; do
    [[ ${c,,} != "${current,,}" ]] && { echo "$c"; return; }
  done
  echo Prescott
}

kernel_now=${OPENBLAS_CORETYPE:-OpenBLAS\' choice}
run_stage "all tests (OpenBLAS kernel: $kernel_now, all cores)" "$build" \
  bash -c 'cd "$1" && shift && ctest --output-on-failure --timeout 600 "$@"' _ "$build" "$@"

if [[ $# -eq 0 && ${CROWLINGO_SECOND_KERNEL_TESTS:-1} != 0 ]]; then
  kernel=$(second_kernel)
  run_stage "numerical tests again (OpenBLAS kernel: $kernel, 1 thread, model in float32)" "$build" \
    env OPENBLAS_CORETYPE="$kernel" CROWLINGO_THREADS=1 OMP_NUM_THREADS=1 CROWLINGO_PRECISION=float32 \
    bash -c 'cd "$1" && ctest -L "core|model" -E tst_reproducibility --output-on-failure --timeout 600' _ "$build"
else
  summary+=("not run: numerical tests under a second OpenBLAS kernel ($(skipped_because CROWLINGO_SECOND_KERNEL_TESTS "$@"))")
fi

if [[ $# -eq 0 && ${CROWLINGO_SANITIZER_TESTS:-1} != 0 ]]; then
  run_stage "core tests under AddressSanitizer + UndefinedBehaviorSanitizer" "${CROWLINGO_SANITIZER_BUILD_DIR:-build-sanitize}" \
    bash packaging/run-sanitizer-tests.sh
else
  summary+=("not run: sanitizer tests ($(skipped_because CROWLINGO_SANITIZER_TESTS "$@"))")
fi

echo
echo "=== Summary"
printf '%s\n' "${summary[@]}"
exit $failed
