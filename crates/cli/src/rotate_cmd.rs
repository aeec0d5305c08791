//! `connkeeper rotate`: a new token in place of the old one, make before break.

use std::io::IsTerminal;
use std::sync::Arc;

use connkeeper_core::profiles::Profiles;
use connkeeper_core::rotation::{
    RefusalCode, RotateRequest, RotationOutcome, RotationPlan, Verification,
};
use connkeeper_core::setup::Secrets;
use connkeeper_core::{Error, SecretString};

use crate::args::RotateArgs;
use crate::exit::{Exit, Failure};
use crate::output::{esc, outln, shell_word};
use crate::{ask, audit_cmd, output, token};

pub fn run(profiles: Profiles<Secrets>, a: &RotateArgs) -> Result<Exit, Failure> {
    let profile = profiles.find(&a.profile)?;
    if a.old_token_revoked {
        let view = profiles.mark_old_token_revoked(profile.id, true)?;
        if a.json {
            output::json(&view);
        } else if view.old_token_revoked == Some(true) {
            outln!(
                "Recorded: the old token of \"{}\" is revoked.",
                esc(&view.name)
            );
        } else {
            outln!(
                "\"{}\" was never rotated; nothing to record.",
                esc(&view.name)
            );
        }
        return Ok(Exit::Ok);
    }
    let plan = profiles.rotation_plan(profile.id)?;
    let interactive = !a.token_stdin && std::io::stdin().is_terminal();
    if !a.json {
        print_plan(&plan);
    }
    let expires = match (&a.expires, interactive) {
        (Some(e), _) => e.clone(),
        (None, true) => ask_expiry(&plan)?,
        (None, false) => {
            return Err(Failure::usage(format!(
                "--expires: give the new token's expiration date (suggested: {})",
                plan.suggested_expires
            )))
        }
    };
    let token: SecretString = if a.token_stdin {
        token::from_stdin()?
    } else {
        token::for_create(false)?
    };
    let profiles = Arc::new(profiles);
    let show_progress = std::io::stderr().is_terminal();
    let rt = ask::runtime()?;
    let request = RotateRequest {
        id: plan.id,
        token,
        expires,
        force: a.force,
    };
    let outcome = rt.block_on(async {
        let progress = |p| {
            if show_progress {
                audit_cmd::progress_line(p);
            }
        };
        let confirm = |host: String| async move {
            if !interactive {
                return None;
            }
            tokio::task::spawn_blocking(move || audit_cmd::ask_host(&host))
                .await
                .ok()
        };
        // Ctrl-C stops the verification; the swap that follows runs to its end (the
        // signal handler is installed by then, so a second Ctrl-C cannot cut it either).
        let verify = profiles.verify_rotation(request, a.yes, confirm, &progress);
        let verified = tokio::select! {
            r = verify => r,
            _ = tokio::signal::ctrl_c() => return None,
        };
        Some(match verified {
            Ok(Verification::Refused(outcome)) => Ok(outcome),
            Ok(Verification::Ready(ready)) => profiles.commit_rotation(ready).await,
            Err(e) => Err(e),
        })
    });
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    rt.shutdown_background();
    let outcome = match outcome {
        Some(Ok(o)) => o,
        Some(Err(e @ Error::Jira(_))) => return Err(e.into()),
        Some(Err(e)) => return Err(e.into()),
        None => {
            return Err(Failure {
                exit: Exit::Interrupted,
                message: "the rotation was cancelled (Ctrl-C); the old token is still in place"
                    .into(),
            })
        }
    };
    if a.json {
        output::json(&outcome);
    }
    match outcome {
        RotationOutcome::Rotated { profile, record } => {
            if !a.json {
                outln!();
                outln!(
                    "Rotated: \"{}\" now uses the new token (expires {}).{}",
                    esc(&profile.name),
                    record.new_expires,
                    if record.forced {
                        " You insisted: it was not verified as good as the old one."
                    } else {
                        ""
                    }
                );
                print_checklist(&plan);
            }
            Ok(Exit::Ok)
        }
        RotationOutcome::Refused {
            refusals,
            can_insist,
            ..
        } => {
            if !a.json {
                eprintln!("The new token was not put in place; the old one still works:");
                for r in &refusals {
                    eprintln!("  - {}", esc(&r.message));
                }
                if can_insist {
                    eprintln!("To put it in place anyway, run again with --force.");
                }
            }
            // Not verified because the site could not be reached: an environment failure.
            if refusals.iter().all(|r| r.code == RefusalCode::Unverified) {
                return Ok(Exit::Env);
            }
            Ok(Exit::Problems)
        }
    }
}

fn print_plan(plan: &RotationPlan) {
    outln!(
        "Rotating the API token of \"{}\" ({} at {}).",
        esc(&plan.name),
        esc(&plan.email),
        esc(&plan.host)
    );
    outln!(
        "1. Create a new API token while signed in as {}:",
        esc(&plan.email)
    );
    outln!("     {}", plan.token_page);
    outln!("   Label:  {}", esc(&plan.label));
    outln!(
        "   Expiry: {} (Atlassian allows up to {})",
        plan.suggested_expires,
        plan.latest_expires
    );
    outln!(
        "2. Paste it below. It is checked against {} and audited before anything changes;",
        esc(&plan.host)
    );
    outln!("   the old token stays in place until the new one works at least as well.");
    if plan.old_token_pending {
        outln!("Note: the old token of the previous rotation is not marked revoked yet.");
    }
}

fn print_checklist(plan: &RotationPlan) {
    let service = match &plan.description {
        Some(d) => format!("{} ({})", plan.application.display_name(), esc(d)),
        None => plan.application.display_name().to_owned(),
    };
    outln!("Next:");
    outln!("  [ ] Update the connection in your backup service: {service}.");
    outln!("  [ ] Run a backup and confirm it works with the new token.");
    outln!(
        "  [ ] Revoke the old token (it expires {}) at {}",
        plan.expires,
        plan.token_page
    );
    outln!(
        "      then record it: connkeeper rotate {} --old-token-revoked",
        shell_word(&plan.name)
    );
}

fn ask_expiry(plan: &RotationPlan) -> Result<String, Failure> {
    let answer = ask::line(&format!(
        "Expiry date of the new token [{}]: ",
        plan.suggested_expires
    ))?;
    Ok(if answer.is_empty() {
        plan.suggested_expires.to_string()
    } else {
        answer
    })
}
