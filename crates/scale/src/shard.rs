//! Shard plans: which contiguous block of the package numbering, or which
//! range of draw indices, shard K of N covers. Shards are numbered from 0
//! (K = 0, 1, …, N − 1), as Slurm array tasks declared `--array=0-(N-1)` and
//! the completion indices of a Kubernetes Indexed Job are.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (0 ≤ index < count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// A checked shard: `count` ≥ 1 and `index` < `count`.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 {
            return Err("the number of shards N must be at least 1".into());
        }
        if index >= count {
            return Err(format!(
                "shard {index} of {count} does not exist: shards are numbered from 0, so K must be below N (0 ≤ K ≤ {})",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }

    /// Parse a shard specification:
    /// - `K/N`: shard K of N, numbered from 0;
    /// - `slurm`: K = `SLURM_ARRAY_TASK_ID` − `SLURM_ARRAY_TASK_MIN` (0 when
    ///   unset), N = `SLURM_ARRAY_TASK_COUNT`;
    /// - `indexed/N`: K = `JOB_COMPLETION_INDEX` (a Kubernetes Indexed Job),
    ///   N the Job's `completions`.
    ///
    /// `env` looks up an environment variable (`std::env::var` in the CLI).
    pub fn parse(spec: &str, env: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
        let num = |what: &str, text: &str| -> Result<u64, String> {
            text.trim()
                .parse::<u64>()
                .map_err(|_| format!("{what} \"{text}\" is not a whole number ≥ 0"))
        };
        let var = |name: &str| -> Result<u64, String> {
            let v = env(name).ok_or_else(|| {
                format!("{name} is not set; is this running as a job array task? (or give K/N)")
            })?;
            num(name, &v)
        };
        let spec = spec.trim();
        if spec == "slurm" {
            let id = var("SLURM_ARRAY_TASK_ID")?;
            let min = match env("SLURM_ARRAY_TASK_MIN") {
                Some(v) => num("SLURM_ARRAY_TASK_MIN", &v)?,
                None => 0,
            };
            let count = var("SLURM_ARRAY_TASK_COUNT")?;
            let index = id.checked_sub(min).ok_or_else(|| {
                format!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
            })?;
            return Shard::new(index, count).map_err(|e| {
                format!("{e} (from SLURM_ARRAY_TASK_ID {id}, SLURM_ARRAY_TASK_MIN {min}, SLURM_ARRAY_TASK_COUNT {count}; declare the array as --array=0-{})", count.saturating_sub(1))
            });
        }
        if let Some(n) = spec.strip_prefix("indexed/") {
            let count = num("N", n)?;
            let index = var("JOB_COMPLETION_INDEX")?;
            return Shard::new(index, count).map_err(|e| {
                format!("{e} (from JOB_COMPLETION_INDEX {index}; N must be the Job's completions)")
            });
        }
        let Some((k, n)) = spec.split_once('/') else {
            return Err(format!(
                "\"{spec}\" must be K/N (shard K of N, numbered from 0, e.g. 0/4), slurm, or indexed/N"
            ));
        };
        Shard::new(num("K", k)?, num("N", n)?)
    }

    /// Shard K's part of `0..total` split into `count` near-equal
    /// contiguous ranges (the first `total mod N` one longer).
    pub fn split(&self, total: u64) -> Range<u64> {
        let at = |k: u64| -> u64 {
            let (q, r) = (total / self.count, total % self.count);
            k * q + k.min(r)
        };
        at(self.index)..at(self.index + 1)
    }

    /// Shard K's block of the package numbering `0..size` whose component
    /// blocks are `strides` (packages per option of each component, first
    /// component slowest). Boundaries fall on whole blocks of the
    /// shallowest component level that has at least N blocks, so that
    /// `--prune` and the `requires` / `excludes` rules skip whole subtrees
    /// inside a shard exactly as in a single run.
    ///
    /// Example: 3 components of 4 × 3 × 5 options (strides 15, 5, 1; 60
    /// packages) in 3 shards: the first component has 4 ≥ 3 blocks of 15,
    /// split 2 + 1 + 1, so the shards are 0..30, 30..45 and 45..60.
    pub fn package_range(&self, size: u64, strides: &[u64]) -> Range<u64> {
        let block = strides
            .iter()
            .copied()
            .find(|&s| s > 0 && size / s >= self.count)
            .unwrap_or(1)
            .max(1);
        let blocks = size.div_ceil(block);
        let r = self.split(blocks);
        (r.start * block).min(size)..(r.end * block).min(size)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_tile_the_space_on_block_boundaries() {
        let strides = [15, 5, 1];
        let r: Vec<_> = (0..3)
            .map(|k| Shard::new(k, 3).unwrap().package_range(60, &strides))
            .collect();
        assert_eq!(r, vec![0..30, 30..45, 45..60]);
        // 7 shards: 4 blocks of 15 are too few, 12 blocks of 5 suffice.
        let r: Vec<_> = (0..7)
            .map(|k| Shard::new(k, 7).unwrap().package_range(60, &strides))
            .collect();
        assert_eq!(r[0], 0..10);
        assert_eq!(r[6], 55..60);
        // More shards than packages: some are empty, all tile.
        let r: Vec<_> = (0..70)
            .map(|k| Shard::new(k, 70).unwrap().package_range(60, &strides))
            .collect();
        assert_eq!(r.iter().map(|x| x.end - x.start).sum::<u64>(), 60);
    }

    #[test]
    fn shards_parse_from_flags_and_schedulers() {
        let none = |_: &str| None;
        assert_eq!(
            Shard::parse("2/4", none).unwrap(),
            Shard { index: 2, count: 4 }
        );
        assert!(
            Shard::parse("4/4", none)
                .unwrap_err()
                .contains("K must be below N")
        );
        assert!(
            Shard::parse("1/0", none)
                .unwrap_err()
                .contains("at least 1")
        );
        assert!(Shard::parse("x", none).unwrap_err().contains("K/N"));
        let slurm = |k: &str| match k {
            "SLURM_ARRAY_TASK_ID" => Some("5".to_string()),
            "SLURM_ARRAY_TASK_MIN" => Some("1".to_string()),
            "SLURM_ARRAY_TASK_COUNT" => Some("8".to_string()),
            _ => None,
        };
        assert_eq!(
            Shard::parse("slurm", slurm).unwrap(),
            Shard { index: 4, count: 8 }
        );
        assert!(
            Shard::parse("slurm", none)
                .unwrap_err()
                .contains("SLURM_ARRAY_TASK_ID")
        );
        let k8s = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "3".to_string());
        assert_eq!(
            Shard::parse("indexed/4", k8s).unwrap(),
            Shard { index: 3, count: 4 }
        );
        assert!(
            Shard::parse("indexed/3", k8s)
                .unwrap_err()
                .contains("completions")
        );
    }
}
