//! Crash test for `guarantor serve`: concurrent delegations submit moves, the
//! server is killed with SIGKILL, and after a restart on the same database
//! every acknowledged move is there and the state is what it was.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use guarantor_exercise::client::Client;
use guarantor_exercise::state::{Event, PrivateInputs};
use guarantor_exercise::{Codes, fold};
use serde_json::Value;

/// The server process; killed with SIGKILL if the test ends early.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &Path, codes_file: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_guarantor"))
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(db)
        .arg("--codes-file")
        .arg(codes_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let addr = loop {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "the server ended before serving"
        );
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    Server { child, addr }
}

fn sign_in(addr: SocketAddr, who: &str, code: &str) -> Client {
    let (r, c) = Client::sign_in(addr, who, code).unwrap();
    c.unwrap_or_else(|| panic!("sign-in as {who}: {} {}", r.status, r.body))
}

fn full_state(c: &Client) -> Value {
    let mut v = c.get("/api/state").unwrap().json().unwrap();
    v.as_object_mut().unwrap().remove("session");
    v
}

/// A move's identity: its reservation encodes (phase, sequence) so every move differs.
fn reservation_of(k: u32) -> f64 {
    k as f64 / 1_000_000.0
}

struct Outcome {
    /// Actor → acknowledged move numbers, in order.
    acked: BTreeMap<String, Vec<u32>>,
    /// Actor → the move that was in flight when the server died.
    in_flight: BTreeMap<String, u32>,
}

