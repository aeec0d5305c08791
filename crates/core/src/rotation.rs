//! Rotating a profile's token, make before break: the new token is verified against the
//! profile's own site and email and audited for the profile's purpose while the old one
//! stays in place; only a new token that works at least as well replaces it (or one the
//! user insists on), in one swap that puts the old token back if the save fails. The
//! profile then remembers the rotation (dates and verdicts, never a token) and that the
//! old token is still to be revoked, until the user says it is.

use std::future::Future;
use std::sync::Arc;

use chrono::{Days, NaiveDate};
use secrecy::{ExposeSecret, SecretString};
use serde::Serialize;

use crate::codes::code_enum;
use crate::error::{Error, ErrorPayload};
use crate::jira::{AuditInput, AuditPurpose, AuditReport, ErrorKind, Progress};
use crate::model::{
    Application, AuditSummary, ExpiresSource, Profile, ProfileId, ProfileView, RotationRecord,
    Verdict, ROTATIONS_KEPT,
};
use crate::profiles::{Consent, Profiles};
use crate::requirements::TOKEN_PAGE;
use crate::secrets::SecretStore;
use crate::validate::{self, Mode, MAX_TOKEN_LIFETIME_DAYS};

/// What a rotation of one profile involves, for the faces to walk the user through.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RotationPlan {
    pub id: ProfileId,
    pub name: String,
    pub description: Option<String>,
    pub application: Application,
    pub host: String,
    pub email: String,
    /// The current token's expiry.
    pub expires: NaiveDate,
    /// Where the user creates the new token (and later revokes the old one).
    pub token_page: String,
    /// The label to give the new token: `connkeeper <profile> <date>`.
    pub label: String,
    /// The expiry to choose (the settings' validity, at most 365 days).
    pub suggested_expires: NaiveDate,
    /// The latest expiry Atlassian allows.
    pub latest_expires: NaiveDate,
    /// What the new token is audited for: the last audit's purpose, else both.
    pub purpose: AuditPurpose,
    /// The old token's last audit, which the new one must match.
    pub last_audit: Option<AuditSummary>,
    /// A previous rotation's old token is still to be revoked.
    pub old_token_pending: bool,
    /// That old token's expiry (null when none is pending).
    pub pending_old_expires: Option<NaiveDate>,
}

code_enum! {
    /// Why a new token was not put in place.
    pub enum RefusalCode {
        /// Jira did not accept the token with the profile's email: it can never work.
        Rejected = "rejected",
        /// The token is the one the profile already uses: nothing would be rotated.
        SameToken = "same_token",
        /// The token belongs to another account than the one the profile audited before.
        OtherAccount = "other_account",
        /// The audit could not run (network, timeout, server): not verified.
        Unverified = "unverified",
        /// The new token lacks what the profile's purpose needs.
        Fails = "fails",
        /// The new token reaches less than the old one did.
        Worse = "worse",
    }
}

impl RefusalCode {
    /// Whether insisting can override it: a token Jira rejects, or another account's,
    /// never goes in.
    pub fn can_insist(self) -> bool {
        !matches!(
            self,
            RefusalCode::Rejected | RefusalCode::OtherAccount | RefusalCode::SameToken
        )
    }
}

/// One reason a rotation was refused.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refusal {
    pub code: RefusalCode,
    pub message: String,
}

/// How a rotation ended.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum RotationOutcome {
    /// The new token is in the keyring and the profile updated.
    Rotated {
        profile: Box<ProfileView>,
        record: RotationRecord,
    },
    /// Nothing changed: the old token is still in place.
    Refused {
        refusals: Vec<Refusal>,
        /// The old token's verdict and the new one's (null when unknown).
        before: Option<Verdict>,
        after: Option<Verdict>,
        /// Why the new token could not be audited, if it could not.
        error: Option<ErrorPayload>,
        /// Whether `force` would put the token in place.
        can_insist: bool,
    },
}

/// What a verification of a new token concluded.
#[derive(Debug)]
pub enum Verification {
    /// Nothing changed; the outcome says why.
    Refused(RotationOutcome),
    /// The token may go in: [`commit`].
    Ready(Box<Ready>),
}

/// A verified rotation, ready to be put in place. Holds the new token (secret).
#[derive(Debug)]
pub struct Ready {
    profile: Profile,
    token: SecretString,
    record: RotationRecord,
    report: Option<AuditReport>,
}

