//! Sign-in codes (argon2-hashed), sessions with synchronizer CSRF tokens, and
//! the sign-in rate limiter.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

use crate::state::Principal;
use crate::store::{SessionRow, SessionStore, StoreError};

/// Letters and digits that cannot be confused when read aloud or typed (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system provides randomness");
    b
}

/// A new invitation code: 20 symbols of a 31-letter alphabet (≈ 99 bits), in groups of 4.
pub fn new_code() -> String {
    let bytes = random_bytes::<20>();
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        // 256 mod 31 = 8: the first 8 symbols are marginally likelier; 99 bits is still ample.
        out.push(CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char);
    }
    out
}

/// A code as typed: case, spaces and dashes do not matter.
pub fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Argon2id (default parameters: 19 MiB, 2 passes) hash of a code, in PHC string form.
pub fn hash_code(code: &str) -> String {
    let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("16 bytes is a valid salt");
    Argon2::default()
        .hash_password(normalise_code(code).as_bytes(), &salt)
        .expect("argon2 hashes any input with valid parameters")
        .to_string()
}

pub fn verify_code(code: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(normalise_code(code).as_bytes(), &parsed)
        .is_ok()
}

/// Compare secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Lower-case hexadecimal, two digits a byte (a table lookup: every request
/// hashes its session token into this form).
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(2 * bytes.len());
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// A signed-in browser or client.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    /// Synchronizer token every state-changing request must carry.
    pub csrf: String,
    /// Milliseconds since the Unix epoch when the session began (wall clock,
    /// so that the age still counts across a restart).
    created_ms: u64,
}

/// Run blocking work `f` (file I/O, a database commit): on a worker of a
/// multi-threaded tokio runtime through `block_in_place`, which hands the
/// worker's other tasks to another thread meanwhile; anywhere else directly.
pub fn off_the_runtime<R>(f: impl FnOnce() -> R) -> R {
    use tokio::runtime::{Handle, RuntimeFlavor};
    match Handle::try_current() {
        Ok(h) if h.runtime_flavor() == RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

/// Sessions live this long, then the user signs in again.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);

/// Most sessions kept; signing in beyond this ends the oldest session.
pub const MAX_SESSIONS: usize = 1000;

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// SHA-256 (hex) of a session token: the only form in which tokens are kept.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(token.as_bytes()))
}

/// The signed-in sessions, keyed by token hash; with a [`SessionStore`]
/// every sign-in and sign-out is also written to the database, so a restart
/// signs nobody out. Bounded in number ([`MAX_SESSIONS`]: the oldest ends)
/// and age (the lifetime, 12 hours by default).
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    store: Option<Mutex<SessionStore>>,
    lifetime: Duration,
    max: usize,
}

impl Default for Sessions {
    /// Sessions in memory only.
    fn default() -> Self {
        Sessions {
            map: Mutex::new(HashMap::new()),
            store: None,
            lifetime: SESSION_LIFETIME,
            max: MAX_SESSIONS,
        }
    }
}

impl Sessions {
    /// The sessions stored in `store`, less those past `lifetime`, those
    /// of unknown principals, those begun before their principal's code was
    /// last replaced (`reissued`: principal key → time in ms), and the oldest
    /// beyond `max`; the dropped ones are deleted from the store.
    pub fn persistent(
        mut store: SessionStore,
        lifetime: Duration,
        max: usize,
        reissued: &HashMap<String, u64>,
    ) -> Result<Sessions, StoreError> {
        let now = now_ms();
        let mut keep: Vec<(String, Session)> = Vec::new();
        let mut drop = Vec::new();
        for row in store.load()? {
            let live = now.saturating_sub(row.created_ms) < lifetime.as_millis() as u64
                && reissued
                    .get(&row.principal)
                    .is_none_or(|t| row.created_ms > *t);
            match Principal::from_key(&row.principal) {
                Some(principal) if live => keep.push((
                    row.token_hash,
                    Session {
                        principal,
                        csrf: row.csrf,
                        created_ms: row.created_ms,
                    },
                )),
                _ => drop.push(row.token_hash),
            }
        }
        // Oldest first: keep the newest `max`.
        if keep.len() > max {
            let extra = keep.len() - max;
            drop.extend(keep.drain(..extra).map(|(h, _)| h));
        }
        store.delete(&drop)?;
        Ok(Sessions {
            map: Mutex::new(keep.into_iter().collect()),
            store: Some(Mutex::new(store)),
            lifetime,
            max,
        })
    }

