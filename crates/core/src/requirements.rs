//! The one table of the permissions a backup/restore account needs in Jira Cloud.
//! The audit, the desktop UI's help, and the exports all read it from here.

use serde::{Deserialize, Serialize};

/// Where a permission is granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Settings > System > Global permissions, granted to groups.
    Global,
    /// Each project's permission scheme (or a team-managed project's Access settings).
    Project,
}

/// What the account is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Backup,
    Restore,
}

impl Purpose {
    pub const ALL: [Purpose; 2] = [Purpose::Backup, Purpose::Restore];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Backup => "backup",
            Purpose::Restore => "restore",
        }
    }
}

/// One required permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
}

impl Requirement {
    pub fn needed_for(&self, purpose: Purpose) -> bool {
        self.required_for.contains(&purpose)
    }
}

const B: &[Purpose] = &[Purpose::Backup, Purpose::Restore];
const R: &[Purpose] = &[Purpose::Restore];
const FIX_GLOBAL: &str = "Settings > System > Global permissions: grant it to a group the account belongs to (global permissions can only be granted to groups).";
const FIX_PROJECT: &str = "Space settings > Permissions > Edit permissions > Grant permissions, in each space's permission scheme (team-managed spaces: Space settings > Access).";

/// Every required permission, global first, in the order of the mission brief.
pub const REQUIREMENTS: &[Requirement] = &[
    Requirement { key: "ADMINISTER", name: "Administer Jira", scope: Scope::Global, required_for: B, why: "Scan all projects; back up and restore projects, field configuration schemes, work type schemes, work type screen schemes, priority schemes, notification schemes, permission schemes and workflow schemes.", fix: FIX_GLOBAL },
    Requirement { key: "USER_PICKER", name: "Browse users and groups", scope: Scope::Global, required_for: B, why: "Backup: scan all projects and back up project avatars. Restore: check whether users and groups exist.", fix: FIX_GLOBAL },
    Requirement { key: "CREATE_SHARED_OBJECTS", name: "Share dashboards and filters", scope: Scope::Global, required_for: R, why: "Restore boards.", fix: FIX_GLOBAL },
    Requirement { key: "CREATE_PROJECT", name: "Create team-managed spaces", scope: Scope::Global, required_for: R, why: "Restore projects.", fix: FIX_GLOBAL },
    Requirement { key: "ADMINISTER_PROJECTS", name: "Administer Projects", scope: Scope::Project, required_for: B, why: "Backup: projects, notification schemes, permission schemes, components. Restore: projects, work type schemes, project avatars, notification schemes, components, project roles.", fix: FIX_PROJECT },
    Requirement { key: "BROWSE_PROJECTS", name: "Browse Projects", scope: Scope::Project, required_for: B, why: "Backup: projects, boards, sprints, issues, attachments. Restore: boards and emails.", fix: FIX_PROJECT },
    Requirement { key: "MANAGE_SPRINTS_PERMISSION", name: "Manage Sprints", scope: Scope::Project, required_for: B, why: "Back up and restore sprints.", fix: FIX_PROJECT },
    Requirement { key: "ASSIGN_ISSUES", name: "Assign Issues", scope: Scope::Project, required_for: R, why: "Restore issue assignees.", fix: FIX_PROJECT },
    Requirement { key: "CREATE_ISSUES", name: "Create Issues", scope: Scope::Project, required_for: R, why: "Restore issues.", fix: FIX_PROJECT },
    Requirement { key: "EDIT_ISSUES", name: "Edit Issues", scope: Scope::Project, required_for: R, why: "Restore issues.", fix: FIX_PROJECT },
    Requirement { key: "LINK_ISSUES", name: "Link Issues", scope: Scope::Project, required_for: R, why: "Restore issue links.", fix: FIX_PROJECT },
    Requirement { key: "MODIFY_REPORTER", name: "Modify Reporter", scope: Scope::Project, required_for: R, why: "Restore issue reporters.", fix: FIX_PROJECT },
    Requirement { key: "RESOLVE_ISSUES", name: "Resolve Issues", scope: Scope::Project, required_for: R, why: "Restore issue fix versions.", fix: FIX_PROJECT },
    Requirement { key: "SCHEDULE_ISSUES", name: "Schedule Issues", scope: Scope::Project, required_for: R, why: "Restore issue due dates.", fix: FIX_PROJECT },
    Requirement { key: "TRANSITION_ISSUES", name: "Transition Issues", scope: Scope::Project, required_for: R, why: "Restore issue statuses.", fix: FIX_PROJECT },
    Requirement { key: "MANAGE_WATCHERS", name: "Manage Watchers", scope: Scope::Project, required_for: R, why: "Restore issue watchers.", fix: FIX_PROJECT },
    Requirement { key: "ADD_COMMENTS", name: "Add Comments", scope: Scope::Project, required_for: R, why: "Restore issue comments.", fix: FIX_PROJECT },
    Requirement { key: "CREATE_ATTACHMENTS", name: "Create Attachments", scope: Scope::Project, required_for: R, why: "Restore attachments.", fix: FIX_PROJECT },
    Requirement { key: "WORK_ON_ISSUES", name: "Work on Issues", scope: Scope::Project, required_for: R, why: "Restore issue work logs.", fix: FIX_PROJECT },
];

/// The required permissions of one scope.
pub fn of_scope(scope: Scope) -> impl Iterator<Item = &'static Requirement> {
    REQUIREMENTS.iter().filter(move |r| r.scope == scope)
}

/// The requirement with this key.
pub fn by_key(key: &str) -> Option<&'static Requirement> {
    REQUIREMENTS.iter().find(|r| r.key == key)
}

/// The page where global permissions are granted.
pub fn global_fix_url(host: &str) -> String {
    format!("{host}/secure/admin/GlobalPermissions!default.jspa")
}

/// The page of a company-managed project's permissions.
pub fn project_fix_url(host: &str, project_key: &str) -> String {
    format!("{host}/plugins/servlet/project-config/{project_key}/permissions")
}

/// A team-managed project's settings (its Access page is reached from there).
pub fn team_managed_fix_url(host: &str, project_key: &str) -> String {
    format!("{host}/jira/software/projects/{project_key}/settings/access")
}

/// What to tell the admin for a team-managed project.
pub const TEAM_MANAGED_HINT: &str = "Team-managed space: permission schemes do not apply. Open Space settings > Access and add the account with a role that grants these permissions (e.g. Administrator).";

/// Atlassian's page for creating and revoking API tokens.
pub const TOKEN_PAGE: &str = "https://id.atlassian.com/manage-profile/security/api-tokens";

#[cfg(test)]
mod tests {
    use super::*;

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
                "MANAGE_SPRINTS_PERMISSION"
            ]
        );
        assert_eq!(keys(Scope::Project, Purpose::Restore).len(), 15);
        assert!(REQUIREMENTS
            .iter()
            .all(|r| !r.why.is_empty() && !r.fix.is_empty()));
    }
}
