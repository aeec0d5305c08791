//! The permission catalogue: every key the fake Jira site knows, with the id, display name,
//! type and description Jira Cloud reports for it in `GET /rest/api/3/permissions`.
//!
//! Ids and names follow Jira Cloud's answers to `GET /rest/api/3/permissions` as the
//! platform REST reference documents them
//! (https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/). Jira reports `"-1"` as the id of permissions contributed by apps
//! (Jira Software's Manage Sprints, JSM's Service Desk Agent, `CREATE_PROJECT`, ...).

use std::collections::{BTreeMap, BTreeSet};

use crate::site::{PROJECT_TYPE_SERVICE_DESK, PROJECT_TYPE_SOFTWARE};

/// Whether a permission is global (site-wide) or granted per project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PermissionType {
    /// Granted to groups in Settings > System > Global permissions.
    Global,
    /// Granted through a project's permission scheme (or a team-managed space's roles).
    Project,
}

impl PermissionType {
    /// The wire spelling (`"GLOBAL"` / `"PROJECT"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionType::Global => "GLOBAL",
            PermissionType::Project => "PROJECT",
        }
    }
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermissionDef {
    /// The REST key, e.g. `BROWSE_PROJECTS`.
    pub key: &'static str,
    /// Jira's permission id (a string on the wire).
    pub id: &'static str,
    /// The display name Jira shows.
    pub name: &'static str,
    /// Global or project.
    pub kind: PermissionType,
    /// Jira's description text.
    pub description: &'static str,
}

const fn g(
    key: &'static str,
    id: &'static str,
    name: &'static str,
    description: &'static str,
) -> PermissionDef {
    PermissionDef {
        key,
        id,
        name,
        kind: PermissionType::Global,
        description,
    }
}

const fn p(
    key: &'static str,
    id: &'static str,
    name: &'static str,
    description: &'static str,
) -> PermissionDef {
    PermissionDef {
        key,
        id,
        name,
        kind: PermissionType::Project,
        description,
    }
}

