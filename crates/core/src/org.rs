//! The optional link to Atlassian Administration: an organisation id and its admin API
//! key (the key only in the keyring, its expiry tracked like a token's). A sync reads the
//! organisation's verified domains and its managed accounts' API tokens, and tells for
//! each profile whether its token is there, revoked or missing, its real expiry, and when
//! Atlassian last saw it used. Nothing is written to Atlassian except an explicit revoke.
//! Endpoints and shapes: docs/atlassian-admin-api.md.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::binding::{self, Binding, Opened};
use crate::error::Error;
use crate::jira::admin::{AdminClient, Domains, OrgApiToken, SkippedDomain};
use crate::jira::{ErrorKind, JiraError};
use crate::model::{
    days_left, ExpiresSource, OrgTokenInfo, OrgTokenState, Profile, ProfileId, ProfileView,
};
use crate::profiles::Profiles;
use crate::secrets::SecretStore;
use crate::store::{read_json, write_json};
use crate::validate::{self, Field, FieldCode, FieldError, Mode};

/// The organisation file's name inside the data folder.
pub const ORG_FILE: &str = "org.json";

/// The keyring entry of the organisation API key. Profile ids are random (version 4)
/// UUIDs; this one is not, so no profile (nor an import) can ever name it.
pub const ORG_KEY_ID: ProfileId =
    ProfileId(Uuid::from_u128(0x636f_6e6e_6b65_0000_8000_0000_006f_7267));

/// The organisation as ConnKeeper keeps it (`org.json`; the key is in the keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgConfig {
    pub org_id: String,
    /// When the organisation API key expires (Atlassian does not say; the user types it).
    pub key_expires: NaiveDate,
    pub added_at: DateTime<Utc>,
    pub last_sync: Option<DateTime<Utc>>,
}

/// The organisation as shown: its config and the key's days left.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgView {
    #[serde(flatten)]
    pub config: OrgConfig,
    pub key_days_left: i64,
    pub key_stored: bool,
}

/// What a sync found for one profile.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgFinding {
    pub id: ProfileId,
    pub name: String,
    pub email: String,
    pub state: OrgTokenState,
    pub label: Option<String>,
    pub token_id: Option<String>,
    pub expires: NaiveDate,
    /// The expiry Atlassian reports for the matched token.
    pub atlassian_expires: Option<NaiveDate>,
    /// Atlassian's expiry differs from the profile's: a change for the user to confirm.
    pub expiry_differs: bool,
    pub last_active: Option<DateTime<Utc>>,
    /// Not used for longer than the warning threshold (or never, since long enough).
    pub unused: bool,
    /// Other active tokens of the account (an old one still to revoke, say).
    pub other_active: usize,
    /// The old token of the last rotation is gone: recorded as revoked by this sync.
    pub old_token_revoked_now: bool,
    pub message: String,
}

/// A sync's result.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgSync {
    pub synced_at: DateTime<Utc>,
    pub org_id: String,
    pub key_days_left: i64,
    pub tokens_listed: usize,
    pub requests: usize,
    pub profiles: Vec<OrgFinding>,
    /// The organisation's domains that are not verified: their accounts are not managed,
    /// so their tokens are not listed.
    pub skipped_domains: Vec<SkippedDomain>,
}

/// What the user typed to link an organisation.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgDraft {
    pub org_id: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub key: SecretString,
    pub key_expires: String,
}

impl OrgConfig {
    /// The organisation API key as the reminder engine sees it.
    pub(crate) fn expiring(&self) -> crate::reminders::Expiring {
        crate::reminders::Expiring {
            id: ORG_KEY_ID,
            subject: crate::reminders::Subject::OrgKey {
                org_id: self.org_id.clone(),
            },
            expires: self.key_expires,
        }
    }
}

/// Why a pasted organisation API key cannot be one.
fn key_code(key: &str) -> FieldCode {
    if key.is_empty() {
        FieldCode::Required
    } else if key.chars().any(char::is_whitespace) {
        FieldCode::Whitespace
    } else if key.len() < 16 {
        FieldCode::TooShort
    } else {
        FieldCode::TooLong
    }
}

