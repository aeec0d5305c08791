//! Jira Cloud's wire shapes (the fields the audit reads), per the official OpenAPI spec.
//! Every string and list a server sends is bounded while it is parsed (`bounded.rs`):
//! texts are cut, identifiers and lists past their limits make the answer invalid.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::bounded;

/// `PermissionInfo.type` of a global permission.
pub const PERMISSION_TYPE_GLOBAL: &str = "GLOBAL";
/// `Myself.account_type` of a regular Atlassian account.
pub const ACCOUNT_TYPE_ATLASSIAN: &str = "atlassian";
/// `Myself.account_type` of a service account, a Rovo agent or another app user.
pub const ACCOUNT_TYPE_APP: &str = "app";
/// `Myself.app_type` of a service account.
pub const APP_TYPE_SERVICE: &str = "service";
/// `Myself.app_type` of a Rovo agent.
pub const APP_TYPE_AGENT: &str = "agent";

/// `GET /rest/api/3/myself` (schema `User`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Myself {
    #[serde(deserialize_with = "bounded::id")]
    pub account_id: String,
    #[serde(default, deserialize_with = "bounded::opt_id")]
    pub account_type: Option<String>,
    /// For `accountType` `app`: `service` (a service account), `agent` (a Rovo agent) or
    /// `unknown` (the spec's `User` schema); absent on sites that do not send it.
    #[serde(default, deserialize_with = "bounded::opt_id")]
    pub app_type: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_email")]
    pub email_address: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_text")]
    pub display_name: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    /// With `expand=applicationRoles`: the products the account may use. Absent when
    /// Jira did not say (then product access is unknown, not missing).
    #[serde(default)]
    pub application_roles: Option<ItemList<ApplicationRole>>,
}

impl Myself {
    /// The product keys (`jira-software`, `jira-servicedesk`, ...) when Jira listed them.
    pub fn products(&self) -> Option<Vec<String>> {
        let roles = self.application_roles.as_ref()?;
        // `size` without `items` means the list was not expanded: unknown.
        if roles.items.is_empty() && roles.size.unwrap_or(0) > 0 {
            return None;
        }
        Some(roles.items.iter().map(|r| r.key.clone()).collect())
    }
}

/// Jira's `{size, items}` lists.
#[derive(Debug, Clone, Deserialize)]
pub struct ItemList<T> {
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(
        default = "Vec::new",
        deserialize_with = "bounded::list",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub items: Vec<T>,
}

/// An application role (a product) in `/myself`.
#[derive(Debug, Clone, Deserialize)]
pub struct ApplicationRole {
    #[serde(deserialize_with = "bounded::id")]
    pub key: String,
}

fn yes() -> bool {
    true
}

/// `GET /rest/api/3/permissions` (schema `Permissions`).
#[derive(Debug, Clone, Deserialize)]
pub struct AllPermissions {
    #[serde(deserialize_with = "bounded::map")]
    pub permissions: BTreeMap<String, PermissionInfo>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PermissionInfo {
    #[serde(default, deserialize_with = "bounded::opt_id")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_text")]
    pub name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "bounded::opt_id")]
    pub kind: Option<String>,
}

/// `GET /rest/api/3/project/search` (schema `PageBeanProject`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectPage {
    #[serde(default)]
    pub start_at: u64,
    #[serde(default)]
    pub max_results: u64,
    #[serde(default)]
    pub total: Option<u64>,
    #[serde(default)]
    pub is_last: Option<bool>,
    #[serde(default, deserialize_with = "bounded::list")]
    pub values: Vec<ProjectDto>,
}

/// A project in a search page (schema `Project`; `id` is a string there).
#[derive(Debug, Clone, Deserialize)]
pub struct ProjectDto {
    #[serde(deserialize_with = "bounded::id")]
    pub id: String,
    #[serde(deserialize_with = "bounded::id")]
    pub key: String,
    #[serde(default, deserialize_with = "bounded::text")]
    pub name: String,
    #[serde(default, deserialize_with = "bounded::opt_id")]
    pub style: Option<String>,
    #[serde(default)]
    pub simplified: Option<bool>,
    /// `software`, `business`, `service_desk`, `product_discovery`.
    #[serde(
        default,
        rename = "projectTypeKey",
        deserialize_with = "bounded::opt_id"
    )]
    pub project_type_key: Option<String>,
}

impl ProjectDto {
    /// The bytes of text this project keeps (for the audit's budget of kept text).
    pub fn kept_bytes(&self) -> usize {
        self.id.len()
            + self.key.len()
            + self.name.len()
            + self.style.as_ref().map_or(0, String::len)
            + self.project_type_key.as_ref().map_or(0, String::len)
    }
}

impl ProjectDto {
    /// The project's type; `software` when Jira did not say.
    pub fn project_type(&self) -> &str {
        self.project_type_key.as_deref().unwrap_or("software")
    }

    /// Team-managed ("next-gen") projects ignore permission schemes.
    pub fn team_managed(&self) -> bool {
        self.simplified == Some(true) || self.style.as_deref() == Some("next-gen")
    }
}

/// `POST /rest/api/3/permissions/check` request (schema `BulkPermissionsRequestBean`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkCheckRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub global_permissions: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub project_permissions: Vec<BulkProjectPermissions>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BulkProjectPermissions {
    pub permissions: Vec<String>,
    pub projects: Vec<u64>,
}

/// `POST /rest/api/3/permissions/check` answer (schema `BulkPermissionGrants`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkCheckResponse {
    #[serde(default, deserialize_with = "bounded::list")]
    pub global_permissions: Vec<BoundedId>,
    #[serde(default, deserialize_with = "bounded::list")]
    pub project_permissions: Vec<BulkProjectGrant>,
}

/// An identifier of at most [`bounded::ID_MAX`] bytes in a list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct BoundedId(#[serde(deserialize_with = "bounded::id")] pub String);

#[derive(Debug, Clone, Deserialize)]
pub struct BulkProjectGrant {
    #[serde(deserialize_with = "bounded::id")]
    pub permission: String,
    #[serde(default, deserialize_with = "bounded::list")]
    pub projects: Vec<u64>,
}

/// `GET /rest/servicedeskapi/servicedesk` page.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDeskPage {
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub is_last_page: bool,
    #[serde(default, deserialize_with = "bounded::list")]
    pub values: Vec<ServiceDeskDto>,
}

/// A service desk in a page: only its id is read.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceDeskDto {
    #[serde(default, deserialize_with = "bounded::opt_id_or_number")]
    pub id: Option<String>,
}

/// Jira's `ErrorCollection`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorCollection {
    #[serde(default)]
    pub error_messages: Vec<String>,
    #[serde(default)]
    pub errors: BTreeMap<String, String>,
    /// Some gateways answer `{"message": ...}` instead.
    #[serde(default)]
    pub message: Option<String>,
}

impl ErrorCollection {
    /// All messages joined, or `None` when empty.
    pub fn text(&self) -> Option<String> {
        let mut parts: Vec<String> = self.error_messages.clone();
        parts.extend(self.errors.iter().map(|(k, v)| format!("{k}: {v}")));
        parts.extend(self.message.clone());
        (!parts.is_empty()).then(|| parts.join("; "))
    }
}
