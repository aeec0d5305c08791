//! `connkeeper org`: the optional link to Atlassian Administration.

use std::io::IsTerminal;
use std::sync::Arc;

use connkeeper_core::model::OrgTokenState;
use connkeeper_core::org::{OrgDraft, OrgSync};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::setup::Secrets;
use connkeeper_core::SecretString;

use crate::args::OrgCmd;
use crate::exit::{Exit, Failure};
use crate::output::{esc, outln};
use crate::{ask, output, token};

pub fn run(profiles: Profiles<Secrets>, cmd: OrgCmd) -> Result<Exit, Failure> {
    match cmd {
        OrgCmd::Add {
            org_id,
            key_expires,
            key_stdin,
            json,
        } => {
            let key = read_key(key_stdin)?;
            let view = profiles.set_org(&OrgDraft {
                org_id,
                key,
                key_expires,
            })?;
            if json {
                output::json(&view);
            } else {
                outln!(
                    "Linked organisation {}; its API key is in the keyring and expires in {} days. `connkeeper org sync` reads the tokens.",
                    esc(&view.config.org_id),
                    view.key_days_left
                );
            }
            Ok(Exit::Ok)
        }
        OrgCmd::Show { json } => {
            let view = profiles.org()?;
            if json {
                output::json(&view);
                return Ok(Exit::Ok);
            }
            match view {
                None => outln!("No organisation is linked (`connkeeper org add` links one)."),
                Some(v) => {
                    outln!("Organisation  {}", esc(&v.config.org_id));
                    outln!(
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
            let existed = profiles.remove_org()?;
            outln!(
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
        } => sync(profiles, json, accept_expiry),
        OrgCmd::Revoke {
            profile,
            token_id,
            yes,
        } => {
            let p = profiles.find(&profile)?;
            if !yes {
                if !std::io::stdin().is_terminal() {
                    return Err(Failure::usage(
                        "revoking a token at Atlassian needs --yes (or a terminal to confirm on)",
                    ));
                }
                if !ask::yes(&format!(
                    "Revoke API token {} of {} at Atlassian? Whatever still uses it stops working. [y/N] ",
                    esc(&token_id),
                    esc(&p.email)
                )) {
                    return Err(Failure::usage("nothing was revoked"));
                }
            }
            let profiles = Arc::new(profiles);
            block_on(profiles.org_revoke(p.id, token_id.clone()))??;
            outln!("Revoked {} at Atlassian.", esc(&token_id));
            if p.life.old_token_revoked == Some(false) {
                profiles.mark_old_token_revoked(p.id, true)?;
                outln!(
                    "Recorded on \"{}\": the old token is revoked.",
                    esc(&p.name)
                );
            }
            Ok(Exit::Ok)
        }
    }
}

fn read_key(stdin: bool) -> Result<SecretString, Failure> {
    token::secret(stdin, "--key-stdin", "API key", "Organisation API key")
}

fn block_on<F: std::future::Future>(f: F) -> Result<F::Output, Failure> {
    let rt = ask::runtime()?;
    let out = rt.block_on(async {
        tokio::select! {
            r = f => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    });
    rt.shutdown_background();
    out.ok_or(Failure {
        exit: Exit::Interrupted,
        message: "cancelled (Ctrl-C)".into(),
    })
}

fn sync(profiles: Profiles<Secrets>, json: bool, accept_expiry: bool) -> Result<Exit, Failure> {
    let profiles = Arc::new(profiles);
    let mut result: OrgSync = block_on(profiles.org_sync_with_settings())??;
    let interactive = !json && std::io::stdin().is_terminal();
    let mut problems = false;
    if !json {
        outln!(
            "Organisation {}: {} API tokens listed ({} requests).",
            esc(&result.org_id),
            result.tokens_listed,
            result.requests
        );
    }
    for f in &mut result.profiles {
        let bad = matches!(
            f.state,
            OrgTokenState::Revoked | OrgTokenState::Missing | OrgTokenState::Ambiguous
        ) || f.unused;
        if !json {
            outln!(
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
                    && ask::yes(&format!(
                        "Take Atlassian's expiry {date} for \"{}\" (the profile says {})? [y/N] ",
                        esc(&f.name),
                        f.expires
                    )));
            if take {
                profiles.accept_atlassian_expiry(f.id, date)?;
                pending_expiry = false;
                f.expires = date;
                f.expiry_differs = false;
                if !json {
                    outln!(
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
                "  domain {} skipped: its claim is {}, so its accounts are not managed and their tokens are not listed.",
                esc(&d.name),
                esc(&d.status)
            );
        }
    }
    if json {
        // After any expiry taken, so the output says what the profiles hold now.
        output::json(&result);
    }
    if result.key_days_left <= 30 {
        eprintln!("warning: the organisation API key expires in {} days; create a new one and run `connkeeper org add`.", result.key_days_left);
        problems = true;
    }
    Ok(if problems { Exit::Problems } else { Exit::Ok })
}
