//! Security over real HTTP: every route × every role, private inputs across
//! delegations, CSRF and origin checks, session guessing, rate-limited sign-in,
//! request size limits and response headers.

use crate::common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use common::*;
use guarantor_exercise::client::{Client, form_body};
use guarantor_exercise::routes::{Access, ROUTES, Verb};
use guarantor_exercise::state::Principal;

const ROLES: [&str; 5] = [
    "anonymous",
    "observer",
    "delegation:ru",
    "delegation:uk",
    "facilitator",
];

/// Who should be able to use each route, written out independently of `ROUTES`
/// so that a wrong access rule, or a new route nobody thought about, fails here.
fn intended() -> BTreeMap<(&'static str, &'static str), &'static [&'static str]> {
    const ALL: &[&str] = &ROLES;
    const SIGNED_IN: &[&str] = &["observer", "delegation:ru", "delegation:uk", "facilitator"];
    const DELEGATIONS: &[&str] = &["delegation:ru", "delegation:uk"];
    const FACILITATOR: &[&str] = &["facilitator"];
    BTreeMap::from([
        (("GET", "/"), ALL),
        (("POST", "/signin"), ALL),
        (("GET", "/static/app.js"), ALL),
        (("GET", "/static/app.css"), ALL),
        (("POST", "/signout"), SIGNED_IN),
        (("GET", "/public"), SIGNED_IN),
        (("GET", "/api/state"), SIGNED_IN),
        (("GET", "/events"), SIGNED_IN),
        (("GET", "/delegation"), DELEGATIONS),
        (("POST", "/delegation/move"), DELEGATIONS),
        (("GET", "/facilitator"), FACILITATOR),
        (("POST", "/facilitator/open"), FACILITATOR),
        (("POST", "/facilitator/close"), FACILITATOR),
        (("POST", "/facilitator/disclose"), FACILITATOR),
        (("POST", "/facilitator/reissue"), FACILITATOR),
        (("GET", "/api/export"), FACILITATOR),
        (("POST", "/api/token"), ALL),
        (("POST", "/api/moves"), DELEGATIONS),
        (("GET", "/api/openapi.json"), ALL),
        // The game around the rounds (the notetaker's routes: tests/game.rs).
        (("POST", "/facilitator/clock"), FACILITATOR),
        (("POST", "/facilitator/advance"), FACILITATOR),
        (("POST", "/facilitator/time"), FACILITATOR),
        (("POST", "/facilitator/inject"), FACILITATOR),
        (("POST", "/facilitator/override"), FACILITATOR),
        (("GET", "/debrief"), SIGNED_IN),
        (("GET", "/notes"), FACILITATOR),
        (("POST", "/notes/add"), FACILITATOR),
        (("GET", "/lessons"), SIGNED_IN),
        (
            ("POST", "/lessons/write"),
            &["delegation:ru", "delegation:uk", "facilitator"],
        ),
        (("GET", "/report/after-action"), FACILITATOR),
        (("GET", "/export/events.csv"), FACILITATOR),
        (("GET", "/export/events.json"), FACILITATOR),
        (("GET", "/export/events.parquet"), FACILITATOR),
    ])
}

fn verb(v: Verb) -> &'static str {
    match v {
        Verb::Get => "GET",
        Verb::Post => "POST",
    }
}

