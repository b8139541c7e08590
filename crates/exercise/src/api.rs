//! The JSON API for outside tools, and its OpenAPI 3 document.
//!
//! A tool asks `POST /api/token` for a token with a role's code (the same
//! rate limit and argon2 check as the sign-in page) and sends it as
//! `Authorization: Bearer TOKEN`. The token is a session like a browser's:
//! the same routes table ([`crate::routes::ROUTES`]), the same guard, the
//! same redaction ([`crate::views`]); it ends on sign-out, on code reissue and
//! after the session lifetime. Requests authenticated by the header need no
//! CSRF token (a browser never attaches it on its own); cookie requests still do.
//!
//! [`openapi`] builds the document from the route table, with the summaries
//! and schemas of [`API_DOCS`]: a route cannot be served undocumented, nor
//! documented with another method or access rule than it has.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use serde_json::{Value, json};

use crate::app::App;
use crate::routes::{Access, Ctx, ROUTES, RouteSpec, Verb};
use crate::signin::{SignIn, check_sign_in};
use crate::state::{Event, Principal, PrivateInputs};
use crate::store::AppendError;

/// The handler of an API route served here, or `None` for the routes
/// `handlers` serves (the page routes, `/api/state`, `/api/export`).
pub(crate) fn handler(spec: &RouteSpec) -> Option<MethodRouter<Arc<App>>> {
    match (spec.verb, spec.path) {
        (Verb::Post, "/api/token") => Some(post(token)),
        (Verb::Post, "/api/moves") => Some(post(submit_move)),
        (Verb::Get, "/api/openapi.json") => Some(get(openapi_json)),
        _ => None,
    }
}

/// A JSON error body: `{"error": message}`.
fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "error": message }))).into_response()
}

/// `POST /api/token`: `{"who": ROLE, "code": CODE}` → a bearer token.
async fn token(
    State(app): State<Arc<App>>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Response {
    #[derive(serde::Deserialize)]
    struct Req {
        who: String,
        code: String,
    }
    let req: Req = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("the body must be JSON {{\"who\": ROLE, \"code\": CODE}}: {e}"),
            );
        }
    };
    match check_sign_in(&app, ctx.peer.ip(), &req.who, req.code).await {
        SignIn::Locked(wait) => {
            let secs = wait.as_secs().max(1);
            let mut res = error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("too many wrong codes; try again in {secs} s"),
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
        SignIn::Wrong => error(StatusCode::UNAUTHORIZED, "wrong code or role"),
        SignIn::Admitted(p) => {
            let (token, _) = app.sessions.create(p.clone());
            axum::Json(json!({
                "token": token,
                "principal": p,
                "expires_in": app.options.session_lifetime.as_secs(),
            }))
            .into_response()
        }
    }
}

/// `POST /api/moves`: a delegation's whole set of inputs as JSON; answered
/// with the event's sequence number once it is committed.
async fn submit_move(
    State(app): State<Arc<App>>,
    Extension(ctx): Extension<Ctx>,
    body: Bytes,
) -> Response {
    let st = app.log.state();
    // The actor always comes from the session, never from the request.
    let Some(Principal::Delegation(actor)) = ctx.principal().cloned() else {
        unreachable!("the guard admits only delegations")
    };
    let inputs: PrivateInputs = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("the body must be the inputs as JSON (see /api/openapi.json): {e}"),
            );
        }
    };
    let Some(a) = st.scenario.as_ref().and_then(|s| s.actor(&actor)) else {
        return error(StatusCode::CONFLICT, "the exercise has no such delegation");
    };
    if let Err(msg) = inputs.check(a) {
        return error(StatusCode::UNPROCESSABLE_ENTITY, &msg);
    }
    let round = st.round;
    let ev = Event::MoveSubmitted {
        round,
        actor,
        inputs,
    };
    match app.log.append(ev).await {
        Ok(seq) => axum::Json(json!({ "seq": seq, "round": round })).into_response(),
        Err(AppendError::Rejected(r)) => error(StatusCode::CONFLICT, &r.0),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string()),
    }
}

async fn openapi_json() -> Response {
    axum::Json(openapi()).into_response()
}

/// What the document says of one API route beyond the route table.
pub struct ApiDoc {
    pub verb: Verb,
    pub path: &'static str,
    pub summary: &'static str,
    /// The JSON request body's schema (a `$ref` or an inline schema), if any.
    pub request: Option<fn() -> Value>,
    /// Status code → description of the responses.
    pub responses: &'static [(&'static str, &'static str)],
}

fn inputs_ref() -> Value {
    json!({ "$ref": "#/components/schemas/PrivateInputs" })
}

fn token_request() -> Value {
    json!({
        "type": "object",
        "required": ["who", "code"],
        "properties": {
            "who": { "type": "string", "description": "facilitator, observer or delegation:ACTOR" },
            "code": { "type": "string", "description": "the role's invitation code (case, spaces and dashes do not matter)" }
        }
    })
}

