//! The endpoint handlers. Each one receives the request's [`Auth`] (resolved by the
//! pipeline in `server.rs`) and answers the shapes of the Jira Cloud OpenAPI spec.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::SystemTime;

use axum::body::Bytes;
use axum::extract::{Extension, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::catalog::{PermissionDef, PermissionType};
use crate::site::{Account, Project, PROJECT_TYPE_SOFTWARE};
use crate::state::{uuid_for, Auth, Shared};
use crate::util::{error_collection, int_param, jira_timestamp, json_response, param, query_pairs};

type St = State<Arc<Shared>>;

/// A Jira Cloud build the fake pretends to be (the spec snapshot it was checked against).
const SCM_INFO: &str = "57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71";
/// `project/search` default and maximum page sizes.
const PROJECT_PAGE_DEFAULT: i64 = 50;
const PROJECT_PAGE_MAX: i64 = 100;
/// `permissions/check`: "A maximum of 1000 projects and 1000 issues can be checked."
const BULK_CHECK_MAX: usize = 1000;

/// `GET /rest/api/3/myself[?expand=applicationRoles,groups]`: never anonymous.
pub(crate) async fn myself(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let expand: BTreeSet<&str> = param(&pairs, "expand")
        .map(|e| e.split(',').map(str::trim).collect())
        .unwrap_or_default();
    match sh.account(auth) {
        Some(a) => json_response(StatusCode::OK, &user_json(&sh, a, &expand)),
        None => sh.unauthorized(),
    }
}

/// The products the account may use on this site (its roles, less an unlicensed Jira
/// Software), as Jira's `ApplicationRole` objects.
fn application_roles(sh: &Shared, a: &Account) -> Vec<Value> {
    a.products
        .iter()
        .filter(|p| sh.site.software_access || p.as_str() != "jira-software")
        .map(|key| {
            let name = match key.as_str() {
                "jira-software" => "Jira",
                "jira-servicedesk" => "Jira Service Management",
                "jira-product-discovery" => "Jira Product Discovery",
                _ => "Jira Work Management",
            };
            json!({"key": key, "name": name, "defined": true, "hasUnlimitedSeats": false, "platform": false})
        })
        .collect()
}

fn user_json(sh: &Shared, a: &Account, expand: &BTreeSet<&str>) -> Value {
    let initials: String = a
        .display_name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let avatar = format!(
        "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/initials/{initials}-5.png"
    );
    let mut user = json!({
        "self": format!("{}/rest/api/3/user?accountId={}", sh.base_url, a.account_id),
        "accountId": a.account_id,
        "accountType": a.account_type,
        // Hidden by the profile's privacy setting: Jira sends null.
        "emailAddress": if a.email_visible { Value::from(a.email.as_str()) } else { Value::Null },
        "avatarUrls": { "48x48": avatar, "24x24": avatar, "16x16": avatar, "32x32": avatar },
        "displayName": a.display_name,
        "active": a.active,
        "timeZone": "Etc/UTC",
        "locale": "en_US",
        "groups": if expand.contains("groups") {
            json!({ "size": 1, "items": [{"name": "jira-admins", "groupId": "8d0a4cd6-0000-4000-8000-000000000001", "self": format!("{}/rest/api/3/group?groupId=8d0a4cd6-0000-4000-8000-000000000001", sh.base_url)}] })
        } else {
            json!({ "size": 1, "items": [] })
        },
        "applicationRoles": {
            "size": application_roles(sh, a).len(),
            "items": if expand.contains("applicationRoles") { application_roles(sh, a) } else { Vec::new() },
        },
        "expand": "groups,applicationRoles",
    });
    if let Some(t) = &a.app_type {
        user["appType"] = json!(t);
    }
    user
}

/// `GET /rest/api/3/serverInfo`: anonymous-capable.
pub(crate) async fn server_info(State(sh): St) -> Response {
    let base = &sh.base_url;
    json_response(
        StatusCode::OK,
        &json!({
            "baseUrl": base,
            "displayUrl": base,
            "displayUrlServicedeskHelpCenter": format!("{base}/servicedesk/customer"),
            "displayUrlConfluence": format!("{base}/wiki"),
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100_295,
            "buildDate": "2025-12-18T00:00:00.000+0000",
            "serverTime": jira_timestamp(SystemTime::now()),
            "scmInfo": SCM_INFO,
            "serverTitle": "Jira",
            "serverTimeZone": "Etc/UTC",
        }),
    )
}

fn permission_json(def: &PermissionDef) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("key".into(), def.key.into());
    m.insert("name".into(), def.name.into());
    m.insert("type".into(), def.kind.as_str().into());
    m.insert("description".into(), def.description.into());
    m
}

