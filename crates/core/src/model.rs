//! Plain data: profiles, applications, expiry status. No I/O here.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::codes::code_enum;

/// A profile's stable identity; also the keyring entry's user name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(transparent)]
#[cfg_attr(feature = "ts", ts(type = "string"))]
pub struct ProfileId(pub Uuid);

impl ProfileId {
    /// A fresh random id.
    pub fn new() -> Self {
        Self(Uuid::new_v4())
    }

    /// Whether this id can be a profile's: a random (version 4, RFC 4122) UUID. Every
    /// other id is reserved (the organisation API key's keyring entry has one), so a
    /// profile loaded with such an id was written by someone else and is refused.
    pub fn is_profile_id(&self) -> bool {
        self.0.get_version() == Some(uuid::Version::Random)
            && self.0.get_variant() == uuid::Variant::RFC4122
    }
}

impl Default for ProfileId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for ProfileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for ProfileId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

code_enum! {
    /// The Atlassian application a profile connects a backup service to.
    #[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
    pub enum Application {
        /// Jira (spaces, work items, boards, sprints).
        Jira = "jira",
        /// Jira Admin Settings (the Atlassian admin / site settings).
        JiraAdmin = "jira-admin",
        /// Jira Service Management.
        #[cfg_attr(feature = "clap", value(alias = "jira-service-management"))]
        Jsm = "jsm",
    }
}

impl Application {
    /// The name people read.
    pub fn display_name(self) -> &'static str {
        match self {
            Application::Jira => "Jira",
            Application::JiraAdmin => "Jira Admin Settings",
            Application::Jsm => "Jira Service Management",
        }
    }

    /// Parses a machine code (`jira`, `jira-admin`, `jsm`), case-insensitively; display
    /// names are accepted too, so an imported spreadsheet may say "Jira Service Management".
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        Application::ALL
            .into_iter()
            .find(|a| t.eq_ignore_ascii_case(a.code()) || t.eq_ignore_ascii_case(a.display_name()))
    }
}

code_enum! {
    /// Which purposes an audit checks for.
    #[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
    #[derive(Default)]
    pub enum AuditPurpose {
        /// What a backup service needs.
        Backup = "backup",
        /// What a restore needs.
        Restore = "restore",
        /// Both.
        #[default]
        All = "all",
    }
}

code_enum! {
    /// What kind of API token a profile holds, as the audit learned it.
    pub enum TokenKind {
        /// A classic (unscoped) API token: it works on `https://<site>.atlassian.net`.
        Classic = "classic",
        /// An API token with scopes (the only kind service accounts have): it works only
        /// through Atlassian's gateway, `https://api.atlassian.com/ex/jira/{cloudId}`.
        Scoped = "scoped",
    }
}

/// A saved connection profile. The API token is not here: it lives in the OS keyring
/// under the profile's id and never in this struct.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub id: ProfileId,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub application: Application,
    /// Normalised origin, `https://<host>` (or loopback `http://` for test servers).
    pub host: String,
    pub email: String,
    /// The API token's expiration date.
    pub expires: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// A summary of the last permission audit, if one ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_audit: Option<AuditSummary>,
    /// A host outside Atlassian's domains that the user confirmed as the destination of
    /// this profile's token. It counts only while it equals `host`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_host: Option<String>,
    /// The token's kind, once an audit learned it; forgotten when the token or the
    /// target changes. Later audits go straight to the right base.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_kind: Option<TokenKind>,
    /// Rotations, the old token's revocation and what Atlassian said of the token.
    #[serde(default, skip_serializing_if = "TokenLife::is_empty")]
    pub life: TokenLife,
}

/// Where a profile's expiry date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ExpiresSource {
    /// Typed by the user (or imported).
    #[default]
    Manual,
    /// Read from Atlassian's organisation admin API and confirmed by the user.
    Atlassian,
}

/// A token's life beyond its expiry date: its rotations and what the organisation's
/// admin API reported. Never holds a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct TokenLife {
    /// When the token was last rotated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rotated_at: Option<DateTime<Utc>>,
    /// The last rotations, newest first (at most [`ROTATIONS_KEPT`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rotations: Vec<RotationRecord>,
    /// After a rotation: whether the user revoked the old token (null before any).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_token_revoked: Option<bool>,
    #[serde(skip_serializing_if = "is_manual")]
    pub expires_source: ExpiresSource,
    /// What the last organisation sync found for this profile's token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub atlassian: Option<OrgTokenInfo>,
}