/// Checks an organisation id: Atlassian's are UUID-like (letters, digits, dashes).
pub fn validate_org_id(raw: &str) -> Result<String, FieldError> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 100 || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        let code = if t.is_empty() {
            FieldCode::Required
        } else if t.len() > 100 {
            FieldCode::TooLong
        } else {
            FieldCode::Invalid
        };
        return Err(FieldError::new(
            Field::OrgId,
            code,
            "Copy it from admin.atlassian.com (Settings > API keys shows it with the key); letters, digits and dashes only.",
        ));
    }
    Ok(t.to_owned())
}

fn path<S: SecretStore + 'static>(profiles: &Profiles<S>) -> std::path::PathBuf {
    profiles.store().dir().join(ORG_FILE)
}

/// The linked organisation, if any.
pub fn view<S: SecretStore + 'static>(profiles: &Profiles<S>) -> Result<Option<OrgView>, Error> {
    let Some(config) = read_json::<OrgConfig>(&path(profiles))? else {
        return Ok(None);
    };
    Ok(Some(OrgView {
        key_days_left: days_left(config.key_expires, profiles.clock().today()),
        key_stored: profiles.secrets().contains(ORG_KEY_ID)?,
        config,
    }))
}

/// Links (or re-links) the organisation: the key into the keyring first, then
/// `org.json`; the previous key is put back when the file cannot be written.
pub fn link<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    draft: &OrgDraft,
) -> Result<OrgView, Error> {
    // Every field's error at once, like a profile's.
    let mut errors = Vec::new();
    let org_id = validate_org_id(&draft.org_id).map_err(|e| errors.push(e));
    use secrecy::ExposeSecret;
    let key = draft.key.expose_secret().trim();
    if key.len() < 16 || key.len() > 4096 || key.chars().any(char::is_whitespace) {
        errors.push(FieldError::new(
            Field::OrgKey,
            key_code(key),
            "Paste the whole key as Atlassian showed it (one word, no spaces).",
        ));
    }
    let key_expires =
        validate::validate_expires(&draft.key_expires, profiles.clock().today(), Mode::Create)
            .map_err(|e| errors.push(FieldError::new(Field::OrgKeyExpires, e.code, e.message)));
    let (Ok(org_id), Ok((key_expires, _)), true) = (org_id, key_expires, errors.is_empty()) else {
        return Err(Error::OrgValidation(errors));
    };
    let previous = profiles.secrets().get(ORG_KEY_ID)?;
    let sealed = binding::seal(
        &Binding::OrgKey {
            org_id: org_id.clone(),
        },
        &SecretString::from(key.to_owned()),
    );
    profiles.secrets().set(ORG_KEY_ID, &sealed)?;
    let old = read_json::<OrgConfig>(&path(profiles)).ok().flatten();
    let config = OrgConfig {
        org_id,
        key_expires,
        added_at: profiles.clock().now(),
        last_sync: old.and_then(|o| o.last_sync),
    };
    if let Err(e) = write_json(&path(profiles), &config) {
        profiles.put_back(ORG_KEY_ID, previous);
        return Err(e.into());
    }
    tracing::info!(org = %config.org_id, "organisation linked");
    view(profiles)?.ok_or_else(|| Error::Internal("the organisation file vanished".into()))
}

/// Unlinks the organisation: the key and the file go; the list keep what the
/// last sync found.
pub fn unlink<S: SecretStore + 'static>(profiles: &Profiles<S>) -> Result<bool, Error> {
    let existed = path(profiles).exists();
    profiles.secrets().delete(ORG_KEY_ID)?;
    match std::fs::remove_file(path(profiles)) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(Error::Internal(format!("could not remove {ORG_FILE}: {e}"))),
    }
    Ok(existed)
}

