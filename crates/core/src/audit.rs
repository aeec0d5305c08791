//! Auditing a saved profile or unsaved form values, the same way in every face: prepare
//! (store and keyring, on the blocking pool), let the face ask the user when the token
//! would go to a custom host (a terminal prompt, a native dialog), run the audit with
//! progress, and record a saved profile's result on it.

use std::future::Future;
use std::sync::Arc;

use crate::error::Error;
use crate::jira::{AuditInput, AuditPurpose, AuditReport, Progress};
use crate::model::{Profile, ProfileId};
use crate::profiles::{by_id, Consent, Profiles};
use crate::secrets::SecretStore;
use crate::store::{read_json, write_json, StoreError, AUDITS_DIR};
use crate::validate::{self, Draft, Mode};
use secrecy::SecretString;

/// The question every face asks before an API token goes to a host outside
/// Atlassian's domains (a custom domain): a native dialog, a terminal prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostQuestion {
    pub title: &'static str,
    pub message: String,
    /// The answer that sends the token.
    pub send: &'static str,
    /// The answer that sends nothing.
    pub cancel: &'static str,
}

impl HostQuestion {
    pub fn new(host: &str) -> Self {
        Self {
            title: "Send the API token to this host?",
            message: format!(
                "{host} is not an Atlassian Cloud site (*.atlassian.net). Send the API token there only if it is your Jira site (a custom domain). A saved profile remembers the answer for this host."
            ),
            send: "Send the token",
            cancel: "Cancel",
        }
    }
}

/// What to audit.
#[derive(Debug)]
pub enum AuditRequest {
    /// A saved profile, with its token from the keyring, against its own host and email.
    Saved(ProfileId),
    /// Unsaved form values. Without a typed token, `id` names the saved profile whose
    /// stored token is used, which only ever goes to that profile's stored host and email.
    Draft { draft: Draft, id: Option<ProfileId> },
}

/// Whether an audit's result was kept on its profile.
#[derive(Debug)]
pub enum Recorded {
    /// Unsaved form values: nothing to record on.
    NotSaved,
    /// The summary is on the profile and the full report in `audits/<id>.json`.
    Saved,
    /// The profile was deleted, or moved to another host or email, while the audit ran.
    ProfileChanged,
    /// The report could not be written.
    Failed(Error),
}

/// An audit that ran.
#[derive(Debug)]
pub struct Audited {
    pub report: AuditReport,
    /// The saved profile audited, as it was when the audit started.
    pub profile: Option<Profile>,
    pub recorded: Recorded,
}

/// Audits `request` for `purpose`. When the token would go to a host outside
/// Atlassian's domains that nobody confirmed (and `yes` is not given), `confirm`
/// asks the user: `Some(true)` sends, `Some(false)` sends nothing
/// ([`Error::Cancelled`]), `None` means the face cannot ask
/// ([`Error::ConfirmationRequired`]). A saved profile remembers the confirmation.
pub async fn run<S: SecretStore + 'static, F, Fut>(
    profiles: &Arc<Profiles<S>>,
    request: AuditRequest,
    purpose: AuditPurpose,
    yes: bool,
    confirm: F,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Audited, Error>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Option<bool>>,
{
    let (profile, input) = confirmed(
        profiles,
        move |p, consent| prepare(p, &request, purpose, consent),
        yes,
        confirm,
    )
    .await?;
    let report = match crate::jira::observe::run(
        input,
        profiles.client().clone(),
        profiles.clock(),
        progress,
    )
    .await
    {
        Ok(report) => report,
        Err(e) => {
            // A saved profile keeps every outcome: a rejected token is its state now.
            if let Some(saved) = &profile {
                let (id, kind, message) = (saved.id, e.kind, e.message.clone());
                let at = profiles.clock().now();
                let recorded = blocking(profiles, move |p| {
                    crate::health::record_failure(p, id, at, kind, message)
                })
                .await?;
                if let Err(err) = recorded {
                    tracing::warn!(profile = %id, error = %err, "the failed audit could not be recorded");
                }
            }
            return Err(e.into());
        }
    };
    let Some(saved) = profile else {
        return Ok(Audited {
            report,
            profile: None,
            recorded: Recorded::NotSaved,
        });
    };
    let (recorded, report, saved) = blocking(profiles, move |p| {
        let recorded = match record(p, saved.id, saved.target(), &report) {
            Ok(true) => Recorded::Saved,
            Ok(false) => Recorded::ProfileChanged,
            Err(e) => Recorded::Failed(e),
        };
        (recorded, report, saved)
    })
    .await?;
    Ok(Audited {
        report,
        profile: Some(saved),
        recorded,
    })
}

