//! `connkeeper export` and `connkeeper import`.

use std::path::Path;

use connkeeper_core::export::{self, Format};
use connkeeper_core::import::{self, RowOutcome};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::text;

use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output;
use crate::output::{errln, esc, outln};

pub fn export<S: SecretStore>(
    profiles: &Profiles<S>,
    format: Format,
    output: Option<&Path>,
    with_audit: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    match output {
        Some(path) => {
            let count = export::to_file(profiles, format, with_audit, path)?;
            errln!(
                io,
                "Exported {} to {}.",
                text::count(count, "profile", "profiles"),
                esc(&path.display().to_string())
            );
        }
        None => output::write_bytes(io, &export::to_bytes(profiles, format, with_audit)?.0)?,
    }
    Ok(Exit::Ok)
}

pub fn import<S: SecretStore>(
    profiles: &Profiles<S>,
    file: &Path,
    dry_run: bool,
    json: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let report = import::from_file(profiles, file, dry_run)?;
    if json {
        output::json(io, &report)?;
    } else {
        for r in &report.rows {
            let (word, why) = match r.outcome {
                RowOutcome::Created if report.applied => ("created", String::new()),
                RowOutcome::Created => ("would create", String::new()),
                RowOutcome::Skipped => (
                    "skipped",
                    format!(": {}", r.reason.as_deref().unwrap_or_default()),
                ),
                RowOutcome::Invalid => (
                    "invalid",
                    format!(": {}", r.reason.as_deref().unwrap_or_default()),
                ),
            };
            outln!(
                io,
                "row {:>4}  {:<13} {}{}",
                r.row,
                word,
                esc(&r.name),
                esc(&why)
            );
        }
        let created = text::count(report.created, "profile", "profiles");
        let done = if dry_run {
            format!("Would import {created}")
        } else if report.invalid > 0 {
            format!("Imported nothing (of {created})")
        } else {
            format!("Imported {created}")
        };
        outln!(
            io,
            "{done}; {} skipped; {} invalid.",
            report.skipped,
            report.invalid
        );
        if report.applied && report.created > 0 {
            outln!(io, "Imported profiles have no API token yet: add each with `connkeeper profile edit NAME --token-stdin`.");
        }
    }
    if report.invalid > 0 {
        if !dry_run {
            errln!(
                io,
                "error: nothing was imported because {} invalid; fix them and run again.",
                text::count(report.invalid, "row is", "rows are")
            );
        }
        return Ok(Exit::Usage);
    }
    Ok(Exit::Ok)
}