fn is_manual(s: &ExpiresSource) -> bool {
    *s == ExpiresSource::Manual
}

impl TokenLife {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// How many rotations a profile remembers.
pub const ROTATIONS_KEPT: usize = 10;

/// A token's verdict for its purpose, as a rotation compares them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verdict {
    pub purpose: AuditPurpose,
    pub ok: bool,
    pub backup_ok: bool,
    pub restore_ok: bool,
    /// Required global permissions missing.
    pub missing_global: usize,
    /// Projects lacking a required permission.
    pub projects_with_gaps: usize,
    /// Projects the token could see, and whether that was every project.
    #[serde(default)]
    pub projects_total: usize,
    #[serde(default = "yes")]
    pub coverage_complete: bool,
}

fn yes() -> bool {
    true
}

impl From<&AuditSummary> for Verdict {
    fn from(s: &AuditSummary) -> Self {
        Self {
            purpose: s.purpose,
            ok: s.ok,
            backup_ok: s.backup_ok,
            restore_ok: s.restore_ok,
            missing_global: s.missing_global.len(),
            projects_with_gaps: s.projects_with_gaps,
            projects_total: s.projects_total,
            coverage_complete: s.coverage_complete,
        }
    }
}

/// One rotation as the profile keeps it: dates and verdicts, never a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RotationRecord {
    pub at: DateTime<Utc>,
    pub old_expires: NaiveDate,
    pub new_expires: NaiveDate,
    /// The old token's last audit (null when it never ran).
    pub before: Option<Verdict>,
    /// The new token's audit before the swap (null when it could not run and the user
    /// insisted).
    pub after: Option<Verdict>,
    /// The user insisted although the new token audited worse or was not verified.
    pub forced: bool,
}

/// What the organisation's admin API said about a profile's token at the last sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrgTokenInfo {
    pub synced_at: DateTime<Utc>,
    pub state: OrgTokenState,
    /// The matched token's label, id and dates (when one matched).
    pub label: Option<String>,
    pub token_id: Option<String>,
    pub expires: Option<NaiveDate>,
    pub last_active: Option<DateTime<Utc>>,
}

code_enum! {
    /// The state of a profile's token in the organisation.
    pub enum OrgTokenState {
        /// One active token of the account matches the profile.
        Active = "active",
        /// The matching token is no longer allowed (revoked or blocked).
        Revoked = "revoked",
        /// The account is managed by the organisation but has no active token.
        Missing = "missing",
        /// Several active tokens could be the profile's; none was chosen.
        Ambiguous = "ambiguous",
        /// The email is not in one of the organisation's verified domains.
        Unmanaged = "unmanaged",
    }
}

impl Profile {
    /// Whether the token may be sent to `host` without asking: Atlassian's own hosts and
    /// loopback test servers always; any other host once the user confirmed it.
    pub fn host_confirmed(&self) -> bool {
        !HostKind::of(&self.host).needs_confirmation()
            || self.confirmed_host.as_deref() == Some(self.host.as_str())
    }

    /// The site and account its stored token is bound to.
    pub fn target(&self) -> Target<'_> {
        Target {
            host: &self.host,
            email: &self.email,
        }
    }
}

/// Where a stored token may be sent: its profile's host and email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target<'a> {
    pub host: &'a str,
    pub email: &'a str,
}

impl Target<'_> {
    /// Whether a (normalised) host and email still name this target; emails compare
    /// without case, as Atlassian accounts do.
    pub fn same_as(&self, host: &str, email: &str) -> bool {
        self.host == host && self.email.eq_ignore_ascii_case(email)
    }
}

/// What kind of site a normalised host is, which decides whether sending it a token needs
/// the user's confirmation first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HostKind {
    /// `https://<site>.atlassian.net` or Atlassian's API gateway `https://api.atlassian.com`.
    Atlassian,
    /// Any other https host (a custom domain, a proxy): the user confirms it once.
    Custom,
    /// `http://127.0.0.1:PORT` or `http://localhost:PORT`, accepted only with the
    /// loopback switch (local test servers).
    Loopback,
}

impl HostKind {
    /// The kind of a host as [`crate::validate::validate_host`] normalises it.
    pub fn of(host: &str) -> Self {
        let Ok(url) = url::Url::parse(host) else {
            return HostKind::Custom;
        };
        if url.scheme() == "http" {
            return HostKind::Loopback;
        }
        match url.host_str() {
            Some(d) if d.ends_with(".atlassian.net") || d == "api.atlassian.com" => {
                HostKind::Atlassian
            }
            _ => HostKind::Custom,
        }
    }

