#!/usr/bin/env bash
# Embeds a folder of recordings on a Slurm cluster: a job array of N shards, then a dependent job
# that merges them and computes the map and clusters. Prints the two job ids.
#
#   packaging/slurm/submit.sh --tasks 16 /data/recordings /data/field.crowlingo [-- --segment events]
#
# Options (before the folder):
#   --tasks N          array size (default 8)
#   --cpus C           CPUs per task (default 4); each task uses them as --threads
#   --parts DIR        where the shard archives go (default: OUT's folder/OUT-name.parts)
#   --cli PATH         crowlingo-cli to run (default: crowlingo-cli on the PATH)
#   --wait             return only when the merge job has finished (exit status = its status)
#   --sbatch "ARGS"    extra sbatch arguments for both jobs (partition, account, time limit...)
# Anything after `--` is passed to `crowlingo-cli embed` (segmentation, model, time expansion).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tasks=8 cpus=4 parts="" cli=${CROWLINGO_CLI:-crowlingo-cli} wait="" extra_sbatch=""
while [[ $# -gt 0 && $1 == --* && $1 != -- ]]; do
  case $1 in
    --tasks) tasks=$2; shift 2 ;;
    --cpus) cpus=$2; shift 2 ;;
    --parts) parts=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --wait) wait="--wait"; shift ;;
    --sbatch) extra_sbatch=$2; shift 2 ;;
    *) echo "submit.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [[ $# -lt 2 ]]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
folder=$(realpath "$1") out=$(realpath -m "$2")
shift 2
[[ ${1:-} == -- ]] && shift
[[ -d $folder ]] || { echo "submit.sh: no such folder: $folder" >&2; exit 2; }
[[ -e $out ]] && { echo "submit.sh: $out exists; name a new archive" >&2; exit 2; }
[[ $tasks =~ ^[1-9][0-9]*$ ]] || { echo "submit.sh: --tasks needs a positive number" >&2; exit 2; }
parts=${parts:-${out%.crowlingo}.parts}
mkdir -p "$parts"
cli=$(command -v "$cli") || { echo "submit.sh: crowlingo-cli not found (use --cli PATH)" >&2; exit 2; }
export CROWLINGO_CLI=$cli

# shellcheck disable=SC2086 # extra_sbatch is a list of sbatch arguments
array=$(sbatch --parsable --array=1-"$tasks" --cpus-per-task="$cpus" --chdir="$parts" $extra_sbatch \
  --export=ALL "$here/embed-shard.sbatch" "$folder" "$parts" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable $wait --dependency=afterok:"$array" --kill-on-invalid-dep=yes --cpus-per-task="$cpus" \
  --chdir="$parts" $extra_sbatch --export=ALL "$here/merge-and-map.sbatch" "$out" "$parts" "$tasks")
echo "embedding array: job $array ($tasks tasks); merge, map and clusters: job ${merge%%;*}"
echo "logs in $parts; the archive will be $out"
