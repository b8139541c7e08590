#!/usr/bin/env bash
# Submit a sharded Guarantor run: an array of N shards and a merge job that
# waits for all of them (afterok). With WAIT=1, blocks until the merge ends
# (sbatch --wait) and exits with its status.
#   submit.sh N SCENARIO OUTDIR [run|uncertainty] [options…]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=$1
scenario=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
mkdir -p "$3"
out=$(cd "$3" && pwd)
shift 3
wait=()
[ "${WAIT:-0}" = 1 ] && wait=(--wait)
array=$(sbatch --parsable --array=0-$((n - 1)) --output="$out/shard-%a.out" \
    "$here/shard.sbatch" "$scenario" "$out" "$@")
array=${array%%;*}
echo "shards: job $array (tasks 0-$((n - 1)))"
sbatch --parsable "${wait[@]}" --dependency=afterok:"$array" --kill-on-invalid-dep=yes \
    --output="$out/merge.out" "$here/merge.sbatch" "$out"