/// A rotation request checked against the store: what to audit where.
struct Prepared {
    profile: Profile,
    expires: NaiveDate,
    input: AuditInput,
    old_account: Option<String>,
    same_token: bool,
}

/// A rotation request: the profile, the new token and its expiry as typed. The desktop's
/// rotation form deserialises into it without the profile, which the command names apart
/// ([`RotateRequest::for_profile`]); until then `id` is a fresh id that names no profile.
#[derive(Debug, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RotateRequest {
    #[serde(skip, default = "ProfileId::new")]
    pub id: ProfileId,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub token: SecretString,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// Put the new token in place although it audits worse or could not be verified.
    #[serde(default)]
    pub force: bool,
}

impl RotateRequest {
    /// This request for profile `id` (the form names the profile apart).
    pub fn for_profile(self, id: ProfileId) -> Self {
        Self { id, ..self }
    }
}

/// The label suggested for the new token.
pub fn label_for(name: &str, today: NaiveDate) -> String {
    let short: String = name.trim().chars().take(60).collect();
    format!("connkeeper {short} {today}")
}

/// The reasons a new token's verdict is not good enough, compared with the old one's.
pub fn compare(before: Option<&Verdict>, after: &Verdict) -> Vec<Refusal> {
    let mut out = Vec::new();
    match before {
        Some(b) => {
            let lost = (b.ok && !after.ok)
                || (b.backup_ok && !after.backup_ok)
                || (b.restore_ok && !after.restore_ok);
            // A token that sees fewer projects (a scoped token, say) has fewer gaps too:
            // what it reaches counts, not only what it lacks.
            let reaches_less = after.projects_total < b.projects_total
                || (b.coverage_complete && !after.coverage_complete);
            if lost
                || reaches_less
                || after.missing_global > b.missing_global
                || after.projects_with_gaps > b.projects_with_gaps
            {
                out.push(Refusal {
                    code: RefusalCode::Worse,
                    message: format!(
                        "The new token reaches less than the old one: {} space(s) seen, {} global permission(s) missing and {} space(s) with gaps, against {}, {} and {} before.",
                        after.projects_total, after.missing_global, after.projects_with_gaps,
                        b.projects_total, b.missing_global, b.projects_with_gaps
                    ),
                });
            }
        }
        None if !after.ok => out.push(Refusal {
            code: RefusalCode::Fails,
            message: format!(
                "The new token lacks what {} needs: {} global permission(s) and {} space(s) with gaps.",
                purpose_words(after.purpose),
                after.missing_global,
                after.projects_with_gaps
            ),
        }),
        None => {}
    }
    out
}

fn purpose_words(p: AuditPurpose) -> &'static str {
    match p {
        AuditPurpose::Backup => "backup",
        AuditPurpose::Restore => "restore",
        AuditPurpose::All => "backup and restore",
    }
}

/// The plan of a rotation of profile `id`.
pub fn plan<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    id: ProfileId,
) -> Result<RotationPlan, Error> {
    let p = profiles.get(id)?;
    let settings = profiles.settings().load().unwrap_or_default();
    let today = profiles.clock().today();
    let validity = u64::from(settings.token_validity_days).clamp(1, MAX_TOKEN_LIFETIME_DAYS);
    Ok(RotationPlan {
        id: p.id,
        label: label_for(&p.name, today),
        name: p.name,
        description: p.description,
        application: p.application,
        host: p.host,
        email: p.email,
        expires: p.expires,
        token_page: TOKEN_PAGE.to_owned(),
        suggested_expires: today + Days::new(validity),
        latest_expires: today + Days::new(MAX_TOKEN_LIFETIME_DAYS),
        purpose: p
            .last_audit
            .as_ref()
            .map_or(AuditPurpose::All, |a| a.purpose),
        last_audit: p.last_audit,
        old_token_pending: p.life.old_token_revoked == Some(false),
        pending_old_expires: p
            .life
            .rotations
            .first()
            .filter(|_| p.life.old_token_revoked == Some(false))
            .map(|r| r.old_expires),
    })
}

