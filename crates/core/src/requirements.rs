//! The one table of the permissions a backup/restore account needs in Jira Cloud, the
//! advice beyond it, and the API token scopes the audit's calls need. The audit, the
//! desktop UI's help, and the exports all read them from here.
//!
//! Where each rule comes from:
//! - the permission table and its purposes: the backup vendor's guide, AvePoint's
//!   "Connect an Application for Jira" (Cloud Backup for Jira: the permissions the
//!   backup and restore account needs); keys from the platform spec's built-in
//!   permissions (`GET /rest/api/3/permissions`,
//!   https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/);
//! - Manage Sprints only in software projects, Service Desk Agent only in service
//!   projects: the platform spec's list of built-in permissions
//!   (`GET /rest/api/3/permissionscheme`: "(Jira Software only)", "(Jira Service Desk only)");
//! - agents: Atlassian, "Permissions overview" for Jira Service Management (agents work
//!   on requests; portal customers only raise them); the service desk list needs "Any"
//!   permission, so a customer sees desks too (Atlassian's JSM REST reference, "Get
//!   service desks", https://developer.atlassian.com/cloud/jira/service-desk/rest/api-group-servicedesk/);
//! - Jira Admin Settings backs up site configuration, which global permissions govern
//!   (Administer Jira: "field configuration schemes, ... permission schemes"; the vendor's
//!   guide);
//! - Set Issue Security: the spec's built-in list; without it a restored issue loses its
//!   security level (advice, not a vendor requirement);
//! - scopes: each operation's `x-atlassian-oauth2-scopes` in the platform and software
//!   specs (committed in `crates/fake-jira/spec/`; see `extract.py` for their URLs); the JSM service desk list from Atlassian's JSM REST reference
//!   ("Get service desks": classic `read:servicedesk-request`, granular
//!   `read:servicedesk:jira-service-management`).

use serde::{Deserialize, Serialize};

use crate::codes::{code_enum, WarningCode};
use crate::model::Application;

/// Where a permission is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Settings > System > Global permissions, granted to groups.
    Global,
    /// Each project's permission scheme (or a team-managed project's Access settings).
    Project,
}

code_enum! {
    /// What the account is used for.
    pub enum Purpose {
        Backup = "backup",
        Restore = "restore",
    }
}

/// One required permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Requirement {
    /// The Jira REST key, e.g. `ADMINISTER_PROJECTS`.
    pub key: &'static str,
    /// The name Jira's UI shows.
    pub name: &'static str,
    pub scope: Scope,
    /// The purposes needing it.
    pub required_for: &'static [Purpose],
    /// Why backup or restore needs it.
    pub why: &'static str,
    /// Where an admin grants it.
    pub fix: &'static str,
    /// The project types (`projectTypeKey`) it exists in; empty: every type.
    pub project_types: &'static [&'static str],
    /// The applications whose profiles need it; empty: every application.
    pub applications: &'static [Application],
}

impl Requirement {
    pub fn needed_for(&self, purpose: Purpose) -> bool {
        self.required_for.contains(&purpose)
    }

    /// Whether a profile for `application` needs it at all (in some project type).
    pub fn applies_to(&self, application: Application) -> bool {
        self.applications.is_empty() || self.applications.contains(&application)
    }

    /// Whether it is required in a project of `project_type` for `application`.
    pub fn required_in(&self, application: Application, project_type: &str) -> bool {
        self.applies_to(application)
            && (self.project_types.is_empty() || self.project_types.contains(&project_type))
    }
}

const B: &[Purpose] = &[Purpose::Backup, Purpose::Restore];
const R: &[Purpose] = &[Purpose::Restore];
const FIX_GLOBAL: &str = "Settings > System > Global permissions: grant it to a group the account belongs to (global permissions can only be granted to groups).";
const FIX_PROJECT: &str = "Space settings > Permissions > Edit permissions > Grant permissions, in each space's permission scheme (team-managed spaces: Space settings > Access).";
const FIX_AGENT: &str = "Give the account Jira Service Management product access (Atlassian Administration), then add it to each service space's Service Desk Team role (Space settings > People).";
const ALL: &[&str] = &[];
const ANY_APP: &[Application] = &[];

