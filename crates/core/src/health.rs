//! Health checks: what breaks a backup between audits. A check of a saved profile is an
//! audit compared with the profile's **baseline** (the last result the user accepted;
//! the first check's result becomes the baseline). It yields typed [`Change`]s, and
//! every outcome is kept, failures included, in a bounded history per profile
//! (`checks/<id>.json`, the newest [`HISTORY_LEN`] checks; never a token).
//!
//! The same flow serves both faces: the desktop's scheduler and `connkeeper check`.
//! A check never asks a question: a custom domain must already be confirmed, else the
//! check is skipped and says why.
//!
//! What alerts: a change that the previous check did not already report (a lasting
//! problem alerts once, not at every check), and `unreachable` only on the second failed
//! check in a row (a laptop on a train is not an incident).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditRequest};
use crate::codes::{code_enum, WarningCode};
use crate::error::Error;
use crate::jira::{AuditPurpose, AuditReport, ErrorKind, Progress};
use crate::model::{ProfileId, ProfileState};
use crate::profiles::Profiles;
use crate::secrets::SecretStore;
use crate::store::{read_json, write_json};
use crate::text::count;

/// The folder of the check histories, beside `profiles.json`.
pub const CHECKS_DIR: &str = "checks";
/// The lock of the histories' read-modify-writes, in [`CHECKS_DIR`].
const HISTORY_LOCK: &str = "checks.lock";
/// How many checks a profile's history keeps (the newest).
pub const HISTORY_LEN: usize = 90;
/// The most spaces a change names; the rest are counted.
const MAX_NAMED_SPACES: usize = 10;

code_enum! {
    /// What changed since the baseline, or what stops a check.
    pub enum ChangeCode {
        /// Jira refused the API token (revoked, expired, or a wrong email).
        TokenRejected = "token_rejected",
        /// An admin blocked the account's API tokens, or the site's IP allowlist refused
        /// this computer.
        TokenBlocked = "token_blocked",
        /// The account was deactivated.
        AccountInactive = "account_inactive",
        /// A required permission is gone (globally, or in the spaces named).
        PermissionLost = "permission_lost",
        /// A required permission came back or was granted.
        PermissionGained = "permission_gained",
        /// New spaces the account cannot back up (they would be left out silently).
        SpacesUncovered = "spaces_uncovered",
        /// Spaces of the baseline that are no longer there (deleted, archived, hidden).
        SpacesGone = "spaces_gone",
        /// The account lost its product access (Jira, Jira Service Management).
        ProductAccessLost = "product_access_lost",
        /// A token with scopes lacks a scope the audit needs.
        ScopeMissing = "scope_missing",
        /// The site could not be reached (network, server, rate limit).
        Unreachable = "unreachable",
        /// A problem of the previous check is gone.
        Recovered = "recovered",
    }
}

code_enum! {
    /// How a check ended.
    pub enum CheckState {
        /// The site matches the baseline.
        Healthy = "healthy",
        /// The site differs from the baseline (see the changes).
        Changed = "changed",
        /// The check could not see the site (see the problem).
        Failed = "failed",
        /// The check did not run (see the problem): it would have had to ask a question,
        /// or the profile has no token.
        Skipped = "skipped",
    }
}

/// What a check saw, reduced to what a backup depends on: the baseline is one of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Snapshot {
    pub at: DateTime<Utc>,
    pub purpose: AuditPurpose,
    pub account_active: bool,
    /// Whether the account has the product access the audit needs (no
    /// `no_product_access` root cause).
    pub product_access: bool,
    /// The required global permissions the account lacks (keys).
    pub global_missing: BTreeSet<String>,
    /// Every audited space by key, with the required permissions it lacks.
    pub spaces: BTreeMap<String, BTreeSet<String>>,
}

impl From<&AuditReport> for Snapshot {
    fn from(r: &AuditReport) -> Self {
        Self {
            at: r.finished_at,
            purpose: r.purpose,
            account_active: r.account.active,
            product_access: r.root_cause != Some(WarningCode::NoProductAccess),
            global_missing: r
                .global
                .iter()
                .filter(|g| !g.granted)
                .map(|g| g.key.clone())
                .collect(),
            spaces: r
                .projects
                .iter()
                .map(|p| {
                    let missing = p.missing.iter().map(|m| m.key.clone()).collect();
                    (p.key.clone(), missing)
                })
                .collect(),
        }
    }
}

