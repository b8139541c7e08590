//! Progress on the terminal: a bar with rate and ETA for long searches, and
//! nothing at all when stderr is not a terminal or the user asked for quiet.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs shorter than this never show a bar.
const SHOW_AFTER: Duration = Duration::from_millis(800);

pub struct Bar {
    bar: Option<ProgressBar>,
    started: Instant,
}

impl Bar {
    /// A bar over `total` packages; hidden unless `wanted` and stderr is a terminal.
    pub fn new(total: u64, wanted: bool) -> Bar {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let b = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
            b.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {human_pos}/{human_len} packages \
                     ({rate}, ETA {eta})",
                )
                .expect("valid template")
                .with_key(
                    "rate",
                    |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0} packages/s", state.per_sec());
                    },
                ),
            );
            b
        });
        Bar {
            bar,
            started: Instant::now(),
        }
    }

    /// Packages done so far; the bar appears once the run has lasted a moment.
    pub fn set(&self, done: u64) {
        if let Some(b) = &self.bar {
            if b.is_hidden() && self.started.elapsed() >= SHOW_AFTER {
                b.set_draw_target(ProgressDrawTarget::stderr());
            }
            b.set_position(done);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

/// Colour on stdout only for a terminal, and never with `NO_COLOR` set.
pub fn stdout_wants_color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}
