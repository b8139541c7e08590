//! The scale-out crate's tests: merges equal single-machine runs, partial
//! files refuse damage and mixed sets, the job templates are valid.

mod deploy;
mod draws;
mod merge;
mod slurm;
