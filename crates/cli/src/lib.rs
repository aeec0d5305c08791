//! ConnKeeper's command line as a library: the `connkeeper` binary parses its arguments,
//! builds [`Profiles`] from the environment ([`profiles_from_env`]) and calls [`run`]
//! with the process's streams; tests call [`run`] with buffers, scripted input and any
//! secret store. Parsing, output and exit codes only; every decision is made in
//! `connkeeper-core`.

pub mod args;
mod ask;
mod audit_cmd;
mod check_cmd;
pub mod exit;
mod expiring_cmd;
pub mod io;
mod org_cmd;
mod output;
mod profile_cmd;
mod rotate_cmd;
mod runtime;
mod token;
mod transfer_cmd;

use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::setup;

pub use crate::args::{Cli, Command};
pub use crate::exit::{Exit, Failure};
pub use crate::io::{Input, Interrupt, Io, Scripted, Terminal};
use crate::output::errln;

/// Profiles over the OS keyring and the data folder that `cli`'s flags and the
/// environment name (`connkeeper_core::setup`).
pub fn profiles_from_env(cli: &Cli) -> Result<Profiles<setup::Secrets>, Failure> {
    setup::from_env(setup::Options {
        data_dir: cli.data_dir.clone(),
        allow_loopback_http: cli.allow_loopback_http,
        gateway: cli.gateway.clone(),
    })
    .map_err(|e| {
        use connkeeper_core::jira::client::GatewayError;
        use setup::SetupError;
        let loopback_hint = |g: &GatewayError| match g {
            GatewayError::NotHttps(_) => {
                "; add --allow-loopback-http for a test server on 127.0.0.1"
            }
            _ => "",
        };
        match &e {
            SetupError::Gateway(g) => Failure::usage(format!("--gateway: {e}{}", loopback_hint(g))),
            SetupError::GatewayEnv(g) => Failure::usage(format!("{e}{}", loopback_hint(g))),
            SetupError::NoDataDir => Failure::env(format!("{e} or pass --data-dir")),
        }
    })
}

/// Runs one parsed command line over `profiles`, printing to and reading from `io`;
/// returns how the process ends. Failures are printed on `io.err`.
pub fn run<S: SecretStore + 'static>(cli: Cli, profiles: Profiles<S>, io: &mut Io) -> Exit {
    let ran = command(cli, profiles, io).and_then(|exit| {
        io.out.flush().map_err(|e| output::stdout_failed(&e))?;
        Ok(exit)
    });
    match ran {
        Ok(exit) => exit,
        Err(failure) => failure.report(io),
    }
}

fn command<S: SecretStore + 'static>(
    cli: Cli,
    profiles: Profiles<S>,
    io: &mut Io,
) -> Result<Exit, Failure> {
    if matches!(
        cli.command,
        Command::Audit(_) | Command::Rotate(_) | Command::Org(_) | Command::Check(_)
    ) {
        if let Some(gateway) = profiles.client().gateway_override() {
            // Before anything is sent: where the other credentials would go.
            errln!(
                io,
                "note: Atlassian's API gateway is replaced by {} (--gateway or {}): tokens with scopes, classic tokens the site rejects, and the organisation API key are sent there.",
                output::esc(&gateway),
                connkeeper_core::jira::client::GATEWAY_ENV
            );
        }
    }
    match cli.command {
        Command::Profile(cmd) => profile_cmd::run(&profiles, cmd, io),
        Command::Export {
            format,
            output,
            with_audit,
        } => transfer_cmd::export(&profiles, format, output.as_deref(), with_audit, io),
        Command::Import {
            file,
            dry_run,
            json,
        } => transfer_cmd::import(&profiles, &file, dry_run, json, io),
        Command::Expiring { within, json } => expiring_cmd::run(&profiles, within, json, io),
        Command::Audit(a) => audit_cmd::run(profiles, &a, io),
        Command::Rotate(a) => rotate_cmd::run(profiles, &a, io),
        Command::Org(cmd) => org_cmd::run(profiles, cmd, io),
        Command::Check(a) => check_cmd::check(profiles, &a.names, a.all, a.json, a.accept, io),
        Command::History { name, json } => check_cmd::history(&profiles, &name, json, io),
    }
}