    /// Whether a token may go there only after the user confirmed the host.
    pub fn needs_confirmation(self) -> bool {
        self == HostKind::Custom
    }
}

code_enum! {
    /// How close a token is to its expiry.
    pub enum ExpiryStatus {
        /// Past its date (`days_left < 0`).
        Expired = "expired",
        /// Expires within [`EXPIRING_WITHIN_DAYS`] days (today included).
        Expiring = "expiring",
        /// More than [`EXPIRING_WITHIN_DAYS`] days left.
        Ok = "ok",
    }
}

code_enum! {
    /// A profile's worst current state, most serious first: what the list, the summary,
    /// the tray, `profile list` and the exports show, each with its action.
    pub enum ProfileState {
        /// No API token in the keyring: add it.
        TokenMissing = "token_missing",
        /// Jira refused the token at the last check or audit: replace it.
        TokenRejected = "token_rejected",
        /// An admin blocked the account's API tokens or the IP allowlist refuses this
        /// computer: ask the site's admin.
        TokenBlocked = "token_blocked",
        /// The last audit found permissions (or a scope) missing: open the fix.
        PermissionsMissing = "permissions_missing",
        /// The last check could not reach the site: retry.
        Unreachable = "unreachable",
        /// The token is past its date: rotate it.
        Expired = "expired",
        /// The token expires within 30 days: rotate it.
        Expiring = "expiring",
        /// Nothing known is wrong.
        Ok = "ok",
    }
}

/// The window in which a token counts as "expiring".
pub const EXPIRING_WITHIN_DAYS: i64 = 30;

impl ExpiryStatus {
    /// Status from the number of whole days left.
    pub fn from_days_left(days_left: i64) -> Self {
        if days_left < 0 {
            ExpiryStatus::Expired
        } else if days_left <= EXPIRING_WITHIN_DAYS {
            ExpiryStatus::Expiring
        } else {
            ExpiryStatus::Ok
        }
    }
}

/// Days from `today` until `expires` (negative once expired).
pub fn days_left(expires: NaiveDate, today: NaiveDate) -> i64 {
    (expires - today).num_days()
}

/// What a permission audit concluded, kept on the profile as `last_audit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditSummary {
    /// When the audit finished.
    pub at: DateTime<Utc>,
    /// What the audit checked for.
    pub purpose: AuditPurpose,
    /// Everything required for the audited purpose is granted.
    pub ok: bool,
    pub backup_ok: bool,
    pub restore_ok: bool,
    /// Keys of the required global permissions the account lacks.
    pub missing_global: Vec<String>,
    pub projects_total: usize,
    /// Projects lacking at least one permission required for the audited purpose.
    pub projects_with_gaps: usize,
    /// `false` when the account could not see every project.
    pub coverage_complete: bool,
    pub warnings: usize,
}

/// A profile's expiry as of a day, from the store alone: what `expiring`, the reminders
/// and the tray need, with no keyring call (cron may run without an unlocked keyring).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dated {
    pub id: ProfileId,
    pub name: String,
    pub application: Application,
    pub host: String,
    pub email: String,
    pub expires: NaiveDate,
    pub days_left: i64,
    pub status: ExpiryStatus,
}

impl Dated {
    /// The expiry of `p` as of `today`.
    pub fn new(p: &Profile, today: NaiveDate) -> Self {
        let days_left = days_left(p.expires, today);
        Self {
            id: p.id,
            name: p.name.clone(),
            application: p.application,
            host: p.host.clone(),
            email: p.email.clone(),
            expires: p.expires,
            days_left,
            status: ExpiryStatus::from_days_left(days_left),
        }
    }

    /// Most urgent first, then by name (ignoring case).
    pub fn urgency(&self) -> (i64, String) {
        (self.days_left, self.name.to_lowercase())
    }
}

