//! `connkeeper audit`

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use connkeeper_core::audit::{self, AuditRequest, HostQuestion, Recorded};
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::jira::{AuditPurpose, AuditReport, Progress};
use connkeeper_core::model::TokenKind;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::text;
use connkeeper_core::validate::{self, Draft};
use connkeeper_core::Error;

use crate::args::AuditArgs;
use crate::exit::{Exit, Failure};
use crate::io::{Input, Io};
use crate::output::{errln, esc, outln};
use crate::runtime::block_on_cancellable;
use crate::{ask, output, token};

/// stderr shared by the progress line and a question while network work runs.
pub(crate) type SharedErr<'a> = Mutex<&'a mut (dyn Write + Send)>;

pub fn run<S: SecretStore + 'static>(
    profiles: Profiles<S>,
    a: &AuditArgs,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let cfg = ClientConfig {
        max_in_flight: usize::from(a.max_in_flight),
        request_timeout: Duration::from_secs(a.timeout),
        retry_base: Duration::from_millis(a.retry_base_ms),
        deadline: Duration::from_secs(a.deadline),
        ..profiles.client().clone()
    };
    let profiles = Arc::new(profiles.with_client(cfg));
    // A saved profile's custom host may be confirmed on the terminal; with --host, stdin
    // carries the token, so only --yes confirms.
    let (request, may_ask) = match &a.profile {
        Some(name) => (AuditRequest::Saved(profiles.find(name)?.id), true),
        None => (
            AuditRequest::Draft {
                draft: adhoc_draft(&profiles, a, io)?,
                id: None,
            },
            false,
        ),
    };
    let show_progress = io.err_is_terminal;
    let input = io.input.clone();
    let interrupt = io.interrupt;
    let err: SharedErr = Mutex::new(&mut *io.err);
    let outcome = block_on_cancellable(
        interrupt,
        async {
            let progress = |p| {
                if show_progress {
                    progress_line(&err, p);
                }
            };
            let confirm = |host: String| confirm_host(may_ask, input, &err, host);
            audit::run(&profiles, request, a.purpose, a.yes, confirm, &progress).await
        },
        "the audit was cancelled (Ctrl-C); nothing was recorded",
    );
    if show_progress {
        clear_progress(&err);
    }
    let audited = match outcome? {
        Ok(audited) => audited,
        Err(Error::Jira(e)) => return Err(audit_failure(io, &e, a.json)),
        Err(e) => return Err(e.into()),
    };
    match &audited.recorded {
        Recorded::NotSaved | Recorded::Saved => {}
        Recorded::ProfileChanged => errln!(
            io,
            "warning: the profile was changed or deleted while the audit ran; its result was not saved on it"
        ),
        Recorded::Failed(e) => errln!(
            io,
            "warning: the audit ran but its summary could not be saved on the profile: {}",
            esc(&e.to_string())
        ),
    }
    let report = &audited.report;
    if a.json {
        output::json(io, report)?;
    } else {
        print_report(
            io,
            report,
            audited.profile.as_ref().map(|p| p.name.as_str()),
        )?;
    }
    Ok(if report.ok { Exit::Ok } else { Exit::Problems })
}

