#!/usr/bin/env bash
# Submit an adaptive uncertainty analysis (--packages adaptive:K, the default)
# in stages, one per round of successive halving: for each stage an array of
# N shards that waits for the previous stage's merge (afterok), and its merge
# that waits for the array (afterok). As many stages are submitted as the
# halving can take (`guarantor uncertainty … --max-stages`); those after the
# one that finishes exit at once. With WAIT=1, blocks until the last merge
# ends (sbatch --wait) and exits with its status. The result:
# OUTDIR/merged.json.
#   submit-stages.sh N SCENARIO OUTDIR [uncertainty options…]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
n=$1
scenario=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
mkdir -p "$3"
out=$(cd "$3" && pwd)
shift 3
rm -f "$out/done" "$out/merged.json"
stages=$("${GUARANTOR:-guarantor}" uncertainty "$scenario" "$@" --max-stages)
dep=()
for ((r = 0; r < stages; r++)); do
    array=$(sbatch --parsable "${dep[@]}" --kill-on-invalid-dep=yes \
        --array=0-$((n - 1)) --output="$out/stage-$r-%a.out" \
        "$here/stage.sbatch" "$scenario" "$out" "$r" "$@")
    array=${array%%;*}
    wait=()
    [ "${WAIT:-0}" = 1 ] && [ "$r" -eq $((stages - 1)) ] && wait=(--wait)
    merge=$(sbatch --parsable "${wait[@]}" --dependency=afterok:"$array" \
        --kill-on-invalid-dep=yes --output="$out/merge-$r.out" \
        "$here/merge-stage.sbatch" "$out" "$r")
    merge=${merge%%;*}
    echo "stage $r: shards job $array (tasks 0-$((n - 1))), merge job $merge"
    dep=(--dependency=afterok:"$merge")
done