/// Send a request and read only its status line (event streams never end).
fn status(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut line = String::new();
    BufReader::new(s).read_line(&mut line).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn every_route_admits_exactly_the_intended_roles() {
    let s = start("matrix");
    let intended = intended();
    let table: Vec<(&str, &str)> = ROUTES.iter().map(|r| (verb(r.verb), r.path)).collect();
    let expected: Vec<(&str, &str)> = intended.keys().copied().collect();
    let mut sorted = table.clone();
    sorted.sort();
    assert_eq!(
        sorted, expected,
        "every route needs an intended-roles entry in this test"
    );

    for spec in ROUTES {
        let method = verb(spec.verb);
        for role in ROLES {
            // A fresh session per check: sign-out and facilitator actions must not affect the next.
            let client = (role != "anonymous").then(|| s.sign_in(role));
            let cookie = client.as_ref().and_then(|c| c.cookie.clone());
            let csrf = client.as_ref().and_then(|c| c.csrf.clone());
            let principal = client.as_ref().map(|_| match role {
                "observer" => Principal::Observer,
                "facilitator" => Principal::Facilitator,
                d => Principal::Delegation(d.trim_start_matches("delegation:").into()),
            });
            let should = intended[&(method, spec.path)].contains(&role);
            assert_eq!(
                spec.access.allows(principal.as_ref()),
                should,
                "{method} {} for {role}",
                spec.path
            );
            let mut headers = vec![("Content-Type", "application/x-www-form-urlencoded")];
            let cookie_header;
            if let Some(c) = &cookie {
                cookie_header = c.clone();
                headers.push(("Cookie", cookie_header.as_str()));
            }
            let mut fields = vec![("csrf".to_string(), csrf.clone().unwrap_or_default())];
            if spec.path == "/signin" {
                // A right code, so that the answer is about access, not about the code.
                fields.push(("who".into(), "facilitator".into()));
                fields.push(("code".into(), s.codes.facilitator.clone()));
            }
            let with_token = form_body(&fields);
            // First (before a sign-out ends the session): every state-changing route needs its CSRF token and
            // refuses a post from another site even with the token.
            if spec.verb == Verb::Post && spec.access != Access::Public && should {
                let got = status(s.running.addr, method, spec.path, &headers, "");
                assert_eq!(
                    got, 403,
                    "{method} {} without a CSRF token for {role}",
                    spec.path
                );
                for foreign in [
                    ("Origin", "http://evil.example"),
                    // Another port on the same host is another origin.
                    ("Origin", "http://127.0.0.1:1"),
                    ("Origin", "null"),
                    ("Sec-Fetch-Site", "same-site"),
                    ("Sec-Fetch-Site", "cross-site"),
                ] {
                    let mut cross = headers.clone();
                    cross.push(foreign);
                    let got = status(s.running.addr, method, spec.path, &cross, &with_token);
                    assert_eq!(
                        got, 403,
                        "{method} {} with {foreign:?} for {role}",
                        spec.path
                    );
                }
            }
            let got = status(s.running.addr, method, spec.path, &headers, &with_token);
            if should {
                assert!(
                    got != 401 && got != 403,
                    "{method} {} refused {role} with {got}",
                    spec.path
                );
            } else {
                let want = if cookie.is_none() { 401 } else { 403 };
                assert_eq!(got, want, "{method} {} let {role} through", spec.path);
            }
        }
    }
    // Nothing outside the table answers.
    assert_eq!(status(s.running.addr, "GET", "/admin", &[], ""), 404);
    assert_eq!(
        status(s.running.addr, "GET", "/delegation/uk", &[], ""),
        404
    );
    assert_eq!(status(s.running.addr, "DELETE", "/api/state", &[], ""), 405);
}

/// Every page and API a role can reach, with query strings an attacker might try.
fn everything_visible_to(c: &Client) -> String {
    let mut all = String::new();
    for spec in ROUTES
        .iter()
        .filter(|r| r.verb == Verb::Get && r.path != "/events")
    {
        for query in [
            "",
            "?actor=uk",
            "?delegation=uk&who=delegation:uk",
            "?id=uk",
        ] {
            let r = c.get(&format!("{}{query}", spec.path)).unwrap();
            if r.status == 200 {
                all.push_str(&r.body);
            }
        }
    }
    all
}

#[test]
fn a_delegation_can_neither_read_nor_change_another_delegations_inputs() {
    let s = start("privacy");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let uk = s.sign_in("delegation:uk");
    let obs = s.sign_in("observer");
    assert_eq!(fac.post_form("/facilitator/open", &[]).unwrap().status, 303);

    // Distinctive private values.
    let mut uk_in = scenario_inputs("uk");
    uk_in.inventory.get_mut("brigades").unwrap().count = 4321.5;
    uk_in
        .inventory
        .get_mut("fighters")
        .unwrap()
        .deployable_share = 0.731;
    uk_in.reservation = 0.4137;
    assert_eq!(uk.submit_move(&uk_in).unwrap().status, 303);
    let mut ru_in = scenario_inputs("ru");
    ru_in.reservation = 0.5813;
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 303);
    let uk_secrets = ["4321.5", "0.731", "0.4137"];
    let ru_secrets = [
        "0.5813",
        "no_nato_country_ground_troops",
        "no_foreign_air_policing_over_ukraine",
    ];

    // uk sees its own values; ru and the observer see none of them, before and after the verdict.
    let uk_sees = everything_visible_to(&uk);
    for v in uk_secrets {
        assert!(uk_sees.contains(v), "uk should see its own {v}");
    }
    for phase in ["open", "published"] {
        for (who, c) in [("ru", &ru), ("observer", &obs)] {
            let seen = everything_visible_to(c);
            for v in uk_secrets {
                assert!(!seen.contains(v), "{who} sees uk's {v} ({phase})");
            }
        }
        let seen = everything_visible_to(&obs);
        for v in ru_secrets {
            assert!(!seen.contains(v), "the observer sees ru's {v} ({phase})");
        }
        let seen = everything_visible_to(&uk);
        for v in ru_secrets {
            assert!(!seen.contains(v), "uk sees ru's {v} ({phase})");
        }
        if phase == "open" {
            assert_eq!(
                fac.post_form("/facilitator/close", &[]).unwrap().status,
                303
            );
        }
    }
    // ru rejects packages in the published result; others see that it does, not why.
    let obs_state = state(&obs);
    let reasons = obs_state["results"][0]["packages"].to_string();
    assert!(
        reasons.contains("a red line") || reasons.contains("below its reservation"),
        "{reasons}"
    );
    assert!(
        !reasons.contains("(margin "),
        "an observer reads why only in kind: {reasons}"
    );

    // ru tries to change uk's inputs: a field naming uk is ignored (the actor is the session's),
    // and uk's capabilities are not ru's form fields.
    fac.post_form("/facilitator/open", &[]).unwrap();
    let before = state(&fac)["inputs"]["uk"].clone();
    let mut fields: Vec<(String, String)> = guarantor_exercise::client::move_form(&uk_in);
    fields.push(("actor".into(), "uk".into()));
    fields.push(("who".into(), "delegation:uk".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = ru.post_form("/delegation/move", &refs).unwrap();
    assert!(r.status == 303 || r.status == 422, "{}", r.body);
    let mut ru_move = scenario_inputs("ru");
    ru_move.reservation = 0.0987654;
    let mut fields = guarantor_exercise::client::move_form(&ru_move);
    fields.push(("actor".into(), "uk".into()));
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(ru.post_form("/delegation/move", &refs).unwrap().status, 303);
    // The same move sent again is acknowledged but not logged twice (#17).
    let moves = state(&fac)["moves"].clone();
    let again = ru.post_form("/delegation/move", &refs).unwrap();
    assert_eq!(again.status, 303);
    assert_eq!(
        state(&fac)["moves"],
        moves,
        "a repeated move was logged again"
    );
    let after = state(&fac);
    assert_eq!(after["inputs"]["uk"], before, "uk's inputs changed");
    assert_eq!(after["inputs"]["ru"]["reservation"], 0.0987654);

    // A forged form: uk's cookie without a token, with ru's token, or from another site.
    let uk_cookie = uk.cookie.clone().unwrap();
    let body = form_body(&guarantor_exercise::client::move_form(&uk_in));
    for (extra_body, origin) in [
        (String::new(), None),
        (format!("&csrf={}", ru.csrf.clone().unwrap()), None),
        (
            format!("&csrf={}", uk.csrf.clone().unwrap()),
            Some("http://evil.example"),
        ),
    ] {
        let mut headers = vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", uk_cookie.as_str()),
        ];
        if let Some(o) = origin {
            headers.push(("Origin", o));
        }
        let st = status(
            s.running.addr,
            "POST",
            "/delegation/move",
            &headers,
            &format!("{body}{extra_body}"),
        );
        assert_eq!(st, 403);
    }
    assert_eq!(
        state(&fac)["moves"],
        after["moves"],
        "no forged move was stored"
    );

    // The observer cannot write anything, even with its own CSRF token.
    for spec in ROUTES
        .iter()
        .filter(|r| r.verb == Verb::Post && r.access != Access::Public)
    {
        if spec.path == "/signout" {
            continue;
        }
        assert_eq!(
            obs.post_form(spec.path, &[("actor", "ru"), ("part", "reservation")])
                .unwrap()
                .status,
            403
        );
    }
    assert_eq!(state(&fac)["events"], after["events"]);

    // Guessed session tokens open nothing.
    let mut guess = Client::new(s.running.addr);
    guess.cookie = Some(format!("gx_session={}", "0".repeat(64)));
    assert_eq!(guess.get("/api/state").unwrap().status, 401);

    // After disclosure, everyone sees ru's red lines (they were hidden above),
    // and ru's form no longer promises that only ru and the facilitator see them (#17).
    let promise = "Only your delegation and the facilitator see these values.";
    assert!(ru.get("/delegation").unwrap().body.contains(promise));
    fac.post_form(
        "/facilitator/disclose",
        &[("actor", "ru"), ("part", "red_lines")],
    )
    .unwrap();
    let form = ru.get("/delegation").unwrap().body;
    assert!(!form.contains(promise), "the form still promises privacy");
    assert!(
        form.contains("The facilitator has disclosed your red lines to every participant"),
        "{form}"
    );
    assert!(everything_visible_to(&uk).contains("no_nato_country_ground_troops"));
    assert!(
        !everything_visible_to(&uk).contains("0.0987654"),
        "the reservation stays private"
    );
}

#[test]
fn wrong_codes_are_rate_limited_even_when_the_right_one_follows() {
    let s = start("ratelimit");
    for _ in 0..5 {
        let (r, c) = Client::sign_in(s.running.addr, "delegation:uk", "WRONG-CODE").unwrap();
        assert_eq!(r.status, 401);
        assert!(c.is_none());
    }
    let (r, c) =
        Client::sign_in(s.running.addr, "delegation:uk", &s.codes.delegations["uk"]).unwrap();
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.header("retry-after").is_some());
    assert!(c.is_none());
    // The same address is locked out of other roles too during the back-off.
    let (r, _) = Client::sign_in(s.running.addr, "observer", &s.codes.observer).unwrap();
    assert_eq!(r.status, 429);
    // Unknown roles cost a failure like wrong codes.
    let s2 = start("ratelimit-unknown");
    for _ in 0..5 {
        let (r, _) = Client::sign_in(s2.running.addr, "delegation:zz", "X").unwrap();
        assert_eq!(r.status, 401);
    }
    let (r, _) = Client::sign_in(s2.running.addr, "facilitator", &s2.codes.facilitator).unwrap();
    assert_eq!(r.status, 429);
}

