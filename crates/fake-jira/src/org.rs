//! Atlassian Administration, as far as ConnKeeper uses it: an organisation that manages
//! the accounts of its verified domains and lists their API tokens. Served beside the
//! site under the paths of `https://api.atlassian.com` (the gateway), with Bearer
//! authentication by the organisation's API key. Sources (docs/atlassian-admin-api.md):
//!
//! - `GET /admin/api-access/v1/orgs/{orgId}/api-tokens` (API Access API, "Get all API
//!   tokens in an org", scope `read:tokens:admin`): `{"data": [{"id", "label", "status",
//!   "createdAt", "expiresAt", "lastActiveAt", "user": {"id", "orgId", "name",
//!   "email"}}], "links": {"self", "next", "prev"}}`, paged by a cursor in `links.next`.
//! - `GET /admin/v1/orgs/{orgId}/domains` (Organizations REST API): the verified domains,
//!   `{"data": [{"id", "type": "domains", "attributes": {"name", "claim": {...}}}],
//!   "links": {}}`.
//! - `DELETE /users/{accountId}/manage/api-tokens/{tokenId}` (User management API,
//!   "Delete API token"): `204`; the token stops working at once.
//!
//! A wrong or missing key answers `401 {"code": 401, "message": "Unauthorized"}`, another
//! organisation's id `404`. Revoked tokens stay listed with a status other than `ALLOWED`
//! (modelled as `REVOKED`) and fail authentication on the site.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::state::{lock, Shared};
use crate::util::{json_response, param, query_pairs};

/// An organisation in Atlassian Administration.
#[derive(Clone, Debug)]
pub struct Org {
    pub id: String,
    /// The organisation API key (a Bearer key).
    pub api_key: String,
    /// Verified domains: accounts with these emails are managed.
    pub domains: Vec<String>,
    /// Domains listed with another claim status (`UNVERIFIED`, `SUPERSEDED`, `DELETED`,
    /// `MISSING_TOKEN`): listed, but their accounts are not managed (Organizations REST
    /// API, "Get domains in an organization").
    pub other_domains: Vec<(String, String)>,
    pub tokens: Vec<OrgToken>,
    /// Tokens per page of the list.
    pub page_size: usize,
}

/// One user API token as the organisation lists it. `secret` is the token itself, so
/// the site can refuse it once revoked; it is never listed.
#[derive(Clone, Debug)]
pub struct OrgToken {
    pub id: String,
    pub email: String,
    pub secret: String,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
    pub last_active_at: Option<String>,
    /// `ALLOWED`, or `REVOKED` for a token revoked before the fake started.
    pub status: String,
}

impl Org {
    /// An organisation `id` with API key `api_key`, managing `domains`.
    pub fn new(id: &str, api_key: &str, domains: &[&str]) -> Self {
        Org {
            id: id.to_owned(),
            api_key: api_key.to_owned(),
            domains: domains.iter().map(|d| (*d).to_owned()).collect(),
            other_domains: Vec::new(),
            tokens: Vec::new(),
            page_size: 50,
        }
    }

    /// Lists `domain` with the claim `status` (e.g. `UNVERIFIED`): not a managed domain.
    pub fn domain_claim(mut self, domain: &str, status: &str) -> Self {
        self.other_domains
            .push((domain.to_owned(), status.to_owned()));
        self
    }

    /// Adds a token of `email` (the account must also accept `secret` on the site).
    #[allow(clippy::too_many_arguments)]
    pub fn token(
        mut self,
        id: &str,
        email: &str,
        secret: &str,
        label: &str,
        expires_at: &str,
        last_active_at: Option<&str>,
    ) -> Self {
        self.tokens.push(OrgToken {
            id: id.to_owned(),
            email: email.to_owned(),
            secret: secret.to_owned(),
            label: label.to_owned(),
            created_at: "2026-01-05T09:00:00.000Z".to_owned(),
            expires_at: expires_at.to_owned(),
            last_active_at: last_active_at.map(str::to_owned),
            status: "ALLOWED".to_owned(),
        });
        self
    }

    /// Marks the last added token revoked.
    pub fn revoked(mut self) -> Self {
        if let Some(t) = self.tokens.last_mut() {
            t.status = "REVOKED".to_owned();
        }
        self
    }

    /// Lists `n` tokens per page.
    pub fn page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }
}

fn unauthorized() -> Response {
    json_response(
        StatusCode::UNAUTHORIZED,
        &json!({"code": 401, "message": "Unauthorized"}),
    )
}

