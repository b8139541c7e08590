//! Every route and who may use it, in one table, and the one guard that enforces it.
//!
//! The router is built from [`ROUTES`], so a route cannot exist without an
//! access rule; the security tests walk the same table for every role.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::App;
use crate::auth::{Session, constant_time_eq};
use crate::game::Stage;
use crate::state::Principal;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (sign-in page, sign-in, static files).
    Public,
    /// Any signed-in role: facilitator, delegation or observer.
    SignedIn,
    /// A delegation (it acts only on its own inputs: the actor comes from the session).
    Delegation,
    Facilitator,
    /// The notetaker or the facilitator (notes).
    Notetaker,
    /// The facilitator, the notetaker or a delegation (the lessons-learned list).
    Editor,
}

impl Access {
    pub fn allows(self, p: Option<&Principal>) -> bool {
        match (self, p) {
            (Access::Public, _) => true,
            (_, None) => false,
            (Access::SignedIn, Some(_)) => true,
            (Access::Delegation, Some(Principal::Delegation(_))) => true,
            (Access::Facilitator, Some(Principal::Facilitator)) => true,
            (Access::Notetaker, Some(Principal::Notetaker | Principal::Facilitator)) => true,
            (
                Access::Editor,
                Some(Principal::Notetaker | Principal::Facilitator | Principal::Delegation(_)),
            ) => true,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

#[derive(Debug, Clone, Copy)]
pub struct RouteSpec {
    pub verb: Verb,
    pub path: &'static str,
    pub access: Access,
    /// The stages of the exercise in which the route may be used.
    pub stages: &'static [Stage],
}

const fn r(verb: Verb, path: &'static str, access: Access) -> RouteSpec {
    RouteSpec {
        verb,
        path,
        access,
        stages: &Stage::ALL,
    }
}

/// A route usable only in some stages (a write permission per phase).
const fn rs(verb: Verb, path: &'static str, access: Access, stages: &'static [Stage]) -> RouteSpec {
    RouteSpec {
        verb,
        path,
        access,
        stages,
    }
}

/// While a round is open for moves.
const MOVING: &[Stage] = &[Stage::Planning, Stage::Negotiation];
/// Whenever a round is not being adjudicated.
const NOT_ADJUDICATING: &[Stage] = &[
    Stage::Setup,
    Stage::Planning,
    Stage::Negotiation,
    Stage::Debrief,
];
/// Once the exercise has started.
const STARTED: &[Stage] = &[
    Stage::Planning,
    Stage::Negotiation,
    Stage::Adjudication,
    Stage::Debrief,
];

/// Every route of the server. Every POST changes state and needs the session's CSRF token
/// (except sign-in, which has no session yet and is guarded by the Origin check and the rate limiter).
pub const ROUTES: &[RouteSpec] = &[
    r(Verb::Get, "/", Access::Public),
    r(Verb::Post, "/signin", Access::Public),
    r(Verb::Get, "/static/app.js", Access::Public),
    r(Verb::Get, "/static/app.css", Access::Public),
    r(Verb::Post, "/signout", Access::SignedIn),
    r(Verb::Get, "/public", Access::SignedIn),
    r(Verb::Get, "/api/state", Access::SignedIn),
    r(Verb::Get, "/events", Access::SignedIn),
    r(Verb::Get, "/delegation", Access::Delegation),
    rs(Verb::Post, "/delegation/move", Access::Delegation, MOVING),
    r(Verb::Get, "/facilitator", Access::Facilitator),
    rs(
        Verb::Post,
        "/facilitator/open",
        Access::Facilitator,
        &[Stage::Setup, Stage::Debrief],
    ),
    rs(
        Verb::Post,
        "/facilitator/close",
        Access::Facilitator,
        MOVING,
    ),
    r(Verb::Post, "/facilitator/disclose", Access::Facilitator),
    r(Verb::Post, "/facilitator/reissue", Access::Facilitator),
    r(Verb::Get, "/api/export", Access::Facilitator),
    // The JSON API for outside tools (`api.rs`; documented at /api/openapi.json).
    r(Verb::Post, "/api/token", Access::Public),
    rs(Verb::Post, "/api/moves", Access::Delegation, MOVING),
    r(Verb::Get, "/api/openapi.json", Access::Public),
    // The game around the rounds (docs/exercise.md, "Injects, phases, debrief").
    rs(
        Verb::Post,
        "/facilitator/clock",
        Access::Facilitator,
        &[Stage::Setup],
    ),
    rs(
        Verb::Post,
        "/facilitator/advance",
        Access::Facilitator,
        NOT_ADJUDICATING,
    ),
    rs(
        Verb::Post,
        "/facilitator/inject",
        Access::Facilitator,
        NOT_ADJUDICATING,
    ),
    rs(
        Verb::Post,
        "/facilitator/override",
        Access::Facilitator,
        &[Stage::Debrief],
    ),
    r(Verb::Get, "/debrief", Access::SignedIn),
    r(Verb::Get, "/notes", Access::Notetaker),
    rs(Verb::Post, "/notes/add", Access::Notetaker, STARTED),
    r(Verb::Get, "/lessons", Access::SignedIn),
    rs(Verb::Post, "/lessons/write", Access::Editor, STARTED),
    r(Verb::Get, "/report/after-action", Access::Facilitator),
    r(Verb::Get, "/export/events.csv", Access::Facilitator),
    r(Verb::Get, "/export/events.json", Access::Facilitator),
    r(Verb::Get, "/export/events.parquet", Access::Facilitator),
    // The in-game clock within a round (timed injects fall due as it moves).
    rs(Verb::Post, "/facilitator/time", Access::Facilitator, MOVING),
];

/// The routes that submit a delegation's move: rate-limited and bounded per
/// round by [`crate::auth::MoveLimiter`] in the guard.
pub const MOVE_ROUTES: &[&str] = &["/delegation/move", "/api/moves"];

/// Why the guard refuses a request in the current stage, if it does: the
/// route's stages are declared in [`ROUTES`].
pub fn stage_refusal(spec: &RouteSpec, stage: Stage) -> Option<String> {
    if spec.stages.contains(&stage) {
        return None;
    }
    let allowed: Vec<&str> = spec.stages.iter().map(|s| s.as_str()).collect();
    Some(format!(
        "not now: the exercise is in {}, and {} is open only in {}",
        stage.as_str(),
        spec.path,
        allowed.join(", ")
    ))
}

/// Largest request body accepted (forms are a few kilobytes).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Session cookie name.
pub const COOKIE: &str = "gx_session";

/// What the guard established about a request, for the handler.
#[derive(Clone)]
pub struct Ctx {
    pub session: Option<(String, Session)>,
    /// Decoded form fields of a POST body.
    pub form: Vec<(String, String)>,
    pub peer: SocketAddr,
}

impl Ctx {
    pub fn principal(&self) -> Option<&Principal> {
        self.session.as_ref().map(|(_, s)| &s.principal)
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn has(&self, name: &str) -> bool {
        self.form.iter().any(|(k, _)| k == name)
    }
}

pub fn spec_for(method: &Method, path: &str) -> Option<&'static RouteSpec> {
    let verb = match *method {
        Method::GET | Method::HEAD => Verb::Get,
        Method::POST => Verb::Post,
        _ => return None,
    };
    ROUTES.iter().find(|r| r.verb == verb && r.path == path)
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_string())
}

/// The token of an `Authorization: Bearer TOKEN` header (API clients).
fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A POST from another site is refused. Browsers send `Sec-Fetch-Site` and `Origin` on
/// form posts: the first must say the same origin, the second must name this server.
/// (A client that is not a browser sends neither; it still needs the session's CSRF token.)
fn same_origin(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").map(|v| v.as_bytes());
    if let Some(site) = fetch_site {
        // "same-site" would admit another port on the same host: refused too.
        if site != b"same-origin" && site != b"none" {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    if origin.as_bytes() == b"null" {
        return fetch_site == Some(b"same-origin".as_slice());
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    origin.to_str().ok() == Some(format!("http://{host}").as_str())
}

/// The `Host` a request names must be a loopback name (localhost, 127.x.x.x, `[::1]`) or one
/// of the names given with `--public-host`. A web page on another site that rebinds its DNS
/// name to 127.0.0.1 then reaches nothing: its requests carry its own name.
pub fn host_allowed(headers: &HeaderMap, public_hosts: &[String]) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let name = if let Some(rest) = host.strip_prefix('[') {
        // [v6]:port
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(n, _)| n)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
        || public_hosts.iter().any(|h| h.eq_ignore_ascii_case(&name))
}

pub fn deny(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}

/// The request's `Content-Length`, when it declares one that parses.
fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(axum::http::header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Decode `application/x-www-form-urlencoded`.
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = |c: u8| (c as char).to_digit(16);
                    match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                        (Some(h), Some(l)) => {
                            out.push((h * 16 + l) as u8);
                            i += 2;
                        }
                        _ => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    let text = String::from_utf8_lossy(body);
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// The one authorisation point: role, CSRF token, origin and body size for every route.
pub async fn guard(
    State(app): State<Arc<App>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_default();
    let Some(spec) = spec_for(req.method(), &path) else {
        // The path exists (the router matched it) but not with this method.
        return deny(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
    };
    if !host_allowed(req.headers(), &app.public_hosts) {
        return deny(
            StatusCode::MISDIRECTED_REQUEST,
            "this server does not answer to that host name",
        );
    }
    // An API client sends its token in the Authorization header; a browser
    // never attaches that header on its own, so such requests need no CSRF token.
    let bearer = bearer_token(req.headers());
    let by_header = bearer.is_some();
    let token = bearer.or_else(|| session_token(req.headers()));
    let session = token
        .as_deref()
        .and_then(|t| app.sessions.get(t).map(|s| (t.to_string(), s)));
    if !spec
        .access
        .allows(session.as_ref().map(|(_, s)| &s.principal))
    {
        return if session.is_none() {
            deny(StatusCode::UNAUTHORIZED, "sign in first: /")
        } else {
            deny(StatusCode::FORBIDDEN, "your role may not use this page")
        };
    }
    let (parts, body) = req.into_parts();
    let mut form = Vec::new();
    let body = if spec.verb == Verb::Post {
        if !same_origin(&parts.headers) {
            return deny(StatusCode::FORBIDDEN, "cross-site request refused");
        }
        // A declared length above the limit is refused at once, not waited for.
        if declared_length(&parts.headers).is_some_and(|n| n > BODY_LIMIT as u64) {
            return deny(StatusCode::PAYLOAD_TOO_LARGE, "request body too large");
        }
        // The whole body must arrive within the idle timeout: a client that
        // trickles it byte by byte does not hold the connection open (#17).
        let read = axum::body::to_bytes(body, BODY_LIMIT);
        let bytes = match tokio::time::timeout(app.options.idle_timeout, read).await {
            Ok(Ok(b)) => b,
            Ok(Err(_)) => return deny(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
            Err(_) => {
                let mut res = deny(
                    StatusCode::REQUEST_TIMEOUT,
                    "the request body did not arrive in time",
                );
                res.headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
                return res;
            }
        };
        form = parse_form(&bytes);
        if spec.access != Access::Public && !by_header {
            let sent = form
                .iter()
                .find(|(k, _)| k == "csrf")
                .map(|(_, v)| v.as_str())
                .unwrap_or("");
            let expected = &session.as_ref().expect("checked above").1.csrf;
            if !constant_time_eq(sent.as_bytes(), expected.as_bytes()) {
                return deny(
                    StatusCode::FORBIDDEN,
                    "missing or wrong CSRF token: reload the page and try again",
                );
            }
        }
        Body::from(bytes)
    } else {
        body
    };
    if let Some(why) = stage_refusal(spec, app.log.state().stage()) {
        return deny(StatusCode::CONFLICT, &why);
    }
    // Moves are rate-limited and bounded per round for each delegation (#17).
    if MOVE_ROUTES.contains(&spec.path)
        && let Some((_, s)) = &session
        && let Err(refusal) = app.moves.admit(&s.principal.key(), app.log.state().round)
    {
        let mut res = deny(
            StatusCode::TOO_MANY_REQUESTS,
            &refusal.message(app.moves.limits()),
        );
        if let crate::auth::MoveRefusal::Rate(wait) = refusal {
            res.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(wait.as_secs().max(1)),
            );
        }
        return res;
    }
    let mut req = Request::from_parts(parts, body);
    req.extensions_mut().insert(Ctx {
        session,
        form,
        peer,
    });
    next.run(req).await
}

/// Headers on every response: no framing, no sniffing, scripts only from this server.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler may set a stricter policy of its own (the after-action report's).
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        );
    }
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decoding_handles_plus_percent_and_bad_escapes() {
        let f = parse_form("a=1+2&b=%41%2Fx&c=%zz&d&e=%4&f=%é".as_bytes());
        assert_eq!(
            f,
            vec![
                ("a".into(), "1 2".into()),
                ("b".into(), "A/x".into()),
                ("c".into(), "%zz".into()),
                ("d".into(), "".into()),
                ("e".into(), "%4".into()),
                ("f".into(), "%é".into()),
            ]
        );
    }

    #[test]
    fn only_loopback_and_named_hosts_are_answered() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::HOST, HeaderValue::from_str(v).unwrap());
            m
        };
        for ok in [
            "127.0.0.1:8080",
            "localhost:1",
            "LOCALHOST",
            "[::1]:80",
            "127.9.9.9",
        ] {
            assert!(host_allowed(&h(ok), &[]), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "10.0.0.1:8080",
            "localhost.evil.example",
            "[::2]:80",
        ] {
            assert!(!host_allowed(&h(bad), &[]), "{bad}");
        }
        assert!(host_allowed(
            &h("exercise.example.org"),
            &["exercise.example.org".into()]
        ));
        assert!(!host_allowed(&HeaderMap::new(), &[]));
    }

    #[test]
    fn access_rules() {
        let d = Principal::Delegation("ru".into());
        assert!(Access::Delegation.allows(Some(&d)));
        assert!(!Access::Facilitator.allows(Some(&d)));
        assert!(!Access::Delegation.allows(Some(&Principal::Observer)));
        assert!(!Access::SignedIn.allows(None));
        assert!(Access::Public.allows(None));
    }
}
