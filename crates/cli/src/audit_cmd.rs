//! `connkeeper audit`

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use connkeeper_core::jira::audit::{self, AuditInput, AuditPurpose, AuditReport, Progress};
use connkeeper_core::jira::{ClientConfig, JiraError};
use connkeeper_core::model::TokenKind;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::validate::{self, Draft};
use connkeeper_core::Error;

use crate::args::AuditArgs;
use crate::exit::{Failure, ENV, INTERRUPTED, PROBLEMS};
use crate::output::{esc, outln};
use crate::{output, token};

pub fn run<S: SecretStore>(
    profiles: &Profiles<S>,
    a: &AuditArgs,
    allow_loopback_http: bool,
    gateway: url::Url,
) -> Result<ExitCode, Failure> {
    let purpose = AuditPurpose::parse(&a.purpose).ok_or_else(|| {
        Failure::usage(format!(
            "--purpose: \"{}\" is not one of backup, restore, all",
            a.purpose
        ))
    })?;
    let (input, saved) = match &a.profile {
        Some(name) => {
            let p = profiles.find(name)?;
            let (p, input) = confirmed(a.yes, !a.token_stdin, |yes| {
                profiles.audit_input(p.id, purpose, yes)
            })?;
            (input, Some(p))
        }
        None => (adhoc_input(profiles, a, purpose)?, None),
    };
    let cfg = ClientConfig {
        max_in_flight: usize::from(a.max_in_flight),
        request_timeout: Duration::from_secs(a.timeout),
        retry_base: Duration::from_millis(a.retry_base_ms),
        deadline: Duration::from_secs(a.deadline),
        allow_loopback_http,
        gateway,
        ..ClientConfig::default()
    };
    let show_progress = std::io::stderr().is_terminal();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::env(format!("cannot start the async runtime: {e}")))?;
    let clock = connkeeper_core::clock::SystemClock;
    let report = rt.block_on(async {
        let progress = |p| {
            if show_progress {
                progress_line(p);
            }
        };
        let audit = audit::run(input, cfg, &clock, &progress);
        tokio::select! {
            r = audit => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    let report = match report {
        Some(Ok(r)) => r,
        Some(Err(e)) => return Err(audit_failure(&e, a.json)),
        None => {
            return Err(Failure {
                code: INTERRUPTED,
                message: "the audit was cancelled (Ctrl-C); nothing was recorded".into(),
            })
        }
    };
    if let Some(p) = &saved {
        match profiles.record_audit(p.id, p.target(), &report) {
            Ok(true) => {}
            Ok(false) => eprintln!(
                "warning: the profile was changed or deleted while the audit ran; its result was not saved on it"
            ),
            Err(e) => eprintln!(
                "warning: the audit ran but its summary could not be saved on the profile: {}",
                esc(&e.to_string())
            ),
        }
    }
    if a.json {
        output::json(&report);
    } else {
        print_report(&report, saved.as_ref().map(|p| p.name.as_str()));
    }
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PROBLEMS)
    })
}

/// Runs `prepare`; when it needs the user's confirmation of a custom host, asks on the
/// terminal (if `may_prompt` and stdin is one) and runs it again confirmed.
fn confirmed<T>(
    yes: bool,
    may_prompt: bool,
    prepare: impl Fn(bool) -> Result<T, Error>,
) -> Result<T, Failure> {
    match prepare(yes) {
        Err(Error::ConfirmationRequired { host })
            if may_prompt && std::io::stdin().is_terminal() =>
        {
            eprint!("{host} is not an Atlassian Cloud site (*.atlassian.net). Send the API token there? [y/N] ");
            let _ = std::io::stderr().flush();
            let mut answer = String::new();
            std::io::stdin()
                .read_line(&mut answer)
                .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
            if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
                Ok(prepare(true)?)
            } else {
                Err(Failure::usage("nothing was sent"))
            }
        }
        other => Ok(other?),
    }
}

fn adhoc_input<S: SecretStore>(
    profiles: &Profiles<S>,
    a: &AuditArgs,
    purpose: AuditPurpose,
) -> Result<AuditInput, Failure> {
    let mut draft = Draft {
        host: a.host.clone().unwrap_or_default(),
        email: a.email.clone().unwrap_or_default(),
        application: a.application.clone().unwrap_or_else(|| "jira".to_owned()),
        ..Draft::default()
    };
    // The fields first, so a typo costs no paste.
    validate::validate_target(
        &draft.host,
        &draft.email,
        &draft.application,
        profiles.loopback_allowed(),
    )
    .map_err(Error::Validation)?;
    draft.token = Some(token::for_create(a.token_stdin)?);
    confirmed(a.yes, false, |yes| {
        profiles.test_input(&draft, None, purpose, yes)
    })
}

fn audit_failure(e: &JiraError, json: bool) -> Failure {
    if json {
        output::json(&serde_json::json!({"error": {"kind": e.kind.code(), "message": e.message}}));
        return Failure {
            code: ENV,
            message: String::new(),
        };
    }
    Failure {
        code: ENV,
        message: format!("the audit could not run ({}): {}", e.kind.code(), e.message),
    }
}

fn progress_line(p: Progress) {
    let text = match p {
        Progress::Credentials => "Checking credentials…".to_owned(),
        Progress::Projects {
            scanned,
            total: Some(t),
        } => format!("Listing projects {scanned}/{t}…"),
        Progress::Projects {
            scanned,
            total: None,
        } => format!("Listing projects {scanned}…"),
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
        r.host,
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
    // A root cause first: without product access, per-project gaps are noise.
    let root = r.warnings.iter().find(|w| w.code == "no_product_access");
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
        outln!("  Fix: {}", missing[0].fix_url);
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
            "\nProjects with gaps ({} of {}):",
            with_gaps.len(),
            r.projects.len()
        );
        for (req, projects) in &gaps {
            let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
            let noun = if keys.len() == 1 {
                "project lacks"
            } else {
                "projects lack"
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
                "  ... and {} more (--json lists every project)",
                with_gaps.len() - 10
            );
        }
    }
    if root.is_some() {
        let with_gaps = r.projects.iter().filter(|p| !p.missing.is_empty()).count();
        outln!("\n{with_gaps} project(s) lack permissions because of the root cause above; fix it first and audit again.");
    }
    if !r.archived_projects.is_empty() {
        let keys: Vec<&str> = r.archived_projects.iter().map(|p| p.key.as_str()).collect();
        outln!(
            "\nArchived projects ({}, read-only, not audited): {}",
            keys.len(),
            esc(&list_keys(&keys, 10))
        );
    }
    let others: Vec<_> = r
        .warnings
        .iter()
        .filter(|w| w.code != "no_product_access")
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
        "\nChecked {} project(s) ({}) with {} requests in {:.1} s.",
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