/// Verifies a new token without changing anything: validation, the same token as the
/// stored one, then an audit against the profile's own site compared with the last
/// one. A host outside Atlassian's domains that nobody confirmed is asked about
/// through `confirm`, as for an audit. Dropping the future cancels it harmlessly.
pub async fn verify<S: SecretStore + 'static, F, Fut>(
    profiles: &Arc<Profiles<S>>,
    req: RotateRequest,
    yes: bool,
    confirm: F,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Verification, Error>
where
    F: FnOnce(String) -> Fut,
    Fut: Future<Output = Option<bool>>,
{
    let req = Arc::new(req);
    let prepared = {
        let req = req.clone();
        crate::audit::confirmed(
            profiles,
            move |p, consent| input(p, &req, consent),
            yes,
            confirm,
        )
        .await?
    };
    let before = prepared.profile.last_audit.as_ref().map(Verdict::from);
    if prepared.same_token {
        return Ok(Verification::Refused(RotationOutcome::Refused {
            refusals: vec![Refusal {
                code: RefusalCode::SameToken,
                message: "This is the token the profile already uses: create a new one on Atlassian's API token page.".into(),
            }],
            before,
            after: None,
            error: None,
            can_insist: false,
        }));
    }
    let Prepared {
        profile,
        expires,
        input,
        old_account,
        ..
    } = prepared;
    let audited =
        crate::jira::observe::run(input, profiles.client().clone(), profiles.clock(), progress)
            .await;
    let mut refusals = Vec::new();
    let (report, error) = match audited {
        Ok(report) => (Some(report), None),
        Err(e) => {
            let code = match e.kind {
                // A blocked token is refused at Atlassian whatever it can do.
                ErrorKind::Auth | ErrorKind::TokenBlocked => RefusalCode::Rejected,
                ErrorKind::MissingScope | ErrorKind::Forbidden => RefusalCode::Fails,
                _ => RefusalCode::Unverified,
            };
            refusals.push(Refusal {
                code,
                message: e.message.clone(),
            });
            (None, Some(Error::Jira(e).payload()))
        }
    };
    let after = report.as_ref().map(|r| Verdict::from(&r.summary()));
    if let Some(r) = &report {
        let other = old_account
            .as_deref()
            .is_some_and(|old| old != r.account.account_id)
            || r.warnings
                .iter()
                .any(|w| w.code == crate::codes::WarningCode::EmailMismatch);
        if other {
            refusals.push(Refusal {
                code: RefusalCode::OtherAccount,
                message: format!(
                    "The new token belongs to another account than {}; create it while signed in as that account.",
                    profile.email
                ),
            });
        }
    }
    if let Some(a) = &after {
        refusals.extend(compare(before.as_ref(), a));
    }
    let can_insist = refusals.iter().all(|r| r.code.can_insist());
    let goes_in = refusals.is_empty() || (req.force && can_insist);
    if !goes_in {
        tracing::info!(profile = %profile.id, refusals = refusals.len(), "rotation refused; the old token stays");
        return Ok(Verification::Refused(RotationOutcome::Refused {
            refusals,
            before,
            after,
            error,
            can_insist,
        }));
    }
    let record = RotationRecord {
        at: profiles.clock().now(),
        old_expires: profile.expires,
        new_expires: expires,
        before,
        after,
        forced: !refusals.is_empty(),
    };
    let token = req.token.clone();
    Ok(Verification::Ready(Box::new(Ready {
        profile,
        token,
        record,
        report,
    })))
}

/// Puts a verified token in place (the keyring, then the profile, in one store
/// change; the old token is put back when the save fails). It runs to its end on the
/// blocking pool even when the caller stops waiting: the faces do not offer to cancel
/// it, and report what it did.
pub async fn commit<S: SecretStore + 'static>(
    profiles: &Arc<Profiles<S>>,
    ready: Box<Ready>,
) -> Result<RotationOutcome, Error> {
    let record = ready.record.clone();
    let view = crate::audit::blocking(profiles, move |p| {
        swap_token(
            p,
            &ready.profile,
            &ready.token,
            &ready.record,
            ready.report.as_ref(),
        )
    })
    .await??;
    Ok(RotationOutcome::Rotated {
        profile: Box::new(view),
        record,
    })
}

