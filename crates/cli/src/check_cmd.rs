//! `connkeeper check` (health checks for cron and systemd timers) and
//! `connkeeper history` (a profile's checks).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use connkeeper_core::health::{self, CheckState, Checked};
use connkeeper_core::jira::ErrorKind;
use connkeeper_core::model::Profile;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::text;
use serde::Serialize;

use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output::{self, esc, outln};
use crate::runtime::block_on_cancellable;

fn when(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// One check as `--json` prints it.
#[derive(Serialize)]
struct CheckJson<'a> {
    profile: &'a str,
    id: String,
    #[serde(flatten)]
    record: &'a health::CheckRecord,
}

/// Checks `names` (or every profile with `all`) one after the other: exit 0 when each
/// is healthy and unchanged, 1 when something changed or a check failed, 3 when the
/// environment (keyring, data folder) stopped a check.
pub fn check<S: SecretStore + 'static>(
    profiles: Profiles<S>,
    names: &[String],
    all: bool,
    json: bool,
    accept: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let targets: Vec<Profile> = if all {
        profiles.load()?
    } else {
        names
            .iter()
            .map(|n| profiles.find(n))
            .collect::<Result<_, _>>()?
    };
    let profiles = Arc::new(profiles);
    let mut done: Vec<Checked> = Vec::new();
    for p in &targets {
        let checked = block_on_cancellable(
            io.interrupt,
            health::check(&profiles, p.id, accept, &|_| {}),
            "the checks were cancelled (Ctrl-C); the checks that ended are recorded",
        )??;
        if !json {
            print_check(io, &checked)?;
        }
        done.push(checked);
    }
    if json {
        let out: Vec<CheckJson> = done
            .iter()
            .map(|c| CheckJson {
                profile: &c.name,
                id: c.id.to_string(),
                record: &c.record,
            })
            .collect();
        output::json(io, &out)?;
    } else if targets.is_empty() {
        outln!(io, "No profiles to check.");
    }
    let environment = done.iter().any(|c| {
        c.record.problem.as_ref().is_some_and(|p| {
            matches!(
                p.kind,
                ErrorKind::KeyringUnavailable
                    | ErrorKind::KeyringRefused
                    | ErrorKind::Store
                    | ErrorKind::StoreLocked
                    | ErrorKind::BadFile
            )
        })
    });
    let healthy = done
        .iter()
        .all(|c| c.record.state == CheckState::Healthy || c.record.accepted);
    Ok(if environment {
        Exit::Env
    } else if healthy {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

fn print_check(io: &mut Io, c: &Checked) -> Result<(), Failure> {
    let r = &c.record;
    let name = esc(&c.name);
    let requests = text::count(r.requests, "request", "requests");
    match r.state {
        CheckState::Healthy if r.accepted => outln!(
            io,
            "{name}: healthy; this result is the baseline now ({requests})."
        ),
        CheckState::Healthy => outln!(io, "{name}: healthy, as the baseline ({requests})."),
        CheckState::Changed => outln!(
            io,
            "{name}: {} since the baseline{} ({requests}):",
            text::count(r.changes.len(), "change", "changes"),
            if r.accepted {
                ", accepted as the new baseline"
            } else {
                ""
            }
        ),
        CheckState::Failed => outln!(io, "{name}: the check failed:"),
        CheckState::Skipped => outln!(io, "{name}: not checked:"),
    }
    for change in &r.changes {
        outln!(io, "  - {}: {}", change.code, esc(&change.message));
    }
    if let (CheckState::Skipped, Some(p)) = (r.state, &r.problem) {
        outln!(io, "  - {}: {}", p.kind, esc(&p.message));
    }
    Ok(())
}

/// Profile `name`'s baseline and checks, newest first.
pub fn history<S: SecretStore>(
    profiles: &Profiles<S>,
    name: &str,
    json: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let p = profiles.find(name)?;
    let h = health::history(profiles, p.id)?;
    if json {
        output::json(io, &h)?;
        return Ok(Exit::Ok);
    }
    let name = esc(&p.name);
    match &h.baseline {
        Some(b) => outln!(io, "{name}: baseline of {}.", when(b.at)),
        None if h.checks.is_empty() => {
            outln!(
                io,
                "{name}: never checked; the first check sets the baseline."
            );
        }
        None => outln!(
            io,
            "{name}: no baseline yet; the first check that reaches the site sets it."
        ),
    }
    for r in &h.checks {
        let what = match (r.state, r.changes.first(), &r.problem) {
            (CheckState::Skipped, _, Some(p)) => format!("{}: {}", p.kind, p.message),
            (_, Some(c), _) => {
                let more = r.changes.len() - 1;
                if more > 0 {
                    format!("{} (and {more} more)", c.message)
                } else {
                    c.message.clone()
                }
            }
            _ => String::new(),
        };
        let requests = match r.state {
            CheckState::Healthy | CheckState::Changed => format!("{:>4} req", r.requests),
            CheckState::Failed | CheckState::Skipped => "       ".to_owned(),
        };
        outln!(
            io,
            "{}  {:<8} {requests}  {}{}",
            when(r.at),
            r.state.code(),
            if r.accepted { "[baseline] " } else { "" },
            esc(&what)
        );
    }
    Ok(Exit::Ok)
}