/// Every permission the default site knows, global ones first.
#[rustfmt::skip]
pub const PERMISSIONS: &[PermissionDef] = &[
    // --- global ---
    g("ADMINISTER", "0", "Administer Jira",
      "Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings."),
    g("SYSTEM_ADMIN", "44", "Jira System Administrators",
      "Ability to perform all administration functions. There must be at least one group with this permission."),
    g("USER_PICKER", "27", "Browse users and groups",
      "View and select users or groups from the user picker, and share issues. Users with this permission can see the names of all users and groups on your site."),
    g("CREATE_SHARED_OBJECTS", "22", "Share dashboards and filters",
      "Share dashboards and filters with other users."),
    g("MANAGE_GROUP_FILTER_SUBSCRIPTIONS", "24", "Manage group filter subscriptions",
      "Create and delete group filter subscriptions."),
    g("BULK_CHANGE", "33", "Make bulk changes",
      "Modify collections of issues at once. For example, resolve multiple issues in one step."),
    // The key kept its name through "next-gen projects" -> "team-managed projects" -> "spaces".
    g("CREATE_PROJECT", "-1", "Create team-managed spaces",
      "Create spaces separate from shared configurations and schemes. Team-managed spaces don't affect existing spaces or shared configurations like workflows, fields or permissions. Only licensed users can create team-managed spaces."),
    // --- project ---
    p("ADMINISTER_PROJECTS", "23", "Administer Projects",
      "Ability to administer a project in Jira."),
    p("BROWSE_PROJECTS", "10", "Browse Projects",
      "Ability to browse projects and the issues within them."),
    p("MANAGE_SPRINTS_PERMISSION", "-1", "Manage sprints",
      "Ability to manage sprints."),
    p("SERVICEDESK_AGENT", "-1", "Service Desk Agent",
      "Allows users to interact with customers and access Jira Service Management features of a project."),
    p("VIEW_DEV_TOOLS", "29", "View Development Tools",
      "Allows users in a software project to view development-related information on the issue, such as commits, reviews and build information."),
    p("VIEW_READONLY_WORKFLOW", "45", "View Read-Only Workflow",
      "Users with this permission may view a read-only version of a workflow."),
    p("EDIT_WORKFLOW", "-1", "Edit Workflows",
      "Ability to edit a workflow."),
    p("EDIT_ISSUE_LAYOUT", "-1", "Edit Issue Layout",
      "Ability to edit the layout of an issue."),
    p("VIEW_AGGREGATED_DATA", "-1", "View aggregated data",
      "Users with this permission may view aggregated data in the project."),
    p("CREATE_ISSUES", "11", "Create Issues",
      "Ability to create issues."),
    p("EDIT_ISSUES", "12", "Edit Issues",
      "Ability to edit issues."),
    p("TRANSITION_ISSUES", "46", "Transition Issues",
      "Ability to transition issues."),
    p("SCHEDULE_ISSUES", "28", "Schedule Issues",
      "Ability to set or edit an issue's due date."),
    p("MOVE_ISSUES", "25", "Move Issues",
      "Ability to move issues between projects or between workflows of the same project (if applicable). Note the user can only move issues to a project they have the create permission for."),
    p("ASSIGN_ISSUES", "13", "Assign Issues",
      "Ability to assign issues to other people."),
    p("ASSIGNABLE_USER", "17", "Assignable User",
      "Users with this permission may be assigned to issues."),
    p("RESOLVE_ISSUES", "14", "Resolve Issues",
      "Ability to resolve and reopen issues. This includes the ability to set a fix version."),
    p("CLOSE_ISSUES", "18", "Close Issues",
      "Ability to close issues. Often useful where your developers resolve issues, and a QA department closes them."),
    p("MODIFY_REPORTER", "30", "Modify Reporter",
      "Ability to modify the reporter when creating or editing an issue."),
    p("DELETE_ISSUES", "16", "Delete Issues",
      "Ability to delete issues."),
    p("LINK_ISSUES", "21", "Link Issues",
      "Ability to link issues together and create linked issues. Only useful if issue linking is turned on."),
    p("SET_ISSUE_SECURITY", "26", "Set Issue Security",
      "Ability to set the level of security on an issue so that only people in that security level can see the issue."),
    p("VIEW_VOTERS_AND_WATCHERS", "31", "View Voters and Watchers",
      "Ability to view the voters and watchers of an issue."),
    p("MANAGE_WATCHERS", "32", "Manage Watchers",
      "Ability to manage the watchers of an issue."),
    p("ADD_COMMENTS", "15", "Add Comments",
      "Ability to comment on issues."),
    p("EDIT_ALL_COMMENTS", "34", "Edit All Comments",
      "Ability to edit all comments made on issues."),
    p("EDIT_OWN_COMMENTS", "35", "Edit Own Comments",
      "Ability to edit own comments made on issues."),
    p("DELETE_ALL_COMMENTS", "36", "Delete All Comments",
      "Ability to delete all comments made on issues."),
    p("DELETE_OWN_COMMENTS", "37", "Delete Own Comments",
      "Ability to delete own comments made on issues."),
    p("CREATE_ATTACHMENTS", "19", "Create Attachments",
      "Users with this permission may create attachments."),
    p("DELETE_ALL_ATTACHMENTS", "38", "Delete All Attachments",
      "Users with this permission may delete all attachments."),
    p("DELETE_OWN_ATTACHMENTS", "39", "Delete Own Attachments",
      "Users with this permission may delete own attachments."),
    p("WORK_ON_ISSUES", "20", "Work On Issues",
      "Ability to log work done against an issue. Only useful if Time Tracking is turned on."),
    p("EDIT_OWN_WORKLOGS", "40", "Edit Own Worklogs",
      "Ability to edit own worklogs made on issues."),
    p("EDIT_ALL_WORKLOGS", "41", "Edit All Worklogs",
      "Ability to edit all worklogs made on issues."),
    p("DELETE_OWN_WORKLOGS", "42", "Delete Own Worklogs",
      "Ability to delete own worklogs made on issues."),
    p("DELETE_ALL_WORKLOGS", "43", "Delete All Worklogs",
      "Ability to delete all worklogs made on issues."),
];

