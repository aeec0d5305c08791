//! Auditing a saved profile or unsaved form values, the same way in every face: prepare
//! (store and keyring, on the blocking pool), let the face ask the user when the token
//! would go to a custom host (a terminal prompt, a native dialog), run the audit with
//! progress, and record a saved profile's result on it.

use std::future::Future;
use std::sync::Arc;

use crate::error::Error;
use crate::jira::{AuditPurpose, AuditReport, Progress};
use crate::model::{Profile, ProfileId};
use crate::profiles::{Consent, Profiles};
use crate::secrets::SecretStore;
use crate::validate::Draft;

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

impl<S: SecretStore + 'static> Profiles<S> {
    /// Audits `request` for `purpose`. When the token would go to a host outside
    /// Atlassian's domains that nobody confirmed (and `yes` is not given), `confirm`
    /// asks the user: `Some(true)` sends, `Some(false)` sends nothing
    /// ([`Error::Cancelled`]), `None` means the face cannot ask
    /// ([`Error::ConfirmationRequired`]). A saved profile remembers the confirmation.
    pub async fn audit<F, Fut>(
        self: &Arc<Self>,
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
        let (profile, input) = self
            .confirmed(
                move |p, consent| p.prepare(&request, purpose, consent),
                yes,
                confirm,
            )
            .await?;
        let report =
            crate::jira::observe::run(input, self.client().clone(), self.clock(), progress).await?;
        let Some(saved) = profile else {
            return Ok(Audited {
                report,
                profile: None,
                recorded: Recorded::NotSaved,
            });
        };
        let (recorded, report, saved) = self
            .blocking(move |p| {
                let recorded = match p.record_audit(saved.id, saved.target(), &report) {
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
    pub(crate) async fn confirmed<T, F, Fut>(
        self: &Arc<Self>,
        prepare: impl Fn(&Self, &Consent) -> Result<T, Error> + Send + Sync + 'static,
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
            self.blocking(move |p| prepare(p, &Consent::from_yes(yes)))
                .await?
        };
        match first {
            Err(Error::ConfirmationRequired { host }) => match confirm(host.clone()).await {
                Some(true) => {
                    let consent = Consent::For(host);
                    self.blocking(move |p| prepare(p, &consent)).await?
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
    fn prepare(
        &self,
        request: &AuditRequest,
        purpose: AuditPurpose,
        consent: &Consent,
    ) -> Result<(Option<Profile>, crate::jira::AuditInput), Error> {
        match request {
            AuditRequest::Saved(id) => self
                .audit_input(*id, purpose, consent)
                .map(|(p, input)| (Some(p), input)),
            AuditRequest::Draft { draft, id } => self
                .test_input(draft, *id, purpose, consent)
                .map(|input| (None, input)),
        }
    }

    /// Runs file and keyring I/O on the blocking pool, off the async runtime's threads.
    pub(crate) async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Self) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this))
            .await
            .map_err(|e| Error::Internal(format!("a background task failed: {e}")))
    }
}