    /// Memory-only sessions with another lifetime and bound (tests).
    pub fn in_memory(lifetime: Duration, max: usize) -> Sessions {
        Sessions {
            lifetime,
            max,
            ..Sessions::default()
        }
    }

    fn live(&self, s: &Session, now: u64) -> bool {
        now.saturating_sub(s.created_ms) < self.lifetime.as_millis() as u64
    }

    /// Change the sessions in memory with `change` (which returns the session
    /// to store, if any, and the token hashes it removed), then write the same
    /// change to the store. The store's lock is taken first and held
    /// throughout, so memory and the store see changes in the same order,
    /// while readers wait only for the change in memory.
    ///
    /// The store's write (a commit with its fsync) is blocking work: on the
    /// server's runtime it runs through [`off_the_runtime`], so that a sign-in
    /// does not hold up the requests and event streams sharing its worker.
    fn change(
        &self,
        change: impl FnOnce(&mut HashMap<String, Session>) -> (Option<SessionRow>, Vec<String>),
    ) {
        off_the_runtime(|| self.change_now(change));
    }

    fn change_now(
        &self,
        change: impl FnOnce(&mut HashMap<String, Session>) -> (Option<SessionRow>, Vec<String>),
    ) {
        let store = self
            .store
            .as_ref()
            .map(|s| s.lock().unwrap_or_else(|e| e.into_inner()));
        let (insert, removed) = change(&mut self.map.lock().expect("sessions lock"));
        if let Some(mut store) = store {
            let mut write = || -> Result<(), StoreError> {
                store.delete(&removed)?;
                if let Some(row) = &insert {
                    store.insert(row)?;
                }
                Ok(())
            };
            if let Err(e) = write() {
                crate::log::log_error(&e);
            }
        }
    }

    /// Start a session; returns its token (the cookie value).
    pub fn create(&self, principal: Principal) -> (String, Session) {
        let token = hex(&random_bytes::<32>());
        let session = Session {
            principal,
            csrf: hex(&random_bytes::<32>()),
            created_ms: now_ms(),
        };
        let hash = token_hash(&token);
        let row = SessionRow {
            token_hash: hash.clone(),
            principal: session.principal.key(),
            csrf: session.csrf.clone(),
            created_ms: session.created_ms,
        };
        let now = session.created_ms;
        self.change(|map| {
            let mut removed: Vec<String> = map
                .iter()
                .filter(|(_, s)| !self.live(s, now))
                .map(|(h, _)| h.clone())
                .collect();
            for h in &removed {
                map.remove(h);
            }
            while map.len() >= self.max {
                let Some(oldest) = map
                    .iter()
                    .min_by_key(|(_, s)| s.created_ms)
                    .map(|(h, _)| h.clone())
                else {
                    break;
                };
                map.remove(&oldest);
                removed.push(oldest);
            }
            map.insert(hash, session.clone());
            (Some(row), removed)
        });
        (token, session)
    }

    pub fn get(&self, token: &str) -> Option<Session> {
        let hash = token_hash(token);
        let map = self.map.lock().expect("sessions lock");
        map.get(&hash).filter(|s| self.live(s, now_ms())).cloned()
    }

    /// Whether the session whose token hashes to `hash` ([`token_hash`]) is
    /// still held and live: what an open event stream checks before every
    /// write, without hashing the token or copying the session each time.
    pub fn holds(&self, hash: &str) -> bool {
        let map = self.map.lock().expect("sessions lock");
        map.get(hash).is_some_and(|s| self.live(s, now_ms()))
    }

    pub fn remove(&self, token: &str) {
        let hash = token_hash(token);
        self.change(|map| {
            map.remove(&hash);
            (None, vec![hash])
        });
    }

    /// End every session of a principal (its code was replaced).
    pub fn remove_principal(&self, p: &Principal) {
        self.change(|map| {
            let removed: Vec<String> = map
                .iter()
                .filter(|(_, s)| &s.principal == p)
                .map(|(h, _)| h.clone())
                .collect();
            for h in &removed {
                map.remove(h);
            }
            (None, removed)
        });
    }

