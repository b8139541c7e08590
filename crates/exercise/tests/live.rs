//! The live-update streams (`/events`): every notice is formatted once and
//! shared by every open stream, so what one viewer receives must be exactly
//! what every other receives — and hold nothing private.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use guarantor_exercise::client::Client;

/// An open `/events` stream, past its response head.
struct Stream(BufReader<TcpStream>);

impl Stream {
    fn open(s: &Server, c: &Client) -> Stream {
        let mut t = TcpStream::connect(s.running.addr).unwrap();
        t.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        write!(
            t,
            "GET /events HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\n\r\n",
            s.running.addr,
            c.cookie.as_deref().unwrap()
        )
        .unwrap();
        let mut r = BufReader::new(t);
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert!(line.starts_with("HTTP/1.1 200"), "{line}");
        let mut head = String::new();
        loop {
            line.clear();
            r.read_line(&mut line).unwrap();
            if line.trim().is_empty() {
                break;
            }
            head.push_str(&line.to_lowercase());
        }
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        let mut s = Stream(r);
        assert_eq!(s.next().0, "sync");
        s
    }

    /// The next event: its name and its data line.
    fn next(&mut self) -> (String, String) {
        let mut line = String::new();
        let mut event = None;
        loop {
            line.clear();
            assert!(self.0.read_line(&mut line).unwrap() > 0, "stream closed");
            if let Some(e) = line.strip_prefix("event: ") {
                event = Some(e.trim_end().to_string());
            } else if let Some(d) = line.strip_prefix("data: ") {
                let e = event.take().expect("an event line before its data");
                return (e, d.trim_end().to_string());
            }
        }
    }

    /// Events up to and including the first `kind`.
    fn until(&mut self, kind: &str) -> Vec<(String, String)> {
        let mut got = Vec::new();
        loop {
            let e = self.next();
            let done = e.0 == kind;
            got.push(e);
            if done {
                return got;
            }
        }
    }
}

#[test]
fn every_viewer_receives_the_same_notice_and_it_holds_no_private_input() {
    let s = start("live-shared");
    let fac = s.sign_in("facilitator");
    let obs = s.sign_in("observer");
    let uk = s.sign_in("delegation:uk");
    let ua = s.sign_in("delegation:ua");
    let mut streams = [
        Stream::open(&s, &obs),
        Stream::open(&s, &ua),
        Stream::open(&s, &uk),
        Stream::open(&s, &fac),
    ];
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    let mut inputs = scenario_inputs("uk");
    // Values no notice may carry: only uk and the facilitator may see them.
    inputs.reservation = 0.987_654_321;
    let first = inputs.inventory.keys().next().unwrap().clone();
    inputs.inventory.get_mut(&first).unwrap().count = 4321.0;
    assert_eq!(uk.submit_move(&inputs).unwrap().status, 303);
    let seen: Vec<_> = streams
        .iter_mut()
        .map(|st| st.until("move_submitted"))
        .collect();
    // The same events, byte for byte, for another delegation, the observer,
    // the mover and the facilitator.
    for other in &seen[1..] {
        assert_eq!(other, &seen[0]);
    }
    let (_, data) = seen[0].last().unwrap();
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    let mut keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["actor", "kind", "round", "seq"]);
    assert_eq!(v["actor"], "uk");
    assert_eq!(v["kind"], "move_submitted");
    assert_eq!(v["round"], 1);
    for (_, d) in seen.iter().flatten() {
        for secret in ["0.987654321", "4321", "reservation", "inventory"] {
            assert!(!d.contains(secret), "a notice carries {secret}: {d}");
        }
    }
}

#[test]
fn notices_committed_together_each_arrive_once_and_in_order() {
    let s = start("live-order");
    let fac = s.sign_in("facilitator");
    let obs = s.sign_in("observer");
    let movers = ["de", "fr", "it", "pl", "ru", "ua", "uk", "us"];
    let clients: Vec<_> = movers
        .iter()
        .map(|a| (s.sign_in(&format!("delegation:{a}")), scenario_inputs(a)))
        .collect();
    let mut stream = Stream::open(&s, &obs);
    let opened = fac.post_form("/facilitator/open", &[]).unwrap();
    assert_eq!(opened.status, 303);
    let open_seq: u64 = opened.header("x-event-seq").unwrap().parse().unwrap();
    // Every delegation moves at once, twice: the writer commits several
    // moves in one transaction and the stream sends what waits in one write.
    std::thread::scope(|scope| {
        for (c, inputs) in &clients {
            scope.spawn(move || {
                for k in 0..2 {
                    let mut i = inputs.clone();
                    i.reservation = 0.1 + f64::from(k) / 10.0;
                    assert_eq!(c.submit_move(&i).unwrap().status, 303);
                }
            });
        }
    });
    let mut seqs = Vec::new();
    while seqs.len() < 2 * movers.len() {
        let (kind, data) = stream.next();
        let v: serde_json::Value = serde_json::from_str(&data).unwrap();
        if kind == "round_opened" {
            assert_eq!(v["seq"], open_seq);
            continue;
        }
        assert_eq!(kind, "move_submitted");
        seqs.push(v["seq"].as_u64().unwrap());
    }
    let expected: Vec<u64> = (open_seq + 1..=open_seq + 2 * movers.len() as u64).collect();
    assert_eq!(seqs, expected);
}
