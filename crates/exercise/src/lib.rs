//! Guarantor's live planning exercise.
//!
//! A facilitator runs rounds on a scenario; each delegation (one per actor)
//! signs in with its invitation code, edits only its own private inputs
//! (offered inventory and deployable shares, caveats, red lines, reservation)
//! and submits moves; at round close the engine adjudicates the combined
//! inputs and everybody sees the verdicts, redacted so that nobody sees
//! another delegation's private values unless the facilitator disclosed them.
//!
//! Invariants:
//! - Every facilitator action and move is an append-only [`state::Event`] in
//!   SQLite (WAL, `synchronous=FULL`); the state is only ever [`state::fold`]ed
//!   from events, on start and (one event at a time) by the single writer.
//! - A request that changes state is answered with success only after its
//!   event is committed: acknowledged means durable.
//! - Every route's access rule is in [`routes::ROUTES`] and enforced by one
//!   guard; a delegation's actor comes from its session, never from the request.
//! - Private values leave the server only through [`views`], which redacts
//!   them for every viewer except their owner and the facilitator.

pub mod adjudicate;
pub mod api;
pub mod app;
pub mod auth;
pub mod client;
pub mod debrief;
pub mod game;
pub mod handlers;
pub mod limits;
pub mod live;
mod log;
pub mod outcome;
pub mod pages;
pub mod routes;
pub mod server;
pub mod signin;
pub mod state;
pub mod store;
pub mod views;

pub use server::{
    Codes, Opened, Running, ServeError, open, open_with_hosts, router, serve, write_codes_file,
};
pub use server::{ServeOptions, open_with_options, serve_with};
pub use state::{Event, ExerciseState, fold};
