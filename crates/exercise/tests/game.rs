//! The game around the rounds over real HTTP: injects (scripted and live),
//! the in-game clock and stages, the adjudication band and the override, the
//! debrief, notes, lessons learned, the after-action report and the exports
//! by round; and every route × role × stage.

use crate::common;

use common::*;
use guarantor_engine::{EvalOptions, evaluate};
use guarantor_exercise::client::Client;
use guarantor_exercise::game::Stage;
use guarantor_exercise::outcome::Adjudication;
use guarantor_exercise::routes::{ROUTES, Verb, stage_refusal};
use guarantor_exercise::state::Principal;

/// The default scenario with the fixture's two injects (tests/fixtures/injects.toml).
pub fn scenario_with_injects() -> guarantor_model::Scenario {
    let text = format!(
        "{}\n{}",
        guarantor_model::DEFAULT_SCENARIO,
        include_str!("fixtures/injects.toml")
    );
    guarantor_model::load("default+injects.toml", &text).unwrap()
}

#[test]
fn a_bad_inject_in_a_scenario_is_refused_with_its_line_and_fix() {
    let bad = "\n[[injects]]\nid = \"x\"\nround = 2\ntext = \"t\"\nset = [\"actors.ru.reservaton=0.7\"]\n";
    let text = format!("{}{bad}", guarantor_model::DEFAULT_SCENARIO);
    let err = guarantor_model::load("bad.toml", &text).unwrap_err();
    let located = err.located();
    assert_eq!(located.len(), 1, "{located:?}");
    let p = &located[0];
    assert!(
        p.message
            .starts_with("inject \"x\": unknown path: path \"actors.ru.reservaton\""),
        "{}",
        p.message
    );
    assert_eq!(
        p.kind,
        guarantor_model::diagnostic::ProblemKind::UnknownReference
    );
    let help = p.help.as_deref().unwrap_or("");
    assert!(
        help.starts_with("did you mean \"actors.ru.reservation\"?"),
        "{help}"
    );
    let lines = guarantor_model::DEFAULT_SCENARIO.lines().count();
    assert_eq!(
        p.line,
        lines + 6,
        "the line of the `set` key, not of [[injects]]"
    );
    // A fractional round and an unknown target are refused too.
    let bad = "\n[[injects]]\nid = \"y\"\nround = 1.5\ntext = \"t\"\ntargets = [\"martians\"]\n";
    let err = guarantor_model::load(
        "bad.toml",
        &format!("{}{bad}", guarantor_model::DEFAULT_SCENARIO),
    )
    .unwrap_err();
    let all: Vec<String> = err.located().into_iter().map(|p| p.message).collect();
    assert!(
        all.iter().any(|m| m.contains("whole round number")),
        "{all:?}"
    );
}

fn principal(role: &str) -> Principal {
    match role {
        "facilitator" => Principal::Facilitator,
        "observer" => Principal::Observer,
        "notetaker" => Principal::Notetaker,
        _ => Principal::Delegation("ru".into()),
    }
}

const ROLES: [&str; 4] = ["facilitator", "observer", "notetaker", "delegation:ru"];

/// Who may use each route and in which stages, decided here independently
/// of the route table: a new route fails the test until it is added.
fn expected(verb: Verb, path: &str) -> (&'static [&'static str], &'static [Stage]) {
    use Stage::*;
    const ALL: &[&str] = &["facilitator", "observer", "notetaker", "delegation:ru"];
    const FAC: &[&str] = &["facilitator"];
    const DEL: &[&str] = &["delegation:ru"];
    const NOTES: &[&str] = &["facilitator", "notetaker"];
    const EDIT: &[&str] = &["facilitator", "notetaker", "delegation:ru"];
    const ANY: &[Stage] = &[Setup, Planning, Negotiation, Adjudication, Debrief];
    const MOVING: &[Stage] = &[Planning, Negotiation];
    const NOT_ADJ: &[Stage] = &[Setup, Planning, Negotiation, Debrief];
    const STARTED: &[Stage] = &[Planning, Negotiation, Adjudication, Debrief];
    match (verb, path) {
        (Verb::Get, "/" | "/static/app.js" | "/static/app.css") | (Verb::Post, "/signin") => {
            (ALL, ANY)
        }
        (Verb::Post, "/signout")
        | (Verb::Get, "/public" | "/api/state" | "/events" | "/debrief" | "/lessons") => (ALL, ANY),
        (Verb::Get, "/delegation") => (DEL, ANY),
        (Verb::Post, "/delegation/move") => (DEL, MOVING),
        (Verb::Get, "/facilitator" | "/api/export" | "/report/after-action")
        | (Verb::Get, "/export/events.csv" | "/export/events.json" | "/export/events.parquet")
        | (Verb::Post, "/facilitator/disclose" | "/facilitator/reissue") => (FAC, ANY),
        (Verb::Post, "/facilitator/open") => (FAC, &[Setup, Debrief]),
        (Verb::Post, "/facilitator/close") => (FAC, MOVING),
        (Verb::Post, "/facilitator/clock") => (FAC, &[Setup]),
        (Verb::Post, "/facilitator/time") => (FAC, MOVING),
        (Verb::Post, "/facilitator/advance" | "/facilitator/inject") => (FAC, NOT_ADJ),
        (Verb::Post, "/facilitator/override") => (FAC, &[Debrief]),
        (Verb::Get, "/notes") => (NOTES, ANY),
        (Verb::Post, "/notes/add") => (NOTES, STARTED),
        (Verb::Post, "/lessons/write") => (EDIT, STARTED),
        (v, p) => panic!("route {v:?} {p} is new: decide who may use it in which stage, here"),
    }
}