/// Checks a rotation request and builds the audit of the new token against the
/// profile's own host and email. Also returns the account the old token belonged to.
fn input<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    req: &RotateRequest,
    consent: &Consent,
) -> Result<Prepared, Error> {
    // The profile and its current token, read together under the store lock.
    let (mut profile, old) = profiles.store().read_locked(|list| {
        let p = crate::profiles::by_id(list, req.id)?;
        // The old token must be bound to the profile's host and email: a profile
        // whose file entry was moved elsewhere gets no new token sent there either.
        let old = match profiles.stored_token(p) {
            Ok(released) => Some(released),
            Err(Error::TokenMissing { .. }) => None,
            Err(e) => return Err(e),
        };
        Ok::<_, Error>((p.clone(), old))
    })?;
    let bound = old.as_ref().is_some_and(|r| r.bound);
    let old = old.map(|r| r.token);
    let today = profiles.clock().today();
    let mut errors = Vec::new();
    let token = match validate::validate_token(Some(&req.token), Mode::Create) {
        Ok(t) => t,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let expires = match validate::validate_expires(&req.expires, today, Mode::Create) {
        Ok((d, _)) => Some(d),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let (Some(token), Some(expires)) = (token, expires) else {
        return Err(Error::Validation(errors));
    };
    let custom = validate::HostKind::of(&profile.host).needs_confirmation();
    if custom && !(profile.host_confirmed() && bound) {
        consent.covers(&profile.host)?;
        profile = crate::audit::confirm_host(
            profiles,
            profile.id,
            &profile.host.clone(),
            &profile.email.clone(),
        )?;
    }
    let purpose = profile
        .last_audit
        .as_ref()
        .map_or(AuditPurpose::All, |a| a.purpose);
    let old_account = crate::audit::last_report(profiles, profile.id).map(|r| r.account.account_id);
    let same_token = old.is_some_and(|old| old.expose_secret() == token.expose_secret());
    // A new token may be of the other kind: found out again.
    let input = crate::audit::audit_of(&profile, token, purpose, None);
    Ok(Prepared {
        profile,
        expires,
        input,
        old_account,
        same_token,
    })
}

/// Puts the new token in the keyring and the rotation on the profile, in one change
/// of the store: when the profile moved meanwhile or the save fails, the old token
/// is put back.
fn swap_token<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    was: &Profile,
    token: &SecretString,
    record: &RotationRecord,
    report: Option<&AuditReport>,
) -> Result<ProfileView, Error> {
    let mut previous = None::<Option<SecretString>>;
    let path = crate::audit::report_path(profiles, was.id);
    let result = profiles.store().update(|list| {
        let p = crate::profiles::by_id_mut(list, was.id)?;
        if !p.target().same_as(&was.host, &was.email) || p.expires != was.expires {
            return Err(Error::Conflict(
                "The profile changed while the new token was verified; nothing was swapped. Try again.".into(),
            ));
        }
        previous = Some(profiles.secrets().get(p.id)?);
        profiles.put_token(p.id, &p.host, &p.email, token)?;
        p.expires = record.new_expires;
        p.updated_at = record.at;
        p.life.rotated_at = Some(record.at);
        p.life.rotations.insert(0, record.clone());
        p.life.rotations.truncate(ROTATIONS_KEPT);
        p.life.old_token_revoked = Some(false);
        p.life.expires_source = ExpiresSource::Manual;
        // What Atlassian said was about the old token.
        p.life.atlassian = None;
        match report {
            Some(r) => {
                p.last_audit = Some(r.summary());
                p.token_kind = Some(r.token_kind);
                crate::store::write_json(&path, r)?;
            }
            None => {
                p.last_audit = None;
                p.token_kind = None;
            }
        }
        Ok::<_, Error>(p.clone())
    });
    match result {
        Ok(p) => {
            tracing::info!(profile = %p.id, forced = record.forced, "token rotated");
            profiles.view(&p)
        }
        Err(e) => {
            if let Some(old) = previous {
                profiles.put_back(was.id, old);
            }
            Err(e)
        }
    }
}

/// Records whether the old token of the last rotation was revoked. Without a
/// rotation there is nothing to record, and the profile is returned as it is.
pub fn mark_old_revoked<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    id: ProfileId,
    revoked: bool,
) -> Result<ProfileView, Error> {
    let p = profiles.change(id, |p| {
        if p.life.old_token_revoked.is_some() {
            p.life.old_token_revoked = Some(revoked);
        }
        Ok(p.clone())
    })?;
    profiles.view(&p)
}
