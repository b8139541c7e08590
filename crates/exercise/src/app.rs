//! The state every request handler shares: the event log, sessions, the
//! sign-in limiter and the credentials. `server` builds it; `routes` and
//! `handlers` read it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use crate::auth::{RateLimiter, Sessions};
use crate::store::Log;

/// A principal's code hash and the event that stored it.
#[derive(Debug, Clone)]
pub(crate) struct Credential {
    pub(crate) seq: u64,
    pub(crate) hash: String,
}

impl App {
    /// Keep `hash`, stored by event `seq`, unless a later event already
    /// stored another: concurrent reissues end with the hash committed last,
    /// in memory as on disk.
    pub(crate) fn store_credential(&self, principal: String, seq: u64, hash: String) {
        keep_latest(
            &mut self.credentials.write().expect("credentials lock"),
            principal,
            Credential { seq, hash },
        );
    }
}

/// Insert `c` unless the map holds a credential from a later event.
fn keep_latest(creds: &mut HashMap<String, Credential>, principal: String, c: Credential) {
    if creds.get(&principal).is_none_or(|old| old.seq < c.seq) {
        creds.insert(principal, c);
    }
}

pub struct App {
    pub(crate) log: Log,
    pub(crate) sessions: Sessions,
    pub(crate) limiter: RateLimiter,
    /// Bounds the argon2 verifications running at once (memory and CPU);
    /// a permit is held by the blocking hash itself (`auth::verify_bounded`).
    pub(crate) hashing: Arc<tokio::sync::Semaphore>,
    /// Principal key → argon2 hash of its code, with the sequence number of
    /// the event that stored it (0: stored at creation).
    pub(crate) credentials: RwLock<HashMap<String, Credential>>,
    /// Verified against when the principal is unknown, so a wrong name costs the same time.
    pub(crate) dummy_hash: String,
    pub(crate) db: PathBuf,
    /// Host names answered besides loopback ones (see [`crate::routes::host_allowed`]).
    pub(crate) public_hosts: Vec<String>,
    /// Connection timeouts and limits (see [`crate::limits::ServeOptions`]).
    pub(crate) options: crate::limits::ServeOptions,
    /// Per-delegation move rate and round quota.
    pub(crate) moves: crate::auth::MoveLimiter,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_credential_committed_last_wins_whatever_the_order_replies_arrive_in() {
        // Reproduction (#17): two concurrent reissues committed as events 7
        // then 8 (disk keeps 8's hash), but their handlers resumed in the
        // other order and memory kept 7's.
        let mut m = HashMap::new();
        let c = |seq: u64, h: &str| Credential {
            seq,
            hash: h.into(),
        };
        keep_latest(&mut m, "observer".into(), c(0, "created"));
        keep_latest(&mut m, "observer".into(), c(8, "second"));
        keep_latest(&mut m, "observer".into(), c(7, "first"));
        assert_eq!(m["observer"].hash, "second");
        keep_latest(&mut m, "observer".into(), c(9, "third"));
        assert_eq!(m["observer"].hash, "third");
    }
}