fn not_found(what: &str) -> Response {
    json_response(
        StatusCode::NOT_FOUND,
        &json!({"code": 404, "message": format!("{what} not found")}),
    )
}

/// The organisation `org_id` when the request carries its key (else the answer to send).
#[allow(clippy::result_large_err)]
fn authorised<'a>(
    sh: &'a Shared,
    headers: &HeaderMap,
    org_id: Option<&str>,
) -> Result<&'a Org, Response> {
    let Some(org) = sh.site.org.as_ref() else {
        return Err(not_found("Organization"));
    };
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    if bearer != Some(org.api_key.as_str()) {
        return Err(unauthorized());
    }
    if org_id.is_some_and(|id| id != org.id) {
        return Err(not_found("Organization"));
    }
    Ok(org)
}

/// Whether a token is revoked: listed so, or revoked while the fake runs.
pub(crate) fn is_revoked(sh: &Shared, secret: &str) -> bool {
    let Some(org) = sh.site.org.as_ref() else {
        return false;
    };
    let revoked = lock(&sh.revoked);
    org.tokens
        .iter()
        .any(|t| t.secret == secret && (t.status != "ALLOWED" || revoked.contains(&t.id)))
}

/// `GET /admin/api-access/v1/orgs/{orgId}/api-tokens`
pub(crate) async fn api_tokens(
    State(sh): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let org = match authorised(&sh, &headers, Some(&org_id)) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let pairs = query_pairs(query.as_deref());
    let start: usize = param(&pairs, "cursor")
        .and_then(|c| c.strip_prefix("c-"))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let revoked = lock(&sh.revoked).clone();
    let data: Vec<Value> = org
        .tokens
        .iter()
        .skip(start)
        .take(org.page_size)
        .map(|t| {
            let account = sh
                .site
                .accounts
                .iter()
                .find(|a| a.email.eq_ignore_ascii_case(&t.email));
            let status = if revoked.contains(&t.id) {
                "REVOKED"
            } else {
                t.status.as_str()
            };
            json!({
                "id": t.id,
                "label": t.label,
                "status": status,
                "createdAt": t.created_at,
                "expiresAt": t.expires_at,
                "lastActiveAt": t.last_active_at,
                "user": {
                    "id": account.map(|a| a.account_id.clone()),
                    "orgId": org.id,
                    "name": account.map(|a| a.display_name.clone()),
                    "email": t.email,
                },
            })
        })
        .collect();
    let path = format!("/admin/api-access/v1/orgs/{}/api-tokens", org.id);
    // The next page as a bare cursor (the reference allows a URL or a cursor there).
    let next =
        (start + org.page_size < org.tokens.len()).then(|| format!("c-{}", start + org.page_size));
    json_response(
        StatusCode::OK,
        &json!({"data": data, "links": {"self": format!("{}{path}", sh.base_url), "next": next, "prev": null}}),
    )
}

/// `GET /admin/v1/orgs/{orgId}/domains`
pub(crate) async fn domains(
    State(sh): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let org = match authorised(&sh, &headers, Some(&org_id)) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let data: Vec<Value> = org
        .domains
        .iter()
        .map(|d| (d.as_str(), "VERIFIED"))
        .chain(org.other_domains.iter().map(|(d, s)| (d.as_str(), s.as_str())))
        .enumerate()
        .map(|(i, (d, status))| json!({"id": format!("domain-{i}"), "type": "domains", "attributes": {"name": d, "claim": {"type": "dns", "status": status}}}))
        .collect();
    json_response(StatusCode::OK, &json!({"data": data, "links": {}}))
}

/// `DELETE /users/{accountId}/manage/api-tokens/{tokenId}`
pub(crate) async fn revoke(
    State(sh): State<Arc<Shared>>,
    Path((account_id, token_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let org = match authorised(&sh, &headers, None) {
        Ok(o) => o,
        Err(r) => return r,
    };
    let found = org.tokens.iter().find(|t| {
        t.id == token_id
            && sh
                .site
                .accounts
                .iter()
                .any(|a| a.account_id == account_id && a.email.eq_ignore_ascii_case(&t.email))
    });
    match found {
        Some(t) => {
            lock(&sh.revoked).insert(t.id.clone());
            let mut resp = Response::new(axum::body::Body::empty());
            *resp.status_mut() = StatusCode::NO_CONTENT;
            resp
        }
        None => not_found("API token"),
    }
}
