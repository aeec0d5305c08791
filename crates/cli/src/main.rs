//! `connkeeper`: ConnKeeper's command line, for scripts and cron. Parsing, output and
//! exit codes only; every decision is made in `connkeeper-core`.

mod args;
mod audit_cmd;
mod exit;
mod expiring_cmd;
mod output;
mod profile_cmd;
mod token;
mod transfer_cmd;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use connkeeper_core::clock::SystemClock;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::KeyringStore;
use connkeeper_core::store::ProfileStore;

use crate::args::{Cli, Command};
use crate::exit::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let dir = connkeeper_core::paths::data_dir(cli.data_dir.clone()).ok_or_else(|| {
        Failure::env("cannot find a home folder for the profile data; pass --data-dir DIR")
    })?;
    let profiles = Profiles::new(
        ProfileStore::new(dir),
        KeyringStore::from_env(),
        Arc::new(SystemClock),
    )
    .allow_loopback_http(cli.allow_loopback_http);
    match cli.command {
        Command::Profile(cmd) => profile_cmd::run(&profiles, cmd),
        Command::Export {
            format,
            output,
            with_audit,
        } => transfer_cmd::export(&profiles, &format, output.as_deref(), with_audit),
        Command::Import {
            file,
            dry_run,
            json,
        } => transfer_cmd::import(&profiles, &file, dry_run, json),
        Command::Expiring { within, json } => expiring_cmd::run(&profiles, within, json),
        Command::Audit(a) => {
            let gateway =
                connkeeper_core::jira::client::parse_gateway(&cli.gateway, cli.allow_loopback_http)
                    .map_err(|e| Failure::usage(format!("--gateway: {e}")))?;
            audit_cmd::run(&profiles, &a, cli.allow_loopback_http, gateway)
        }
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