    /// Sessions held now.
    pub fn len(&self) -> usize {
        self.map.lock().expect("sessions lock").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The limiter's name for a sign-in: the principal's key when the name is a
/// known principal, else one shared bucket, so that the names of failed
/// sign-ins (up to the form's size limit each) are never stored.
pub fn limiter_bucket(known: Option<&crate::state::Principal>) -> String {
    known.map_or_else(|| UNKNOWN_PRINCIPAL.to_string(), |p| p.key())
}

/// The limiter bucket of every name that is not a known principal.
pub const UNKNOWN_PRINCIPAL: &str = "(unknown)";

/// Verify `code` against `hash` with one of `permits` held until the hash is
/// done. The permit moves into the blocking task, so a client that
/// disconnects (dropping this future) does not release it while argon2 still
/// runs; otherwise a flood of abandoned sign-ins runs unbounded hashes.
pub async fn verify_bounded(
    permits: &std::sync::Arc<tokio::sync::Semaphore>,
    code: String,
    hash: String,
) -> bool {
    let Ok(permit) = permits.clone().acquire_owned().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || {
        let _held = permit;
        verify_code(&code, &hash)
    })
    .await
    .unwrap_or(false)
}

/// Failed sign-ins allowed before a lock-out starts.
pub const FREE_FAILURES: u32 = 5;
/// Longest lock-out.
pub const MAX_LOCKOUT: Duration = Duration::from_secs(300);

/// Failure counters kept before unlocked ones are forgotten.
const MAX_TRACKED: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
}

/// Counts failed sign-ins per client address and per principal. After
/// [`FREE_FAILURES`] failures in a row, each further failure doubles a lock-out
/// (1 s, 2 s, 4 s… up to [`MAX_LOCKOUT`]) during which even a right code is refused.
#[derive(Default)]
pub struct RateLimiter {
    map: Mutex<HashMap<String, Failures>>,
}

fn keys(ip: IpAddr, who: &str) -> [String; 2] {
    [format!("ip:{ip}"), format!("who:{who}")]
}

impl RateLimiter {
    /// `Some(wait)` when sign-in from this address or for this principal is locked.
    pub fn locked(&self, ip: IpAddr, who: &str) -> Option<Duration> {
        lock_wait(&self.map.lock().expect("limiter lock"), ip, who)
    }

    /// Begin a sign-in attempt: `Some(wait)` when locked; otherwise the attempt is counted
    /// as a failure at once (one lock, so attempts sent together cannot all slip through)
    /// and [`RateLimiter::succeeded`] clears it if the code is right.
    pub fn attempt(&self, ip: IpAddr, who: &str) -> Option<Duration> {
        let mut map = self.map.lock().expect("limiter lock");
        let wait = lock_wait(&map, ip, who);
        if wait.is_none() {
            record_failure(&mut map, ip, who);
        }
        wait
    }

    pub fn failed(&self, ip: IpAddr, who: &str) {
        let mut map = self.map.lock().expect("limiter lock");
        record_failure(&mut map, ip, who);
    }

    pub fn succeeded(&self, ip: IpAddr, who: &str) {
        let mut map = self.map.lock().expect("limiter lock");
        for k in keys(ip, who) {
            map.remove(&k);
        }
    }
}

fn lock_wait(map: &HashMap<String, Failures>, ip: IpAddr, who: &str) -> Option<Duration> {
    let now = Instant::now();
    keys(ip, who)
        .iter()
        .filter_map(|k| map.get(k)?.locked_until)
        .filter(|t| *t > now)
        .map(|t| t - now)
        .max()
}

fn record_failure(map: &mut HashMap<String, Failures>, ip: IpAddr, who: &str) {
    // Bound the memory a flood of addresses can take: forget the addresses not
    // locked. Principals' counters stay (there are few, and a flood must not
    // reset a principal's escalating lock-out).
    if map.len() >= MAX_TRACKED {
        let now = Instant::now();
        map.retain(|k, f| k.starts_with("who:") || f.locked_until.is_some_and(|t| t > now));
    }
    for k in keys(ip, who) {
        let f = map.entry(k).or_insert(Failures {
            count: 0,
            locked_until: None,
        });
        f.count += 1;
        if f.count >= FREE_FAILURES {
            let doublings = (f.count - FREE_FAILURES).min(16);
            let wait = Duration::from_secs(1u64 << doublings).min(MAX_LOCKOUT);
            f.locked_until = Some(Instant::now() + wait);
        }
    }
}

