//! The Slurm templates are checked for real by the CLI's tests
//! (`crates/cli/tests/scale_out.rs`, which has the binary); here only their
//! shape: the array script shards by the Slurm variables and the merge
//! waits on the array with `afterok`.

fn read(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../deploy/slurm")
            .join(name),
    )
    .unwrap()
}

#[test]
fn the_array_shards_by_task_and_the_merge_waits_with_afterok() {
    let shard = read("shard.sbatch");
    assert!(shard.contains("--shard slurm"));
    assert!(shard.contains("part-${SLURM_ARRAY_TASK_ID}.parquet"));
    let submit = read("submit.sh");
    assert!(submit.contains("--dependency=afterok:\"$array\""));
    assert!(submit.contains("--array=0-$((n - 1))"));
    assert!(read("merge.sbatch").contains("merge \"$out\"/part-*.parquet"));
}