/// `GET /rest/api/3/permissions`: every permission the site knows (no `id`, no
/// `havePermission`), anonymous-capable.
pub(crate) async fn all_permissions(State(sh): St) -> Response {
    let permissions: Map<String, Value> = crate::catalog::PERMISSIONS
        .iter()
        .filter(|d| sh.known(d.key).is_some())
        .map(|d| (d.key.to_owned(), Value::Object(permission_json(d))))
        .collect();
    json_response(StatusCode::OK, &json!({ "permissions": permissions }))
}

/// `GET /rest/api/3/mypermissions?permissions=A,B&projectKey=K`: anonymous-capable.
pub(crate) async fn my_permissions(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    // Required since 2019 (change notice "get my permissions requires permissions query parameter").
    let keys: Vec<&str> = param(&pairs, "permissions")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    if keys.is_empty() {
        return error_collection(
            StatusCode::BAD_REQUEST,
            &["The 'permissions' query parameter is required and must list at least one permission key."],
            &[],
        );
    }
    let mut defs = Vec::new();
    let mut unknown = Vec::new();
    for k in &keys {
        match sh.known(k) {
            Some(d) => defs.push(d),
            None => unknown.push((*k, "Unrecognized permission")),
        }
    }
    if !unknown.is_empty() {
        return error_collection(StatusCode::BAD_REQUEST, &[], &unknown);
    }
    if param(&pairs, "issueKey").is_some() || param(&pairs, "issueId").is_some() {
        // The fake has no issues.
        return error_collection(
            StatusCode::NOT_FOUND,
            &["Issue does not exist or you do not have permission to see it."],
            &[],
        );
    }

    let account = sh.account(auth);
    let visible: Vec<&Project> = match account {
        Some(a) => sh.projects.iter().filter(|p| sh.can_see(a, p)).collect(),
        None => Vec::new(),
    };
    // projectId wins over projectKey.
    let context = if let Some(id) = param(&pairs, "projectId") {
        match visible.iter().find(|p| p.id.to_string() == id) {
            Some(p) => Some(*p),
            None => return no_project("id", id),
        }
    } else if let Some(key) = param(&pairs, "projectKey") {
        match visible.iter().find(|p| p.key.eq_ignore_ascii_case(key)) {
            Some(p) => Some(*p),
            None => return no_project("key", key),
        }
    } else {
        None
    };

    let mut permissions = Map::new();
    for def in defs {
        let have = match (account, def.kind, context) {
            (None, _, _) => false,
            (Some(a), PermissionType::Global, _) => a.global.contains(def.key),
            (Some(a), PermissionType::Project, Some(p)) => sh.holds(a, p, def.key),
            // Global context: "if the user has the project permission in any project".
            (Some(a), PermissionType::Project, None) => {
                visible.iter().any(|p| sh.holds(a, p, def.key))
            }
        };
        let mut m = permission_json(def);
        m.insert("id".into(), def.id.into());
        m.insert("havePermission".into(), have.into());
        permissions.insert(def.key.to_owned(), Value::Object(m));
    }
    json_response(StatusCode::OK, &json!({ "permissions": permissions }))
}

fn no_project(what: &str, value: &str) -> Response {
    error_collection(
        StatusCode::NOT_FOUND,
        &[&format!("No project could be found with {what} '{value}'.")],
        &[],
    )
}

