//! `connkeeper audit`

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use connkeeper_core::jira::audit::{self, AuditInput, AuditPurpose, AuditReport, Progress};
use connkeeper_core::jira::{ClientConfig, JiraError};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::validate;
use connkeeper_core::Error;

use crate::args::AuditArgs;
use crate::exit::{Failure, ENV, PROBLEMS};
use crate::{output, token};

pub fn run<S: SecretStore>(
    profiles: &Profiles<S>,
    a: &AuditArgs,
    allow_loopback_http: bool,
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
            let token = profiles.token(p.id)?.ok_or_else(|| {
                Failure::env(format!(
                    "no API token is stored for \"{}\"; add it with `connkeeper profile edit \"{}\" --token-stdin`",
                    p.name, p.name
                ))
            })?;
            let input = AuditInput {
                host: p.host.clone(),
                email: p.email.clone(),
                token,
                application: p.application,
                purpose,
            };
            (input, Some(p))
        }
        None => (adhoc_input(a, purpose, allow_loopback_http)?, None),
    };
    let cfg = ClientConfig {
        max_in_flight: usize::from(a.max_in_flight),
        request_timeout: Duration::from_secs(a.timeout),
        retry_base: Duration::from_millis(a.retry_base_ms),
        allow_loopback_http,
        ..ClientConfig::default()
    };
    let show_progress = std::io::stderr().is_terminal();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::env(format!("cannot start the async runtime: {e}")))?;
    let clock = connkeeper_core::clock::SystemClock;
    let report = rt.block_on(audit::run(input, cfg, &clock, &|p| {
        if show_progress {
            progress_line(p);
        }
    }));
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => return Err(audit_failure(&e, a.json)),
    };
    if let Some(p) = &saved {
        if let Err(e) = profiles.record_audit(p.id, &report) {
            eprintln!(
                "warning: the audit ran but its summary could not be saved on the profile: {e}"
            );
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

fn adhoc_input(
    a: &AuditArgs,
    purpose: AuditPurpose,
    allow_loopback_http: bool,
) -> Result<AuditInput, Failure> {
    let (host, email, application) = validate::validate_target(
        a.host.as_deref().unwrap_or_default(),
        a.email.as_deref().unwrap_or_default(),
        a.application.as_deref().unwrap_or("jira"),
        allow_loopback_http,
    )
    .map_err(Error::Validation)?;
    let raw = token::for_create(a.token_stdin)?;
    let token = validate::validate_token(Some(&raw), validate::Mode::Create)
        .map_err(|e| Failure::from(Error::Validation(vec![e])))?
        .expect("create mode yields a token");
    Ok(AuditInput {
        host,
        email,
        token,
        application,
        purpose,
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
    let title = profile.map(|p| format!("\"{p}\" ")).unwrap_or_default();
    println!(
        "Audit {title}of {} ({}) as {who}",
        r.host,
        r.application.display_name()
    );
    let verdict = |ok: bool| {
        if ok {
            "OK, everything required is granted"
        } else {
            "MISSING PERMISSIONS"
        }
    };
    if r.purpose != AuditPurpose::Restore {
        println!("  Backup:  {}", verdict(r.backup_ok));
    }
    if r.purpose != AuditPurpose::Backup {
        println!("  Restore: {}", verdict(r.restore_ok));
    }
    let missing: Vec<_> = r.global.iter().filter(|g| !g.granted).collect();
    if !missing.is_empty() {
        println!("\nMissing global permissions (grant them to a group the account is in):");
        for g in &missing {
            let purposes: Vec<&str> = g.required_for.iter().map(|p| p.code()).collect();
            println!(
                "  - {} [{}] ({}): {}",
                g.name,
                g.key,
                purposes.join(", "),
                g.why
            );
        }
        println!("  Fix: {}", missing[0].fix_url);
    }
    let gaps = r.gaps_by_permission();
    let with_gaps: Vec<_> = r
        .projects
        .iter()
        .filter(|p| !p.missing.is_empty())
        .collect();
    if !gaps.is_empty() {
        println!(
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
            println!(
                "  {} {noun} {}: {}",
                keys.len(),
                req.name,
                list_keys(&keys, 5)
            );
        }
        println!("\nFix links:");
        for p in with_gaps.iter().take(10) {
            let note = if p.team_managed {
                " (team-managed: Space settings > Access)"
            } else {
                ""
            };
            println!("  {:<10} {}{note}", p.key, p.fix_url);
        }
        if with_gaps.len() > 10 {
            println!(
                "  ... and {} more (--json lists every project)",
                with_gaps.len() - 10
            );
        }
    }
    if !r.warnings.is_empty() {
        println!("\nWarnings:");
        for w in &r.warnings {
            println!("  ! {}", w.message);
        }
    }
    if let Some(n) = r.service_desks {
        println!("\nService desks reached: {n}");
    }
    println!(
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