/// One client thread per delegation, each submitting `per_actor` moves in turn;
/// stops at the first failed connection (the server was killed).
fn drive(
    addr: SocketAddr,
    clients: &[(String, Client, PrivateInputs)],
    first: u32,
    per_actor: u32,
    total: &Arc<AtomicUsize>,
) -> Outcome {
    let acked = Arc::new(Mutex::new(BTreeMap::new()));
    let in_flight = Arc::new(Mutex::new(BTreeMap::new()));
    let failed_status = Arc::new(AtomicBool::new(false));
    std::thread::scope(|scope| {
        for (actor, client, base) in clients {
            let (acked, in_flight, total, failed_status) = (
                acked.clone(),
                in_flight.clone(),
                total.clone(),
                failed_status.clone(),
            );
            scope.spawn(move || {
                let mut mine = Vec::new();
                for k in first..first + per_actor {
                    let mut inputs = base.clone();
                    inputs.reservation = reservation_of(k);
                    in_flight.lock().unwrap().insert(actor.clone(), k);
                    match client.submit_move(&inputs) {
                        Ok(r) if r.status == 303 => {
                            mine.push(k);
                            in_flight.lock().unwrap().remove(actor);
                            total.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(r) => {
                            eprintln!("{actor} move {k}: {} {}", r.status, r.body);
                            failed_status.store(true, Ordering::SeqCst);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                acked.lock().unwrap().insert(actor.clone(), mine);
            });
        }
    });
    let _ = addr;
    assert!(
        !failed_status.load(Ordering::SeqCst),
        "a move was refused while the server ran"
    );
    Outcome {
        acked: Arc::try_unwrap(acked).unwrap().into_inner().unwrap(),
        in_flight: Arc::try_unwrap(in_flight).unwrap().into_inner().unwrap(),
    }
}

fn delegations(addr: SocketAddr, codes: &Codes) -> Vec<(String, Client, PrivateInputs)> {
    let fac = sign_in(addr, "facilitator", &codes.facilitator);
    let inputs: BTreeMap<String, PrivateInputs> =
        serde_json::from_value(fac.get("/api/state").unwrap().json().unwrap()["inputs"].clone())
            .unwrap();
    codes
        .delegations
        .iter()
        .map(|(a, code)| {
            (
                a.clone(),
                sign_in(addr, &format!("delegation:{a}"), code),
                inputs[a].clone(),
            )
        })
        .collect()
}

#[test]
fn sigkill_mid_stream_loses_no_acknowledged_move() {
    let started = Instant::now();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-crash-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("exercise.db");
    let codes_file = dir.join("codes.json");

    let server = start(&db, &codes_file);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&codes_file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "the codes file is readable by its owner only"
        );
    }
    let codes: Codes =
        serde_json::from_str(&std::fs::read_to_string(&codes_file).unwrap()).unwrap();
    let fac = sign_in(server.addr, "facilitator", &codes.facilitator);
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    let clients = delegations(server.addr, &codes);

    // Phase 1: moves, then quiet; a kill at rest must give back exactly this state.
    let total = Arc::new(AtomicUsize::new(0));
    let phase1 = drive(server.addr, &clients, 1, 10, &total);
    assert!(phase1.in_flight.is_empty());
    let at_rest = full_state(&fac);
    drop(server); // SIGKILL
    let server = start(&db, &codes_file);
    // Sessions survive the kill: the same cookie and CSRF token still work (#17).
    let old = Client {
        addr: server.addr,
        ..fac.clone()
    };
    assert_eq!(
        full_state(&old),
        at_rest,
        "the old session after a kill at rest"
    );
    let fac = sign_in(server.addr, "facilitator", &codes.facilitator);
    assert_eq!(full_state(&fac), at_rest, "state after a kill at rest");

    // Phase 2: every delegation submits continuously; SIGKILL once 1,000 moves are acknowledged.
    let clients = delegations(server.addr, &codes);
    let before_phase2 = total.load(Ordering::SeqCst);
    let total2 = Arc::new(AtomicUsize::new(0));
    let mut server = server;
    let killer_total = total2.clone();
    let pid = server.child.id();
    let addr = server.addr;
    let phase2 = std::thread::scope(|scope| {
        let killer = scope.spawn(|| {
            while killer_total.load(Ordering::SeqCst) < 1000 {
                std::thread::sleep(Duration::from_millis(2));
            }
            server.child.kill().unwrap(); // SIGKILL on Unix
            server.child.wait().unwrap();
        });
        let out = drive(addr, &clients, 100_000, 200, &total2);
        killer.join().unwrap();
        out
    });
    let acked2: usize = phase2.acked.values().map(Vec::len).sum();
    assert!(
        acked2 >= 1000,
        "only {acked2} moves acknowledged before the kill"
    );
    assert!(
        acked2 < clients.len() * 200,
        "the kill came after every move ended (pid {pid}); not mid-stream"
    );
    assert!(
        !phase2.in_flight.is_empty(),
        "moves were in flight at the kill"
    );
    eprintln!(
        "phase 1: {before_phase2} moves; phase 2: {acked2} acknowledged, {} in flight at SIGKILL",
        phase2.in_flight.len()
    );
    drop(server);

    // Restart on the same database.
    let server = start(&db, &codes_file);
    let fac = sign_in(server.addr, "facilitator", &codes.facilitator);
    let export = fac.get("/api/export").unwrap().json().unwrap();
    let events: Vec<Event> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| serde_json::from_value(e["event"].clone()).unwrap())
        .collect();
    let mut stored: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for e in &events {
        if let Event::MoveSubmitted { actor, inputs, .. } = e {
            stored
                .entry(actor.clone())
                .or_default()
                .push(inputs.reservation);
        }
    }
    for phase in [&phase1, &phase2] {
        for (actor, ks) in &phase.acked {
            let got = &stored[actor];
            for k in ks {
                assert!(
                    got.contains(&reservation_of(*k)),
                    "acknowledged move {k} of {actor} is missing"
                );
            }
        }
    }
    // Each delegation's moves are stored in the order it sent them, with nothing invented:
    // its acknowledged moves, then at most the one in flight.
    for (actor, ks) in &phase2.acked {
        let mut expected: Vec<f64> = phase1.acked[actor]
            .iter()
            .map(|k| reservation_of(*k))
            .collect();
        expected.extend(ks.iter().map(|k| reservation_of(*k)));
        let got = &stored[actor];
        let extra = phase2.in_flight.get(actor).map(|k| reservation_of(*k));
        assert!(
            *got == expected
                || (extra.is_some()
                    && got[..got.len() - 1] == expected[..]
                    && got.last() == extra.as_ref()),
            "moves of {actor} differ"
        );
    }
    // The state the server rebuilt equals a fold of its log, and each delegation's inputs are
    // its last acknowledged move (or the one in flight, if that committed before the kill).
    let rebuilt = full_state(&fac);
    let folded = fold(&events).unwrap();
    assert_eq!(rebuilt["moves"], folded.moves);
    assert_eq!(rebuilt["events"], folded.events);
    assert_eq!(
        rebuilt["inputs"],
        serde_json::to_value(&folded.inputs).unwrap()
    );
    assert_eq!(
        rebuilt["submitted"],
        serde_json::to_value(&folded.submitted).unwrap()
    );
    for (actor, ks) in &phase2.acked {
        let r = folded.inputs[actor].reservation;
        let last = ks.last().map(|k| reservation_of(*k));
        let flying = phase2.in_flight.get(actor).map(|k| reservation_of(*k));
        assert!(Some(r) == last || Some(r) == flying, "{actor}: {r}");
    }
    // And the exercise goes on: the round can be closed and adjudicated.
    assert_eq!(
        fac.post_form("/facilitator/close", &[]).unwrap().status,
        303
    );
    assert!(started.elapsed() < Duration::from_secs(120));
}

#[test]
fn serve_reports_a_file_that_is_not_an_exercise_database() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-bad-db-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("notes.txt");
    std::fs::write(&db, "these are my notes, not a database\n".repeat(200)).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_guarantor"))
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.txt") && err.contains("not a database"),
        "{err}"
    );
    // The user's file is untouched.
    assert_eq!(
        std::fs::read_to_string(&db).unwrap(),
        "these are my notes, not a database\n".repeat(200)
    );
}

#[test]
fn silent_connections_under_a_low_open_files_limit_leave_the_server_reachable() {
    // Reproduction (#17): under `ulimit -n 128`, 150 silent connections used
    // up the server's descriptors and it answered no one until they closed.
    if Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 128")
        .status()
        .is_err()
    {
        eprintln!("skipped: no sh to lower the open-files limit");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-ulimit-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 128 && exec \"$0\" serve --bind 127.0.0.1:0 --idle-timeout 120 --db \"$1\" --codes-file \"$2\"")
        .arg(env!("CARGO_BIN_EXE_guarantor"))
        .arg(dir.join("ex.db"))
        .arg(dir.join("codes.json"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let addr: SocketAddr = loop {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the server ended");
        if let Some(rest) = line.split("http://").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    let server = Server { child, addr };
    let silent: Vec<std::net::TcpStream> = (0..150)
        .map(|_| std::net::TcpStream::connect(addr).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let t = Instant::now();
    let mut c = Client::new(addr);
    c.timeout = Duration::from_secs(10);
    let r = c.get("/static/app.css").expect("the server answers");
    assert_eq!(r.status, 200);
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    let codes: Codes =
        serde_json::from_str(&std::fs::read_to_string(dir.join("codes.json")).unwrap()).unwrap();
    let fac = sign_in(addr, "facilitator", &codes.facilitator);
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    drop(silent);
    drop(server);
}
