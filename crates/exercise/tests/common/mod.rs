//! Helpers shared by the exercise's integration tests.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use guarantor_exercise::client::Client;
use guarantor_exercise::state::PrivateInputs;
use guarantor_exercise::{Codes, Running};

static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A fresh directory under the target's temporary folder.
pub fn temp_dir(tag: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "exercise-{tag}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub struct Server {
    pub running: Running,
    pub codes: Codes,
    pub db: PathBuf,
}

/// A new exercise on the embedded scenario, served on a free loopback port.
pub fn start(tag: &str) -> Server {
    start_on(tag, guarantor_model::default_scenario())
}

/// A new exercise on `scenario`, served on a free loopback port.
pub fn start_on(tag: &str, scenario: guarantor_model::Scenario) -> Server {
    let db = temp_dir(tag).join("exercise.db");
    let running = Running::start(
        &db,
        Some(("default".into(), scenario)),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let codes = running.codes.clone().expect("a new exercise has codes");
    Server { running, codes, db }
}

impl Server {
    pub fn sign_in(&self, who: &str) -> Client {
        let code = match who {
            "facilitator" => &self.codes.facilitator,
            "observer" => &self.codes.observer,
            "notetaker" => &self.codes.notetaker,
            d => &self.codes.delegations[d.strip_prefix("delegation:").unwrap()],
        };
        let (res, c) = Client::sign_in(self.running.addr, who, code).unwrap();
        c.unwrap_or_else(|| panic!("sign-in as {who} failed: {} {}", res.status, res.body))
    }
}

/// The scenario's inputs for an actor.
pub fn scenario_inputs(actor: &str) -> PrivateInputs {
    let s = guarantor_model::default_scenario();
    PrivateInputs::from_actor(s.actor(actor).unwrap())
}

pub fn state(c: &Client) -> serde_json::Value {
    let r = c.get("/api/state").unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    r.json().unwrap()
}

/// GET `path` as `c` and return the status and the body's raw bytes (the
/// client's `body` is text; a Parquet file is not).
pub fn get_bytes(c: &Client, path: &str) -> (u16, Vec<u8>) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(c.addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let cookie = c.cookie.as_deref().unwrap_or("");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n",
        c.addr
    )
    .unwrap();
    let mut all = Vec::new();
    s.read_to_end(&mut all).unwrap();
    let end = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&all[..end]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    assert!(
        !head.contains("transfer-encoding: chunked"),
        "get_bytes reads only whole bodies: {head}"
    );
    (status, all[end + 4..].to_vec())
}