/// Global keys ConnKeeper needs for restore (the vendor's guide).
pub const GLOBAL_RESTORE: &[&str] = &[
    "ADMINISTER",
    "USER_PICKER",
    "CREATE_SHARED_OBJECTS",
    "CREATE_PROJECT",
];
/// Project keys ConnKeeper needs for restore (the vendor's guide).
pub const PROJECT_RESTORE: &[&str] = &[
    "ADMINISTER_PROJECTS",
    "BROWSE_PROJECTS",
    "MANAGE_SPRINTS_PERMISSION",
    "ASSIGN_ISSUES",
    "CREATE_ISSUES",
    "EDIT_ISSUES",
    "LINK_ISSUES",
    "MODIFY_REPORTER",
    "RESOLVE_ISSUES",
    "SCHEDULE_ISSUES",
    "TRANSITION_ISSUES",
    "MANAGE_WATCHERS",
    "ADD_COMMENTS",
    "CREATE_ATTACHMENTS",
    "WORK_ON_ISSUES",
];

/// Whether a project permission exists in projects of `project_type`. The spec's list
/// of built-in permissions (`GET /rest/api/3/permissionscheme`) marks Manage Sprints
/// "(Jira Software only)" and Service Desk Agent "(Jira Service Desk only)".
pub fn exists_in(project_type: &str, key: &str) -> bool {
    match key {
        "MANAGE_SPRINTS_PERMISSION" => project_type == PROJECT_TYPE_SOFTWARE,
        "SERVICEDESK_AGENT" => project_type == PROJECT_TYPE_SERVICE_DESK,
        _ => true,
    }
}

/// The OAuth 2.0 scopes of the operations the fake serves, from the official specs
/// (`x-atlassian-oauth2-scopes`: a classic scope, then the granular set), and for the JSM
/// endpoint from Atlassian's REST reference (the JSM spec is not committed here).
/// A scoped token may call an operation when it holds the classic scope (an empty classic
/// list: any token) or every granular scope.
#[derive(Debug, Clone, Copy)]
pub struct OperationScopes {
    /// The path, without the `/ex/jira/{cloudId}` prefix and the API version.
    pub path: &'static str,
    pub classic: &'static [&'static str],
    pub granular: &'static [&'static str],
    /// No classic scope works: only the whole granular set (the Agile API).
    pub granular_only: bool,
}

/// Scopes per operation (`{v}` stands for the platform API's `2` or `3`).
pub const OPERATION_SCOPES: &[OperationScopes] = &[
    OperationScopes {
        path: "/rest/api/{v}/myself",
        classic: &["read:jira-user"],
        granular: &[
            "read:application-role:jira",
            "read:group:jira",
            "read:user:jira",
            "read:avatar:jira",
        ],
        granular_only: false,
    },
    OperationScopes {
        path: "/rest/api/{v}/permissions",
        classic: &["manage:jira-configuration"],
        granular: &["read:permission:jira"],
        granular_only: false,
    },
    // The spec's deprecation notice: classic scope `read:jira-work` since June 15, 2024.
    OperationScopes {
        path: "/rest/api/{v}/permissions/check",
        classic: &["read:jira-work"],
        granular: &["read:permission:jira"],
        granular_only: false,
    },
    OperationScopes {
        path: "/rest/api/{v}/mypermissions",
        classic: &["read:jira-work"],
        granular: &["read:permission:jira"],
        granular_only: false,
    },
    OperationScopes {
        path: "/rest/api/{v}/project/search",
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
    },
    OperationScopes {
        path: "/rest/agile/1.0/board",
        classic: &[],
        granular: &["read:board-scope:jira-software", "read:project:jira"],
        granular_only: true,
    },
    OperationScopes {
        path: "/rest/servicedeskapi/servicedesk",
        classic: &["read:servicedesk-request"],
        granular: &["read:servicedesk:jira-service-management"],
        granular_only: false,
    },
];

