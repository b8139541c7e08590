//! The JSON API over real HTTP: bearer tokens, the same authorization as the
//! pages, and the OpenAPI document checked against the real route table.

use crate::common;

use std::collections::BTreeSet;

use common::*;
use guarantor_exercise::api::{API_DOCS, roles};
use guarantor_exercise::client::{Client, Response};
use guarantor_exercise::routes::{Access, ROUTES, Verb};
use serde_json::{Value, json};

/// A bearer token for `who` from `POST /api/token`.
fn token(s: &Server, who: &str) -> String {
    let code = match who {
        "facilitator" => s.codes.facilitator.clone(),
        "observer" => s.codes.observer.clone(),
        d => s.codes.delegations[d.strip_prefix("delegation:").unwrap()].clone(),
    };
    let r = call(
        s,
        "POST",
        "/api/token",
        None,
        &json!({ "who": who, "code": code }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json().unwrap()["token"].as_str().unwrap().to_string()
}

fn call(s: &Server, method: &str, path: &str, bearer: Option<&str>, body: &Value) -> Response {
    let auth = bearer.map(|t| format!("Bearer {t}"));
    let mut headers = vec![("Content-Type", "application/json")];
    if let Some(a) = &auth {
        headers.push(("Authorization", a.as_str()));
    }
    let body = if body.is_null() {
        Vec::new()
    } else {
        body.to_string().into_bytes()
    };
    Client::new(s.running.addr)
        .request(method, path, &headers, &body)
        .unwrap()
}

fn verb(v: Verb) -> &'static str {
    match v {
        Verb::Get => "GET",
        Verb::Post => "POST",
    }
}

#[test]
fn the_openapi_document_lists_exactly_the_api_routes_with_their_method_and_access() {
    let s = start("openapi");
    let r = Client::new(s.running.addr)
        .get("/api/openapi.json")
        .unwrap();
    assert_eq!(r.status, 200);
    let doc = r.json().unwrap();
    assert_eq!(doc, guarantor_exercise::api::openapi());
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));

    // Every documented operation, as (METHOD, path).
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (m, op) in ops.as_object().unwrap() {
            documented.insert((m.to_uppercase(), path.clone()));
            let spec = ROUTES
                .iter()
                .find(|r| verb(r.verb).eq_ignore_ascii_case(m) && r.path == path)
                .unwrap_or_else(|| panic!("{m} {path} is documented but not served"));
            assert!(
                !op["summary"].as_str().unwrap().is_empty(),
                "{m} {path} has no summary in API_DOCS"
            );
            assert_eq!(op["x-roles"], json!(roles(spec.access)), "{m} {path}");
            let open = op["security"].as_array().unwrap().is_empty();
            assert_eq!(open, spec.access == Access::Public, "{m} {path} security");
        }
    }
    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .filter(|r| r.path.starts_with("/api/"))
        .map(|r| (verb(r.verb).to_string(), r.path.to_string()))
        .collect();
    assert_eq!(
        documented, served,
        "every API route is documented, and only those"
    );
    for d in API_DOCS {
        assert!(
            served.contains(&(verb(d.verb).to_string(), d.path.to_string())),
            "API_DOCS describes {} {}, which is not a route",
            verb(d.verb),
            d.path
        );
    }

    // And the server does what the document says: without a token only the
    // public operations answer; with one, exactly the documented roles.
    let tokens: Vec<(&str, String)> = ["facilitator", "observer", "delegation:uk"]
        .into_iter()
        .map(|w| (w, token(&s, w)))
        .collect();
    for (m, path) in &documented {
        let spec = ROUTES
            .iter()
            .find(|r| verb(r.verb) == m && r.path == path)
            .unwrap();
        let anonymous = call(&s, m, path, None, &json!({})).status;
        if spec.access == Access::Public {
            assert!(
                ![401, 403, 404, 405].contains(&anonymous),
                "{m} {path}: {anonymous}"
            );
        } else {
            assert_eq!(anonymous, 401, "{m} {path} without a token");
        }
        for (who, t) in &tokens {
            let got = call(&s, m, path, Some(t), &json!({})).status;
            let role = who.split(':').next().unwrap();
            let admitted = roles(spec.access).contains(&role) || spec.access == Access::Public;
            if admitted {
                assert!(
                    ![401, 403, 404, 405].contains(&got),
                    "{m} {path} for {who}: {got}"
                );
            } else {
                assert_eq!(got, 403, "{m} {path} for {who}");
            }
        }
    }
}