/// Runs `prepare` on the blocking pool (`yes`: the user confirmed beforehand). When
/// it needs the user's confirmation of a custom host, `confirm` asks about that host:
/// yes runs it again with consent for exactly the host shown (a profile edited to
/// another host meanwhile is refused), no sends nothing ([`Error::Cancelled`]), and a
/// face that cannot ask gets [`Error::ConfirmationRequired`].
pub(crate) async fn confirmed<S: SecretStore + 'static, T, F, Fut>(
    profiles: &Arc<Profiles<S>>,
    prepare: impl Fn(&Profiles<S>, &Consent) -> Result<T, Error> + Send + Sync + 'static,
    yes: bool,
    confirm: F,
) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Option<bool>>,
{
    let prepare = Arc::new(prepare);
    let first = {
        let prepare = prepare.clone();
        blocking(profiles, move |p| prepare(p, &Consent::from_yes(yes))).await?
    };
    match first {
        Err(Error::ConfirmationRequired { host }) => match confirm(host.clone()).await {
            Some(true) => {
                let consent = Consent::For(host);
                blocking(profiles, move |p| prepare(p, &consent)).await?
            }
            Some(false) => Err(Error::Cancelled(
                "Nothing was sent: you did not confirm the host.".into(),
            )),
            None => Err(Error::ConfirmationRequired { host }),
        },
        other => other,
    }
}

/// What to send where: the audit input, and the saved profile it belongs to.
fn prepare<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    request: &AuditRequest,
    purpose: AuditPurpose,
    consent: &Consent,
) -> Result<(Option<Profile>, crate::jira::AuditInput), Error> {
    match request {
        AuditRequest::Saved(id) => {
            input(profiles, *id, purpose, consent).map(|(p, input)| (Some(p), input))
        }
        AuditRequest::Draft { draft, id } => {
            test_input(profiles, draft, *id, purpose, consent).map(|input| (None, input))
        }
    }
}

/// Runs file and keyring I/O on the blocking pool, off the async runtime's threads.
pub(crate) async fn blocking<S: SecretStore + 'static, T: Send + 'static>(
    profiles: &Arc<Profiles<S>>,
    f: impl FnOnce(&Profiles<S>) -> T + Send + 'static,
) -> Result<T, Error> {
    let this = profiles.clone();
    tokio::task::spawn_blocking(move || f(&this))
        .await
        .map_err(|e| Error::Internal(format!("a background task failed: {e}")))
}

/// Records an audit of `target` (the host and email the audit ran against): its
/// summary on the profile (`last_audit`) and the full report in `audits/<id>.json`,
/// both under the store lock. When the profile was deleted or moved to another host
/// or email while the audit ran, nothing is recorded and `false` is returned.
pub fn record<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
    target: validate::Target<'_>,
    report: &AuditReport,
) -> Result<bool, Error> {
    let path = report_path(profiles, id);
    profiles.store().update(|list| {
        let Some(p) = list
            .iter_mut()
            .find(|p| p.id == id && p.target().same_as(target.host, target.email))
        else {
            return Err(Flow::Skip);
        };
        p.last_audit = Some(report.summary());
        p.token_kind = Some(report.token_kind);
        write_json(&path, report)?;
        // The audit went through with the user's consent to this host: an item of an
        // older version is bound to it now.
        profiles.bind_if_unbound(p).map_err(Flow::Fail)?;
        Ok::<_, Flow>(())
    })
    .map_or_else(
        |e| match e {
            Flow::Skip => {
                tracing::info!(profile = %id, "audit not recorded: the profile changed while it ran");
                Ok(false)
            }
            Flow::Fail(e) => Err(e),
        },
        |()| Ok(true),
    )
}

/// What to audit for a saved profile: its own host and email with its stored token,
/// read together under the store lock. A host outside Atlassian's domains must have
/// been confirmed, and confirmed again while its keyring item is of an older version
/// (bound to nothing yet); `consent` is the user's say now, which the profile then
/// remembers.
pub fn input<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
    purpose: AuditPurpose,
    consent: &Consent,
) -> Result<(Profile, AuditInput), Error> {
    let (profile, released) = profiles.store().read_locked(|list| {
        let p = by_id(list, id)?;
        Ok::<_, Error>((p.clone(), profiles.stored_token(p)?))
    })?;
    // A custom host needs the user's confirmation, remembered on the profile; and
    // again while its keyring item is bound to nothing, since the file alone named
    // the host it would go to.
    let custom = validate::HostKind::of(&profile.host).needs_confirmation();
    let profile = if !custom || (profile.host_confirmed() && released.bound) {
        profile
    } else {
        consent.covers(&profile.host)?;
        confirm_host(profiles, id, &profile.host, &profile.email)?
    };
    let input = audit_of(&profile, released.token, purpose, profile.token_kind);
    Ok((profile, input))
}