/// `GET /rest/api/3/project/search`: a `PageBeanProject`, ordered by key. Visible
/// projects only; anonymous callers (and silently downgraded bad credentials) see none.
pub(crate) async fn project_search(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let pairs = query_pairs(query.as_deref());
    let start_at = match int_param(&pairs, "startAt") {
        Ok(v) => v.unwrap_or(0).max(0) as usize,
        Err(msg) => return bad_request(&msg),
    };
    // Jira silently caps the page size: maxResults=1000 returns 100.
    let max_results = match int_param(&pairs, "maxResults") {
        Ok(v) => v.unwrap_or(PROJECT_PAGE_DEFAULT).clamp(0, PROJECT_PAGE_MAX) as usize,
        Err(msg) => return bad_request(&msg),
    };
    let action = param(&pairs, "action").unwrap_or("view");
    let text = param(&pairs, "query").map(str::to_lowercase);
    let wanted_keys: BTreeSet<String> = pairs
        .iter()
        .filter(|(k, _)| k == "keys")
        .flat_map(|(_, v)| v.split(','))
        .map(|k| k.trim().to_ascii_uppercase())
        .filter(|k| !k.is_empty())
        .collect();
    let type_keys: BTreeSet<&str> = param(&pairs, "typeKey")
        .map(|v| v.split(',').map(str::trim).collect())
        .unwrap_or_default();
    // `status`: live (the default), archived, deleted; several may be asked at once.
    let statuses: BTreeSet<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "status")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .collect();
    let wants = |p: &Project| {
        let status = if p.archived { "archived" } else { "live" };
        if statuses.is_empty() {
            status == "live"
        } else {
            statuses.contains(status)
        }
    };

    let mut projects: Vec<&Project> = match sh.account(auth) {
        None => Vec::new(),
        Some(a) => sh
            .projects
            .iter()
            .filter(|p| sh.can_see(a, p))
            .filter(|p| {
                action != "edit"
                    || a.global.contains("ADMINISTER")
                    || sh.holds(a, p, "ADMINISTER_PROJECTS")
            })
            .collect(),
    };
    projects.retain(|p| {
        wants(p)
            && text.as_ref().is_none_or(|t| {
                p.key.to_lowercase().contains(t) || p.name.to_lowercase().contains(t)
            })
            && (wanted_keys.is_empty() || wanted_keys.contains(&p.key))
            && (type_keys.is_empty() || type_keys.contains(sh.project_type(p)))
    });
    match param(&pairs, "orderBy").unwrap_or("key") {
        "name" | "+name" => projects.sort_by(|a, b| a.name.cmp(&b.name)),
        "-name" => projects.sort_by(|a, b| b.name.cmp(&a.name)),
        "-key" => projects.reverse(),
        _ => {}
    }

    let total = projects.len();
    let values: Vec<Value> = projects
        .iter()
        .skip(start_at)
        .take(max_results)
        .map(|p| project_json(&sh, p))
        .collect();
    let is_last = start_at.saturating_add(values.len()) >= total;
    let page_url = |start: usize| {
        format!(
            "{}{}?maxResults={max_results}&startAt={start}",
            sh.base_url,
            uri.path()
        )
    };
    let mut page = json!({
        "self": page_url(start_at),
        "maxResults": max_results,
        "startAt": start_at,
        "total": total,
        "isLast": is_last,
        "values": values,
    });
    if !is_last {
        page["nextPage"] = Value::from(page_url(start_at + max_results));
    }
    json_response(StatusCode::OK, &page)
}

fn project_json(sh: &Shared, p: &Project) -> Value {
    let base = &sh.base_url;
    let avatar = |size: &str| {
        let query = if size.is_empty() {
            String::new()
        } else {
            format!("?size={size}")
        };
        format!("{base}/rest/api/3/universal_avatar/view/type/project/avatar/10400{query}")
    };
    let mut v = json!({
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": format!("{base}/rest/api/3/project/{}", p.id),
        // A string here, an integer in permissions/check.
        "id": p.id.to_string(),
        "key": p.key,
        "name": p.name,
        "avatarUrls": {
            "48x48": avatar(""),
            "24x24": avatar("small"),
            "16x16": avatar("xsmall"),
            "32x32": avatar("medium"),
        },
        "projectTypeKey": sh.project_type(p),
        "simplified": p.team_managed,
        "style": if p.team_managed { "next-gen" } else { "classic" },
        "isPrivate": false,
        "properties": {},
    });
    if p.archived {
        v["archived"] = Value::from(true);
    }
    if p.team_managed {
        // Jira also sends `entityId` for team-managed projects, but the spec's Project
        // schema (additionalProperties: false) only knows `uuid`.
        v["uuid"] = Value::from(uuid_for(p.id));
    }
    v
}

