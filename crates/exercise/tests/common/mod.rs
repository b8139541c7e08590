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
