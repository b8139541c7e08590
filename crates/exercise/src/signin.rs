//! Checking a sign-in (role and code): shared by the sign-in page and the
//! API's token request, so both have the same lock-out and argon2 bound.

use std::net::IpAddr;
use std::time::Duration;

use crate::app::App;
use crate::auth::{limiter_bucket, verify_bounded};
use crate::state::Principal;

/// The outcome of a sign-in attempt.
pub(crate) enum SignIn {
    /// Too many failures from this address or for this role: wait this long.
    Locked(Duration),
    /// Wrong code or unknown role.
    Wrong,
    Admitted(Principal),
}

/// Check a sign-in (`who`, `code`) from `ip`: the lock-out first (the attempt
/// counts as a failure until the code proves right), then the code against
/// its argon2 hash with a bounded number of checks at once. Used by the page
/// sign-in and the API's token request alike.
pub(crate) async fn check_sign_in(app: &App, ip: IpAddr, who: &str, code: String) -> SignIn {
    let known = Principal::from_key(who).and_then(|p| {
        let creds = app.credentials.read().expect("credentials lock");
        creds.get(&p.key()).map(|c| (p, c.hash.clone()))
    });
    // Failures count against the principal named, or against one bucket for
    // every unknown name: a junk name is never stored.
    let bucket = limiter_bucket(known.as_ref().map(|(p, _)| p));
    if let Some(wait) = app.limiter.attempt(ip, &bucket) {
        return SignIn::Locked(wait);
    }
    let (principal, hash) = match known {
        Some((p, h)) => (Some(p), h),
        None => (None, app.dummy_hash.clone()),
    };
    // At most a few argon2 checks (19 MiB each) run at once; the rest wait
    // their turn, and a client that goes away does not free its turn early.
    let ok = verify_bounded(&app.hashing, code, hash).await;
    match principal {
        Some(p) if ok => {
            app.limiter.succeeded(ip, &bucket);
            SignIn::Admitted(p)
        }
        _ => SignIn::Wrong,
    }
}