/// The organisation's config and a client holding its key, which is released only
/// for the organisation it was stored for (`bound: false`: a key stored by an older
/// version, bound after its next successful sync).
fn admin_client<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
) -> Result<(OrgConfig, AdminClient, bool), Error> {
    let config = read_json::<OrgConfig>(&path(profiles))?.ok_or(Error::OrgNotLinked)?;
    let name = format!("organisation {}", config.org_id);
    let stored = profiles
        .secrets()
        .get(ORG_KEY_ID)?
        .ok_or_else(|| Error::OrgKeyMissing {
            org_id: config.org_id.clone(),
        })?;
    let wanted = Binding::OrgKey {
        org_id: config.org_id.clone(),
    };
    let (key, bound) = match binding::open(&stored) {
        Opened::Bound(b, key) if b.allows(&wanted) => (key, true),
        Opened::Unbound(key) => (key, false),
        Opened::Bound(..) | Opened::Unreadable => {
            tracing::warn!("the organisation key's keyring item is bound to another organisation or kind; not sent");
            return Err(Error::TokenBindingMismatch {
                name,
                host: profiles.client().gateway.origin().ascii_serialization(),
            });
        }
    };
    let client = AdminClient::new(&config.org_id, key, profiles.client())?;
    Ok((config, client, bound))
}

/// Binds a key stored by an older version to organisation `org_id` after it worked.
fn bind_key<S: SecretStore + 'static>(profiles: &Profiles<S>, org_id: &str) -> Result<(), Error> {
    if let Some(stored) = profiles.secrets().get(ORG_KEY_ID)? {
        if let Opened::Unbound(key) = binding::open(&stored) {
            let b = Binding::OrgKey {
                org_id: org_id.to_owned(),
            };
            profiles
                .secrets()
                .set(ORG_KEY_ID, &binding::seal(&b, &key))?;
            tracing::info!("organisation key bound to its organisation");
        }
    }
    Ok(())
}

/// [`sync_with`] with the user's setting of when a token counts as unused
/// (`unused_warning_days`; its default when the settings cannot be read): the sync
/// every face runs.
pub async fn sync<S: SecretStore + 'static>(profiles: &Arc<Profiles<S>>) -> Result<OrgSync, Error> {
    let days = crate::audit::blocking(profiles, |p| {
        p.settings().load().unwrap_or_default().unused_warning_days
    })
    .await?;
    sync_with(profiles, days).await
}

/// Reads the organisation's domains and tokens and records, on each profile, what
/// they say of its token; a token unused for `unused_days` is flagged. Expiry differences are findings for the user to confirm
/// ([`accept_expiry`]), never applied here.
pub async fn sync_with<S: SecretStore + 'static>(
    profiles: &Arc<Profiles<S>>,
    unused_days: u32,
) -> Result<OrgSync, Error> {
    let (config, client, bound) = crate::audit::blocking(profiles, |p| admin_client(p)).await??;
    // What is read from here on is as of `started`: a profile changed after it (a
    // rotation, an edit) is not judged by this list.
    let started = profiles.clock().now();
    let deadline = profiles.client().deadline;
    let read = async { Ok::<_, Error>((client.domains().await?, client.api_tokens().await?)) };
    let (domains, tokens) = tokio::time::timeout(deadline, read)
        .await
        .map_err(|_| {
            Error::Jira(JiraError::new(
                ErrorKind::Timeout,
                format!(
                    "the organisation sync did not finish within {} s (its deadline); Atlassian's admin API may be slow or rate-limiting. Try again later.",
                    deadline.as_secs()
                ),
            ))
        })??;
    if !bound {
        let org_id = config.org_id.clone();
        crate::audit::blocking(profiles, move |p| bind_key(p, &org_id)).await??;
    }
    let skipped_domains = domains.skipped.clone();
    let now = profiles.clock().now();
    let today = profiles.clock().today();
    let requests = client.request_count();
    let findings = crate::audit::blocking(profiles, move |p| {
        record_sync(p, &domains, &tokens, started, now, today, unused_days)
    })
    .await??;
    let tokens_listed = findings.1;
    // The organisation as it is now (re-linked or unlinked meanwhile: left alone).
    let synced = config.org_id.clone();
    let config = crate::audit::blocking(profiles, move |p| {
        let path = path(p);
        match read_json::<OrgConfig>(&path)? {
            Some(mut current) if current.org_id == synced => {
                current.last_sync = Some(now);
                write_json(&path, &current)?;
                Ok::<_, Error>(current)
            }
            _ => Ok(config),
        }
    })
    .await??;
    Ok(OrgSync {
        synced_at: now,
        key_days_left: days_left(config.key_expires, today),
        org_id: config.org_id,
        tokens_listed,
        requests,
        profiles: findings.0,
        skipped_domains,
    })
}

