//! The state every request handler shares: the event log, sessions, the
//! sign-in limiter and the credentials. `server` builds it; `routes` and
//! `handlers` read it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::auth::{RateLimiter, Sessions};
use crate::store::Log;

pub struct App {
    pub(crate) log: Log,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: RateLimiter,
    /// Bounds the argon2 verifications running at once (memory and CPU);
    /// a permit is held by the blocking hash itself (`auth::verify_bounded`).
    pub(crate) hashing: Arc<tokio::sync::Semaphore>,
    /// Principal key → argon2 hash of its code.
    pub(crate) credentials: RwLock<HashMap<String, String>>,
    /// Verified against when the principal is unknown, so a wrong name costs the same time.
    pub(crate) dummy_hash: String,
    pub(crate) db: PathBuf,
    /// Host names answered besides loopback ones (see [`crate::routes::host_allowed`]).
    pub(crate) public_hosts: Vec<String>,
}