fn bad_request(message: &str) -> Response {
    error_collection(StatusCode::BAD_REQUEST, &[message], &[])
}

const INVALID_PAYLOAD: &str =
    "Invalid request payload. Refer to the REST API documentation and try again.";

/// A parsed `BulkPermissionsRequestBean`.
struct BulkRequest {
    account_id: Option<String>,
    globals: Vec<String>,
    asks: Vec<ProjectAsk>,
}

/// One parsed `BulkProjectPermissions` entry.
struct ProjectAsk {
    permissions: Vec<String>,
    projects: Vec<u64>,
    issues: Vec<u64>,
}

/// Parses the request body; `Err` is the message of a 400 answer.
///
/// Following the spec: nulls in the lists are ignored, empty strings in
/// `projectPermissions.permissions` are ignored, unknown fields are refused (the bean has
/// `additionalProperties: false`).
fn parse_bulk_request(body: &[u8]) -> Result<BulkRequest, String> {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(body) else {
        return Err(INVALID_PAYLOAD.to_owned());
    };
    refuse_unknown_fields(
        &obj,
        &["globalPermissions", "projectPermissions", "accountId"],
    )?;
    let account_id = match obj.get("accountId") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) => Some(id.clone()),
        Some(_) => return Err(INVALID_PAYLOAD.to_owned()),
    };
    let globals = string_list(obj.get("globalPermissions"), false)?;
    let mut asks = Vec::new();
    match obj.get("projectPermissions") {
        None | Some(Value::Null) => {}
        Some(Value::Array(entries)) => {
            for entry in entries {
                match entry {
                    Value::Null => {}
                    Value::Object(e) => {
                        refuse_unknown_fields(e, &["permissions", "projects", "issues"])?;
                        asks.push(ProjectAsk {
                            permissions: string_list(e.get("permissions"), true)?,
                            projects: id_list(e.get("projects"))?,
                            issues: id_list(e.get("issues"))?,
                        });
                    }
                    _ => return Err(INVALID_PAYLOAD.to_owned()),
                }
            }
        }
        Some(_) => return Err(INVALID_PAYLOAD.to_owned()),
    }
    Ok(BulkRequest {
        account_id,
        globals,
        asks,
    })
}

fn refuse_unknown_fields(obj: &Map<String, Value>, known: &[&str]) -> Result<(), String> {
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(field) => Err(format!("Unrecognized field \"{field}\".")),
        None => Ok(()),
    }
}

/// A list of strings where nulls (and, when `skip_empty`, empty strings) are ignored.
fn string_list(v: Option<&Value>, skip_empty: bool) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in list_items(v)? {
        match item {
            Value::Null => {}
            Value::String(s) if skip_empty && s.is_empty() => {}
            Value::String(s) => out.push(s.clone()),
            _ => return Err(INVALID_PAYLOAD.to_owned()),
        }
    }
    Ok(out)
}