fn record_sync<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    domains: &Domains,
    tokens: &[OrgApiToken],
    started: DateTime<Utc>,
    now: DateTime<Utc>,
    today: NaiveDate,
    unused_days: u32,
) -> Result<(Vec<OrgFinding>, usize), Error> {
    let findings = profiles.store().update(|list| {
        let mut out = Vec::new();
        for p in list.iter_mut() {
            if p.updated_at > started {
                continue; // changed while the list was read
            }
            let f = find(p, domains, tokens, today, unused_days);
            p.life.atlassian = Some(OrgTokenInfo {
                synced_at: now,
                state: f.state,
                label: f.label.clone(),
                token_id: f.token_id.clone(),
                expires: f.atlassian_expires,
                last_active: f.last_active,
            });
            if f.old_token_revoked_now {
                p.life.old_token_revoked = Some(true);
            }
            out.push(f);
        }
        Ok::<_, Error>(out)
    })?;
    tracing::info!(
        list = findings.len(),
        tokens = tokens.len(),
        "organisation synced"
    );
    Ok((findings, tokens.len()))
}

/// [`accept_expiry`] with the date as a face received it
/// (`YYYY-MM-DD`).
pub fn accept_expiry_as_typed<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    id: ProfileId,
    expected: &str,
) -> Result<ProfileView, Error> {
    accept_expiry(profiles, id, parse_expiry(expected)?)
}

/// Takes Atlassian's expiry for profile `id`, which the user confirmed: only the date
/// the last sync reported (`expected`), so a stale confirmation changes nothing.
pub fn accept_expiry<S: SecretStore + 'static>(
    profiles: &Profiles<S>,
    id: ProfileId,
    expected: NaiveDate,
) -> Result<ProfileView, Error> {
    let p = profiles.change(id, |p| {
        let reported = p.life.atlassian.as_ref().and_then(|a| a.expires);
        if reported != Some(expected) {
            return Err(Error::Conflict(format!(
                "Atlassian's expiry for \"{}\" is not {expected} any more; sync again.",
                p.name
            )));
        }
        p.expires = expected;
        p.life.expires_source = ExpiresSource::Atlassian;
        p.updated_at = profiles.clock().now();
        Ok(p.clone())
    })?;
    tracing::info!(profile = %id, "expiry taken from Atlassian");
    profiles.view(&p)
}

