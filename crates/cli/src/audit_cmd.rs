//! `connkeeper audit`

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use connkeeper_core::audits::{AuditRequest, Recorded};
use connkeeper_core::jira::audit::{AuditPurpose, AuditReport, Progress};
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::model::TokenKind;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::setup::Secrets;
use connkeeper_core::validate::{self, Draft};
use connkeeper_core::Error;

use crate::args::AuditArgs;
use crate::exit::{Exit, Failure};
use crate::output::{esc, outln};
use crate::{ask, output, token};

pub fn run(profiles: Profiles<Secrets>, a: &AuditArgs) -> Result<Exit, Failure> {
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
                draft: adhoc_draft(&profiles, a)?,
                id: None,
            },
            false,
        ),
    };
    let show_progress = std::io::stderr().is_terminal();
    let rt = ask::runtime()?;
    let outcome = rt.block_on(async {
        let progress = |p| {
            if show_progress {
                progress_line(p);
            }
        };
        let confirm = |host: String| async move {
            if !may_ask || !std::io::stdin().is_terminal() {
                return None;
            }
            // Off the runtime's thread, so Ctrl-C still ends a waiting prompt.
            tokio::task::spawn_blocking(move || ask_host(&host))
                .await
                .ok()
        };
        let audit = profiles.audit(request, a.purpose, a.yes, confirm, &progress);
        tokio::select! {
            r = audit => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    // A prompt left waiting after Ctrl-C must not keep the process alive.
    rt.shutdown_background();
    let audited = match outcome {
        Some(Ok(audited)) => audited,
        Some(Err(Error::Jira(e))) => return Err(audit_failure(&e, a.json)),
        Some(Err(e)) => return Err(e.into()),
        None => {
            return Err(Failure {
                exit: Exit::Interrupted,
                message: "the audit was cancelled (Ctrl-C); nothing was recorded".into(),
            })
        }
    };
    match &audited.recorded {
        Recorded::NotSaved | Recorded::Saved => {}
        Recorded::ProfileChanged => eprintln!(
            "warning: the profile was changed or deleted while the audit ran; its result was not saved on it"
        ),
        Recorded::Failed(e) => eprintln!(
            "warning: the audit ran but its summary could not be saved on the profile: {}",
            esc(&e.to_string())
        ),
    }
    let report = &audited.report;
    if a.json {
        output::json(report);
    } else {
        print_report(report, audited.profile.as_ref().map(|p| p.name.as_str()));
    }
    Ok(if report.ok { Exit::Ok } else { Exit::Problems })
}

/// Asks on the terminal whether the token may go to `host`.
pub(crate) fn ask_host(host: &str) -> bool {
    ask::yes(&format!(
        "{} is not an Atlassian Cloud site (*.atlassian.net). Send the API token there? [y/N] ",
        esc(host)
    ))
}

/// The unsaved credentials of `--host`: the fields are checked before the token is
/// read, so a typo costs no paste.
fn adhoc_draft(profiles: &Profiles<Secrets>, a: &AuditArgs) -> Result<Draft, Failure> {
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
    draft.token = Some(token::for_create(a.token_stdin)?);
    Ok(draft)
}

fn audit_failure(e: &connkeeper_core::jira::JiraError, json: bool) -> Failure {
    if json {
        output::json(&serde_json::json!({"error": {"kind": e.kind.code(), "message": e.message}}));
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

pub(crate) fn progress_line(p: Progress) {
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
    eprint!("\r\x1b[2K{text}");
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

fn print_report(r: &AuditReport, profile: Option<&str>) {
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
        "Audit {title}of {} ({}) as {}",
        esc(&r.host),
        r.application.display_name(),
        esc(&who)
    );
    outln!(
        "  Token:   {}",
        match r.token_kind {
            TokenKind::Classic => "classic API token (on the site)",
            TokenKind::Scoped => "API token with scopes (through api.atlassian.com)",
        }
    );
    // A root cause first: without product access, per-space gaps are noise.
    let root = r.root_cause_warning();
    if let Some(w) = root {
        outln!("\n  ROOT CAUSE: {}", esc(&w.message));
    }
    let verdict = |ok: bool| {
        if ok {
            "OK, everything required is granted"
        } else {
            "MISSING PERMISSIONS"
        }
    };
    if r.purpose != AuditPurpose::Restore {
        outln!("  Backup:  {}", verdict(r.backup_ok));
    }
    if r.purpose != AuditPurpose::Backup {
        outln!("  Restore: {}", verdict(r.restore_ok));
    }
    let missing: Vec<_> = r.global.iter().filter(|g| !g.granted).collect();
    if !missing.is_empty() {
        outln!("\nMissing global permissions (grant them to a group the account is in):");
        for g in &missing {
            let purposes: Vec<&str> = g.required_for.iter().map(|p| p.code()).collect();
            outln!(
                "  - {} [{}] ({}): {}",
                g.name,
                g.key,
                purposes.join(", "),
                g.why
            );
        }
        outln!("  Fix: {}", esc(&missing[0].fix_url));
    }
    let gaps = if root.is_some() {
        Vec::new()
    } else {
        r.gaps_by_permission()
    };
    let with_gaps: Vec<_> = r
        .projects
        .iter()
        .filter(|p| !p.missing.is_empty())
        .collect();
    if !gaps.is_empty() {
        outln!(
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
                "  {} {noun} {}: {}",
                keys.len(),
                req.name,
                esc(&list_keys(&keys, 5))
            );
        }
        outln!("\nFix links:");
        for p in with_gaps.iter().take(10) {
            let note = if p.team_managed {
                " (team-managed: Space settings > Access)"
            } else {
                ""
            };
            outln!("  {:<10} {}{note}", esc(&p.key), esc(&p.fix_url));
        }
        if with_gaps.len() > 10 {
            outln!(
                "  ... and {} more (--json lists every space)",
                with_gaps.len() - 10
            );
        }
    }
    if root.is_some() {
        let with_gaps = r.projects.iter().filter(|p| !p.missing.is_empty()).count();
        outln!("\n{with_gaps} space(s) lack permissions because of the root cause above; fix it first and audit again.");
    }
    if !r.archived_projects.is_empty() {
        let keys: Vec<&str> = r.archived_projects.iter().map(|p| p.key.as_str()).collect();
        outln!(
            "\nArchived spaces ({}, read-only, not audited): {}",
            keys.len(),
            esc(&list_keys(&keys, 10))
        );
    }
    let others: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| Some(w.code) != r.root_cause)
        .collect();
    if !others.is_empty() {
        outln!("\nWarnings:");
        for w in others {
            outln!("  ! {}", esc(&w.message));
        }
    }
    if let Some(n) = r.service_desks {
        outln!("\nService desks reached: {n}");
    }
    outln!(
        "\nChecked {} space(s) ({}) with {} requests in {:.1} s.",
        r.projects.len(),
        if r.coverage.complete {
            "complete coverage"
        } else {
            "partial coverage"
        },
        r.requests,
        r.duration_ms as f64 / 1000.0
    );
}
