//! `connkeeper org`: the optional link to Atlassian Administration.

use std::sync::Arc;

use connkeeper_core::model::OrgTokenState;
use connkeeper_core::org::{self, OrgDraft, OrgSync};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::rotation;
use connkeeper_core::secrets::SecretStore;
use connkeeper_core::text;
use connkeeper_core::SecretString;

use crate::args::OrgCmd;
use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output::{errln, esc, outln};
use crate::runtime::block_on_cancellable;
use crate::{ask, output, token};

pub fn run<S: SecretStore + 'static>(
    profiles: Profiles<S>,
    cmd: OrgCmd,
    io: &mut Io,
) -> Result<Exit, Failure> {
    match cmd {
        OrgCmd::Add {
            org_id,
            key_expires,
            key_stdin,
            json,
        } => {
            let key = read_key(io, key_stdin)?;
            let view = org::link(
                &profiles,
                &OrgDraft {
                    org_id,
                    key,
                    key_expires,
                },
            )?;
            if json {
                output::json(io, &view)?;
            } else {
                outln!(
                io,
                    "Linked organisation {}; its API key is in the keyring and expires in {} days. `connkeeper org sync` reads the tokens.",
                    esc(&view.config.org_id),
                    view.key_days_left
                );
            }
            Ok(Exit::Ok)
        }
        OrgCmd::Show { json } => {
            let view = org::view(&profiles)?;
            if json {
                output::json(io, &view)?;
                return Ok(Exit::Ok);
            }
            match view {
                None => outln!(
                    io,
                    "No organisation is linked (`connkeeper org add` links one)."
                ),
                Some(v) => {
                    outln!(io, "Organisation  {}", esc(&v.config.org_id));
                    outln!(
                        io,
                        "API key       {} (expires {}, {} days left)",
                        if v.key_stored {
                            "in the keyring"
                        } else {
                            "MISSING from the keyring"
                        },
                        v.config.key_expires,
                        v.key_days_left
                    );
                    outln!(
                        io,
                        "Last sync     {}",
                        v.config.last_sync.map_or_else(
                            || "never".to_owned(),
                            |d| d.format("%Y-%m-%d %H:%M UTC").to_string()
                        )
                    );
                }
            }
            Ok(Exit::Ok)
        }
        OrgCmd::Remove => {
            let existed = org::unlink(&profiles)?;
            outln!(
                io,
                "{}",
                if existed {
                    "Unlinked: the key is gone from the keyring."
                } else {
                    "No organisation was linked."
                }
            );
            Ok(Exit::Ok)
        }
        OrgCmd::Sync {
            json,
            accept_expiry,
        } => sync(profiles, json, accept_expiry, io),
        OrgCmd::Revoke {
            profile,
            token_id,
            yes,
        } => {
            let p = profiles.find(&profile)?;
            if !yes {
                if !io.input.is_terminal() {
                    return Err(Failure::usage(
                        "revoking a token at Atlassian needs --yes (or a terminal to confirm on)",
                    ));
                }
                let question = format!(
                    "Revoke API token {} of {} at Atlassian? Whatever still uses it stops working. [y/N] ",
                    esc(&token_id),
                    esc(&p.email)
                );
                if !ask::yes(io, &question) {
                    return Err(Failure::usage("nothing was revoked"));
                }
            }
            let profiles = Arc::new(profiles);
            block_on_cancellable(
                io.interrupt,
                org::revoke(&profiles, p.id, token_id.clone()),
                CANCELLED,
            )??;
            outln!(io, "Revoked {} at Atlassian.", esc(&token_id));
            if p.life.old_token_revoked == Some(false) {
                rotation::mark_old_revoked(&profiles, p.id, true)?;
                outln!(
                    io,
                    "Recorded on \"{}\": the old token is revoked.",
                    esc(&p.name)
                );
            }
            Ok(Exit::Ok)
        }
    }
}

/// The message of an interrupted request to the organisation's admin API.
const CANCELLED: &str = "cancelled (Ctrl-C)";

fn read_key(io: &Io, stdin: bool) -> Result<SecretString, Failure> {
    token::secret(io, stdin, "--key-stdin", "API key", "Organisation API key")
}

fn sync<S: SecretStore + 'static>(
    profiles: Profiles<S>,
    json: bool,
    accept_expiry: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    let profiles = Arc::new(profiles);
    let mut result: OrgSync = block_on_cancellable(io.interrupt, org::sync(&profiles), CANCELLED)??;
    let interactive = !json && io.input.is_terminal();
    let mut problems = false;
    if !json {
        outln!(
            io,
            "Organisation {}: {} listed ({}).",
            esc(&result.org_id),
            text::count(result.tokens_listed, "API token", "API tokens"),
            text::count(result.requests, "request", "requests")
        );
    }
    for f in &mut result.profiles {
        let bad = matches!(
            f.state,
            OrgTokenState::Revoked | OrgTokenState::Missing | OrgTokenState::Ambiguous
        ) || f.unused;
        if !json {
            outln!(
                io,
                "  {:<10} {}: {}",
                f.state.code(),
                esc(&f.name),
                esc(&f.message)
            );
        }
        let mut pending_expiry = f.expiry_differs;
        if let (true, Some(date)) = (f.expiry_differs, f.atlassian_expires) {
            let take = accept_expiry
                || (interactive
                    && ask::yes(
                        io,
                        &format!(
                            "Take Atlassian's expiry {date} for \"{}\" (the profile says {})? [y/N] ",
                            esc(&f.name),
                            f.expires
                        ),
                    ));
            if take {
                org::accept_expiry(&profiles, f.id, date)?;
                pending_expiry = false;
                f.expires = date;
                f.expiry_differs = false;
                if !json {
                    outln!(
                        io,
                        "             expiry of \"{}\" set to {date} (from Atlassian)",
                        esc(&f.name)
                    );
                }
            }
        }
        problems |= bad || pending_expiry;
    }
    if !json {
        for d in &result.skipped_domains {
            outln!(
                io,
                "  domain {} skipped: its claim is {}, so its accounts are not managed and their tokens are not listed.",
                esc(&d.name),
                esc(&d.status)
            );
        }
    }
    if json {
        // After any expiry taken, so the output says what the profiles hold now.
        output::json(io, &result)?;
    }
    if result.key_days_left <= 30 {
        errln!(io, "warning: the organisation API key expires in {} days; create a new one and run `connkeeper org add`.", result.key_days_left);
        problems = true;
    }
    Ok(if problems { Exit::Problems } else { Exit::Ok })
}
