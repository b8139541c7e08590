//! Load bench: 50 delegations submit moves concurrently to a server on loopback.
//! Each move is acknowledged only after its SQLite commit (WAL, synchronous=FULL).
//!
//! Run: `cargo bench -p guarantor-exercise --bench serve_load`
//! Optional: `-- MOVES_PER_DELEGATION` (default 40).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a benchmark or example reports on the terminal"
)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use guarantor_exercise::Running;
use guarantor_exercise::client::Client;
use guarantor_exercise::state::PrivateInputs;

const DELEGATIONS: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let per: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(40);
    // The embedded scenario has 22 actors; add notional contributors up to 50 delegations.
    let mut scenario = guarantor_model::default_scenario();
    let template = scenario.actor("be").expect("be is in the scenario").clone();
    let mut n = 0;
    while scenario.actors.len() < DELEGATIONS {
        n += 1;
        let mut a = template.clone();
        a.id = format!("x{n:02}");
        a.name = format!("Notional contributor {n}");
        scenario.actors.push(a);
    }
    let dir = std::env::temp_dir().join(format!("guarantor-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db: PathBuf = dir.join("load.db");
    let server = Running::start(
        &db,
        Some(("bench".into(), scenario.clone())),
        "127.0.0.1:0".parse().unwrap(),
    )
    .unwrap();
    let codes = server.codes.clone().unwrap();
    let addr = server.addr;
    let (_, fac) = Client::sign_in(addr, "facilitator", &codes.facilitator).unwrap();
    let fac = fac.unwrap();
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    let clients: Vec<(Client, PrivateInputs)> = scenario
        .actors
        .iter()
        .map(|a| {
            let (_, c) = Client::sign_in(
                addr,
                &format!("delegation:{}", a.id),
                &codes.delegations[&a.id],
            )
            .unwrap();
            (c.unwrap(), PrivateInputs::from_actor(a))
        })
        .collect();
    assert_eq!(clients.len(), DELEGATIONS);

    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|scope| {
        let handles: Vec<_> = clients
            .iter()
            .map(|(c, base)| {
                scope.spawn(move || {
                    let mut lat = Vec::with_capacity(per);
                    for k in 0..per {
                        let mut inputs = base.clone();
                        inputs.reservation = (k as f64 + 1.0) / 1000.0;
                        let t = Instant::now();
                        let r = c.submit_move(&inputs).unwrap();
                        lat.push(t.elapsed());
                        assert_eq!(r.status, 303, "{}", r.body);
                    }
                    lat
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let wall = started.elapsed();
    latencies.sort();
    let total = latencies.len();
    let st = fac.get("/api/state").unwrap().json().unwrap();
    assert_eq!(
        st["moves"].as_u64(),
        Some(total as u64),
        "every move was stored"
    );
    println!(
        "| {DELEGATIONS} delegations × {per} moves (closed loop, one connection per move) | {total} moves | p50 {:.1} ms | p90 {:.1} ms | p99 {:.1} ms | max {:.1} ms | {:.0} moves/s |",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.9)),
        ms(percentile(&latencies, 0.99)),
        ms(*latencies.last().unwrap()),
        total as f64 / wall.as_secs_f64()
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