/// Every required permission, global first, in the order of the vendor's guide.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement { key: "ADMINISTER", name: "Administer Jira", scope: Scope::Global, required_for: B, why: "Scan all spaces; back up and restore spaces, field configuration schemes, work type schemes, work type screen schemes, priority schemes, notification schemes, permission schemes and workflow schemes.", fix: FIX_GLOBAL, project_types: ALL, applications: ANY_APP },
    Requirement { key: "USER_PICKER", name: "Browse users and groups", scope: Scope::Global, required_for: B, why: "Backup: scan all spaces and back up space avatars. Restore: check whether users and groups exist.", fix: FIX_GLOBAL, project_types: ALL, applications: ANY_APP },
    Requirement { key: "CREATE_SHARED_OBJECTS", name: "Share dashboards and filters", scope: Scope::Global, required_for: R, why: "Restore boards.", fix: FIX_GLOBAL, project_types: ALL, applications: ANY_APP },
    Requirement { key: "CREATE_PROJECT", name: "Create team-managed spaces", scope: Scope::Global, required_for: R, why: "Restore spaces.", fix: FIX_GLOBAL, project_types: ALL, applications: ANY_APP },
    Requirement { key: "ADMINISTER_PROJECTS", name: "Administer spaces", scope: Scope::Project, required_for: B, why: "Backup: spaces, notification schemes, permission schemes, components. Restore: spaces, work type schemes, space avatars, notification schemes, components, space roles.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "BROWSE_PROJECTS", name: "Browse spaces", scope: Scope::Project, required_for: B, why: "Backup: spaces, boards, sprints, work items, attachments. Restore: boards and emails.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "MANAGE_SPRINTS_PERMISSION", name: "Manage sprints", scope: Scope::Project, required_for: B, why: "Back up and restore sprints.", fix: FIX_PROJECT, project_types: &["software"], applications: ANY_APP },
    Requirement { key: "SERVICEDESK_AGENT", name: "Service Desk Agent", scope: Scope::Project, required_for: B, why: "Jira Service Management: only agents read and restore requests, queues and SLAs of a service space; a portal customer is not an agent.", fix: FIX_AGENT, project_types: &["service_desk"], applications: &[Application::Jsm] },
    Requirement { key: "ASSIGN_ISSUES", name: "Assign work items", scope: Scope::Project, required_for: R, why: "Restore work item assignees.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "CREATE_ISSUES", name: "Create work items", scope: Scope::Project, required_for: R, why: "Restore work items.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "EDIT_ISSUES", name: "Edit work items", scope: Scope::Project, required_for: R, why: "Restore work items.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "LINK_ISSUES", name: "Link work items", scope: Scope::Project, required_for: R, why: "Restore work item links.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "MODIFY_REPORTER", name: "Modify reporter", scope: Scope::Project, required_for: R, why: "Restore work item reporters.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "RESOLVE_ISSUES", name: "Resolve work items", scope: Scope::Project, required_for: R, why: "Restore work item fix versions.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "SCHEDULE_ISSUES", name: "Schedule work items", scope: Scope::Project, required_for: R, why: "Restore work item due dates.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "TRANSITION_ISSUES", name: "Transition work items", scope: Scope::Project, required_for: R, why: "Restore work item statuses.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "MANAGE_WATCHERS", name: "Manage watchers", scope: Scope::Project, required_for: R, why: "Restore work item watchers.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "ADD_COMMENTS", name: "Add comments", scope: Scope::Project, required_for: R, why: "Restore work item comments.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "CREATE_ATTACHMENTS", name: "Create attachments", scope: Scope::Project, required_for: R, why: "Restore attachments.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
    Requirement { key: "WORK_ON_ISSUES", name: "Work on work items", scope: Scope::Project, required_for: R, why: "Restore work logs.", fix: FIX_PROJECT, project_types: ALL, applications: ANY_APP },
];

/// The required permissions of one scope.
pub fn of_scope(scope: Scope) -> impl Iterator<Item = &'static Requirement> {
    REQUIREMENTS.iter().filter(move |r| r.scope == scope)
}

/// A project permission worth having beyond the vendor's list: missing, it is a warning
/// with advice, never a failed verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Advice {
    pub key: &'static str,
    pub name: &'static str,
    /// The purpose it helps.
    pub purpose: Purpose,
    /// The warning code used when it is missing.
    pub code: WarningCode,
    pub why: &'static str,
}

/// Advice checked by the audit (restore: issue security levels).
pub const ADVICE: &[Advice] = &[Advice {
    key: "SET_ISSUE_SECURITY",
    name: "Set work item security",
    purpose: Purpose::Restore,
    code: WarningCode::IssueSecurity,
    why: "restored work items would lose their security level",
}];

/// The API token scopes one call of the audit needs, for a token with scopes: its
/// classic scope, or every scope of its granular set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallScopes {
    /// The call, as the UI and messages name it (`GET /rest/api/3/myself`).
    pub call: &'static str,
    /// The path the audit requests (without the gateway prefix).
    pub path: &'static str,
    /// Any one of these classic scopes; empty (and not `granular_only`): no scope needed.
    pub classic: &'static [&'static str],
    pub granular: &'static [&'static str],
    /// No classic scope works: only the whole granular set (the Agile API).
    pub granular_only: bool,
    /// The applications whose audits make this call; empty: every one.
    pub applications: &'static [Application],
}

