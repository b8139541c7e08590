//! The server's connection timeouts and limits, as the accept loop
//! (`server`) and the guard (`routes`, through `app`) read them.

use std::time::Duration;

/// How long a connection may stay silent, and how many may be open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ServeOptions {
    /// A connection is closed when a request head does not arrive in full
    /// within this time: a connection that sends nothing after it opens, one
    /// that sends part of a head, and a kept-alive one idle between requests.
    /// A request body must also arrive in full within this time (else 408).
    pub idle_timeout: Duration,
    /// Most connections open at once. When the limit (or the process's
    /// file-descriptor limit) is reached, the connection idle longest is
    /// closed to make room; connections with a request in progress (an open
    /// event stream included) are never closed for it.
    pub max_connections: usize,
    /// Sessions end this long after sign-in (they survive restarts meanwhile).
    pub session_lifetime: Duration,
    /// How many moves a delegation may submit.
    pub moves: crate::auth::MoveLimits,
}

/// Default of [`ServeOptions::idle_timeout`].
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(25);
/// Default of [`ServeOptions::max_connections`].
pub const MAX_CONNECTIONS: usize = 512;

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            idle_timeout: IDLE_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            session_lifetime: crate::auth::SESSION_LIFETIME,
            moves: crate::auth::MoveLimits::default(),
        }
    }
}