fn lock_err<'m, 'a>(
    err: &'m SharedErr<'a>,
) -> std::sync::MutexGuard<'m, &'a mut (dyn Write + Send)> {
    err.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Asks on the terminal whether the token may go to `host` (when `may_ask` and stdin
/// is a terminal; else `None`, the face cannot ask). The answer is read off the
/// runtime's thread, so an interruption still ends a waiting question.
pub(crate) async fn confirm_host(
    may_ask: bool,
    input: Arc<dyn Input>,
    err: &SharedErr<'_>,
    host: String,
) -> Option<bool> {
    if !may_ask || !input.is_terminal() {
        return None;
    }
    {
        let mut err = lock_err(err);
        let question = HostQuestion::new(&esc(&host));
        let _ = write!(err, "{}\n{} [y/N] ", question.message, question.title);
        let _ = err.flush();
    }
    let answer = tokio::task::spawn_blocking(move || input.read_line())
        .await
        .ok()?;
    Some(answer.is_ok_and(|a| ask::is_yes(a.trim())))
}

/// The unsaved credentials of `--host`: the fields are checked before the token is
/// read, so a typo costs no paste.
fn adhoc_draft<S: SecretStore>(
    profiles: &Profiles<S>,
    a: &AuditArgs,
    io: &Io,
) -> Result<Draft, Failure> {
    let mut draft = Draft {
        host: a.host.clone().unwrap_or_default(),
        email: a.email.clone().unwrap_or_default(),
        application: a.application.code().to_owned(),
        ..Draft::default()
    };
    validate::validate_target(
        &draft.host,
        &draft.email,
        &draft.application,
        profiles.loopback_allowed(),
    )
    .map_err(Error::Validation)?;
    draft.token = Some(token::for_create(io, a.token_stdin)?);
    Ok(draft)
}

fn audit_failure(io: &mut Io, e: &connkeeper_core::jira::JiraError, json: bool) -> Failure {
    if json {
        let body = serde_json::json!({"error": {"kind": e.kind.code(), "message": e.message}});
        if let Err(f) = output::json(io, &body) {
            return f;
        }
        return Failure {
            exit: Exit::Env,
            message: String::new(),
        };
    }
    Failure::env(format!(
        "the audit could not run ({}): {}",
        e.kind.code(),
        e.message
    ))
}

/// Draws the progress line on stderr (a terminal).
pub(crate) fn progress_line(err: &SharedErr<'_>, p: Progress) {
    let text = match p {
        Progress::Credentials => "Checking credentials…".to_owned(),
        Progress::Projects {
            scanned,
            total: Some(t),
        } => format!("Listing spaces {scanned}/{t}…"),
        Progress::Projects {
            scanned,
            total: None,
        } => format!("Listing spaces {scanned}…"),
        Progress::Permissions { checked, total } => {
            let width = 30usize;
            let filled = (checked * width)
                .checked_div(total)
                .unwrap_or(width)
                .min(width);
            format!(
                "Checking permissions [{}{}] {checked}/{total}",
                "#".repeat(filled),
                ".".repeat(width - filled)
            )
        }
        Progress::Done => String::new(),
    };
    let _ = write!(lock_err(err), "\r\x1b[2K{text}");
}

/// Clears the progress line.
pub(crate) fn clear_progress(err: &SharedErr<'_>) {
    let _ = write!(lock_err(err), "\r\x1b[2K");
}

fn list_keys(keys: &[&str], max: usize) -> String {
    let mut out = keys
        .iter()
        .take(max)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > max {
        out.push_str(&format!(", ... and {} more", keys.len() - max));
    }
    out
}

/// The human report: who was audited, the verdicts, what is missing and how to fix it.
fn print_report(io: &mut Io, r: &AuditReport, profile: Option<&str>) -> Result<(), Failure> {
    print_header(io, r, profile)?;
    // A root cause first: without product access, per-space gaps are noise.
    let root = r.root_cause_warning();
    if let Some(w) = root {
        outln!(io, "\n  ROOT CAUSE: {}", esc(&w.message));
    }
    print_verdicts(io, r)?;
    print_missing_global(io, r)?;
    if root.is_some() {
        let with_gaps = r.projects.iter().filter(|p| !p.missing.is_empty()).count();
        outln!(
            io,
            "\n{} permissions because of the root cause above; fix it first and audit again.",
            text::count(with_gaps, "space lacks", "spaces lack")
        );
    } else {
        print_space_gaps(io, r)?;
    }
    print_archived(io, r)?;
    let others: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| Some(w.code) != r.root_cause)
        .collect();
    if !others.is_empty() {
        outln!(io, "\nWarnings:");
        for w in others {
            outln!(io, "  ! {}", esc(&w.message));
        }
    }
    print_footer(io, r)
}

/// "Audit PROFILE of HOST (APPLICATION) as WHO" and the kind of token.
fn print_header(io: &mut Io, r: &AuditReport, profile: Option<&str>) -> Result<(), Failure> {
    let who = match (&r.account.display_name, &r.account.email) {
        (Some(n), Some(e)) => format!("{n} <{e}>"),
        (Some(n), None) => n.clone(),
        (None, Some(e)) => e.clone(),
        (None, None) => r.account.account_id.clone(),
    };
    let who = if r.account.service_account {
        format!("service account {who}")
    } else {
        who
    };
    let title = profile
        .map(|p| format!("\"{}\" ", esc(p)))
        .unwrap_or_default();
    outln!(
        io,
        "Audit {title}of {} ({}) as {}",
        esc(&r.host),
        r.application.display_name(),
        esc(&who)
    );
    outln!(
        io,
        "  Token:   {}",
        match r.token_kind {
            TokenKind::Classic => "classic API token (on the site)",
            TokenKind::Scoped => "API token with scopes (through api.atlassian.com)",
        }
    );
    Ok(())
}

/// The backup and restore verdicts the purpose asks for.
fn print_verdicts(io: &mut Io, r: &AuditReport) -> Result<(), Failure> {
    let verdict = |ok: bool| {
        if ok {
            "OK, everything required is granted"
        } else {
            "MISSING PERMISSIONS"
        }
    };
    if r.purpose != AuditPurpose::Restore {
        outln!(io, "  Backup:  {}", verdict(r.backup_ok));
    }
    if r.purpose != AuditPurpose::Backup {
        outln!(io, "  Restore: {}", verdict(r.restore_ok));
    }
    Ok(())
}

/// The missing global permissions, with why each is needed and where to grant them.
fn print_missing_global(io: &mut Io, r: &AuditReport) -> Result<(), Failure> {
    let missing: Vec<_> = r.global.iter().filter(|g| !g.granted).collect();
    let Some(first) = missing.first() else {
        return Ok(());
    };
    outln!(
        io,
        "\nMissing global permissions (grant them to a group the account is in):"
    );
    for g in &missing {
        let purposes: Vec<&str> = g.required_for.iter().map(|p| p.code()).collect();
        outln!(
            io,
            "  - {} [{}] ({}): {}",
            g.name,
            g.key,
            purposes.join(", "),
            g.why
        );
    }
    outln!(io, "  Fix: {}", esc(&first.fix_url));
    Ok(())
}

/// The spaces with gaps, grouped by missing permission, and the first fix links.
fn print_space_gaps(io: &mut Io, r: &AuditReport) -> Result<(), Failure> {
    let gaps = r.gaps_by_permission();
    if gaps.is_empty() {
        return Ok(());
    }
    let with_gaps: Vec<_> = r
        .projects
        .iter()
        .filter(|p| !p.missing.is_empty())
        .collect();
    outln!(
        io,
        "\nSpaces with gaps ({} of {}):",
        with_gaps.len(),
        r.projects.len()
    );
    for (req, projects) in &gaps {
        let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
        let noun = if keys.len() == 1 {
            "space lacks"
        } else {
            "spaces lack"
        };
        outln!(
            io,
            "  {} {noun} {}: {}",
            keys.len(),
            req.name,
            esc(&list_keys(&keys, 5))
        );
    }
    outln!(io, "\nFix links:");
    for p in with_gaps.iter().take(10) {
        let note = if p.team_managed {
            " (team-managed: Space settings > Access)"
        } else {
            ""
        };
        outln!(io, "  {:<10} {}{note}", esc(&p.key), esc(&p.fix_url));
    }
    if with_gaps.len() > 10 {
        outln!(
            io,
            "  ... and {} more (--json lists every space)",
            with_gaps.len() - 10
        );
    }
    Ok(())
}

/// The archived spaces, which are not audited.
fn print_archived(io: &mut Io, r: &AuditReport) -> Result<(), Failure> {
    if !r.archived_projects.is_empty() {
        let keys: Vec<&str> = r.archived_projects.iter().map(|p| p.key.as_str()).collect();
        outln!(
            io,
            "\nArchived spaces ({}, read-only, not audited): {}",
            keys.len(),
            esc(&list_keys(&keys, 10))
        );
    }
    Ok(())
}

/// Service desks, coverage, requests and duration.
fn print_footer(io: &mut Io, r: &AuditReport) -> Result<(), Failure> {
    if let Some(n) = r.service_desks {
        outln!(io, "\nService desks reached: {n}");
    }
    outln!(
        io,
        "\nChecked {} ({}) with {} in {:.1} s.",
        text::count(r.projects.len(), "space", "spaces"),
        if r.coverage.complete {
            "complete coverage"
        } else {
            "partial coverage"
        },
        text::count(r.requests, "request", "requests"),
        r.duration_ms as f64 / 1000.0
    );
    Ok(())
}