/// Summaries and schemas of the API routes (the methods, paths and access
/// rules come from [`ROUTES`]).
pub const API_DOCS: &[ApiDoc] = &[
    ApiDoc {
        verb: Verb::Post,
        path: "/api/token",
        summary: "Exchange a role's code for a bearer token (a session: same rate limit and lifetime as the sign-in page)",
        request: Some(token_request),
        responses: &[
            ("200", "the token: {token, principal, expires_in (seconds)}"),
            ("401", "wrong code or role"),
            (
                "429",
                "too many wrong codes from this address or for this role (Retry-After)",
            ),
        ],
    },
    ApiDoc {
        verb: Verb::Get,
        path: "/api/state",
        summary: "The exercise as the caller's role may see it: the public picture, a delegation's own inputs, everything for the facilitator",
        request: None,
        responses: &[("200", "the state view"), ("401", "no or expired token")],
    },
    ApiDoc {
        verb: Verb::Post,
        path: "/api/moves",
        summary: "Submit the caller's delegation's move: its whole set of private inputs for the open round",
        request: Some(inputs_ref),
        responses: &[
            ("200", "committed: {seq, round}"),
            ("401", "no or expired token"),
            ("403", "the role is not a delegation"),
            ("409", "no round is open"),
            (
                "422",
                "the inputs do not fit the delegation (the message names the field)",
            ),
            ("429", "the move rate or the round's quota is exceeded"),
        ],
    },
    ApiDoc {
        verb: Verb::Get,
        path: "/api/export",
        summary: "The whole exercise for the after-action review: every event, every round's result, the final inputs (one consistent snapshot)",
        request: None,
        responses: &[
            ("200", "the export document"),
            ("401", "no or expired token"),
            ("403", "the role is not the facilitator"),
        ],
    },
    ApiDoc {
        verb: Verb::Get,
        path: "/api/openapi.json",
        summary: "This document",
        request: None,
        responses: &[("200", "the OpenAPI 3 document")],
    },
];

/// The roles a rule admits, as the document names them: read off
/// [`Access::allows`] itself, so the document cannot drift from the guard.
pub fn roles(access: Access) -> Vec<&'static str> {
    if access == Access::Public {
        return vec!["anyone"];
    }
    [
        (Principal::Facilitator, "facilitator"),
        (Principal::Delegation(String::new()), "delegation"),
        (Principal::Observer, "observer"),
        (Principal::Notetaker, "notetaker"),
    ]
    .into_iter()
    .filter(|(p, _)| access.allows(Some(p)))
    .map(|(_, name)| name)
    .collect()
}

fn method(v: Verb) -> &'static str {
    match v {
        Verb::Get => "get",
        Verb::Post => "post",
    }
}

/// The OpenAPI 3 document of every `/api/` route of [`ROUTES`]: method and
/// path from the table, `security` and `x-roles` from its access rule,
/// summary and schemas from [`API_DOCS`] (an empty summary marks a route
/// nobody documented; the tests refuse it).
pub fn openapi() -> Value {
    let mut paths = serde_json::Map::new();
    for spec in ROUTES.iter().filter(|r| r.path.starts_with("/api/")) {
        let doc = API_DOCS
            .iter()
            .find(|d| d.verb == spec.verb && d.path == spec.path);
        let mut op = json!({
            "summary": doc.map_or("", |d| d.summary),
            "x-roles": roles(spec.access),
            "security": if spec.access == Access::Public {
                json!([])
            } else {
                json!([{ "bearer": [] }, { "cookie": [] }])
            },
            "responses": doc.map_or_else(
                || json!({ "default": { "description": "" } }),
                |d| d.responses.iter().map(|(code, text)| {
                    (code.to_string(), json!({ "description": text }))
                }).collect::<serde_json::Map<_, _>>().into(),
            ),
        });
        if let Some(request) = doc.and_then(|d| d.request) {
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": request() } }
            });
        }
        let entry = paths
            .entry(spec.path.to_string())
            .or_insert_with(|| json!({}));
        entry[method(spec.verb)] = op;
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Guarantor live exercise API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Read the exercise as a role and submit a delegation's moves. Authenticate with a token from POST /api/token sent as `Authorization: Bearer TOKEN` (or the browser's session cookie, which also needs the CSRF token on POSTs). Errors of the guard (401, 403, 413, 429) are plain text; errors of the API handlers are JSON {error}."
        },
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": { "type": "http", "scheme": "bearer" },
                "cookie": { "type": "apiKey", "in": "cookie", "name": crate::routes::COOKIE }
            },
            "schemas": {
                "PrivateInputs": {
                    "type": "object",
                    "required": ["inventory", "caveats", "red_lines", "reservation"],
                    "properties": {
                        "inventory": {
                            "type": "object",
                            "description": "capability id → offer; exactly the delegation's capabilities in the scenario",
                            "additionalProperties": {
                                "type": "object",
                                "required": ["count", "deployable_share"],
                                "properties": {
                                    "count": { "type": "number", "minimum": 0, "maximum": crate::state::MAX_COUNT },
                                    "deployable_share": { "type": "number", "minimum": 0, "maximum": 1 }
                                }
                            }
                        },
                        "caveats": { "type": "object", "description": "caveat id → held", "additionalProperties": { "type": "boolean" } },
                        "red_lines": { "type": "object", "description": "red line id → held", "additionalProperties": { "type": "boolean" } },
                        "reservation": { "type": "number", "minimum": 0, "maximum": 1 }
                    }
                }
            }
        }
    })
}
