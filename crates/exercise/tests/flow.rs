//! Sign-in, role pages and a full round over real HTTP on 127.0.0.1; the
//! published result equals a direct engine run on the same combined inputs.

use crate::common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;
use guarantor_engine::{EvalOptions, evaluate};
use guarantor_exercise::client::Client;
use guarantor_exercise::outcome::Adjudication;

#[test]
fn each_role_signs_in_and_lands_on_its_page() {
    let s = start("signin");
    for (who, home) in [
        ("facilitator", "/facilitator"),
        ("observer", "/public"),
        ("delegation:ru", "/delegation"),
    ] {
        let code = match who {
            "facilitator" => s.codes.facilitator.clone(),
            "observer" => s.codes.observer.clone(),
            _ => s.codes.delegations["ru"].clone(),
        };
        // Codes are accepted in lower case and without dashes, as people type them.
        let typed = code.to_lowercase().replace('-', "");
        let (res, c) = Client::sign_in(s.running.addr, who, &typed).unwrap();
        assert_eq!(res.status, 303, "{}", res.body);
        assert_eq!(res.header("location"), Some(home));
        let cookie = res.header("set-cookie").unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
        let c = c.unwrap();
        let page = c.get(home).unwrap();
        assert_eq!(page.status, 200);
        assert!(
            page.body
                .contains("Waiting for the facilitator to open round 1")
        );
        let st = state(&c);
        assert_eq!(st["phase"], "setup");
        assert_eq!(st["delegations"].as_array().unwrap().len(), 22);
    }
    // Another delegation's code does not open ru's delegation.
    let (res, c) =
        Client::sign_in(s.running.addr, "delegation:ru", &s.codes.delegations["us"]).unwrap();
    assert_eq!(res.status, 401);
    assert!(c.is_none());
}

/// The default scenario with ru's and uk's moves put in by hand.
fn combined_by_hand(ru_reservation: f64, uk_brigades: f64) -> guarantor_model::Scenario {
    let mut sc = guarantor_model::default_scenario();
    let ru = sc.actors.iter_mut().find(|a| a.id == "ru").unwrap();
    ru.red_lines.clear();
    ru.reservation = ru_reservation;
    let uk = sc.actors.iter_mut().find(|a| a.id == "uk").unwrap();
    uk.inventory.get_mut("brigades").unwrap().count = uk_brigades;
    sc
}

#[test]
fn a_round_is_adjudicated_on_the_combined_inputs_exactly_as_the_engine_does() {
    let s = start("round");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let uk = s.sign_in("delegation:uk");
    let obs = s.sign_in("observer");

    // No move before a round opens.
    let r = ru.submit_move(&scenario_inputs("ru")).unwrap();
    assert_eq!(r.status, 409, "{}", r.body);

    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    assert_eq!(state(&obs)["phase"], "open");

    // ru drops every red line and lowers its reservation; uk offers more brigades.
    let mut ru_in = scenario_inputs("ru");
    for held in ru_in.red_lines.values_mut() {
        *held = false;
    }
    ru_in.reservation = 0.25;
    let r = ru.submit_move(&ru_in).unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.header("x-event-seq").is_some());
    let mut uk_in = scenario_inputs("uk");
    uk_in.inventory.get_mut("brigades").unwrap().count = 40.0;
    assert_eq!(uk.submit_move(&uk_in).unwrap().status, 303);

    // A bad value is refused with the field named, and changes nothing.
    let mut bad = uk_in.clone();
    bad.inventory.get_mut("brigades").unwrap().deployable_share = 1.5;
    let r = uk.submit_move(&bad).unwrap();
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("deployable share of brigades must be from 0 to 1")
    );

    let st = state(&obs);
    assert_eq!(st["submitted"]["ru"], 1);
    assert_eq!(st["submitted"]["uk"], 1);
    assert_eq!(st["moves"], 2);

    let r = fac.post_form("/facilitator/close", &[]).unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(state(&obs)["phase"], "published");

    let export = fac.get("/api/export").unwrap().json().unwrap();
    let published: Adjudication =
        serde_json::from_value(export["results"][0]["result"]["Ok"].clone()).unwrap();

    let direct = evaluate(&combined_by_hand(0.25, 40.0), &EvalOptions::default()).unwrap();
    // Compared whole (assert! keeps the failure message short; the value is large).
    assert!(published == Adjudication::from_evaluation(&direct));
    assert_eq!(published.passing, direct.counts.passing);
    assert_eq!(
        published.evaluated, 8208,
        "the package space: 8,640 less 432 excluded"
    );
    let passing: Vec<&str> = direct
        .packages
        .iter()
        .filter(|p| p.passes)
        .map(|p| p.label.as_str())
        .collect();
    let published_passing: Vec<&str> = published
        .packages
        .iter()
        .filter(|p| p.passes)
        .map(|p| p.label.as_str())
        .collect();
    assert_eq!(published_passing, passing[..passing.len().min(50)]);

    // The moves changed the verdict: the scenario as written lets fewer packages pass.
    let baseline = evaluate(
        &guarantor_model::default_scenario(),
        &EvalOptions::default(),
    )
    .unwrap();
    assert!(direct.counts.passing > baseline.counts.passing);

    // Everyone sees the round's verdict; the observer through the redacted view.
    let obs_view = state(&obs);
    assert_eq!(obs_view["results"][0]["passing"], direct.counts.passing);
    let page = obs.get("/public").unwrap().body;
    assert!(page.contains("Round 1 verdict"));

    // The export carries every event in order for the after-action review.
    let kinds: Vec<&str> = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "exercise_created",
            "round_opened",
            "move_submitted",
            "move_submitted",
            "round_closed",
            "round_adjudicated",
            "band_computed"
        ]
    );
    // Moves are closed with the round; the next round can be opened.
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 409);
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);
    assert_eq!(state(&obs)["round"], 2);
}