#[test]
fn a_tool_reads_its_roles_view_and_submits_moves_with_a_bearer_token() {
    let s = start("api-moves");
    let uk = token(&s, "delegation:uk");
    let ru = token(&s, "delegation:ru");
    let fac = token(&s, "facilitator");
    let obs = token(&s, "observer");

    // Wrong codes and bad bodies.
    let r = call(
        &s,
        "POST",
        "/api/token",
        None,
        &json!({"who": "observer", "code": "WRONG"}),
    );
    assert_eq!(r.status, 401, "{}", r.body);
    let r = call(&s, "POST", "/api/token", None, &json!({"who": "observer"}));
    assert_eq!(r.status, 422, "{}", r.body);
    let r = call(&s, "GET", "/api/state", Some("0000"), &Value::Null);
    assert_eq!(r.status, 401);

    // No round open yet: the move is refused with the reason.
    let mut inputs = scenario_inputs("uk");
    inputs.reservation = 0.4321;
    let body = serde_json::to_value(&inputs).unwrap();
    let r = call(&s, "POST", "/api/moves", Some(&uk), &body);
    assert_eq!(r.status, 409, "{}", r.body);
    let r = call(&s, "POST", "/facilitator/open", Some(&fac), &Value::Null);
    assert_eq!(
        r.status, 303,
        "a bearer token needs no CSRF token: {}",
        r.body
    );

    let r = call(&s, "POST", "/api/moves", Some(&uk), &body);
    assert_eq!(r.status, 200, "{}", r.body);
    let seq = r.json().unwrap()["seq"].as_u64().unwrap();
    assert_eq!(r.json().unwrap()["round"], 1);

    // uk reads its own inputs; ru and the observer do not see them.
    let st = call(&s, "GET", "/api/state", Some(&uk), &Value::Null)
        .json()
        .unwrap();
    assert_eq!(st["own_inputs"]["reservation"], 0.4321);
    assert_eq!(st["events"].as_u64(), Some(seq));
    for t in [&ru, &obs] {
        let r = call(&s, "GET", "/api/state", Some(t), &Value::Null);
        assert_eq!(r.status, 200);
        assert!(!r.body.contains("0.4321"), "{}", r.body);
    }
    let st = call(&s, "GET", "/api/state", Some(&fac), &Value::Null)
        .json()
        .unwrap();
    assert_eq!(st["inputs"]["uk"]["reservation"], 0.4321);

    // The actor is the token's: inputs of another delegation do not fit ru.
    let r = call(&s, "POST", "/api/moves", Some(&ru), &body);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("of ru must be exactly"), "{}", r.body);
    let mut bad = inputs.clone();
    bad.reservation = 2.0;
    let r = call(
        &s,
        "POST",
        "/api/moves",
        Some(&uk),
        &serde_json::to_value(&bad).unwrap(),
    );
    assert_eq!(r.status, 422);
    assert!(
        r.body.contains("reservation must be from 0 to 1"),
        "{}",
        r.body
    );
    let r = call(
        &s,
        "POST",
        "/api/moves",
        Some(&uk),
        &json!({"reservation": 0.5}),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    // Roles that are not delegations may not move.
    for t in [&obs, &fac] {
        assert_eq!(call(&s, "POST", "/api/moves", Some(t), &body).status, 403);
    }
    // A browser session (cookie) still needs its CSRF token on the API.
    let browser = s.sign_in("delegation:uk");
    let r = browser
        .request(
            "POST",
            "/api/moves",
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
        .unwrap();
    assert_eq!(r.status, 403, "{}", r.body);

    // Signing out with the token ends it.
    assert_eq!(
        call(&s, "POST", "/signout", Some(&uk), &Value::Null).status,
        303
    );
    assert_eq!(
        call(&s, "GET", "/api/state", Some(&uk), &Value::Null).status,
        401
    );
}
