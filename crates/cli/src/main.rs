//! `connkeeper`: ConnKeeper's command line, for scripts and cron. Parsing, output and
//! exit codes only; every decision is made in `connkeeper-core`.

mod args;
mod ask;
mod audit_cmd;
mod exit;
mod expiring_cmd;
mod org_cmd;
mod output;
mod profile_cmd;
mod rotate_cmd;
mod token;
mod transfer_cmd;

use std::process::ExitCode;

use clap::Parser;
use connkeeper_core::setup;

use crate::args::{Cli, Command};
use crate::exit::{Exit, Failure};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(exit) => exit.into(),
        Err(failure) => failure.report(),
    }
}

fn run(cli: Cli) -> Result<Exit, Failure> {
    let profiles = setup::from_env(setup::Options {
        data_dir: cli.data_dir,
        allow_loopback_http: cli.allow_loopback_http,
        gateway: cli.gateway,
    })
    .map_err(|e| match e {
        setup::SetupError::Gateway(_) => Failure::usage(format!("--gateway: {e}")),
        setup::SetupError::NoDataDir => Failure::env(e.to_string()),
    })?;
    if matches!(
        cli.command,
        Command::Audit(_) | Command::Rotate(_) | Command::Org(_)
    ) {
        if let Some(gateway) = profiles.client().gateway_override() {
            // Before anything is sent: where the other credentials would go.
            eprintln!(
                "note: Atlassian's API gateway is replaced by {} (--gateway or {}): tokens with scopes, classic tokens the site rejects, and the organisation API key are sent there.",
                output::esc(&gateway),
                connkeeper_core::jira::client::GATEWAY_ENV
            );
        }
    }
    match cli.command {
        Command::Profile(cmd) => profile_cmd::run(&profiles, cmd),
        Command::Export {
            format,
            output,
            with_audit,
        } => transfer_cmd::export(&profiles, format, output.as_deref(), with_audit),
        Command::Import {
            file,
            dry_run,
            json,
        } => transfer_cmd::import(&profiles, &file, dry_run, json),
        Command::Expiring { within, json } => expiring_cmd::run(&profiles, within, json),
        Command::Audit(a) => audit_cmd::run(profiles, &a),
        Command::Rotate(a) => rotate_cmd::run(profiles, &a),
        Command::Org(cmd) => org_cmd::run(profiles, cmd),
    }
}

fn init_logging(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let default = match verbose {
        0 => "warn",
        1 => "info,connkeeper_core=debug,connkeeper=debug",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}