/// How many moves a delegation may submit: a token bucket (`burst` at once,
/// refilled at `per_minute`) and a total per round.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MoveLimits {
    /// Sustained moves per minute.
    pub per_minute: u32,
    /// Moves that may be sent back to back before the per-minute rate applies.
    pub burst: u32,
    /// Moves a delegation may submit in one round.
    pub per_round: u32,
}

impl Default for MoveLimits {
    /// 120 a minute after a burst of 120, and 2,000 a round: far above what
    /// a delegation types, low enough that a runaway script cannot flood the
    /// log (50 delegations × 2,000 moves is 100,000 rows a round at most).
    fn default() -> Self {
        MoveLimits {
            per_minute: 120,
            burst: 120,
            per_round: 2000,
        }
    }
}

/// Why a move was refused before it reached the log.
#[derive(Debug, Clone, PartialEq)]
pub enum MoveRefusal {
    /// Too many moves too fast: the next one is admitted after this wait.
    Rate(Duration),
    /// The round's quota is used up.
    Quota(u32),
}

impl MoveRefusal {
    /// The message shown to the delegation, naming the limit and what to do.
    pub fn message(&self, limits: &MoveLimits) -> String {
        match self {
            MoveRefusal::Rate(wait) => format!(
                "too many moves: at most {} a minute (bursts of {}); try again in {} s",
                limits.per_minute,
                limits.burst,
                wait.as_secs().max(1)
            ),
            MoveRefusal::Quota(n) => format!(
                "this delegation has submitted {n} moves this round, the most allowed; your last accepted move stands until the next round"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct MoveBucket {
    tokens: f64,
    refilled: Instant,
    round: u32,
    in_round: u32,
}

/// Per-delegation move limits ([`MoveLimits`]), in memory; the round counts
/// are seeded from the log on start.
pub struct MoveLimiter {
    limits: MoveLimits,
    map: Mutex<HashMap<String, MoveBucket>>,
}

impl MoveLimiter {
    /// `seed`: principal key → moves already logged in round `round`.
    pub fn new(limits: MoveLimits, round: u32, seed: &HashMap<String, u32>) -> MoveLimiter {
        let now = Instant::now();
        let map = seed
            .iter()
            .map(|(k, n)| {
                (
                    k.clone(),
                    MoveBucket {
                        tokens: f64::from(limits.burst),
                        refilled: now,
                        round,
                        in_round: *n,
                    },
                )
            })
            .collect();
        MoveLimiter {
            limits,
            map: Mutex::new(map),
        }
    }

    pub fn limits(&self) -> &MoveLimits {
        &self.limits
    }

    /// Admit one move of `principal` in `round`, or say why not. An admitted
    /// move counts even if it is then found invalid or a repeat.
    ///
    /// Token bucket (unit: moves): the bucket holds at most `burst` tokens,
    /// gains `per_minute / 60` tokens a second, and each move takes one; with
    /// none left the wait is `(1 − tokens) / (per_minute / 60)` seconds.
    /// Example with the defaults (120 a minute, burst 120): 120 moves sent at
    /// once are all admitted, the 121st waits 0.5 s; a delegation moving every
    /// 10 s never waits. Independently, the `per_round + 1`-th move of a
    /// round is refused until the next round opens.
    pub fn admit(&self, principal: &str, round: u32) -> Result<(), MoveRefusal> {
        let l = self.limits;
        let now = Instant::now();
        let mut map = self.map.lock().expect("move limiter lock");
        let b = map.entry(principal.to_string()).or_insert(MoveBucket {
            tokens: f64::from(l.burst),
            refilled: now,
            round,
            in_round: 0,
        });
        let rate = f64::from(l.per_minute) / 60.0;
        b.tokens = (b.tokens + now.duration_since(b.refilled).as_secs_f64() * rate)
            .min(f64::from(l.burst));
        b.refilled = now;
        if b.round != round {
            b.round = round;
            b.in_round = 0;
        }
        if b.in_round >= l.per_round {
            return Err(MoveRefusal::Quota(b.in_round));
        }
        if b.tokens < 1.0 {
            let wait = if rate > 0.0 {
                Duration::from_secs_f64((1.0 - b.tokens) / rate)
            } else {
                MAX_LOCKOUT
            };
            return Err(MoveRefusal::Rate(wait));
        }
        b.tokens -= 1.0;
        b.in_round += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_hashes_are_lower_case_hex_sha256() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        // SHA-256 of "abc" (FIPS 180-2, appendix B.1).
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn blocking_work_runs_on_any_runtime_and_outside_one() {
        assert_eq!(off_the_runtime(|| 1), 1);
        let multi = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .build()
            .unwrap();
        // On a worker thread, as in the server's handlers.
        let on_worker = multi.spawn(async { off_the_runtime(|| 2) });
        assert_eq!(multi.block_on(on_worker).unwrap(), 2);
        // `block_in_place` would panic here; the work runs directly instead.
        let single = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert_eq!(single.block_on(async { off_the_runtime(|| 3) }), 3);
    }

    #[test]
    fn a_stream_sees_a_session_end_by_its_token_hash() {
        let sessions = Sessions::in_memory(Duration::from_secs(60), 10);
        let (token, _) = sessions.create(Principal::Observer);
        let hash = token_hash(&token);
        assert!(sessions.holds(&hash));
        assert!(!sessions.holds(&token), "the raw token is not a key");
        sessions.remove(&token);
        assert!(!sessions.holds(&hash));
        // A session past its lifetime is not held either.
        let brief = Sessions::in_memory(Duration::ZERO, 10);
        let (token, _) = brief.create(Principal::Observer);
        assert!(!brief.holds(&token_hash(&token)));
    }

    #[test]
    fn a_flood_from_many_addresses_does_not_reset_a_principals_lock_out() {
        // Reproduction (#17): 10,000 junk sign-ins evicted every unlocked
        // counter, the facilitator's included, so its escalation restarted.
        let l = RateLimiter::default();
        let attacker: IpAddr = "10.0.0.1".parse().unwrap();
        for _ in 0..FREE_FAILURES - 1 {
            l.failed(attacker, "facilitator");
        }
        for i in 0..(MAX_TRACKED as u32 + 100) {
            let ip = IpAddr::from(std::net::Ipv4Addr::from(0x0B00_0000 + i));
            l.failed(ip, UNKNOWN_PRINCIPAL);
        }
        // One more failure for the facilitator from a fresh address locks it.
        let fresh: IpAddr = "192.0.2.7".parse().unwrap();
        l.failed(fresh, "facilitator");
        assert!(l.locked(fresh, "facilitator").is_some());
        assert!(l.map.lock().unwrap().len() <= MAX_TRACKED + 3);
    }

    #[test]
    fn unknown_names_share_one_bucket_and_are_not_stored() {
        use crate::state::Principal;
        assert_eq!(limiter_bucket(None), UNKNOWN_PRINCIPAL);
        assert_eq!(limiter_bucket(Some(&Principal::Facilitator)), "facilitator");
        let l = RateLimiter::default();
        let ip: IpAddr = "10.0.0.2".parse().unwrap();
        l.failed(ip, &limiter_bucket(None));
        assert!(
            l.map
                .lock()
                .unwrap()
                .keys()
                .all(|k| k == "ip:10.0.0.2" || k == "who:(unknown)")
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_abandoned_sign_in_keeps_its_hashing_permit_until_the_hash_ends() {
        // Reproduction (#17): the permit was released when the client
        // disconnected, while the blocking argon2 hash went on running.
        let permits = std::sync::Arc::new(tokio::sync::Semaphore::new(1));
        let hash = hash_code("some-code");
        let task = tokio::spawn({
            let permits = permits.clone();
            async move { verify_bounded(&permits, "wrong".into(), hash).await }
        });
        // Wait until the verification holds the permit, then drop the client.
        while permits.available_permits() == 1 {
            tokio::task::yield_now().await;
        }
        task.abort();
        let _ = task.await;
        assert_eq!(
            permits.available_permits(),
            0,
            "the permit went back while argon2 still ran"
        );
        // It comes back when the hash ends.
        let start = std::time::Instant::now();
        while permits.available_permits() == 0 {
            assert!(start.elapsed() < Duration::from_secs(60), "never released");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[test]
    fn moves_are_limited_per_minute_and_per_round() {
        let limits = MoveLimits {
            per_minute: 60,
            burst: 3,
            per_round: 5,
        };
        let seed = HashMap::from([("delegation:uk".to_string(), 4)]);
        let m = MoveLimiter::new(limits, 2, &seed);
        // A burst of three, then one a second.
        for _ in 0..3 {
            m.admit("delegation:ru", 2).unwrap();
        }
        match m.admit("delegation:ru", 2) {
            Err(MoveRefusal::Rate(wait)) => {
                assert!(wait > Duration::from_millis(900) && wait <= Duration::from_secs(1))
            }
            other => panic!("{other:?}"),
        }
        std::thread::sleep(Duration::from_millis(1050));
        m.admit("delegation:ru", 2).unwrap();
        // uk had four moves in round 2 before the restart: one more, then the quota.
        m.admit("delegation:uk", 2).unwrap();
        assert_eq!(m.admit("delegation:uk", 2), Err(MoveRefusal::Quota(5)));
        let msg = MoveRefusal::Quota(5).message(&limits);
        assert!(msg.contains("5 moves this round"), "{msg}");
        // A new round starts a new quota.
        m.admit("delegation:uk", 3).unwrap();
    }

    #[test]
    fn sessions_are_bounded_in_number_and_age_and_stored_only_as_hashes() {
        let dir = std::env::temp_dir().join(format!("gx-sessions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("s.db");
        drop(crate::store::Store::open(&db).unwrap());
        let open = |max| {
            Sessions::persistent(
                SessionStore::open(&db).unwrap(),
                Duration::from_secs(3600),
                max,
                &HashMap::new(),
            )
            .unwrap()
        };
        let s = open(3);
        let tokens: Vec<String> = (0..5)
            .map(|_| {
                std::thread::sleep(Duration::from_millis(2));
                s.create(Principal::Observer).0
            })
            .collect();
        // The two oldest ended; three remain, in memory and on disk.
        assert_eq!(s.len(), 3);
        assert!(s.get(&tokens[0]).is_none() && s.get(&tokens[1]).is_none());
        assert!(s.get(&tokens[4]).is_some());
        let rows = SessionStore::open(&db).unwrap().load().unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| !tokens.contains(&r.token_hash)));
        assert_eq!(rows[2].token_hash, token_hash(&tokens[4]));
        drop(s);
        // Reopened with a lower bound, the oldest beyond it are dropped.
        let s = open(1);
        assert_eq!(s.len(), 1);
        assert!(s.get(&tokens[4]).is_some());
        assert_eq!(SessionStore::open(&db).unwrap().load().unwrap().len(), 1);
        // A session begun before its principal's code was replaced is void.
        let reissued = HashMap::from([("observer".to_string(), now_ms())]);
        let s = Sessions::persistent(
            SessionStore::open(&db).unwrap(),
            Duration::from_secs(3600),
            10,
            &reissued,
        )
        .unwrap();
        assert!(s.is_empty());
        // Memory-only sessions expire with their lifetime.
        let m = Sessions::in_memory(Duration::from_millis(50), 10);
        let (t, _) = m.create(Principal::Facilitator);
        assert!(m.get(&t).is_some());
        std::thread::sleep(Duration::from_millis(80));
        assert!(m.get(&t).is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_code_verifies_against_its_hash_whatever_the_case_and_dashes() {
        let code = new_code();
        assert_eq!(code.len(), 24);
        let h = hash_code(&code);
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_code(&code.to_lowercase().replace('-', " "), &h));
        assert!(!verify_code("WRONG-CODE", &h));
        assert!(!verify_code(&code, "not a hash"));
    }

    #[test]
    fn five_failures_lock_out_the_address_and_the_principal() {
        let rl = RateLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..FREE_FAILURES - 1 {
            rl.failed(ip, "facilitator");
            assert!(rl.locked(ip, "facilitator").is_none());
        }
        rl.failed(ip, "facilitator");
        assert!(rl.locked(ip, "facilitator").is_some());
        // Another address is locked out of the same principal, too.
        assert!(
            rl.locked("10.0.0.2".parse().unwrap(), "facilitator")
                .is_some()
        );
        rl.succeeded(ip, "facilitator");
        assert!(rl.locked(ip, "facilitator").is_none());
    }

    #[test]
    fn an_attempt_counts_as_a_failure_until_it_succeeds() {
        let rl = RateLimiter::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..FREE_FAILURES {
            assert!(rl.attempt(ip, "observer").is_none());
        }
        // Five attempts still being checked already lock out a sixth.
        assert!(rl.attempt(ip, "observer").is_some());
        rl.succeeded(ip, "observer");
        assert!(rl.attempt(ip, "observer").is_none());
    }

    #[test]
    fn constant_time_eq_compares_whole_strings() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
