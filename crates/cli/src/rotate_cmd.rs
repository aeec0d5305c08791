//! `connkeeper rotate`: a new token in place of the old one, make before break.

use std::sync::{Arc, Mutex};

use connkeeper_core::profiles::Profiles;
use connkeeper_core::rotation::{
    self, RefusalCode, RotateRequest, RotationOutcome, RotationPlan, Verification,
};
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::SecretString;

use crate::args::RotateArgs;
use crate::audit_cmd::{self, SharedErr};
use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output::{errln, esc, outln, shell_word};
use crate::runtime::{block_on, block_on_cancellable};
use crate::{ask, output, token};

pub fn run<S: SecretStore + 'static>(
    profiles: Profiles<S>,
    a: &RotateArgs,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let profile = profiles.find(&a.profile)?;
    if a.old_token_revoked {
        return record_old_token_revoked(&profiles, profile.id, a.json, io);
    }
    let plan = rotation::plan(&profiles, profile.id)?;
    let interactive = !a.token_stdin && io.input.is_terminal();
    if !a.json {
        print_plan(io, &plan)?;
    }
    let expires = match (&a.expires, interactive) {
        (Some(e), _) => e.clone(),
        (None, true) => ask_expiry(io, &plan)?,
        (None, false) => {
            return Err(Failure::usage(format!(
                "--expires: give the new token's expiration date (suggested: {})",
                plan.suggested_expires
            )))
        }
    };
    let token: SecretString = if a.token_stdin {
        token::from_stdin(io)?
    } else {
        token::for_create(io, false)?
    };
    let request = RotateRequest {
        id: plan.id,
        token,
        expires,
        force: a.force,
    };
    let outcome = verify_and_commit(&Arc::new(profiles), request, a.yes, interactive, io)?;
    if a.json {
        output::json(io, &outcome)?;
    }
    match outcome {
        RotationOutcome::Rotated { profile, record } => {
            if !a.json {
                outln!(io);
                outln!(
                    io,
                    "Rotated: \"{}\" now uses the new token (expires {}).{}",
                    esc(&profile.name),
                    record.new_expires,
                    if record.forced {
                        " You insisted: it was not verified as good as the old one."
                    } else {
                        ""
                    }
                );
                print_checklist(io, &plan)?;
            }
            Ok(Exit::Ok)
        }
        RotationOutcome::Refused {
            refusals,
            can_insist,
            ..
        } => {
            if !a.json {
                errln!(
                    io,
                    "The new token was not put in place; the old one still works:"
                );
                for r in &refusals {
                    errln!(io, "  - {}", esc(&r.message));
                }
                if can_insist {
                    errln!(io, "To put it in place anyway, run again with --force.");
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

/// `rotate NAME --old-token-revoked`.
fn record_old_token_revoked<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    id: connkeeper_core::model::ProfileId,
    json: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let view = rotation::mark_old_revoked(profiles, id, true)?;
    if json {
        output::json(io, &view)?;
    } else if view.old_token_revoked == Some(true) {
        outln!(
            io,
            "Recorded: the old token of \"{}\" is revoked.",
            esc(&view.name)
        );
    } else {
        outln!(
            io,
            "\"{}\" was never rotated; nothing to record.",
            esc(&view.name)
        );
    }
    Ok(Exit::Ok)
}

/// Verifies the new token (an interruption stops this part), then puts it in place: the
/// swap runs to its end whatever the user presses.
fn verify_and_commit<S: SecretStore + 'static>(
    profiles: &Arc<Profiles<S>>,
    request: RotateRequest,
    yes: bool,
    interactive: bool,
    io: &mut Io,
) -> Result<RotationOutcome, Failure> {
    let show_progress = io.err_is_terminal;
    let input = io.input.clone();
    let interrupt = io.interrupt;
    let err: SharedErr = Mutex::new(&mut *io.err);
    let verified = block_on_cancellable(
        interrupt,
        async {
            let progress = |p| {
                if show_progress {
                    audit_cmd::progress_line(&err, p);
                }
            };
            let confirm = |host: String| audit_cmd::confirm_host(interactive, input, &err, host);
            rotation::verify(profiles, request, yes, confirm, &progress).await
        },
        "the rotation was cancelled (Ctrl-C); the old token is still in place",
    );
    if show_progress {
        audit_cmd::clear_progress(&err);
    }
    match verified?? {
        Verification::Refused(outcome) => Ok(outcome),
        Verification::Ready(ready) => Ok(block_on(rotation::commit(profiles, ready))??),
    }
}

fn print_plan(io: &mut Io, plan: &RotationPlan) -> Result<(), Failure> {
    outln!(
        io,
        "Rotating the API token of \"{}\" ({} at {}).",
        esc(&plan.name),
        esc(&plan.email),
        esc(&plan.host)
    );
    outln!(
        io,
        "1. Create a new API token while signed in as {}:",
        esc(&plan.email)
    );
    outln!(io, "     {}", plan.token_page);
    outln!(io, "   Label:  {}", esc(&plan.label));
    outln!(
        io,
        "   Expiry: {} (Atlassian allows up to {})",
        plan.suggested_expires,
        plan.latest_expires
    );
    outln!(
        io,
        "2. Paste it below. It is checked against {} and audited before anything changes;",
        esc(&plan.host)
    );
    outln!(
        io,
        "   the old token stays in place until the new one works at least as well."
    );
    if plan.old_token_pending {
        outln!(
            io,
            "Note: the old token of the previous rotation is not marked revoked yet."
        );
    }
    Ok(())
}

fn print_checklist(io: &mut Io, plan: &RotationPlan) -> Result<(), Failure> {
    let service = match &plan.description {
        Some(d) => format!("{} ({})", plan.application.display_name(), esc(d)),
        None => plan.application.display_name().to_owned(),
    };
    outln!(io, "Next:");
    outln!(
        io,
        "  [ ] Update the connection in your backup service: {service}."
    );
    outln!(
        io,
        "  [ ] Run a backup and confirm it works with the new token."
    );
    outln!(
        io,
        "  [ ] Revoke the old token (it expires {}) at {}",
        plan.expires,
        plan.token_page
    );
    outln!(
        io,
        "      then record it: connkeeper rotate {} --old-token-revoked",
        shell_word(&plan.name)
    );
    Ok(())
}

fn ask_expiry(io: &mut Io, plan: &RotationPlan) -> Result<String, Failure> {
    let question = format!(
        "Expiry date of the new token [{}]: ",
        plan.suggested_expires
    );
    let answer = ask::line(io, &question)?;
    Ok(if answer.is_empty() {
        plan.suggested_expires.to_string()
    } else {
        answer
    })
}