#[test]
fn every_route_role_and_stage_is_decided_by_the_route_table() {
    let mut checked = 0;
    for spec in ROUTES {
        if matches!(spec.path, p if p.starts_with("/api/") && p != "/api/state" && p != "/api/export")
        {
            // The JSON API's own routes are another module's (#17 item 6).
            continue;
        }
        let (roles, stages) = expected(spec.verb, spec.path);
        for role in ROLES {
            let public = spec.access == guarantor_exercise::routes::Access::Public;
            assert_eq!(
                spec.access.allows(Some(&principal(role))),
                public || roles.contains(&role),
                "{:?} {} for {role}",
                spec.verb,
                spec.path
            );
            for stage in Stage::ALL {
                assert_eq!(
                    stage_refusal(spec, stage).is_none(),
                    stages.contains(&stage),
                    "{:?} {} in {stage:?}",
                    spec.verb,
                    spec.path
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 4 * 5 * 28, "{checked}");
}

/// Over HTTP, in each stage a live server passes through: every GET answers
/// 200 to the roles that may use it and 403 to the others; every POST is
/// refused with 403 to the others and, in a stage it is closed in, with 409
/// naming the stage (POSTs that would succeed are the flow test's).
#[test]
fn every_route_answers_each_role_as_the_table_says_in_each_stage() {
    let s = start("stages");
    let clients: Vec<(&str, Client)> = ROLES.iter().map(|r| (*r, s.sign_in(r))).collect();
    let fac = &clients[0].1;
    let walk = |stage: Stage| {
        for spec in ROUTES {
            if spec.path == "/events"
                || spec.path == "/signout"
                || spec.access == guarantor_exercise::routes::Access::Public
                || (spec.path.starts_with("/api/")
                    && spec.path != "/api/state"
                    && spec.path != "/api/export")
            {
                continue;
            }
            let (roles, stages) = expected(spec.verb, spec.path);
            for (role, c) in &clients {
                let allowed = roles.contains(role);
                match spec.verb {
                    Verb::Get => {
                        let r = c.get(spec.path).unwrap();
                        let want = if allowed { 200 } else { 403 };
                        assert_eq!(
                            r.status, want,
                            "GET {} as {role} in {stage:?}: {}",
                            spec.path, r.body
                        );
                    }
                    Verb::Post if !allowed => {
                        let r = c.post_form(spec.path, &[]).unwrap();
                        assert_eq!(r.status, 403, "POST {} as {role} in {stage:?}", spec.path);
                    }
                    Verb::Post if !stages.contains(&stage) => {
                        let r = c.post_form(spec.path, &[]).unwrap();
                        assert_eq!(
                            r.status, 409,
                            "POST {} as {role} in {stage:?}: {}",
                            spec.path, r.body
                        );
                        assert!(
                            r.body
                                .contains(&format!("the exercise is in {}", stage.as_str())),
                            "{}",
                            r.body
                        );
                    }
                    Verb::Post => {}
                }
            }
        }
    };
    walk(Stage::Setup);
    let advance = || {
        let r = fac.post_form("/facilitator/advance", &[]).unwrap();
        assert_eq!(r.status, 303, "{}", r.body);
    };
    advance();
    assert_eq!(state(fac)["stage"], "planning");
    walk(Stage::Planning);
    advance();
    assert_eq!(state(fac)["stage"], "negotiation");
    walk(Stage::Negotiation);
    advance();
    assert_eq!(state(fac)["stage"], "debrief");
    walk(Stage::Debrief);
}

fn json_f64(v: &serde_json::Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

#[test]
fn three_rounds_with_injects_an_override_notes_lessons_and_the_after_action_report() {
    let s = start_on("game", scenario_with_injects());
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let uk = s.sign_in("delegation:uk");
    let ua = s.sign_in("delegation:ua");
    let obs = s.sign_in("observer");
    let nt = s.sign_in("notetaker");

    // The clock: round 1 on 2025-09-01, 14 days a round.
    let r = fac
        .post_form(
            "/facilitator/clock",
            &[("start", "2025-09-31"), ("interval", "14")],
        )
        .unwrap();
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("not a date"), "{}", r.body);
    let r = fac
        .post_form(
            "/facilitator/clock",
            &[("start", "2025-09-01"), ("interval", "14")],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);

    // Round 1: planning, then negotiation, then the verdict.
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    let st = state(&obs);
    assert_eq!(st["stage"], "planning");
    assert_eq!(st["in_game_date"], "2025-09-01");
    let mut ru_in = scenario_inputs("ru");
    ru_in.reservation = 0.3;
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 303);
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    assert_eq!(state(&obs)["stage"], "negotiation");
    let mut uk_in = scenario_inputs("uk");
    uk_in.inventory.get_mut("brigades").unwrap().count = 40.0;
    assert_eq!(
        uk.submit_move(&uk_in).unwrap().status,
        303,
        "moves stay open in negotiation"
    );
    let r = nt
        .post_form(
            "/notes/add",
            &[
                ("kind", "moment"),
                ("text", "UK offers 40 brigades in negotiation"),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    let st = state(&fac);
    assert_eq!(st["stage"], "debrief");
    // The band: P(pass) and cost quantiles of the first-ranked package.
    let band = &st["bands"]["1"]["Ok"];
    let (p, worst, best) = (
        json_f64(&band["p_pass"]),
        json_f64(&band["p_pass_worst"]),
        json_f64(&band["p_pass_best"]),
    );
    assert!(
        (0.0..=1.0).contains(&p) && worst <= p && p <= best,
        "{band}"
    );
    let (c5, c50, c95) = (
        json_f64(&band["cost_p5"]),
        json_f64(&band["cost_p50"]),
        json_f64(&band["cost_p95"]),
    );
    assert!(0.0 < c5 && c5 <= c50 && c50 <= c95, "{band}");
    assert_eq!(band["draws"], 64);
    // Delegations' own inputs are not drawn: of the 26 declarations, 3 are on
    // reservations, 3 on red lines and 3 on deployable shares.
    assert_eq!(band["uncertainties"], 17, "{band}");
    // No move once the round is in debrief.
    let r = ru.submit_move(&ru_in).unwrap();
    assert_eq!(r.status, 409);
    assert!(r.body.contains("the exercise is in debrief"), "{}", r.body);

    // Round 2 opens with the scripted inject: Russia's harder line.
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    let st = state(&obs);
    assert_eq!(st["in_game_date"], "2025-09-15");
    assert_eq!(st["injects"][0]["inject"]["id"], "ru_legitimate_targets");
    assert_eq!(st["injects"][0]["live"], false);
    // Its changes to ru's private inputs reach others only in kind.
    assert_eq!(
        st["injects"][0]["inject"]["set"],
        serde_json::json!([
            "a change to ru's reservation (private)",
            "a new red line of ru (private)"
        ])
    );
    assert!(
        !obs.get("/public")
            .unwrap()
            .body
            .contains("reservation=0.65")
    );
    assert_eq!(
        state(&ru)["injects"][0]["inject"]["set"][0],
        "actors.ru.reservation=0.65"
    );
    let own = &state(&ru)["own_inputs"];
    assert_eq!(own["reservation"], 0.65, "the inject replaced ru's 0.3");
    assert_eq!(own["red_lines"]["no_foreign_ground_force"], true);
    // ru moves on the scenario as the inject left it (its new red line in the form).
    let mut ru_in2: guarantor_exercise::state::PrivateInputs =
        serde_json::from_value(own.clone()).unwrap();
    ru_in2.reservation = 0.62;
    let r = ru.submit_move(&ru_in2).unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    // A live inject for Ukraine's delegation only.
    let r = fac
        .post_form(
            "/facilitator/inject",
            &[
                ("text", "Kyiv hears that Washington will not send aircraft"),
                ("target", "ua"),
                ("set", "actors.us.reservation=0.7"),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    let bad = fac
        .post_form(
            "/facilitator/inject",
            &[("text", "x"), ("set", "actors.us.reservaton=0.7")],
        )
        .unwrap();
    assert_eq!(bad.status, 409);
    assert!(
        bad.body.contains("did you mean \"actors.us.reservation\""),
        "{}",
        bad.body
    );
    assert_eq!(state(&ua)["injects"].as_array().unwrap().len(), 2);
    assert_eq!(
        state(&obs)["injects"].as_array().unwrap().len(),
        1,
        "the live inject is ua's only"
    );
    assert!(!obs.get("/public").unwrap().body.contains("Kyiv hears"));
    assert!(ua.get("/delegation").unwrap().body.contains("Kyiv hears"));
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    assert_eq!(state(&obs)["stage"], "debrief");

    // Round 2 was adjudicated on the scenario as the injects left it.
    let export = fac.get("/api/export").unwrap().json().unwrap();
    let published: Adjudication =
        serde_json::from_value(export["results"][1]["result"]["Ok"].clone()).unwrap();
    let mut by_hand = scenario_with_injects();
    for inj in by_hand.injects.clone().iter().filter(|i| i.round == 2) {
        guarantor_model::injects::apply_inject(&mut by_hand, inj).unwrap();
    }
    let us_reservation = guarantor_model::resolve(&by_hand, "actors.us.reservation").unwrap();
    let ru_reservation = guarantor_model::resolve(&by_hand, "actors.ru.reservation").unwrap();
    guarantor_model::apply(
        &mut by_hand,
        &[us_reservation, ru_reservation],
        &[0.7, 0.62],
    );
    by_hand
        .actors
        .iter_mut()
        .find(|a| a.id == "uk")
        .unwrap()
        .inventory
        .get_mut("brigades")
        .unwrap()
        .count = 40.0;
    let direct = evaluate(&by_hand, &EvalOptions::default()).unwrap();
    assert!(published == Adjudication::from_evaluation(&direct));
    // Russia's new red line rejects every package with a ground force.
    assert!(
        published.rejected_by["ru"] >= 6912,
        "{:?}",
        published.rejected_by
    );

    // The facilitator overrides round 2, outside the band, with a reason.
    let r = fac
        .post_form(
            "/facilitator/override",
            &[
                ("round", "2"),
                ("ruling", "passes"),
                ("p_pass", "1"),
                ("reason", ""),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 409, "a reason is required");
    let r = fac
        .post_form(
            "/facilitator/override",
            &[
                ("round", "2"),
                ("ruling", "passes"),
                ("p_pass", "1"),
                ("reason", "Moscow signalled flexibility in the back channel"),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    let st = state(&obs);
    assert_eq!(st["overrides"][0]["ruling"], "passes");
    let band2 = &st["bands"]["2"]["Ok"];
    let inside = json_f64(&band2["p_pass_best"]) >= 1.0;
    assert_eq!(st["overrides"][0]["inside_band"], inside);
    for c in [&obs, &ru, &fac] {
        let page = c.get("/public").unwrap().body;
        assert!(page.contains("Overridden by the facilitator"), "{page}");
    }

    // Round 3: the UK-and-France inject.
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    assert_eq!(state(&obs)["in_game_date"], "2025-09-29");
    assert_eq!(
        state(&uk)["own_inputs"]["inventory"]["fighters"]["count"],
        120.0
    );
    assert!(
        uk.get("/delegation")
            .unwrap()
            .body
            .contains("grounds part of the RAF")
    );
    assert!(
        nt.get("/notes")
            .unwrap()
            .body
            .contains("grounds part of the RAF")
    );
    assert!(
        !ru.get("/delegation")
            .unwrap()
            .body
            .contains("grounds part of the RAF")
    );
    assert!(
        !obs.get("/public")
            .unwrap()
            .body
            .contains("grounds part of the RAF")
    );
    let r = nt
        .post_form(
            "/notes/add",
            &[
                ("kind", "quote"),
                ("text", "\"We cannot fly what is grounded\" (UK)"),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303);
    assert_eq!(
        obs.post_form("/notes/add", &[("kind", "note"), ("text", "x")])
            .unwrap()
            .status,
        403
    );
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );

    // Lessons learned: several roles write and rewrite; the observer reads.
    assert_eq!(
        uk.post_form(
            "/lessons/write",
            &[
                ("lesson", ""),
                ("text", "Air capacity decides the no-fly options")
            ]
        )
        .unwrap()
        .status,
        303
    );
    assert_eq!(
        nt.post_form(
            "/lessons/write",
            &[
                ("lesson", "1"),
                ("text", "Air capacity, not will, decides the no-fly options")
            ]
        )
        .unwrap()
        .status,
        303
    );
    assert_eq!(
        obs.post_form("/lessons/write", &[("text", "x")])
            .unwrap()
            .status,
        403
    );
    assert_eq!(
        fac.post_form("/lessons/write", &[("lesson", "9"), ("text", "x")])
            .unwrap()
            .status,
        409
    );
    let st = state(&obs);
    assert_eq!(
        st["lessons"][0]["text"],
        "Air capacity, not will, decides the no-fly options"
    );
    assert_eq!(st["lessons"][0]["versions"].as_array().unwrap().len(), 2);
    assert!(
        st.get("notes").is_none(),
        "notes are for the notetaker and the facilitator"
    );

    // The debrief of round 2: the inject, the override, the verdict change;
    // ru's changes only to ru and the facilitator.
    let ru_view = ru.get("/debrief?round=1").unwrap().body;
    assert!(ru_view.contains("reservation 0.6 → 0.3"), "{ru_view}");
    let obs_view = obs.get("/debrief?round=1").unwrap().body;
    assert!(!obs_view.contains("0.6 → 0.3"));
    assert!(obs_view.contains("its changes are private to the delegation"));
    // An inject's change is the inject's, not the delegation's move.
    let fac_view = fac.get("/debrief?round=3").unwrap().body;
    assert!(!fac_view.contains("offer of fighters"), "{fac_view}");
    let fac_view = fac.get("/debrief?round=2").unwrap().body;
    assert!(fac_view.contains("reservation 0.65 → 0.62"), "{fac_view}");
    let d2 = obs.get("/debrief?round=2").unwrap().body;
    assert!(
        d2.contains("legitimate targets") && d2.contains("Overridden by the facilitator"),
        "{d2}"
    );
    assert!(!d2.contains("Kyiv hears"));
    assert_eq!(obs.get("/debrief?round=7").unwrap().status, 200);

    // The after-action report: self-contained, with everything.
    let aar = fac.get("/report/after-action").unwrap();
    assert_eq!(aar.status, 200);
    let csp = aar.header("content-security-policy").unwrap();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    for want in [
        "After-action report",
        "legitimate targets",
        "Kyiv hears",
        "grounds part of the RAF",
        "Overridden by the facilitator",
        "Moscow signalled flexibility",
        "UK offers 40 brigades",
        "We cannot fly what is grounded",
        "Air capacity, not will",
        "2025-09-29",
    ] {
        assert!(aar.body.contains(want), "the report lacks {want}");
    }
    assert!(!aar.body.contains("<script") && !aar.body.contains("href=\"/static"));
    assert_eq!(nt.get("/report/after-action").unwrap().status, 403);

    // Exports by round: every row with its round and in-game date.
    let csv = fac.get("/export/events.csv?round=2").unwrap().body;
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("round,in_game_date,seq,recorded_at_ms,kind,who,summary")
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 6, "{csv}");
    assert!(rows.iter().all(|l| l.starts_with("2,2025-09-15,")), "{csv}");
    assert!(
        rows.iter().any(|l| l.contains("OVERRIDE of round 2")),
        "{csv}"
    );
    let json = fac
        .get("/export/events.json?round=3")
        .unwrap()
        .json()
        .unwrap();
    let rows = json["rows"].as_array().unwrap();
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["round"] == 3 && r["in_game_date"] == "2025-09-29")
    );
    assert_eq!(json["results"].as_array().unwrap().len(), 1);
    assert!(json["overrides"].as_array().unwrap().is_empty());
}

/// The columns of one Parquet export, read back as JSON rows shaped like the
/// JSON export's (`event` parsed back from its JSON text).
fn parquet_rows(bytes: Vec<u8>) -> (Vec<serde_json::Value>, Vec<(String, String)>) {
    use arrow_array::{Array, StringArray, UInt32Array, UInt64Array};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    assert_eq!(&bytes[..4], b"PAR1");
    let b = ParquetRecordBatchReaderBuilder::try_new(axum::body::Bytes::from(bytes)).unwrap();
    let meta: Vec<(String, String)> = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    let names: Vec<String> = b
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, guarantor_exercise::debrief::PARQUET_COLUMNS);
    let mut out = Vec::new();
    for batch in b.build().unwrap() {
        let batch = batch.unwrap();
        let text = |i: usize| {
            batch
                .column(i)
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .clone()
        };
        let u64s = |i: usize| {
            batch
                .column(i)
                .as_any()
                .downcast_ref::<UInt64Array>()
                .unwrap()
                .clone()
        };
        let round = batch
            .column(0)
            .as_any()
            .downcast_ref::<UInt32Array>()
            .unwrap()
            .clone();
        let (date, seq, at, kind, who, summary, event) = (
            text(1),
            u64s(2),
            u64s(3),
            text(4),
            text(5),
            text(6),
            text(7),
        );
        for i in 0..batch.num_rows() {
            assert!(!round.is_null(i) && !event.is_null(i));
            out.push(serde_json::json!({
                "round": round.value(i),
                "in_game_date": date.value(i),
                "seq": seq.value(i),
                "recorded_at_ms": at.value(i),
                "kind": kind.value(i),
                "who": who.value(i),
                "summary": summary.value(i),
                "event": serde_json::from_str::<serde_json::Value>(event.value(i)).unwrap(),
            }));
        }
    }
    (out, meta)
}

#[test]
fn the_parquet_export_by_round_reads_back_as_the_json_export_row_by_row() {
    let s = start_on("parquet", scenario_with_injects());
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let obs = s.sign_in("observer");
    let advance = || {
        let r = fac.post_form("/facilitator/advance", &[]).unwrap();
        assert_eq!(r.status, 303, "{}", r.body);
    };
    advance(); // round 1, planning
    let mut ru_in = scenario_inputs("ru");
    ru_in.reservation = 0.3;
    assert_eq!(ru.submit_move(&ru_in).unwrap().status, 303);
    let r = fac
        .post_form(
            "/facilitator/inject",
            &[
                ("text", "a comma, a \"quote\" and ünïcode"),
                ("target", "ru"),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    advance(); // negotiation
    advance(); // closed, adjudicated: debrief
    advance(); // round 2 opens with its scripted inject

    for (query, round) in [("", None), ("?round=1", Some(1)), ("?round=2", Some(2))] {
        let (status, bytes) = get_bytes(&fac, &format!("/export/events.parquet{query}"));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        let (rows, meta) = parquet_rows(bytes);
        let json = fac
            .get(&format!("/export/events.json{query}"))
            .unwrap()
            .json()
            .unwrap();
        let want = json["rows"].as_array().unwrap();
        assert_eq!(rows.len(), want.len(), "{query}");
        for (got, want) in rows.iter().zip(want) {
            assert_eq!(got, want, "{query}");
        }
        assert!(
            meta.contains(&(
                "guarantor.format".into(),
                "guarantor-exercise-events/1".into()
            )),
            "{meta:?}"
        );
        let filter = round.map(|r: u32| r.to_string()).unwrap_or_default();
        assert!(
            meta.contains(&("guarantor.round".into(), filter)),
            "{meta:?}"
        );
        if let Some(r) = round {
            assert!(rows.iter().all(|row| row["round"] == r), "{query}");
        }
    }
    // Hand-checked: round 1 holds its opening, ru's move, the live inject, the
    // negotiation, the close, the verdict and the band, all on 2025-… round 1's date.
    let (_, bytes) = get_bytes(&fac, "/export/events.parquet?round=1");
    let (rows, _) = parquet_rows(bytes);
    let kinds: Vec<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "round_opened",
            "move_submitted",
            "inject_released",
            "negotiation_started",
            "round_closed",
            "round_adjudicated",
            "band_computed"
        ]
    );
    let date = state(&fac)["clock"]["start"].as_str().unwrap().to_string();
    assert!(rows.iter().all(|r| r["in_game_date"] == date.as_str()));
    assert_eq!(rows[1]["who"], "ru");
    assert_eq!(
        rows[2]["summary"],
        "live inject live-4: a comma, a \"quote\" and ünïcode"
    );
    // The same access rule as CSV and JSON: the facilitator only.
    assert_eq!(get_bytes(&obs, "/export/events.parquet").0, 403);
    assert_eq!(get_bytes(&ru, "/export/events.parquet?round=1").0, 403);
}

/// The default scenario with three injects at in-game times instead of rounds.
fn scenario_with_timed_injects() -> guarantor_model::Scenario {
    let timed = r#"
[[injects]]
id = "day_four"
day = 4
text = "Day four: Moscow hardens its terms."
set = ["actors.ru.reservation=0.7"]

[[injects]]
id = "tenth"
date = 2025-09-10
text = "The tenth: a leak about air defence stocks."

[[injects]]
id = "twentieth"
date = "2025-09-20"
text = "The twentieth: a ceasefire violation is reported."
targets = ["ua"]
"#;
    guarantor_model::load(
        "default+timed.toml",
        &format!("{}\n{timed}", guarantor_model::DEFAULT_SCENARIO),
    )
    .unwrap()
}

#[test]
fn injects_at_an_in_game_day_or_date_are_released_when_the_clock_reaches_them() {
    let s = start_on("timed", scenario_with_timed_injects());
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let ids = |c: &Client| -> Vec<String> {
        state(c)["injects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["inject"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let post = |path: &str, fields: &[(&str, &str)]| fac.post_form(path, fields).unwrap();

    // A clock that starts after a dated inject would put it before the game.
    let r = post(
        "/facilitator/clock",
        &[("start", "2025-09-12"), ("interval", "14")],
    );
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(
        r.body
            .contains("inject tenth is dated 2025-09-10, before round 1"),
        "{}",
        r.body
    );
    let r = post(
        "/facilitator/clock",
        &[("start", "2025-09-01"), ("interval", "14")],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    // The clock moves only within an open round.
    assert_eq!(
        post("/facilitator/time", &[("date", "2025-09-05")]).status,
        409
    );

    assert_eq!(post("/facilitator/advance", &[]).status, 303);
    assert!(ids(&fac).is_empty(), "day 4 is not 2025-09-01");
    assert_eq!(state(&fac)["in_game_date"], "2025-09-01");
    // Day 4 (2025-09-04) falls due when the clock passes it.
    assert_eq!(
        post("/facilitator/time", &[("date", "2025-09-05")]).status,
        303
    );
    assert_eq!(ids(&fac), ["day_four"]);
    let st = state(&ru);
    assert_eq!(st["in_game_date"], "2025-09-05");
    assert_eq!(st["injects"][0]["date"], "2025-09-05");
    assert_eq!(st["own_inputs"]["reservation"], 0.7, "applied from then on");
    // Not backwards, not beyond the round (round 2 opens on 2025-09-15).
    for (field, value) in [
        ("date", "2025-09-03"),
        ("date", "2025-09-15"),
        ("days", "0"),
        ("date", "2025-09-31"),
    ] {
        let r = post("/facilitator/time", &[(field, value)]);
        assert!(
            matches!(r.status, 409 | 422),
            "{field}={value}: {} {}",
            r.status,
            r.body
        );
    }
    let r = post("/facilitator/time", &[("date", "2025-09-15")]);
    assert!(r.body.contains("up to 2025-09-14"), "{}", r.body);
    assert_eq!(state(&fac)["in_game_date"], "2025-09-05");

    // The round closes before the clock reached the tenth: the round's date
    // range decides, and the clock moves to the tenth to release it.
    assert_eq!(post("/facilitator/advance", &[]).status, 303);
    assert_eq!(post("/facilitator/advance", &[]).status, 303);
    assert_eq!(state(&fac)["stage"], "debrief");
    assert_eq!(ids(&fac), ["day_four", "tenth"]);
    assert_eq!(state(&fac)["injects"][1]["date"], "2025-09-10");

    // Round 2 (2025-09-15): the twentieth comes five days on.
    assert_eq!(post("/facilitator/advance", &[]).status, 303);
    assert_eq!(ids(&fac).len(), 2);
    assert_eq!(post("/facilitator/time", &[("days", "4")]).status, 303);
    assert_eq!(ids(&fac).len(), 2, "2025-09-19 is before the twentieth");
    assert_eq!(post("/facilitator/time", &[("days", "1")]).status, 303);
    assert_eq!(ids(&fac), ["day_four", "tenth", "twentieth"]);
    assert!(!ids(&ru).contains(&"twentieth".to_string()), "ua's only");

    // Every event row carries the in-game date the clock showed.
    let csv = fac.get("/export/events.csv").unwrap().body;
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let by_kind = |kind: &str| -> Vec<(String, String)> {
        rows.iter()
            .filter(|r| r[4] == kind)
            .map(|r| (r[0].to_string(), r[1].to_string()))
            .collect()
    };
    let r = |round: &str, date: &str| (round.to_string(), date.to_string());
    assert_eq!(
        by_kind("inject_released"),
        [
            r("1", "2025-09-05"),
            r("1", "2025-09-10"),
            r("2", "2025-09-20")
        ]
    );
    assert_eq!(
        by_kind("clock_advanced"),
        [
            r("1", "2025-09-05"),
            r("1", "2025-09-10"),
            r("2", "2025-09-19"),
            r("2", "2025-09-20")
        ]
    );
    assert_eq!(
        by_kind("round_opened"),
        [r("1", "2025-09-01"), r("2", "2025-09-15")]
    );
    assert_eq!(by_kind("round_closed"), [r("1", "2025-09-10")]);
}

#[test]
fn a_live_inject_adds_and_drops_red_lines_checked_like_scripted_ones() {
    let s = start("live-red-lines");
    let fac = s.sign_in("facilitator");
    let ru = s.sign_in("delegation:ru");
    let obs = s.sign_in("observer");
    assert_eq!(
        fac.post_form("/facilitator/advance", &[]).unwrap().status,
        303
    );
    let scenario = guarantor_model::default_scenario();
    let dropped = scenario.actor("ru").unwrap().red_lines[0].id.clone();
    let add = "actor = \"ru\"\nid = \"no_monitors\"\nkind = \"option\"\ncomponent = \"ground_force\"\noptions = [\"trainers_monitors\"]\nhardness = \"stated\"\nstatement = \"Not even monitors.\"";
    // Checked like scripted ones: a typo in the red line, an unknown line to drop.
    let r = fac
        .post_form(
            "/facilitator/inject",
            &[
                ("text", "x"),
                ("add_red_line", &add.replace("ground_force", "ground_forse")),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("ground_forse"), "{}", r.body);
    let r = fac
        .post_form(
            "/facilitator/inject",
            &[("text", "x"), ("drop_red_line", "ru/no_such_line")],
        )
        .unwrap();
    assert_eq!(r.status, 409, "{}", r.body);
    assert!(r.body.contains("no_such_line"), "{}", r.body);
    assert!(state(&fac)["injects"].as_array().unwrap().is_empty());

    let drop = format!("ru/{dropped}");
    let r = fac
        .post_form(
            "/facilitator/inject",
            &[
                ("text", "Moscow swaps one condition for another"),
                ("drop_red_line", &drop),
                ("add_red_line", add),
            ],
        )
        .unwrap();
    assert_eq!(r.status, 303, "{}", r.body);
    // Applied from then on: ru's inputs follow (the new line held, the old gone).
    let own = &state(&ru)["own_inputs"]["red_lines"];
    assert_eq!(own["no_monitors"], true, "{own}");
    assert!(own.get(&dropped).is_none(), "{own}");
    // Logged, and shown to others only in kind.
    let seen = &state(&obs)["injects"][0]["inject"];
    assert_eq!(
        seen["set"],
        serde_json::json!([
            "a change to ru's red lines (private)",
            "a new red line of ru (private)"
        ]),
        "{seen}"
    );
    let export = fac.get("/api/export").unwrap().json().unwrap();
    let released = export["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"]["type"] == "inject_released")
        .unwrap();
    let inject = &released["event"]["inject"];
    assert_eq!(inject["add_red_lines"][0]["id"], "no_monitors");
    assert_eq!(
        inject["set"][0],
        format!("actors.ru.red_lines.{dropped}.holds=0")
    );
    // The round is adjudicated on the scenario as the live inject left it.
    for _ in 0..2 {
        assert_eq!(
            fac.post_form("/facilitator/advance", &[]).unwrap().status,
            303
        );
    }
    let export = fac.get("/api/export").unwrap().json().unwrap();
    let published: Adjudication =
        serde_json::from_value(export["results"][0]["result"]["Ok"].clone()).unwrap();
    let inj: guarantor_model::injects::Inject = serde_json::from_value(inject.clone()).unwrap();
    let mut by_hand = guarantor_model::default_scenario();
    guarantor_model::injects::apply_inject(&mut by_hand, &inj).unwrap();
    let direct = evaluate(&by_hand, &EvalOptions::default()).unwrap();
    assert!(published == Adjudication::from_evaluation(&direct));
    let before = evaluate(&scenario, &EvalOptions::default()).unwrap();
    assert!(
        published != Adjudication::from_evaluation(&before),
        "the inject changed the verdict"
    );
}