#[test]
fn oversized_bodies_are_refused_and_responses_carry_security_headers() {
    let s = start("limits");
    let fac = s.sign_in("facilitator");
    let big = format!(
        "csrf={}&x={}",
        fac.csrf.clone().unwrap(),
        "a".repeat(100_000)
    );
    let r = fac.post_raw("/facilitator/open", &big, &[]).unwrap();
    assert_eq!(r.status, 413);
    let r = Client::new(s.running.addr)
        .post_raw("/signin", &"a".repeat(100_000), &[])
        .unwrap();
    assert_eq!(r.status, 413);
    let r = fac.get("/facilitator").unwrap();
    let csp = r.header("content-security-policy").unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.header("x-frame-options"), Some("DENY"));
    assert_eq!(r.header("cache-control"), Some("no-store"));
    // A page on another site whose DNS name was rebound to 127.0.0.1 reaches nothing.
    for path in ["/", "/api/state", "/static/app.js"] {
        let got = status(
            s.running.addr,
            "GET",
            path,
            &[("Host", "evil.example:80")],
            "",
        );
        assert_eq!(got, 421, "{path}");
    }
    let got = status(
        s.running.addr,
        "GET",
        "/api/state",
        &[
            ("Host", "localhost"),
            ("Cookie", fac.cookie.as_deref().unwrap()),
        ],
        "",
    );
    assert_eq!(got, 200);
    // The page has no inline script and loads nothing from other hosts.
    assert!(
        !r.body.contains("<script>") && !r.body.contains("http://") && !r.body.contains("https://")
    );
}