/// Every call of the audit with its scopes: from each operation's
/// `x-atlassian-oauth2-scopes` in the specs (checked against them by a test), the JSM call
/// from Atlassian's JSM REST reference. The Agile API takes granular scopes only.
pub const AUDIT_SCOPES: &[CallScopes] = &[
    CallScopes {
        call: "GET /rest/api/3/myself",
        path: "/rest/api/3/myself",
        classic: &["read:jira-user"],
        granular: &[
            "read:application-role:jira",
            "read:group:jira",
            "read:user:jira",
            "read:avatar:jira",
        ],
        granular_only: false,
        applications: ANY_APP,
    },
    CallScopes {
        call: "GET /rest/api/3/permissions",
        path: "/rest/api/3/permissions",
        classic: &["manage:jira-configuration"],
        granular: &["read:permission:jira"],
        granular_only: false,
        applications: ANY_APP,
    },
    CallScopes {
        call: "GET /rest/api/3/project/search",
        path: "/rest/api/3/project/search",
        classic: &["read:jira-work"],
        granular: &[
            "read:issue-type:jira",
            "read:project:jira",
            "read:project.property:jira",
            "read:user:jira",
            "read:application-role:jira",
            "read:avatar:jira",
            "read:group:jira",
            "read:issue-type-hierarchy:jira",
            "read:project-category:jira",
            "read:project-version:jira",
            "read:project.component:jira",
        ],
        granular_only: false,
        applications: ANY_APP,
    },
    // The classic scope from the spec's deprecation notice ("The required OAuth 2.0
    // scopes will be updated on June 15, 2024. Classic: read:jira-work"), which its
    // x-atlassian-oauth2-scopes do not show yet.
    CallScopes {
        call: "POST /rest/api/3/permissions/check",
        path: "/rest/api/3/permissions/check",
        classic: &["read:jira-work"],
        granular: &["read:permission:jira"],
        granular_only: false,
        applications: ANY_APP,
    },
    CallScopes {
        call: "GET /rest/agile/1.0/board",
        path: "/rest/agile/1.0/board",
        classic: &[],
        granular: &["read:board-scope:jira-software", "read:project:jira"],
        granular_only: true,
        applications: ANY_APP,
    },
    CallScopes {
        call: "GET /rest/servicedeskapi/servicedesk",
        path: "/rest/servicedeskapi/servicedesk",
        classic: &["read:servicedesk-request"],
        granular: &["read:servicedesk:jira-service-management"],
        granular_only: false,
        applications: &[Application::Jsm],
    },
];

/// The scopes of the call to `path`, if the audit makes it.
pub fn scopes_of(path: &str) -> Option<&'static CallScopes> {
    AUDIT_SCOPES.iter().find(|c| c.path == path)
}

/// The classic scopes a token needs for a whole audit of `application` (the short list
/// to give when creating a token with scopes).
pub fn classic_scopes_for(application: Application) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for c in AUDIT_SCOPES
        .iter()
        .filter(|c| c.applications.is_empty() || c.applications.contains(&application))
    {
        for s in c.classic {
            if !out.contains(s) {
                out.push(s);
            }
        }
    }
    out
}

/// Where API tokens (with or without scopes) are created; a token's scopes cannot be
/// changed afterwards.
pub const SCOPES_HINT: &str = "Create a new API token with scopes at https://id.atlassian.com/manage-profile/security/api-tokens (\"Create API token with scopes\", app Jira) that includes them; the scopes of an existing token cannot be changed.";

/// Atlassian Administration, where product access is granted.
pub const ADMIN_HUB: &str = "https://admin.atlassian.com";

/// The page where global permissions are granted.
pub fn global_fix_url(host: &str) -> String {
    format!("{host}/secure/admin/GlobalPermissions!default.jspa")
}

/// The page of a company-managed project's permissions.
pub fn project_fix_url(host: &str, project_key: &str) -> String {
    format!("{host}/plugins/servlet/project-config/{project_key}/permissions")
}

/// A team-managed project's Access page, under the product of its type: Jira
/// (`software`), Jira Work Management (`business`: `/jira/core`), Jira Service Management
/// (`service_desk`: `/jira/servicedesk`), Jira Product Discovery (`/jira/polaris`).
pub fn team_managed_fix_url(host: &str, project_key: &str, project_type: &str) -> String {
    let product = match project_type {
        "business" => "core",
        "service_desk" => "servicedesk",
        "product_discovery" => "polaris",
        _ => "software",
    };
    format!("{host}/jira/{product}/projects/{project_key}/settings/access")
}

/// What to tell the admin for a team-managed project.
pub const TEAM_MANAGED_HINT: &str = "Team-managed space: permission schemes do not apply. Open Space settings > Access and add the account with a role that grants these permissions (e.g. Administrator).";