/// One thing that changed, in words and as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Change {
    pub code: ChangeCode,
    /// The permission's key, for `permission_lost` and `permission_gained`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<String>,
    /// The spaces it affects, by key; empty for a global permission or the account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<String>,
    pub message: String,
}

impl Change {
    fn new(code: ChangeCode, message: impl Into<String>) -> Self {
        Self {
            code,
            permission: None,
            spaces: Vec::new(),
            message: message.into(),
        }
    }

    /// The same change, whatever its words (a lasting problem is reported once).
    fn same_as(&self, other: &Change) -> bool {
        self.code == other.code
            && self.permission == other.permission
            && self.spaces == other.spaces
    }
}

/// A permission's name in Jira's current words, else its key.
fn permission_name(key: &str) -> String {
    crate::requirements::REQUIREMENTS
        .iter()
        .find(|r| r.key == key)
        .map_or_else(|| key.to_owned(), |r| r.name.to_owned())
}

/// "OPS, TEAM and 3 more".
fn named(spaces: &[String]) -> String {
    let shown = spaces
        .iter()
        .take(MAX_NAMED_SPACES)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    match spaces.len().saturating_sub(MAX_NAMED_SPACES) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

/// The changes from `baseline` to `now`, most serious first.
pub fn compare(baseline: &Snapshot, now: &Snapshot) -> Vec<Change> {
    let mut changes = Vec::new();
    if baseline.account_active && !now.account_active {
        changes.push(Change::new(
            ChangeCode::AccountInactive,
            "The account was deactivated: reactivate it in admin.atlassian.com > Directory > Users.",
        ));
    }
    if baseline.product_access && !now.product_access {
        changes.push(Change::new(
            ChangeCode::ProductAccessLost,
            "The account lost its product access: give it access to the product again in admin.atlassian.com > Directory > Users.",
        ));
    }
    for key in now.global_missing.difference(&baseline.global_missing) {
        changes.push(Change {
            permission: Some(key.clone()),
            ..Change::new(
                ChangeCode::PermissionLost,
                format!("{} lost (a global permission).", permission_name(key)),
            )
        });
    }
    // Per permission, the spaces (present in both) that lost or gained it.
    let mut lost: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut gained: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (space, missing) in &now.spaces {
        let Some(before) = baseline.spaces.get(space) else {
            continue;
        };
        for key in missing.difference(before) {
            lost.entry(key).or_default().push(space.clone());
        }
        for key in before.difference(missing) {
            gained.entry(key).or_default().push(space.clone());
        }
    }
    for (key, spaces) in lost {
        changes.push(Change {
            code: ChangeCode::PermissionLost,
            permission: Some(key.to_owned()),
            message: format!(
                "{} lost in {} ({}).",
                permission_name(key),
                count(spaces.len(), "space", "spaces"),
                named(&spaces)
            ),
            spaces,
        });
    }
    let uncovered: Vec<String> = now
        .spaces
        .iter()
        .filter(|(space, missing)| !baseline.spaces.contains_key(*space) && !missing.is_empty())
        .map(|(space, _)| space.clone())
        .collect();
    if !uncovered.is_empty() {
        changes.push(Change {
            message: format!(
                "{} the account cannot back up ({}): add the account to {} with a role that grants the backup permissions.",
                count(uncovered.len(), "new space", "new spaces"),
                named(&uncovered),
                if uncovered.len() == 1 { "it" } else { "them" }
            ),
            spaces: uncovered,
            ..Change::new(ChangeCode::SpacesUncovered, "")
        });
    }
    let gone: Vec<String> = baseline
        .spaces
        .keys()
        .filter(|space| !now.spaces.contains_key(*space))
        .cloned()
        .collect();
    if !gone.is_empty() {
        changes.push(Change {
            message: format!(
                "{} no longer there ({}): deleted, archived, or hidden from the account.",
                count(gone.len(), "space is", "spaces are"),
                named(&gone)
            ),
            spaces: gone,
            ..Change::new(ChangeCode::SpacesGone, "")
        });
    }
    for key in baseline.global_missing.difference(&now.global_missing) {
        changes.push(Change {
            permission: Some(key.clone()),
            ..Change::new(
                ChangeCode::PermissionGained,
                format!("{} granted (a global permission).", permission_name(key)),
            )
        });
    }
    for (key, spaces) in gained {
        changes.push(Change {
            code: ChangeCode::PermissionGained,
            permission: Some(key.to_owned()),
            message: format!(
                "{} granted in {} ({}).",
                permission_name(key),
                count(spaces.len(), "space", "spaces"),
                named(&spaces)
            ),
            spaces,
        });
    }
    changes
}

/// What stopped a check, from the audit error's kind: the change it stands for, or
/// `None` when it is not the site's doing (the keyring, the data folder, a question).
pub fn problem_of(kind: ErrorKind) -> Option<Change> {
    let code = match kind {
        ErrorKind::Auth => ChangeCode::TokenRejected,
        ErrorKind::TokenBlocked | ErrorKind::IpNotAllowed | ErrorKind::Forbidden => {
            ChangeCode::TokenBlocked
        }
        ErrorKind::MissingScope => ChangeCode::ScopeMissing,
        ErrorKind::Network
        | ErrorKind::Tls
        | ErrorKind::Timeout
        | ErrorKind::RateLimited
        | ErrorKind::Server
        | ErrorKind::InvalidResponse
        | ErrorKind::NotFound => ChangeCode::Unreachable,
        _ => return None,
    };
    let message = match code {
        ChangeCode::TokenRejected => "Jira rejected the API token (revoked, expired, or the account was deactivated): create a new token and replace it.".to_owned(),
        ChangeCode::TokenBlocked => "Jira refused the account's API token: an admin blocked API tokens for it, or the site's IP allowlist refuses this computer.".to_owned(),
        ChangeCode::ScopeMissing => "The API token lacks a scope the audit needs: create a token with the scopes the audit lists.".to_owned(),
        _ => format!("The site could not be reached ({kind})."),
    };
    Some(Change::new(code, message))
}

/// Why a check did not reach the site: the error's kind and message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    pub kind: ErrorKind,
    pub message: String,
}

