//! `guarantor serve`: host a live planning exercise in the browser.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use guarantor_exercise::{
    Codes, ServeError, ServeOptions, open_with_options, serve, write_codes_file,
};
use guarantor_model::Scenario;

use crate::common::{Failure, ScenarioArgs};

fn print_codes(codes: &Codes, to: Option<&Path>) -> Result<(), Failure> {
    if let Some(path) = to {
        write_codes_file(path, codes).map_err(|e| {
            Failure(format!(
                "error: cannot write the codes file {}: {e} (it must not exist yet)",
                path.display()
            ))
        })?;
        println!(
            "New exercise: the invitation codes are in {} (readable only by you). Hand each delegation its own code.",
            path.display()
        );
    } else {
        println!("New exercise. Invitation codes (shown once; the database keeps only hashes):");
        println!("  {:<18} {}", "facilitator", codes.facilitator);
        println!("  {:<18} {}", "observer", codes.observer);
        println!("  {:<18} {}", "notetaker", codes.notetaker);
        for (actor, code) in &codes.delegations {
            println!("  {:<18} {code}", format!("delegation:{actor}"));
        }
    }
    Ok(())
}

/// Open (or create) the exercise in `db` and serve it on `bind` until Ctrl-C.
pub fn run_serve(
    scenario: (String, Scenario),
    file_given: bool,
    db: &Path,
    bind: SocketAddr,
    codes_file: Option<&PathBuf>,
    public_hosts: Vec<String>,
    options: ServeOptions,
) -> Result<(), Failure> {
    if !bind.ip().is_loopback() {
        eprintln!(
            "warning: listening on {bind}, reachable from other machines; the server speaks plain HTTP, so put it behind a TLS proxy, and name the host clients use with --public-host"
        );
    }
    let opened = open_with_options(db, Some(scenario), public_hosts, options)
        .map_err(|e| Failure(format!("error: {e}")))?;
    match &opened.new_codes {
        Some(codes) => print_codes(codes, codes_file.map(|p| p.as_path()))?,
        None => {
            if file_given {
                eprintln!(
                    "note: {} already holds an exercise; it continues on its own scenario and the scenario file is ignored",
                    db.display()
                );
            }
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure(format!("error: cannot start the server runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|source| ServeError::Bind { bind, source })?;
        let addr = listener.local_addr()?;
        println!(
            "Serving the exercise at http://{addr}/ (database {}); Ctrl-C stops.",
            db.display()
        );
        serve(listener, opened.app, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
    .map_err(|e| Failure(format!("error: {e}")))
}

#[derive(clap::Args)]
pub struct Args {
    /// Scenario for a new exercise (default: the embedded scenario) and its
    /// what-ifs; ignored when the database already holds one.
    #[command(flatten)]
    scenario: ScenarioArgs,
    /// SQLite database holding the exercise's events; created if missing.
    #[arg(long, default_value = "guarantor-exercise.db")]
    db: PathBuf,
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Write the new exercise's invitation codes to this file (mode 0600) instead of printing them.
    #[arg(long, value_name = "FILE")]
    codes_file: Option<PathBuf>,
    /// Also answer requests for this host name (e.g. a TLS proxy's); loopback names always work. Repeatable.
    #[arg(long = "public-host", value_name = "NAME")]
    public_hosts: Vec<String>,
    /// Close a connection that sends no complete request head (or body) for this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = guarantor_exercise::server::IDLE_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Most connections open at once (lowered to fit the open-files limit); the idle-longest is closed to make room.
    #[arg(long, value_name = "N", default_value_t = guarantor_exercise::server::MAX_CONNECTIONS as u64, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
    /// Moves a delegation may submit per minute (and back to back); more get HTTP 429.
    #[arg(long, value_name = "N", default_value_t = 120, value_parser = clap::value_parser!(u32).range(1..))]
    moves_per_minute: u32,
    /// Moves a delegation may submit in one round; more get HTTP 429.
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..))]
    moves_per_round: u32,
}

pub fn run(a: Args) -> Result<std::process::ExitCode, Failure> {
    let (s, what_ifs) = a.scenario.load_with_what_ifs()?;
    eprint!("{}", crate::common::what_if_header(&what_ifs));
    let scenario = (a.scenario.name(), s);
    run_serve(
        scenario,
        a.scenario.file.is_some() || a.scenario.scenario.is_some(),
        &a.db,
        a.bind,
        a.codes_file.as_ref(),
        a.public_hosts,
        ServeOptions {
            idle_timeout: std::time::Duration::from_secs(a.idle_timeout),
            max_connections: usize::try_from(a.max_connections).unwrap_or(usize::MAX),
            session_lifetime: guarantor_exercise::auth::SESSION_LIFETIME,
            moves: guarantor_exercise::auth::MoveLimits {
                per_minute: a.moves_per_minute,
                burst: a.moves_per_minute,
                per_round: a.moves_per_round,
            },
        },
    )?;
    Ok(std::process::ExitCode::SUCCESS)
}