/// The scopes of the audited operations as the official specs list them (recorded in
/// `spec/openapi-subset.json` by `spec/extract.py`): `"GET /rest/api/3/myself"` ->
/// (classic, granular, granular only).
pub fn spec_operation_scopes() -> BTreeMap<String, (Vec<String>, Vec<String>, bool)> {
    let subset: serde_json::Value =
        serde_json::from_str(include_str!("../spec/openapi-subset.json"))
            .expect("the committed spec subset is JSON");
    let list = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    subset["x-operation-scopes"]
        .as_object()
        .map(|ops| {
            ops.iter()
                .map(|(k, v)| {
                    let only = v["granularOnly"].as_bool().unwrap_or(false);
                    (k.clone(), (list(&v["classic"]), list(&v["granular"]), only))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a scoped token holding `held` may call `path`; unknown paths need nothing.
pub fn scopes_allow(path: &str, held: &BTreeSet<String>) -> bool {
    let normal = path.replacen("/rest/api/2/", "/rest/api/{v}/", 1).replacen(
        "/rest/api/3/",
        "/rest/api/{v}/",
        1,
    );
    let Some(op) = OPERATION_SCOPES.iter().find(|o| o.path == normal) else {
        return true;
    };
    let classic = !op.granular_only
        && (op.classic.is_empty() || op.classic.iter().any(|s| held.contains(*s)));
    let granular = !op.granular.is_empty() && op.granular.iter().all(|s| held.contains(*s));
    classic || granular
}

/// Looks a key up in the full catalogue (ignoring what a given site knows).
pub fn lookup(key: &str) -> Option<&'static PermissionDef> {
    PERMISSIONS.iter().find(|d| d.key == key)
}

/// All global keys of the catalogue.
pub fn global_keys() -> impl Iterator<Item = &'static str> {
    PERMISSIONS
        .iter()
        .filter(|d| d.kind == PermissionType::Global)
        .map(|d| d.key)
}

/// All project keys of the catalogue.
pub fn project_keys() -> impl Iterator<Item = &'static str> {
    PERMISSIONS
        .iter()
        .filter(|d| d.kind == PermissionType::Project)
        .map(|d| d.key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_scopes_are_the_specs() {
        let spec = spec_operation_scopes();
        assert!(spec.len() >= 6, "{spec:?}");
        for (call, (classic, granular, only)) in &spec {
            let path = call.split_once(' ').unwrap().1;
            let normal = path.replacen("/rest/api/3/", "/rest/api/{v}/", 1);
            let ours = OPERATION_SCOPES
                .iter()
                .find(|o| o.path == normal)
                .unwrap_or_else(|| panic!("no scopes for {call}"));
            assert_eq!(ours.classic, classic.as_slice(), "{call}");
            assert_eq!(ours.granular, granular.as_slice(), "{call}");
            assert_eq!(ours.granular_only, *only, "{call}");
        }
    }

    #[test]
    fn keys_are_unique_and_required_keys_are_known() {
        let mut keys: Vec<_> = PERMISSIONS.iter().map(|d| d.key).collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "duplicate key in the catalogue");
        for k in GLOBAL_RESTORE {
            assert_eq!(
                lookup(k).map(|d| d.kind),
                Some(PermissionType::Global),
                "{k}"
            );
        }
        for k in PROJECT_RESTORE {
            assert_eq!(
                lookup(k).map(|d| d.kind),
                Some(PermissionType::Project),
                "{k}"
            );
        }
    }
}
