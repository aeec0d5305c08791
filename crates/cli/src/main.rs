//! `connkeeper`: ConnKeeper's command line, for scripts and cron. The commands live in
//! the library (`connkeeper_cli`); this parses the arguments, turns on logging, opens
//! the OS keyring and the data folder, and runs the command on the process's streams.

use std::process::ExitCode;

use clap::Parser;
use connkeeper_cli::{Cli, Io};

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    let mut io = Io::process(&mut out, &mut err);
    let exit = match connkeeper_cli::profiles_from_env(&cli) {
        Ok(profiles) => connkeeper_cli::run(cli, profiles, &mut io),
        Err(failure) => failure.report(&mut io),
    };
    exit.into()
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