/// Revokes token `token_id` of profile `id`'s account at Atlassian: the one write to
/// the admin API, which the faces confirm first. The token must be one the last sync
/// listed for that profile's account and not the profile's current one.
pub async fn revoke<S: SecretStore + 'static>(
    profiles: &Arc<Profiles<S>>,
    id: ProfileId,
    token_id: String,
) -> Result<(), Error> {
    let (_, client, _) = crate::audit::blocking(profiles, |p| admin_client(p)).await??;
    let profile = crate::audit::blocking(profiles, move |p| p.get(id)).await??;
    let tokens = client.api_tokens().await?;
    let t = tokens
        .iter()
        .find(|t| {
            t.id == token_id && t.email.as_deref() == Some(profile.email.to_lowercase().as_str())
        })
        .ok_or_else(|| Error::OrgTokenNotFound {
            token_id: token_id.clone(),
            email: profile.email.clone(),
        })?;
    // Which token the profile uses, from the list just read (never from an older sync).
    let current = find(
        &profile,
        &Domains::default(),
        &tokens,
        profiles.clock().today(),
        u32::MAX,
    );
    match current.token_id.as_deref() {
        Some(id) if id == token_id => {
            return Err(Error::Conflict(format!(
                "{token_id} is the token \"{}\" uses now; revoking it would stop its backups. Rotate first.",
                profile.name
            )))
        }
        Some(_) => {}
        None => {
            return Err(Error::Conflict(format!(
                "ConnKeeper cannot tell which token \"{}\" uses now ({}), so it revokes none: revoke the old one on Atlassian's API token page.",
                profile.name,
                current.state.code()
            )))
        }
    }
    let account = t
        .account_id
        .clone()
        .ok_or_else(|| Error::Internal("Atlassian listed the token without its account".into()))?;
    client.revoke(&account, &token_id).await?;
    tracing::info!(profile = %id, "old token revoked at Atlassian");
    Ok(())
}
/// An expiry date as the faces send it: `YYYY-MM-DD`, surrounding spaces ignored.
pub fn parse_expiry(raw: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| {
        Error::Validation(vec![FieldError::new(
            Field::Expires,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not a date (YYYY-MM-DD).",
                crate::text::from_server(raw, 40)
            ),
        )])
    })
}

/// The day of an instant on this machine's calendar, as profile expiry dates are kept.
fn local_date(at: Option<DateTime<Utc>>) -> Option<NaiveDate> {
    at.map(|d| d.with_timezone(&chrono::Local).date_naive())
}

/// The only token of `ts`, if there is exactly one.
fn only<'a>(ts: &[&'a OrgApiToken]) -> Option<&'a OrgApiToken> {
    if ts.len() == 1 {
        Some(ts[0])
    } else {
        None
    }
}

/// Matches a profile with its account's tokens: the token known from the last sync, a
/// rotation's label (`connkeeper <name> ...`), the same expiry date, or the account's
/// only active token, in that order.
fn find(
    p: &Profile,
    domains: &Domains,
    tokens: &[OrgApiToken],
    today: NaiveDate,
    unused_days: u32,
) -> OrgFinding {
    let email = p.email.to_lowercase();
    let mine: Vec<&OrgApiToken> = tokens
        .iter()
        .filter(|t| t.email.as_deref() == Some(email.as_str()))
        .collect();
    let active: Vec<&OrgApiToken> = mine.iter().copied().filter(|t| t.active()).collect();
    let chosen = choose_token(p, &mine, &active);
    let mut f = OrgFinding {
        id: p.id,
        name: p.name.clone(),
        email: p.email.clone(),
        state: OrgTokenState::Missing,
        label: None,
        token_id: None,
        expires: p.expires,
        atlassian_expires: None,
        expiry_differs: false,
        last_active: None,
        unused: false,
        other_active: 0,
        old_token_revoked_now: false,
        message: String::new(),
    };
    let Some(t) = chosen else {
        (f.state, f.message) = without_token(p, domains, &mine, &active);
        return f;
    };
    f.label = Some(t.label.clone());
    f.token_id = Some(t.id.clone());
    f.atlassian_expires = local_date(t.expires_at);
    f.expiry_differs = f.atlassian_expires.is_some_and(|e| e != p.expires);
    f.last_active = t.last_active_at;
    f.other_active = active.iter().filter(|o| o.id != t.id).count();
    let since = t
        .last_active_at
        .or(t.created_at)
        .map(|d| (today - d.date_naive()).num_days());
    f.unused = since.is_some_and(|d| d > i64::from(unused_days));
    f.state = if t.active() {
        OrgTokenState::Active
    } else {
        OrgTokenState::Revoked
    };
    f.old_token_revoked_now = f.state == OrgTokenState::Active
        && f.other_active == 0
        && p.life.old_token_revoked == Some(false);
    f.message = notes(p, &f, t);
    f
}