/// One check, as the history keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckRecord {
    pub at: DateTime<Utc>,
    pub state: CheckState,
    /// What differs from the baseline (for `failed`: the problem as a change).
    pub changes: Vec<Change>,
    /// The changes that alert: new since the previous check (see the module's rules).
    pub alerts: Vec<Change>,
    pub problem: Option<Problem>,
    /// The requests the check sent to Jira.
    pub requests: usize,
    /// The result became the new baseline (the first check, or accepted).
    pub accepted: bool,
}

/// A profile's check history (`checks/<id>.json`): the baseline and the newest checks,
/// newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct History {
    pub baseline: Option<Snapshot>,
    pub checks: Vec<CheckRecord>,
}

#[derive(Serialize, Deserialize)]
struct HistoryFile {
    version: u32,
    #[serde(flatten)]
    history: History,
}

impl History {
    /// The newest check, if any.
    pub fn latest(&self) -> Option<&CheckRecord> {
        self.checks.first()
    }

    /// Adds `record` as the newest check, keeping [`HISTORY_LEN`].
    fn push(&mut self, record: CheckRecord) {
        self.checks.insert(0, record);
        self.checks.truncate(HISTORY_LEN);
    }
}

fn history_path<S: SecretStore>(profiles: &Profiles<S>, id: ProfileId) -> PathBuf {
    profiles
        .store()
        .dir()
        .join(CHECKS_DIR)
        .join(format!("{id}.json"))
}

/// Profile `id`'s check history (empty when it was never checked).
pub fn history<S: SecretStore>(profiles: &Profiles<S>, id: ProfileId) -> Result<History, Error> {
    Ok(read_json::<HistoryFile>(&history_path(profiles, id))?
        .map(|f| f.history)
        .unwrap_or_default())
}