/// A profile as scripts and the UI see it: the stored fields plus the derived expiry
/// status and whether the keyring holds its token. The JSON shape of `profile list --json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProfileView {
    pub id: ProfileId,
    pub name: String,
    pub description: Option<String>,
    pub application: Application,
    pub host: String,
    pub email: String,
    pub expires: NaiveDate,
    pub days_left: i64,
    pub status: ExpiryStatus,
    /// The worst current state (the token, the last check or audit, the expiry).
    pub state: ProfileState,
    pub token_stored: bool,
    /// `classic` or `scoped` once an audit learned it; null until then.
    pub token_kind: Option<TokenKind>,
    /// The token may be sent to `host` without asking (always for Atlassian's hosts;
    /// for a custom domain once the user confirmed it).
    pub host_confirmed: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_audit: Option<AuditSummary>,
    /// When the token was last rotated (null: never).
    pub rotated_at: Option<DateTime<Utc>>,
    /// The last rotations, newest first.
    pub rotations: Vec<RotationRecord>,
    /// After a rotation: whether the old token was revoked (null before any rotation).
    pub old_token_revoked: Option<bool>,
    /// `manual` (typed) or `atlassian` (read from the organisation's admin API).
    pub expires_source: ExpiresSource,
    /// When Atlassian last saw the token used (from an organisation sync).
    pub last_active: Option<DateTime<Utc>>,
    /// What the last organisation sync found (null without one).
    pub atlassian: Option<OrgTokenInfo>,
}

impl ProfileView {
    /// Builds the view of `p` as of `today`; `token_stored` must be what the keyring
    /// answered ([`crate::profiles::Profiles::list`] asks it). Without the keyring, use
    /// [`Dated`], which claims nothing about the token.
    pub fn new(p: &Profile, today: NaiveDate, token_stored: bool) -> Self {
        let days_left = days_left(p.expires, today);
        Self {
            id: p.id,
            name: p.name.clone(),
            description: p.description.clone(),
            application: p.application,
            host: p.host.clone(),
            email: p.email.clone(),
            expires: p.expires,
            days_left,
            status: ExpiryStatus::from_days_left(days_left),
            state: ProfileState::Ok,
            token_stored,
            token_kind: p.token_kind,
            host_confirmed: p.host_confirmed(),
            created_at: p.created_at,
            updated_at: p.updated_at,
            last_audit: p.last_audit.clone(),
            rotated_at: p.life.rotated_at,
            rotations: p.life.rotations.clone(),
            old_token_revoked: p.life.old_token_revoked,
            expires_source: p.life.expires_source,
            last_active: p.life.atlassian.as_ref().and_then(|a| a.last_active),
            atlassian: p.life.atlassian.clone(),
        }
        .with_failure(None)
    }

    /// The view with its state given the last failed check or audit (`failure`: when,
    /// and the problem's state), which counts only when newer than the last audit.
    pub fn with_failure(mut self, failure: Option<(DateTime<Utc>, ProfileState)>) -> Self {
        let failure = failure
            .filter(|(at, _)| self.last_audit.as_ref().is_none_or(|a| *at > a.at))
            .map(|(_, s)| s);
        let audit_missing = self.last_audit.as_ref().is_some_and(|a| !a.ok);
        self.state = if !self.token_stored {
            ProfileState::TokenMissing
        } else if let Some(s @ (ProfileState::TokenRejected | ProfileState::TokenBlocked)) = failure
        {
            s
        } else if audit_missing || failure == Some(ProfileState::PermissionsMissing) {
            ProfileState::PermissionsMissing
        } else if failure == Some(ProfileState::Unreachable) {
            ProfileState::Unreachable
        } else {
            match self.status {
                ExpiryStatus::Expired => ProfileState::Expired,
                ExpiryStatus::Expiring => ProfileState::Expiring,
                ExpiryStatus::Ok => ProfileState::Ok,
            }
        };
        self
    }

    /// The expiry part of the view.
    pub fn dated(&self) -> Dated {
        Dated {
            id: self.id,
            name: self.name.clone(),
            application: self.application,
            host: self.host.clone(),
            email: self.email.clone(),
            expires: self.expires,
            days_left: self.days_left,
            status: self.status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_boundaries() {
        assert_eq!(ExpiryStatus::from_days_left(-1), ExpiryStatus::Expired);
        assert_eq!(ExpiryStatus::from_days_left(0), ExpiryStatus::Expiring);
        assert_eq!(ExpiryStatus::from_days_left(30), ExpiryStatus::Expiring);
        assert_eq!(ExpiryStatus::from_days_left(31), ExpiryStatus::Ok);
    }

    #[test]
    fn application_codes_round_trip() {
        for a in Application::ALL {
            assert_eq!(Application::parse(a.code()), Some(a));
            assert_eq!(Application::parse(a.display_name()), Some(a));
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.code()));
        }
        assert_eq!(Application::parse("confluence"), None);
    }
}