/// A list of int64 ids; nulls are ignored and (like Jackson) numeric strings are accepted.
fn id_list(v: Option<&Value>) -> Result<Vec<u64>, String> {
    let mut out = Vec::new();
    for item in list_items(v)? {
        let id = match item {
            Value::Null => continue,
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        out.push(id.ok_or_else(|| INVALID_PAYLOAD.to_owned())?);
    }
    Ok(out)
}

/// The items of an optional JSON array (absent or null: none).
fn list_items(v: Option<&Value>) -> Result<&[Value], String> {
    match v {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(INVALID_PAYLOAD.to_owned()),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// `POST /rest/api/3/permissions/check` ("Get bulk permissions"): anonymous-capable.
pub(crate) async fn check_permissions(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !is_json(&headers) {
        let mut resp = Response::new(axum::body::Body::empty());
        *resp.status_mut() = StatusCode::UNSUPPORTED_MEDIA_TYPE;
        return resp;
    }
    let req = match parse_bulk_request(&body) {
        Ok(req) => req,
        Err(message) => return bad_request(&message),
    };

    // One unknown key fails the whole batch.
    let mut unknown: Vec<(&str, &str)> = Vec::new();
    let wrong_kind = |k: &str, kind| sh.known(k).is_none_or(|d| d.kind != kind);
    for k in &req.globals {
        if wrong_kind(k, PermissionType::Global) {
            unknown.push((k, "Unrecognized permission"));
        }
    }
    for k in req.asks.iter().flat_map(|a| &a.permissions) {
        if wrong_kind(k, PermissionType::Project) {
            unknown.push((k, "Unrecognized permission"));
        }
    }
    if !unknown.is_empty() {
        return error_collection(StatusCode::BAD_REQUEST, &[], &unknown);
    }
    if req.asks.iter().any(|a| a.permissions.is_empty()) {
        return bad_request("Project permissions must contain at least one permission.");
    }
    let n_projects: usize = req.asks.iter().map(|a| a.projects.len()).sum();
    let n_issues: usize = req.asks.iter().map(|a| a.issues.len()).sum();
    if n_projects > BULK_CHECK_MAX || n_issues > BULK_CHECK_MAX {
        return bad_request(&format!(
            "You can check permissions for up to {BULK_CHECK_MAX} projects and \
             {BULK_CHECK_MAX} issues at a time."
        ));
    }

    // Checking someone else needs Administer Jira.
    let caller = sh.account(auth);
    let target = match req.account_id.as_deref() {
        None => caller,
        Some(id) if caller.is_some_and(|c| c.account_id == id) => caller,
        Some(_) if !caller.is_some_and(|c| c.global.contains("ADMINISTER")) => {
            return error_collection(
                StatusCode::FORBIDDEN,
                &["Only Jira administrators can perform this operation."],
                &[],
            );
        }
        Some(id) => match sh.site.accounts.iter().find(|a| a.account_id == id) {
            Some(a) => Some(a),
            None => {
                return error_collection(
                    StatusCode::BAD_REQUEST,
                    &[],
                    &[("accountId", "The account ID is invalid.")],
                );
            }
        },
    };

    let mut granted_globals: Vec<&str> = Vec::new();
    // One entry per permission, in the order first asked.
    let mut grants: Vec<(&str, BTreeSet<u64>)> = Vec::new();
    if let Some(a) = target {
        for k in &req.globals {
            if a.global.contains(k) && !granted_globals.contains(&k.as_str()) {
                granted_globals.push(k);
            }
        }
        for ask in &req.asks {
            for k in &ask.permissions {
                let idx = grants.iter().position(|(g, _)| g == k).unwrap_or_else(|| {
                    grants.push((k, BTreeSet::new()));
                    grants.len() - 1
                });
                // Invalid ids and projects the user cannot see are silently left out.
                let held = ask
                    .projects
                    .iter()
                    .filter_map(|id| sh.project(*id))
                    .filter(|p| sh.can_see(a, p) && sh.holds(a, p, k.as_str()));
                grants[idx].1.extend(held.map(|p| p.id));
            }
        }
    }
    let project_permissions: Vec<Value> = grants
        .into_iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(k, ids)| json!({ "permission": k, "projects": ids, "issues": [] }))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({ "globalPermissions": granted_globals, "projectPermissions": project_permissions }),
    )
}

/// `GET /rest/servicedeskapi/servicedesk?start=&limit=`: the desks on projects the
/// caller can browse. Needs a logged-in user.
pub(crate) async fn service_desks(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(a) = sh.account(auth) else {
        return sh.unauthorized();
    };
    let pairs = query_pairs(query.as_deref());
    let start = match int_param(&pairs, "start") {
        Ok(v) => v.unwrap_or(0).max(0) as usize,
        Err(msg) => return bad_request(&msg),
    };
    let limit = match int_param(&pairs, "limit") {
        Ok(v) => v.unwrap_or(50).clamp(0, 100) as usize,
        Err(msg) => return bad_request(&msg),
    };
    let mut desks: Vec<(u64, &Project)> = sh
        .projects
        .iter()
        .filter(|p| !p.archived && sh.can_see(a, p))
        .filter_map(|p| sh.desks.get(&p.id).map(|d| (*d, p)))
        .collect();
    desks.sort_by_key(|(d, _)| *d);
    let base = format!("{}/rest/servicedeskapi", sh.base_url);
    let values: Vec<Value> = desks
        .iter()
        .skip(start)
        .take(limit)
        .map(|(d, p)| {
            json!({
                "id": d.to_string(),
                "projectId": p.id.to_string(),
                "projectName": p.name,
                "projectKey": p.key,
                "_links": { "self": format!("{base}/servicedesk/{d}") },
            })
        })
        .collect();
    let is_last = start + values.len() >= desks.len();
    let mut links = json!({
        "base": base,
        "context": "",
        "self": format!("{base}/servicedesk?start={start}&limit={limit}"),
    });
    if !is_last {
        links["next"] = Value::from(format!(
            "{base}/servicedesk?start={}&limit={limit}",
            start + limit
        ));
    }
    if start > 0 {
        links["prev"] = Value::from(format!(
            "{base}/servicedesk?start={}&limit={limit}",
            start.saturating_sub(limit)
        ));
    }
    json_response(
        StatusCode::OK,
        &json!({
            "_expands": [],
            "size": values.len(),
            "start": start,
            "limit": limit,
            "isLastPage": is_last,
            "_links": links,
            "values": values,
        }),
    )
}

/// `GET /rest/agile/1.0/board`: one board per visible software project; 403 without a
/// Jira Software licence (how clients detect the product).
pub(crate) async fn boards(
    State(sh): St,
    Extension(auth): Extension<Auth>,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(a) = sh.account(auth) else {
        return sh.unauthorized();
    };
    if !sh.site.software_access || !a.products.contains("jira-software") {
        return error_collection(
            StatusCode::FORBIDDEN,
            &["The user does not have valid license"],
            &[],
        );
    }
    let pairs = query_pairs(query.as_deref());
    let start_at = match int_param(&pairs, "startAt") {
        Ok(v) => v.unwrap_or(0).max(0) as usize,
        Err(msg) => return bad_request(&msg),
    };
    let max_results = match int_param(&pairs, "maxResults") {
        Ok(v) => v.unwrap_or(50).clamp(0, 50) as usize,
        Err(msg) => return bad_request(&msg),
    };
    // Board ids are stable per site: software projects in id order, from 1.
    let mut software: Vec<&Project> = sh
        .projects
        .iter()
        .filter(|p| sh.project_type(p) == PROJECT_TYPE_SOFTWARE && !p.archived)
        .collect();
    software.sort_by_key(|p| p.id);
    let visible: Vec<(usize, &Project)> = software
        .into_iter()
        .zip(1..)
        .filter(|(p, _)| sh.can_see(a, p))
        .map(|(p, id)| (id, p))
        .collect();
    let values: Vec<Value> = visible
        .iter()
        .skip(start_at)
        .take(max_results)
        .map(|(id, p)| {
            json!({
                "id": id,
                "self": format!("{}/rest/agile/1.0/board/{id}", sh.base_url),
                "name": format!("{} board", p.key),
                "type": if p.team_managed { "simple" } else { "scrum" },
                "location": {
                    "projectId": p.id,
                    "displayName": format!("{} ({})", p.name, p.key),
                    "projectName": p.name,
                    "projectKey": p.key,
                    "projectTypeKey": "software",
                    "avatarURI": format!("{}/rest/api/2/universal_avatar/view/type/project/avatar/10400?size=small", sh.base_url),
                    "name": format!("{} ({})", p.name, p.key),
                },
            })
        })
        .collect();
    let total = visible.len();
    json_response(
        StatusCode::OK,
        &json!({
            "maxResults": max_results,
            "startAt": start_at,
            "total": total,
            "isLast": start_at + values.len() >= total,
            "values": values,
        }),
    )
}

/// `GET /_edge/tenant_info`: the site's cloud id, no authentication needed.
pub(crate) async fn tenant_info(State(sh): St) -> Response {
    json_response(StatusCode::OK, &json!({ "cloudId": sh.cloud_id }))
}

/// Any other path: 404 with an ErrorCollection, like Jira's REST layer.
pub(crate) async fn not_found(State(sh): St, uri: Uri) -> Response {
    error_collection(
        StatusCode::NOT_FOUND,
        &[&format!("null for uri: {}{}", sh.base_url, uri)],
        &[],
    )
}
