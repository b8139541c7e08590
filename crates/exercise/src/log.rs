//! Errors no request can report — a failed commit, a listener that stops —
//! go to standard error, the server's log.

#[allow(
    clippy::print_stderr,
    reason = "the server's log is its standard error"
)]
pub(crate) fn log_error(e: &dyn std::fmt::Display) {
    eprintln!("error: {e}");
}