/// The profile's token among its account's (`mine`, `active` the active ones): the one
/// known from the last sync, a rotation's label, the same expiry date, or the only
/// active one, in that order.
fn choose_token<'a>(
    p: &Profile,
    mine: &[&'a OrgApiToken],
    active: &[&'a OrgApiToken],
) -> Option<&'a OrgApiToken> {
    let known = p
        .life
        .atlassian
        .as_ref()
        .and_then(|a| a.token_id.as_deref());
    let prefix = format!(
        "connkeeper {} ",
        p.name.trim().chars().take(60).collect::<String>()
    )
    .to_lowercase();
    known
        .and_then(|k| mine.iter().copied().find(|t| t.id == k))
        .or_else(|| {
            let mut by_label: Vec<&OrgApiToken> = active
                .iter()
                .copied()
                .filter(|t| {
                    t.label
                        .to_lowercase()
                        .strip_prefix(&prefix)
                        .is_some_and(|rest| {
                            NaiveDate::parse_from_str(rest.trim(), "%Y-%m-%d").is_ok()
                        })
                })
                .collect();
            by_label.sort_by_key(|t| std::cmp::Reverse(t.created_at));
            by_label.first().copied()
        })
        .or_else(|| {
            let same_date: Vec<&OrgApiToken> = active
                .iter()
                .copied()
                .filter(|t| local_date(t.expires_at) == Some(p.expires))
                .collect();
            only(&same_date)
        })
        .or_else(|| only(active))
}

/// The state and message of a profile none of whose account's tokens is clearly its own.
fn without_token(
    p: &Profile,
    domains: &Domains,
    mine: &[&OrgApiToken],
    active: &[&OrgApiToken],
) -> (OrgTokenState, String) {
    let email = p.email.to_lowercase();
    let domain = email.rsplit('@').next().unwrap_or_default();
    let managed = domains.verified.iter().any(|d| d == domain);
    let skipped = domains.skipped.iter().find(|d| d.name == domain);
    if !active.is_empty() {
        (OrgTokenState::Ambiguous, format!("{} active tokens of {}; none is clearly this profile's. Label the token `connkeeper {} …` or match its expiry.", active.len(), p.email, p.name))
    } else if !mine.is_empty() {
        (
            OrgTokenState::Revoked,
            format!(
                "Every token of {} is revoked: backups with this profile fail. Rotate the token.",
                p.email
            ),
        )
    } else if managed {
        (OrgTokenState::Missing, format!("{} is a managed account without any API token: the profile's token was revoked or deleted. Rotate the token.", p.email))
    } else if let Some(d) = skipped {
        (OrgTokenState::Unmanaged, format!("{} is on {}, a domain of the organisation that is not verified (its claim is {}), so the account is not managed and Atlassian Administration does not list its tokens. Verify the domain in admin.atlassian.com > Settings > Domains to see them.", p.email, d.name, d.status))
    } else {
        (OrgTokenState::Unmanaged, format!("{} is not in the organisation's verified domains; Atlassian Administration does not list its tokens.", p.email))
    }
}

/// The message of a finding `f` whose token is `t`: what needs doing, or "In order.".
fn notes(p: &Profile, f: &OrgFinding, t: &OrgApiToken) -> String {
    let mut notes = Vec::new();
    if f.state == OrgTokenState::Revoked {
        notes.push(
            "The token is revoked: backups with this profile fail. Rotate the token.".to_owned(),
        );
    }
    if let (true, Some(e)) = (f.expiry_differs, f.atlassian_expires) {
        notes.push(format!(
            "Atlassian says the token expires on {e}, the profile says {}.",
            p.expires
        ));
    }
    if f.unused {
        notes.push(match t.last_active_at {
            Some(d) => format!(
                "Not used since {}: is the backup service still running with it?",
                d.date_naive()
            ),
            None => {
                "Never used since it was created: is the backup service set up with it?".to_owned()
            }
        });
    }
    if p.life.old_token_revoked == Some(false) && f.other_active > 0 {
        notes.push(format!(
            "{} of the account: revoke the old one once the backup service uses the new one.",
            crate::text::count(f.other_active, "other active token", "other active tokens")
        ));
    }
    if notes.is_empty() {
        "In order.".to_owned()
    } else {
        notes.join(" ")
    }
}