#[test]
fn wrong_codes_sent_all_at_once_are_still_limited_to_five_checks() {
    let s = start("ratelimit-burst");
    let addr = s.running.addr;
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..20)
            .map(|i| {
                scope.spawn(move || {
                    let (r, _) = Client::sign_in(addr, "observer", &format!("GUESS-{i}")).unwrap();
                    r.status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let checked = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!((checked, refused), (5, 15), "{statuses:?}");
}

#[test]
fn a_declared_length_above_the_limit_is_refused_before_the_body_arrives() {
    // Reproduction (#17): a Content-Length of 10 GB was waited for. The
    // request below sends its head and a few bytes, then waits for the answer
    // without closing: it must be 413 at once (the read times out otherwise).
    let s = start("declared-length");
    let fac = s.sign_in("facilitator");
    let mut c = TcpStream::connect(s.running.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /facilitator/open HTTP/1.1\r\nHost: {}\r\nOrigin: http://{}\r\nCookie: {}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000000000\r\n\r\ncsrf={}",
        s.running.addr,
        s.running.addr,
        fac.cookie.as_deref().unwrap(),
        fac.csrf.as_deref().unwrap()
    );
    c.write_all(head.as_bytes()).unwrap();
    let mut line = String::new();
    BufReader::new(c)
        .read_line(&mut line)
        .expect("an answer before the body is sent");
    assert_eq!(line.split_whitespace().nth(1), Some("413"), "{line}");
}

#[test]
fn an_event_stream_ends_when_its_session_does() {
    // Reproduction (#17): an open /events stream kept delivering after its
    // delegation signed out.
    let s = start("stream-sign-out");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let mut c = TcpStream::connect(s.running.addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "GET /events HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {}\r\n\r\n",
        s.running.addr,
        ru.cookie.as_deref().unwrap()
    );
    c.write_all(head.as_bytes()).unwrap();
    let mut reader = BufReader::new(c);
    let mut line = String::new();
    while !line.starts_with("event: sync") {
        line.clear();
        assert!(
            reader.read_line(&mut line).unwrap() > 0,
            "stream closed early"
        );
    }
    assert_eq!(ru.post_form("/signout", &[]).unwrap().status, 303);
    fac.post_form("/facilitator/open", &[]).unwrap();
    // Whatever is read now, the round's event is not, and the stream ends.
    let mut rest = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => rest.push_str(&line),
            Err(e) => panic!("the stream stayed open after sign-out: {e}; read {rest:?}"),
        }
    }
    assert!(!rest.contains("round_opened"), "{rest}");
}