/// Adds `record` to profile `id`'s history under the history lock (an audit and a
/// scheduled check may end at once), first setting `baseline` when given.
fn append<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
    baseline: Option<Snapshot>,
    record: CheckRecord,
) -> Result<(), Error> {
    let dir = profiles.store().dir().join(CHECKS_DIR);
    crate::store::create_private_dir(&dir)?;
    let _lock = crate::store::lock_file(&dir.join(HISTORY_LOCK))?;
    let mut h = history(profiles, id)?;
    if baseline.is_some() {
        h.baseline = baseline;
    }
    h.push(record);
    write_json(
        &history_path(profiles, id),
        &HistoryFile {
            version: 1,
            history: h,
        },
    )?;
    Ok(())
}

/// Removes profile `id`'s history (the profile was deleted).
pub(crate) fn forget<S: SecretStore>(profiles: &Profiles<S>, id: ProfileId) {
    if let Err(e) = std::fs::remove_file(history_path(profiles, id)) {
        if e.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(profile = %id, error = %e, "could not remove the check history");
        }
    }
}

/// The alerting changes of a check given the previous one: changes the previous check
/// did not report, `unreachable` only as the second failure in a row, and `recovered`
/// when the previous check had a problem and this one matches the baseline.
fn alerts_of(state: CheckState, changes: &[Change], previous: Option<&CheckRecord>) -> Vec<Change> {
    let before: &[Change] = previous.map_or(&[], |p| &p.changes);
    let previously_unreachable = before.iter().any(|c| c.code == ChangeCode::Unreachable);
    let mut alerts: Vec<Change> = changes
        .iter()
        .filter(|c| match c.code {
            ChangeCode::Unreachable => {
                previously_unreachable
                    && !previous
                        .is_some_and(|p| p.alerts.iter().any(|a| a.code == ChangeCode::Unreachable))
            }
            _ => !before.iter().any(|b| b.same_as(c)),
        })
        .cloned()
        .collect();
    if state == CheckState::Healthy
        && previous.is_some_and(|p| p.state != CheckState::Healthy && !p.changes.is_empty())
    {
        alerts.push(Change::new(
            ChangeCode::Recovered,
            "The problems of the previous check are gone: the site matches the baseline again.",
        ));
    }
    alerts
}

/// Records a failed audit of profile `id` (Jira refused the token, the site could not
/// be reached, ...) as a `failed` check; kinds that are not the site's doing are not
/// recorded. Returns the record.
pub(crate) fn record_failure<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
    at: DateTime<Utc>,
    kind: ErrorKind,
    message: String,
) -> Result<Option<CheckRecord>, Error> {
    let Some(change) = problem_of(kind) else {
        return Ok(None);
    };
    let previous = history(profiles, id)?.checks.into_iter().next();
    let changes = vec![change];
    let record = CheckRecord {
        at,
        state: CheckState::Failed,
        alerts: alerts_of(CheckState::Failed, &changes, previous.as_ref()),
        changes,
        problem: Some(Problem { kind, message }),
        requests: 0,
        accepted: false,
    };
    append(profiles, id, None, record.clone())?;
    Ok(Some(record))
}

impl CheckRecord {
    /// When this check failed, and the profile state its problem stands for.
    pub fn failure(&self) -> Option<(DateTime<Utc>, ProfileState)> {
        if self.state != CheckState::Failed {
            return None;
        }
        let state = match self.changes.first()?.code {
            ChangeCode::TokenRejected => ProfileState::TokenRejected,
            ChangeCode::TokenBlocked => ProfileState::TokenBlocked,
            ChangeCode::ScopeMissing => ProfileState::PermissionsMissing,
            _ => ProfileState::Unreachable,
        };
        Some((self.at, state))
    }
}

