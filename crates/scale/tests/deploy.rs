//! The Kubernetes templates in deploy/kubernetes parse as YAML and hold
//! what the Job schema (batch/v1) and our scale-out need: an Indexed Job
//! with `backoffLimitPerIndex`, completions matching `--shard indexed/N`,
//! the shared volume mounted where the partials are written, and a merge
//! Job reading them.

use serde_yaml::Value;

fn manifest(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy/kubernetes")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn str_of<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut at = v;
    for p in path {
        at = &at[*p];
    }
    at.as_str()
        .unwrap_or_else(|| panic!("{} is not a string", path.join(".")))
}

/// The fields every batch/v1 Job needs, and a pod spec that may run it.
fn check_job(j: &Value) -> &Value {
    assert_eq!(str_of(j, &["apiVersion"]), "batch/v1");
    assert_eq!(str_of(j, &["kind"]), "Job");
    assert!(!str_of(j, &["metadata", "name"]).is_empty());
    let pod = &j["spec"]["template"]["spec"];
    // A Job's pods may only restart Never or OnFailure.
    assert!(matches!(
        str_of(pod, &["restartPolicy"]),
        "Never" | "OnFailure"
    ));
    let c = &pod["containers"][0];
    assert!(!str_of(c, &["name"]).is_empty());
    assert!(!str_of(c, &["image"]).is_empty());
    // Every mount names a declared volume.
    let volumes: Vec<&str> = pod["volumes"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| str_of(v, &["name"]))
        .collect();
    for m in c["volumeMounts"].as_sequence().unwrap() {
        assert!(volumes.contains(&str_of(m, &["name"])));
    }
    pod
}

#[test]
fn the_shard_job_is_indexed_with_a_retry_budget_per_index() {
    let j = manifest("shards-job.yaml");
    let pod = check_job(&j);
    let spec = &j["spec"];
    assert_eq!(str_of(spec, &["completionMode"]), "Indexed");
    let n = spec["completions"].as_u64().unwrap();
    assert!(spec["parallelism"].as_u64().unwrap() <= n);
    // backoffLimitPerIndex needs restartPolicy Never.
    assert!(spec["backoffLimitPerIndex"].as_u64().is_some());
    assert_eq!(str_of(pod, &["restartPolicy"]), "Never");
    let args: Vec<&str> = pod["containers"][0]["args"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    let shard = args[args.iter().position(|a| *a == "--shard").unwrap() + 1];
    assert_eq!(
        shard,
        format!("indexed/{n}"),
        "completions must be the N of --shard"
    );
    let partial = args[args.iter().position(|a| *a == "--partial").unwrap() + 1];
    assert!(partial.contains("$(JOB_COMPLETION_INDEX)"));
    let mount = str_of(&pod["containers"][0]["volumeMounts"][0], &["mountPath"]);
    assert!(partial.starts_with(mount));
    let claim = str_of(&pod["volumes"][0], &["persistentVolumeClaim", "claimName"]);
    let pvc = manifest("volume.yaml");
    assert_eq!(str_of(&pvc, &["kind"]), "PersistentVolumeClaim");
    assert_eq!(str_of(&pvc, &["metadata", "name"]), claim);
    assert_eq!(str_of(&pvc["spec"]["accessModes"][0], &[]), "ReadWriteMany");
}

#[test]
fn the_merge_job_reads_the_shards_partials() {
    let shards = manifest("shards-job.yaml");
    let j = manifest("merge-job.yaml");
    let pod = check_job(&j);
    let cmd = str_of(&pod["containers"][0]["args"][0], &[]);
    assert!(cmd.contains("guarantor merge /data/partials/part-*.parquet"));
    assert_eq!(
        str_of(&pod["volumes"][0], &["persistentVolumeClaim", "claimName"]),
        str_of(
            &shards["spec"]["template"]["spec"]["volumes"][0],
            &["persistentVolumeClaim", "claimName"]
        )
    );
}
