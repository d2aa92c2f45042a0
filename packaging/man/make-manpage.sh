#!/usr/bin/env bash
# Writes the crowlingo-cli(1) man page from the program's own --help, so it never drifts from
# the code: help2man for the header and options, then one section per subcommand.
#
#   make-manpage.sh path/to/crowlingo-cli crowlingo-cli.1
set -euo pipefail
cli=$1 out=$2
include=$(mktemp)
trap 'rm -f "$include"' EXIT
# roff: a leading dot or apostrophe would be taken as a request; backslashes must be doubled.
escape() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }
{
  echo "[COMMANDS]"
  for sub in $("$cli" --help | awk '/^Subcommands:/ {on = 1; next} on && NF {print $1}'); do
    echo ".SS $sub"
    echo ".nf"
    "$cli" "$sub" --help | escape
    echo ".fi"
  done
  cat <<'MORE'
[FILES]
.TP
.I <prefix>/libexec/crowlingo/crowlingo\-cli\-model
Runs the commands that need the model (embed, train, adapt, reconstruct, neighbours \-\-file).
crowlingo\-cli hands these to it, so that every other command starts without loading LibTorch.
[ENVIRONMENT]
.TP
.B CROWLINGO_MODEL
Folder of the model to use when no \-\-model is given (default: the bundled model in
share/crowlingo/models/default next to the executable).
.TP
.B OMP_WAIT_POLICY
Set to PASSIVE by crowlingo-cli itself: spinning OpenMP threads slow a busy machine down.
.TP
.B OPENBLAS_CORETYPE
Set by crowlingo\-cli itself, when unset, to the OpenBLAS kernel for the CPU's widest vector
instructions (SkylakeX, Haswell or Sandybridge) where OpenBLAS chose one for narrower ones: on
CPUs newer than itself it falls back to SSE3, about three times slower.
[EXAMPLES]
.nf
crowlingo-cli synth demo --files 8
crowlingo-cli embed demo -o demo.crowlingo
crowlingo-cli project demo.crowlingo && crowlingo-cli cluster demo.crowlingo
crowlingo-cli export demo.crowlingo --csv clusters.csv
.fi
[SEE ALSO]
.BR crowlingo (1)
for the graphical workbench; the README for Slurm job arrays (embed \-\-shard, merge).
MORE
} > "$include"
help2man --no-info --no-discard-stderr --section=1 \
  --name="embed, map, cluster and label animal-sound recordings" \
  --include="$include" --output="$out" "$cli"
