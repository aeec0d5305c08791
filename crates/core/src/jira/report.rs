//! The audit report: the stable `--json` shape, and the summary kept on a profile.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::model::{Application, AuditSummary, TokenKind};
use crate::requirements::{Purpose, Requirement, REQUIREMENTS};

fn classic() -> TokenKind {
    TokenKind::Classic
}

pub use crate::model::AuditPurpose;

impl AuditPurpose {
    /// Whether a purpose is part of this selection.
    pub fn covers_purpose(self, purpose: Purpose) -> bool {
        match self {
            Self::Backup => purpose == Purpose::Backup,
            Self::Restore => purpose == Purpose::Restore,
            Self::All => true,
        }
    }

    /// Whether a requirement matters for this selection.
    pub fn covers(self, r: &Requirement) -> bool {
        match self {
            Self::Backup => r.needed_for(Purpose::Backup),
            Self::Restore => r.needed_for(Purpose::Restore),
            Self::All => true,
        }
    }
}

/// Where the audit is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "phase")]
pub enum Progress {
    /// Checking the credentials.
    Credentials,
    /// Listing projects: `scanned` so far, of about `total` (Jira's hint).
    Projects {
        scanned: usize,
        total: Option<usize>,
    },
    /// Checking permissions: projects `checked` of `total`.
    Permissions {
        checked: usize,
        total: usize,
    },
    Done,
}

/// The account the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Account {
    pub account_id: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub account_type: Option<String>,
    pub active: bool,
    /// An Atlassian service account (`accountType` `app`, email under
    /// `serviceaccount.atlassian.com`): a supported kind for backup services.
    #[serde(default)]
    pub service_account: bool,
    /// The products the account may use (`jira-software`, `jira-servicedesk`, ...), when
    /// Jira said; null when unknown.
    #[serde(default)]
    pub products: Option<Vec<String>>,
}

/// One required global permission and whether the account holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GlobalCheck {
    pub key: String,
    pub name: String,
    pub required_for: Vec<Purpose>,
    pub granted: bool,
    pub why: String,
    pub fix_url: String,
}

/// A permission missing in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Missing {
    pub key: String,
    pub name: String,
    pub required_for: Vec<Purpose>,
}

/// One audited project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectCheck {
    pub id: u64,
    pub key: String,
    pub name: String,
    /// Jira's `projectTypeKey`: `software`, `business`, `service_desk`, `product_discovery`.
    #[serde(rename = "type", default = "software")]
    pub project_type: String,
    pub team_managed: bool,
    pub missing: Vec<Missing>,
    /// Where to fix the gaps (the permission page, or the Access page of a team-managed space).
    pub fix_url: String,
}

/// How much of the site the audit saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Coverage {
    pub projects_total: usize,
    pub projects_ok_backup: usize,
    pub projects_ok_restore: usize,
    /// `false` when the account lacks Administer Jira and so may not see every project.
    pub complete: bool,
}

fn software() -> String {
    "software".to_owned()
}

/// An archived project (Premium and Enterprise): read-only, listed apart, not audited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ArchivedProject {
    pub id: u64,
    pub key: String,
    pub name: String,
}

/// The spaces lacking one required space permission (see
/// [`AuditReport::gaps`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PermissionGap {
    /// The permission's key, as in [`Missing::key`].
    pub key: String,
    pub name: String,
    /// The keys of the spaces lacking it, in the order of [`AuditReport::projects`].
    pub projects: Vec<String>,
}

pub use crate::codes::WarningCode;

/// A caution that does not change the verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Warning {
    pub code: WarningCode,
    pub message: String,
}

/// The full audit report (the stable `--json` shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditReport {
    pub host: String,
    pub application: Application,
    pub purpose: AuditPurpose,
    /// `classic` (worked on the site) or `scoped` (worked through the gateway).
    #[serde(default = "classic")]
    pub token_kind: TokenKind,
    pub account: Account,
    pub ok: bool,
    pub backup_ok: bool,
    pub restore_ok: bool,
    pub global: Vec<GlobalCheck>,
    pub projects: Vec<ProjectCheck>,
    /// Archived projects: not in `projects`, not counted in `coverage`.
    #[serde(default)]
    pub archived_projects: Vec<ArchivedProject>,
    pub coverage: Coverage,
    /// The spaces with gaps grouped by missing permission, in requirement order; empty
    /// in reports recorded before it was added.
    #[serde(default)]
    pub gaps: Vec<PermissionGap>,
    pub service_desks: Option<usize>,
    pub software_access: bool,
    /// The warning that explains the other gaps (`no_product_access`), when there is
    /// one: faces show it first and the per-space gaps as its consequence. Its message
    /// is in `warnings`.
    #[serde(default)]
    pub root_cause: Option<WarningCode>,
    pub warnings: Vec<Warning>,
    pub requests: usize,
    pub duration_ms: u64,
    pub finished_at: DateTime<Utc>,
}

impl AuditReport {
    /// The summary kept on the profile as `last_audit`.
    pub fn summary(&self) -> AuditSummary {
        AuditSummary {
            at: self.finished_at,
            purpose: self.purpose,
            ok: self.ok,
            backup_ok: self.backup_ok,
            restore_ok: self.restore_ok,
            missing_global: self
                .global
                .iter()
                .filter(|g| !g.granted)
                .map(|g| g.key.clone())
                .collect(),
            projects_total: self.projects.len(),
            projects_with_gaps: self
                .projects
                .iter()
                .filter(|p| !p.missing.is_empty())
                .count(),
            coverage_complete: self.coverage.complete,
            warnings: self.warnings.len(),
        }
    }

    /// [`Self::gaps`] with each permission's requirement and its spaces' checks.
    pub fn gaps_by_permission(&self) -> Vec<(&'static Requirement, Vec<&ProjectCheck>)> {
        self.gaps
            .iter()
            .filter_map(|g| {
                let r = REQUIREMENTS.iter().find(|r| r.key == g.key)?;
                let keys: BTreeSet<&str> = g.projects.iter().map(String::as_str).collect();
                let projects = self
                    .projects
                    .iter()
                    .filter(|p| keys.contains(p.key.as_str()))
                    .collect();
                Some((r, projects))
            })
            .collect()
    }

    /// The warning named by [`Self::root_cause`].
    pub fn root_cause_warning(&self) -> Option<&Warning> {
        let code = self.root_cause?;
        self.warnings.iter().find(|w| w.code == code)
    }
}