#[test]
fn restart_rebuilds_the_same_state_from_the_events() {
    let s = start("restart");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    fac.post_form("/facilitator/open", &[]).unwrap();
    let mut ru_in = scenario_inputs("ru");
    ru_in.reservation = 0.31;
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 303);
    fac.post_form("/facilitator/close", &[]).unwrap();
    fac.post_form(
        "/facilitator/disclose",
        &[("actor", "ru"), ("part", "reservation")],
    )
    .unwrap();
    let before = state(&fac);
    let db = s.db.clone();
    let codes = s.codes.clone();
    drop(s.running);

    let running =
        guarantor_exercise::Running::start(&db, None, "127.0.0.1:0".parse().unwrap()).unwrap();
    assert!(
        running.codes.is_none(),
        "an existing exercise keeps its codes"
    );
    let (_, fac2) = Client::sign_in(running.addr, "facilitator", &codes.facilitator).unwrap();
    let mut after = state(&fac2.unwrap());
    after["session"] = before["session"].clone();
    assert_eq!(after, before);
}

#[test]
fn pages_are_told_of_moves_and_round_changes_over_server_sent_events() {
    let s = start("sse");
    let obs = s.sign_in("observer");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let mut stream = TcpStream::connect(s.running.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /events HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nAccept: text/event-stream\r\n\r\n",
        s.running.addr,
        obs.cookie.as_ref().unwrap()
    )
    .unwrap();
    let mut r = BufReader::new(stream);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 200"), "{line}");
    // Wait for the end of the headers before acting, so the subscription exists.
    loop {
        line.clear();
        r.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
    }
    fac.post_form("/facilitator/open", &[]).unwrap();
    ru.submit_move(&scenario_inputs("ru")).unwrap();
    let mut seen = Vec::new();
    while seen.len() < 3 {
        line.clear();
        r.read_line(&mut line).unwrap();
        if let Some(kind) = line.trim().strip_prefix("event: ") {
            seen.push(kind.to_string());
        }
    }
    // First the sequence number the page must have shown, then every change.
    assert_eq!(seen, ["sync", "round_opened", "move_submitted"]);
}