/// Atlassian's page for creating and revoking API tokens.
pub const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

/// The words Jira's UI no longer shows (since 2025 projects are "spaces", issues "work
/// items", issue types "work types"), if `text` uses one. For tests of texts users read;
/// permission keys in them (`CREATE_PROJECT`) are identifiers and do not count.
#[cfg(test)]
pub(crate) fn old_jira_word(text: &str) -> Option<&'static str> {
    let is_key = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let words: Vec<String> = text
        .split_whitespace()
        .filter(|w| !is_key(w))
        .map(str::to_lowercase)
        .collect();
    ["project", "issue", "プロジェクト", "課題"]
        .into_iter()
        .find(|old| words.iter().any(|w| w.contains(old)))
}

/// What the help panel explains: the permission table, the advice beyond it and the
/// scopes a token with scopes needs.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequirementsView {
    pub permissions: &'static [Requirement],
    pub advice: &'static [Advice],
    pub scopes: &'static [CallScopes],
}

impl RequirementsView {
    /// The one table of [`crate::requirements`].
    pub const CURRENT: RequirementsView = RequirementsView {
        permissions: REQUIREMENTS,
        advice: ADVICE,
        scopes: AUDIT_SCOPES,
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_use_jiras_current_words() {
        let mut texts: Vec<(&str, &str)> = Vec::new();
        for r in REQUIREMENTS {
            texts.extend([(r.key, r.name), (r.key, r.why), (r.key, r.fix)]);
        }
        for a in ADVICE {
            texts.extend([(a.key, a.name), (a.key, a.why)]);
        }
        texts.extend([
            ("TEAM_MANAGED_HINT", TEAM_MANAGED_HINT),
            ("SCOPES_HINT", SCOPES_HINT),
        ]);
        for (key, text) in texts {
            assert_eq!(old_jira_word(text), None, "{key}: {text}");
        }
        let name = |key| REQUIREMENTS.iter().find(|r| r.key == key).unwrap().name;
        assert_eq!(name("BROWSE_PROJECTS"), "Browse spaces");
        assert_eq!(name("CREATE_ISSUES"), "Create work items");
        assert_eq!(name("WORK_ON_ISSUES"), "Work on work items");
        assert_eq!(ADVICE[0].name, "Set work item security");
        assert_eq!(old_jira_word("3 Projects"), Some("project"));
        assert_eq!(old_jira_word("Issue links"), Some("issue"));
        assert_eq!(old_jira_word("課題の復元"), Some("課題"));
        assert_eq!(
            old_jira_word("the permission CREATE_PROJECT (Create team-managed spaces)"),
            None
        );
    }

    #[test]
    fn table_matches_the_brief() {
        let keys = |scope, purpose| -> Vec<&str> {
            of_scope(scope)
                .filter(|r| r.needed_for(purpose))
                .map(|r| r.key)
                .collect()
        };
        assert_eq!(
            keys(Scope::Global, Purpose::Backup),
            ["ADMINISTER", "USER_PICKER"]
        );
        assert_eq!(
            keys(Scope::Global, Purpose::Restore),
            [
                "ADMINISTER",
                "USER_PICKER",
                "CREATE_SHARED_OBJECTS",
                "CREATE_PROJECT"
            ]
        );
        assert_eq!(
            keys(Scope::Project, Purpose::Backup),
            [
                "ADMINISTER_PROJECTS",
                "BROWSE_PROJECTS",
                "MANAGE_SPRINTS_PERMISSION",
                "SERVICEDESK_AGENT"
            ]
        );
        assert_eq!(keys(Scope::Project, Purpose::Restore).len(), 16);
        let agent = REQUIREMENTS
            .iter()
            .find(|r| r.key == "SERVICEDESK_AGENT")
            .unwrap();
        assert!(agent.required_in(Application::Jsm, "service_desk"));
        assert!(!agent.required_in(Application::Jsm, "software"));
        assert!(!agent.required_in(Application::Jira, "service_desk"));
        let sprints = REQUIREMENTS
            .iter()
            .find(|r| r.key == "MANAGE_SPRINTS_PERMISSION")
            .unwrap();
        assert!(sprints.required_in(Application::Jira, "software"));
        for t in ["business", "service_desk", "product_discovery"] {
            assert!(!sprints.required_in(Application::Jira, t), "{t}");
        }
        assert_eq!(
            classic_scopes_for(Application::Jira),
            [
                "read:jira-user",
                "manage:jira-configuration",
                "read:jira-work"
            ]
        );
        assert!(classic_scopes_for(Application::Jsm).contains(&"read:servicedesk-request"));
        assert!(REQUIREMENTS
            .iter()
            .all(|r| !r.why.is_empty() && !r.fix.is_empty()));
    }
}