/// The last failure of profile `id`, if its newest check failed (unreadable: none).
pub(crate) fn last_failure<S: SecretStore>(
    profiles: &Profiles<S>,
    id: ProfileId,
) -> Option<(DateTime<Utc>, ProfileState)> {
    match history(profiles, id) {
        Ok(h) => h.latest().and_then(CheckRecord::failure),
        Err(e) => {
            tracing::warn!(profile = %id, error = %e, "check history unreadable");
            None
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone)]
pub struct Checked {
    pub id: ProfileId,
    pub name: String,
    pub record: CheckRecord,
    /// The audit's report, when the check reached the site.
    pub report: Option<AuditReport>,
}

/// Checks saved profile `id` now: an audit for the baseline's purpose (all, for a first
/// check) compared with the baseline, recorded in its history whatever the outcome.
/// `accept` makes this result the new baseline. Never asks: a custom domain nobody
/// confirmed makes a `skipped` check.
pub async fn check<S: SecretStore + 'static>(
    profiles: &Arc<Profiles<S>>,
    id: ProfileId,
    accept: bool,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Checked, Error> {
    let profile = profiles.get(id)?;
    let before = history(profiles, id)?;
    let purpose = before
        .baseline
        .as_ref()
        .map_or(AuditPurpose::All, |b| b.purpose);
    let at = profiles.clock().now();
    let ran = audit::run(
        profiles,
        AuditRequest::Saved(id),
        purpose,
        false,
        |_| async { None },
        progress,
    )
    .await;
    let mut baseline = None;
    let (record, report) = match ran {
        Ok(audited) => {
            let snapshot = Snapshot::from(&audited.report);
            let changes = before
                .baseline
                .as_ref()
                .map(|b| compare(b, &snapshot))
                .unwrap_or_default();
            let first = before.baseline.is_none();
            let state = if changes.is_empty() {
                CheckState::Healthy
            } else {
                CheckState::Changed
            };
            let accepted = first || accept;
            if accepted {
                baseline = Some(snapshot);
            }
            let alerts = if accepted {
                Vec::new()
            } else {
                alerts_of(state, &changes, before.latest())
            };
            let record = CheckRecord {
                at: audited.report.finished_at,
                state,
                changes,
                alerts,
                problem: None,
                requests: audited.report.requests,
                accepted,
            };
            (record, Some(audited.report))
        }
        Err(e) if matches!(e.kind(), ErrorKind::Cancelled) => return Err(e),
        Err(e) if problem_of(e.kind()).is_some() => {
            // audit::run recorded the failure (every audit of a saved profile does).
            let recorded = history(profiles, id)?.checks.into_iter().next();
            let record = recorded
                .ok_or_else(|| Error::Internal("the failed check was not recorded".into()))?;
            return Ok(Checked {
                id,
                name: profile.name,
                record,
                report: None,
            });
        }
        Err(e) => {
            // Not the site's doing: the check did not run.
            let problem = Problem {
                kind: e.kind(),
                message: e.to_string(),
            };
            let record = CheckRecord {
                at,
                state: CheckState::Skipped,
                changes: Vec::new(),
                alerts: Vec::new(),
                problem: Some(problem),
                requests: 0,
                accepted: false,
            };
            (record, None)
        }
    };
    let kept = record.clone();
    audit::blocking(profiles, move |p| append(p, id, baseline, kept)).await??;
    tracing::info!(profile = %id, state = %record.state, changes = record.changes.len(), alerts = record.alerts.len(), "profile checked");
    Ok(Checked {
        id,
        name: profile.name,
        record,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(global: &[&str], spaces: &[(&str, &[&str])]) -> Snapshot {
        Snapshot {
            at: DateTime::UNIX_EPOCH,
            purpose: AuditPurpose::All,
            account_active: true,
            product_access: true,
            global_missing: global.iter().map(|s| (*s).to_owned()).collect(),
            spaces: spaces
                .iter()
                .map(|(k, m)| ((*k).to_owned(), m.iter().map(|s| (*s).to_owned()).collect()))
                .collect(),
        }
    }

    fn codes(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .map(|c| {
                format!(
                    "{}:{}:{}",
                    c.code,
                    c.permission.as_deref().unwrap_or("-"),
                    c.spaces.join(",")
                )
            })
            .collect()
    }

    #[test]
    fn an_unchanged_site_has_no_changes() {
        let s = snap(&[], &[("OPS", &[]), ("TEAM", &[])]);
        assert!(compare(&s, &s).is_empty());
    }

    #[test]
    fn lost_gained_new_and_gone_spaces() {
        let base = snap(
            &["CREATE_PROJECT"],
            &[("OPS", &[]), ("TEAM", &[]), ("OLD", &[])],
        );
        let now = snap(
            &["ADMINISTER"],
            &[
                ("OPS", &["BROWSE_PROJECTS"]),
                ("TEAM", &["BROWSE_PROJECTS"]),
                ("NEW", &["BROWSE_PROJECTS"]),
                ("FINE", &[]),
            ],
        );
        let changes = compare(&base, &now);
        assert_eq!(
            codes(&changes),
            [
                "permission_lost:ADMINISTER:",
                "permission_lost:BROWSE_PROJECTS:OPS,TEAM",
                "spaces_uncovered:-:NEW",
                "spaces_gone:-:OLD",
                "permission_gained:CREATE_PROJECT:",
            ]
        );
        assert_eq!(
            changes[1].message,
            "Browse spaces lost in 2 spaces (OPS, TEAM)."
        );
        assert_eq!(
            changes[2].message,
            "1 new space the account cannot back up (NEW): add the account to it with a role that grants the backup permissions."
        );
    }

    #[test]
    fn many_spaces_are_counted_not_listed() {
        let keys: Vec<String> = (0..14).map(|i| format!("S{i:02}")).collect();
        let base = snap(
            &[],
            &keys
                .iter()
                .map(|k| (k.as_str(), &[][..]))
                .collect::<Vec<_>>(),
        );
        let lacking: &[&str] = &["EDIT_ISSUES"];
        let now = snap(
            &[],
            &keys
                .iter()
                .map(|k| (k.as_str(), lacking))
                .collect::<Vec<_>>(),
        );
        let changes = compare(&base, &now);
        assert_eq!(
            changes[0].message,
            "Edit work items lost in 14 spaces (S00, S01, S02, S03, S04, S05, S06, S07, S08, S09 and 4 more)."
        );
        assert_eq!(changes[0].spaces.len(), 14);
    }

    fn record(state: CheckState, changes: Vec<Change>, alerts: Vec<Change>) -> CheckRecord {
        CheckRecord {
            at: DateTime::UNIX_EPOCH,
            state,
            changes,
            alerts,
            problem: None,
            requests: 0,
            accepted: false,
        }
    }

    #[test]
    fn unreachable_alerts_on_the_second_failure_in_a_row_only() {
        let down = vec![Change::new(ChangeCode::Unreachable, "down")];
        let first = alerts_of(CheckState::Failed, &down, None);
        assert!(first.is_empty(), "one failure is not an incident");
        let prev = record(CheckState::Failed, down.clone(), first);
        let second = alerts_of(CheckState::Failed, &down, Some(&prev));
        assert_eq!(codes(&second), ["unreachable:-:"]);
        let prev = record(CheckState::Failed, down.clone(), second);
        assert!(
            alerts_of(CheckState::Failed, &down, Some(&prev)).is_empty(),
            "alerted once"
        );
        let back = alerts_of(CheckState::Healthy, &[], Some(&prev));
        assert_eq!(codes(&back), ["recovered:-:"]);
    }

    #[test]
    fn a_lasting_change_alerts_once() {
        let lost = vec![Change {
            permission: Some("BROWSE_PROJECTS".into()),
            spaces: vec!["OPS".into()],
            ..Change::new(
                ChangeCode::PermissionLost,
                "Browse spaces lost in 1 space (OPS).",
            )
        }];
        let first = alerts_of(CheckState::Changed, &lost, None);
        assert_eq!(first.len(), 1);
        let prev = record(CheckState::Changed, lost.clone(), first);
        assert!(alerts_of(CheckState::Changed, &lost, Some(&prev)).is_empty());
        let rejected = vec![Change::new(ChangeCode::TokenRejected, "401")];
        assert_eq!(
            codes(&alerts_of(CheckState::Failed, &rejected, Some(&prev))),
            ["token_rejected:-:"]
        );
        // A healthy check after a healthy one says nothing.
        let ok = record(CheckState::Healthy, Vec::new(), Vec::new());
        assert!(alerts_of(CheckState::Healthy, &[], Some(&ok)).is_empty());
    }

    #[test]
    fn the_history_keeps_the_newest_checks() {
        let mut h = History::default();
        for i in 0..(HISTORY_LEN + 5) {
            let mut r = record(CheckState::Healthy, Vec::new(), Vec::new());
            r.requests = i;
            h.push(r);
        }
        assert_eq!(h.checks.len(), HISTORY_LEN);
        assert_eq!(h.latest().unwrap().requests, HISTORY_LEN + 4);
    }
}