#[test]
fn a_round_closed_when_the_server_stopped_is_adjudicated_on_restart() {
    use guarantor_exercise::state::Event;
    use guarantor_exercise::store::Store;
    let s = start("adjudicate-on-start");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    fac.post_form("/facilitator/open", &[]).unwrap();
    let mut ru_in = scenario_inputs("ru");
    ru_in.reservation = 0.2;
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 303);
    let (db, codes) = (s.db.clone(), s.codes.clone());
    drop(s.running);
    // As if the server died between closing the round and publishing its verdict.
    let mut store = Store::open(&db).unwrap();
    let (events, before) = store.replay().unwrap();
    store
        .append(events.len() as u64, &[&Event::RoundClosed { round: 1 }])
        .unwrap();
    let mut closed = before.clone();
    closed.apply(Event::RoundClosed { round: 1 });
    let expected = guarantor_exercise::adjudicate::adjudicate(&closed.combined_scenario().unwrap());
    drop(store);

    let running =
        guarantor_exercise::Running::start(&db, None, "127.0.0.1:0".parse().unwrap()).unwrap();
    let (_, fac) = Client::sign_in(running.addr, "facilitator", &codes.facilitator).unwrap();
    let fac = fac.unwrap();
    let st = state(&fac);
    assert_eq!(st["phase"], "published");
    let export = fac.get("/api/export").unwrap().json().unwrap();
    let events = export["events"].as_array().unwrap();
    // The verdict, then its band (computed on start too).
    let (adjudicated, band) = (&events[events.len() - 2], &events[events.len() - 1]);
    assert_eq!(band["event"]["type"], "band_computed");
    assert_eq!(band["event"]["round"], 1);
    let last = adjudicated.clone();
    assert_eq!(last["event"]["type"], "round_adjudicated");
    let got: Adjudication = serde_json::from_value(last["event"]["result"]["Ok"].clone()).unwrap();
    assert!(got == expected.unwrap());
}

#[test]
fn the_facilitator_replaces_a_lost_code_and_the_old_one_stops_working() {
    let s = start("reissue");
    let fac = s.sign_in("facilitator");
    let uk = s.sign_in("delegation:uk");
    let r = fac
        .post_form("/facilitator/reissue", &[("who", "delegation:uk")])
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.body);
    let new = r
        .body
        .split("<code id=\"new-code\">")
        .nth(1)
        .and_then(|t| t.split("</code>").next())
        .unwrap()
        .to_string();
    assert_ne!(new, s.codes.delegations["uk"]);
    // The old session and the old code are gone; the new code works.
    assert_eq!(uk.get("/delegation").unwrap().status, 401);
    let (r, _) =
        Client::sign_in(s.running.addr, "delegation:uk", &s.codes.delegations["uk"]).unwrap();
    assert_eq!(r.status, 401);
    let (r, c) = Client::sign_in(s.running.addr, "delegation:uk", &new).unwrap();
    assert_eq!(r.status, 303);
    assert_eq!(c.unwrap().get("/delegation").unwrap().status, 200);
    // The log records the replacement, never the hash; a restart keeps the new code.
    let export = fac.get("/api/export").unwrap();
    assert!(export.body.contains("code_reissued") && !export.body.contains("$argon2"));
    let db = s.db.clone();
    drop(s.running);
    let running =
        guarantor_exercise::Running::start(&db, None, "127.0.0.1:0".parse().unwrap()).unwrap();
    let (r, _) = Client::sign_in(running.addr, "delegation:uk", &new).unwrap();
    assert_eq!(r.status, 303);
    // Unknown roles are refused.
    let (_, fac) = Client::sign_in(running.addr, "facilitator", &s.codes.facilitator).unwrap();
    let r = fac
        .unwrap()
        .post_form("/facilitator/reissue", &[("who", "delegation:zz")])
        .unwrap();
    assert_eq!(r.status, 409);
}

#[test]
fn a_lost_event_log_or_emptied_credentials_are_refused_at_start_with_a_clear_message() {
    // Reproduction (#17): both gave unclear start-up errors; a dropped events
    // table was even recreated empty under the old codes.
    for (tag, damage, expected) in [
        (
            "emptied-credentials",
            "DELETE FROM credentials",
            "holds an exercise but no sign-in code for facilitator, observer",
        ),
        (
            "dropped-events",
            "DROP TABLE events",
            // The hash chain's head names the events that were lost.
            "the log ends at event 0 but event 1 was committed: event 1 was removed",
        ),
        (
            // A database from before the hash chain: codes, no events, no head.
            "dropped-events-no-head",
            "DROP TABLE events; DELETE FROM chain_head",
            "holds sign-in codes but no events",
        ),
    ] {
        let s = start(tag);
        let db = s.db.clone();
        drop(s.running);
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(damage).unwrap();

        drop(conn);
        let err = match guarantor_exercise::Running::start(
            &db,
            Some(("default".into(), guarantor_model::default_scenario())),
            "127.0.0.1:0".parse().unwrap(),
        ) {
            Ok(_) => panic!("{tag}: the damaged database was accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(expected), "{tag}: {err}");
        assert!(
            err.contains("restore the database from a backup"),
            "{tag}: {err}"
        );
    }
}