/// What to audit for unsaved form values: the typed token with the typed host and
/// email, or, with no token typed, the stored token of profile `id`, which is only
/// ever sent to that profile's stored host and email.
pub fn test_input<S: SecretStore>(
    profiles: &Profiles<S>,
    draft: &Draft,
    id: Option<ProfileId>,
    purpose: AuditPurpose,
    consent: &Consent,
) -> Result<AuditInput, Error> {
    let (host, email, application) = validate::validate_target(
        &draft.host,
        &draft.email,
        &draft.application,
        profiles.loopback_allowed(),
    )
    .map_err(Error::Validation)?;
    let typed = validate::validate_token(
        draft.token.as_ref(),
        Mode::Edit {
            stored_expires: profiles.clock().today(),
        },
    )
    .map_err(|e| Error::Validation(vec![e]))?;
    let stored_token = typed.is_none();
    // The saved profile and, when no token was typed, its token: read together
    // under the store lock.
    let (saved, released) = match id {
        None => (None, None),
        Some(id) => profiles.store().read_locked(|list| {
            let p = by_id(list, id)?;
            if !stored_token {
                return Ok::<_, Error>((Some(p.clone()), None));
            }
            if !p.target().same_as(&host, &email) {
                return Err(Error::Validation(vec![validate::token_follows_no_move(
                    p.target(),
                )]));
            }
            Ok((Some(p.clone()), Some(profiles.stored_token(p)?)))
        })?,
    };
    let remembered = saved.as_ref().is_some_and(|p| {
        p.host == host && p.host_confirmed() && released.as_ref().is_none_or(|r| r.bound)
    });
    let token = match (typed, released) {
        (Some(t), _) => t,
        (None, Some(r)) => r.token,
        (None, None) => {
            return Err(Error::Validation(vec![validate::validate_token(
                None,
                Mode::Create,
            )
            .expect_err("create mode requires a token")]))
        }
    };
    if validate::HostKind::of(&host).needs_confirmation() && !remembered {
        consent.covers(&host)?;
    }
    // The stored token's kind is known; a typed one is found out.
    let token_kind = saved
        .as_ref()
        .filter(|_| stored_token)
        .and_then(|p| p.token_kind);
    Ok(AuditInput {
        host,
        email,
        token,
        application,
        purpose,
        token_kind,
    })
}

/// Remembers that the user confirmed `host` for profile `id`, if the profile still
/// has that host and email.
pub(crate) fn confirm_host<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
    host: &str,
    email: &str,
) -> Result<Profile, Error> {
    profiles.change(id, |p| {
        if !p.target().same_as(host, email) {
            return Err(Error::Conflict(
                "the profile changed while you confirmed its host; try again".into(),
            ));
        }
        p.confirmed_host = Some(host.to_owned());
        tracing::info!(profile = %id, host, "custom host confirmed");
        Ok(p.clone())
    })
}

/// The last full audit report of a profile, if one was recorded and is readable.
pub fn last_report<S: SecretStore>(profiles: &Profiles<S>, id: ProfileId) -> Option<AuditReport> {
    read_json(&report_path(profiles, id)).ok().flatten()
}

pub(crate) fn report_path<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
) -> std::path::PathBuf {
    profiles
        .store()
        .dir()
        .join(AUDITS_DIR)
        .join(format!("{id}.json"))
}

/// Why `record` stopped: the profile moved (not an error), or a real failure.
enum Flow {
    Skip,
    Fail(Error),
}

impl From<StoreError> for Flow {
    fn from(e: StoreError) -> Self {
        Flow::Fail(e.into())
    }
}

/// The audit of `token` against saved profile `p`'s own host and email.
pub(crate) fn audit_of(
    p: &Profile,
    token: SecretString,
    purpose: AuditPurpose,
    token_kind: Option<crate::model::TokenKind>,
) -> AuditInput {
    AuditInput {
        host: p.host.clone(),
        email: p.email.clone(),
        token,
        application: p.application,
        purpose,
        token_kind,
    }
}
