//! Atlassian Administration's API (docs/atlassian-admin-api.md), with an organisation
//! API key as Bearer: the organisation's verified domains, its managed accounts' API
//! tokens, and the one write, revoking a token. Read-only otherwise. Every answer is
//! capped, every page loop bounded, redirects are never followed (the key goes to the
//! admin base and nowhere else) and a `links.next` is followed only on that base.

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use url::Url;

use super::bounded;
use super::config::ClientConfig;
use super::http::{body_text, error_chain, read_capped, Sent};
use super::jira_error::{ErrorKind, JiraError};

/// A domain claim's `status` once the organisation verified the domain.
const DOMAIN_VERIFIED: &str = "verified";

/// The most pages of tokens read; the most tokens kept.
pub const MAX_PAGES: usize = 200;
pub const MAX_TOKENS: usize = 50_000;
/// The most verified domains kept.
pub const MAX_DOMAINS: usize = 10_000;

/// One user API token as the organisation lists it (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgApiToken {
    pub id: String,
    pub label: String,
    /// `ALLOWED` while the token works.
    pub status: String,
    pub created_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_active_at: Option<DateTime<Utc>>,
    pub account_id: Option<String>,
    pub email: Option<String>,
}

impl OrgApiToken {
    pub fn active(&self) -> bool {
        self.status.eq_ignore_ascii_case("ALLOWED")
    }
}

#[derive(Deserialize)]
struct Page<T> {
    #[serde(
        default = "Vec::new",
        deserialize_with = "bounded::list",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    data: Vec<T>,
    #[serde(default)]
    links: Links,
}

#[derive(Deserialize, Default)]
struct Links {
    #[serde(default, deserialize_with = "bounded::opt_text_long")]
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenDto {
    #[serde(deserialize_with = "bounded::id")]
    id: String,
    #[serde(default, deserialize_with = "bounded::text")]
    label: String,
    #[serde(default, deserialize_with = "bounded::text")]
    status: String,
    #[serde(default, deserialize_with = "bounded::opt_id")]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_id")]
    expires_at: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_id")]
    last_active_at: Option<String>,
    #[serde(default)]
    user: UserDto,
}

#[derive(Deserialize, Default)]
struct UserDto {
    #[serde(default, deserialize_with = "bounded::opt_id")]
    id: Option<String>,
    #[serde(default, deserialize_with = "bounded::opt_email")]
    email: Option<String>,
}

#[derive(Deserialize)]
struct DomainDto {
    attributes: DomainAttributes,
}

#[derive(Deserialize)]
struct DomainAttributes {
    #[serde(deserialize_with = "bounded::id")]
    name: String,
    #[serde(default)]
    claim: Option<ClaimDto>,
}

#[derive(Deserialize)]
struct ClaimDto {
    #[serde(default, deserialize_with = "bounded::opt_id")]
    status: Option<String>,
}

/// The organisation's domains: the verified ones, whose accounts it manages, and the
/// others with their claim's status (`unverified`, `superseded`, `deleted`,
/// `missing_token`, ...), which make no account managed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Domains {
    pub verified: Vec<String>,
    pub skipped: Vec<SkippedDomain>,
}

/// A domain of the organisation that is not verified, and so manages no account.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SkippedDomain {
    pub name: String,
    /// The claim's status as Atlassian gave it, lower-case (`unknown` when it gave none).
    pub status: String,
}

fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s?.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// A client of one organisation.
pub struct AdminClient {
    http: reqwest::Client,
    base: Url,
    org_id: String,
    key: SecretString,
    max_body: usize,
    requests: std::sync::atomic::AtomicUsize,
}

impl std::fmt::Debug for AdminClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminClient")
            .field("base", &self.base.as_str())
            .field("org_id", &self.org_id)
            .field("key", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

impl AdminClient {
    /// A client of organisation `org_id` at the admin base (the gateway's origin,
    /// `https://api.atlassian.com` unless tests point it at a fake).
    pub fn new(org_id: &str, key: SecretString, cfg: &ClientConfig) -> Result<Self, JiraError> {
        let base = cfg.gateway.clone();
        if base.scheme() != "https"
            && !(cfg.allow_loopback_http && crate::links::is_loopback(&base))
        {
            return Err(JiraError::new(
                ErrorKind::NotFound,
                format!("the admin API base {base} is not an https:// address"),
            ));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("connkeeper/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .https_only(base.scheme() == "https")
            .build()
            .map_err(|e| JiraError::new(ErrorKind::Tls, format!("cannot set up HTTPS: {e}")))?;
        Ok(Self {
            http,
            base,
            org_id: org_id.to_owned(),
            key,
            max_body: cfg.max_body,
            requests: Default::default(),
        })
    }

    /// How many requests were sent.
    pub fn request_count(&self) -> usize {
        self.requests.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn url(&self, path: &str) -> Url {
        let mut u = self.base.clone();
        u.set_path(path);
        u
    }

    /// Sends one request with the key; a 429 is waited out once when the server asks
    /// for at most 10 s.
    async fn send(&self, method: reqwest::Method, url: Url) -> Result<(u16, Vec<u8>), JiraError> {
        for attempt in 0..2 {
            self.requests
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let resp = self
                .http
                .request(method.clone(), url.clone())
                .bearer_auth(self.key.expose_secret())
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| {
                    let kind = if e.is_timeout() {
                        ErrorKind::Timeout
                    } else {
                        ErrorKind::Network
                    };
                    JiraError::new(
                        kind,
                        format!(
                            "Atlassian's admin API at {} did not answer: {}",
                            self.base,
                            error_chain(&e)
                        ),
                    )
                })?;
            let status = resp.status().as_u16();
            let wait = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let body = read_capped(resp, self.max_body)
                .await
                .map_err(|e| match e {
                    Sent::TooLarge => JiraError::new(
                        ErrorKind::InvalidResponse,
                        format!(
                            "Atlassian's admin API sent an answer over {} MiB",
                            self.max_body >> 20
                        ),
                    ),
                    Sent::Transport(e) => JiraError::new(ErrorKind::Network, error_chain(&e)),
                })?;
            if status == 429 && attempt == 0 && wait.is_some_and(|w| w <= 10) {
                tokio::time::sleep(Duration::from_secs(wait.unwrap_or(1))).await;
                continue;
            }
            return match status {
                200..=299 => Ok((status, body)),
                401 => Err(JiraError::new(
                    ErrorKind::Auth,
                    "Atlassian Administration refused the organisation API key: it is wrong, expired or revoked. Create a new key in admin.atlassian.com > Settings > API keys and link the organisation again with it.",
                )),
                403 => Err(JiraError::new(
                    ErrorKind::Forbidden,
                    "The organisation API key may not read API tokens: create a key with the scope read:tokens:admin (and delete:tokens:admin to revoke).",
                )),
                404 => Err(JiraError::new(
                    ErrorKind::NotFound,
                    format!("Atlassian Administration knows no organisation {} (or no such token): check the organisation id.", self.org_id),
                )),
                429 => Err(JiraError::new(ErrorKind::RateLimited, "Atlassian's admin API asks to slow down; try again in a minute.")),
                _ => Err(JiraError::new(
                    if status >= 500 { ErrorKind::Server } else { ErrorKind::InvalidResponse },
                    format!(
                        "Atlassian's admin API answered {status}{}",
                        body_text(&body).map(|t| format!(": {t}")).unwrap_or_default()
                    ),
                )),
            };
        }
        unreachable!("the loop returns on its second pass")
    }

    async fn get_page<T: for<'de> Deserialize<'de>>(&self, url: Url) -> Result<Page<T>, JiraError> {
        let (_, body) = self.send(reqwest::Method::GET, url).await?;
        serde_json::from_slice(&body).map_err(|e| {
            JiraError::new(
                ErrorKind::InvalidResponse,
                format!("Atlassian's admin API sent an answer ConnKeeper cannot read: {e}"),
            )
        })
    }

    /// The next page's URL: on the admin base only, and never the same again. `next` is a
    /// URL, a path, or a bare cursor (then the `cursor` parameter of `current`).
    fn next(
        &self,
        current: &Url,
        next: Option<String>,
        seen: &mut std::collections::HashSet<String>,
    ) -> Result<Option<Url>, JiraError> {
        let Some(next) = next.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()) else {
            return Ok(None);
        };
        let joined = if next.contains(['/', '?', ':']) {
            self.base.join(&next)
        } else {
            let mut url = current.clone();
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(k, _)| k != "cursor")
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            url.query_pairs_mut()
                .clear()
                .extend_pairs(kept)
                .append_pair("cursor", &next);
            Ok(url)
        };
        let url = joined.map_err(|_| {
            JiraError::new(
                ErrorKind::InvalidResponse,
                "Atlassian's admin API sent a next page that is not a URL",
            )
        })?;
        if url.origin() != self.base.origin() {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                "Atlassian's admin API pointed the next page to another host; the key was not sent there",
            ));
        }
        if !seen.insert(url.as_str().to_owned()) {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                "Atlassian's admin API repeated a page",
            ));
        }
        Ok(Some(url))
    }

    /// The organisation's domains, lower-case: only those whose claim is `verified` make
    /// an account managed (Organizations REST API, "Get domains in an organization":
    /// https://developer.atlassian.com/cloud/admin/organization/rest/api-group-orgs/ ).
    pub async fn domains(&self) -> Result<Domains, JiraError> {
        let path = format!("/admin/v1/orgs/{}/domains", self.org_id);
        let all = self
            .all_pages(&path, "domains", MAX_DOMAINS, |d: DomainDto| {
                let name = crate::text::from_server(&d.attributes.name.trim().to_lowercase(), 300);
                let status = d
                    .attributes
                    .claim
                    .and_then(|c| c.status)
                    .map_or_else(|| "unknown".to_owned(), |s| s.trim().to_lowercase());
                (name, crate::text::from_server(&status, 40))
            })
            .await?;
        let mut out = Domains::default();
        for (name, status) in all {
            if status == DOMAIN_VERIFIED {
                out.verified.push(name);
            } else {
                out.skipped.push(SkippedDomain { name, status });
            }
        }
        Ok(out)
    }

    /// Every user API token of the organisation's managed accounts.
    pub async fn api_tokens(&self) -> Result<Vec<OrgApiToken>, JiraError> {
        let path = format!("/admin/api-access/v1/orgs/{}/api-tokens", self.org_id);
        self.all_pages(&path, "API tokens", MAX_TOKENS, |t: TokenDto| OrgApiToken {
            created_at: time(t.created_at.as_deref()),
            expires_at: time(t.expires_at.as_deref()),
            last_active_at: time(t.last_active_at.as_deref()),
            id: crate::text::from_server(&t.id, 200),
            label: crate::text::from_server(&t.label, 200),
            status: crate::text::from_server(&t.status, 40),
            account_id: t.user.id.map(|s| crate::text::from_server(&s, 200)),
            email: t.user.email.map(|s| s.trim().to_lowercase()),
        })
        .await
    }

    /// Reads every page of the list at `path`, each item through `item`: at most
    /// [`MAX_PAGES`] pages and `max` items, following `links.next` on the admin base only.
    async fn all_pages<D: for<'de> Deserialize<'de>, T>(
        &self,
        path: &str,
        what: &str,
        max: usize,
        item: impl Fn(D) -> T,
    ) -> Result<Vec<T>, JiraError> {
        let mut url = Some(self.url(path));
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for _ in 0..MAX_PAGES {
            let Some(u) = url.take() else { break };
            let page: Page<D> = self.get_page(u.clone()).await?;
            out.extend(page.data.into_iter().map(&item));
            if out.len() > max {
                return Err(JiraError::new(
                    ErrorKind::InvalidResponse,
                    format!("more than {max} {what} listed"),
                ));
            }
            url = self.next(&u, page.links.next, &mut seen)?;
        }
        if url.is_some() {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                format!("more than {MAX_PAGES} pages of {what}"),
            ));
        }
        Ok(out)
    }

    /// Revokes one token of one account (the only write).
    pub async fn revoke(&self, account_id: &str, token_id: &str) -> Result<(), JiraError> {
        let mut url = self.base.clone();
        url.path_segments_mut()
            .map_err(|()| JiraError::new(ErrorKind::NotFound, "the admin base cannot take a path"))?
            .clear()
            .extend(["users", account_id, "manage", "api-tokens", token_id]);
        self.send(reqwest::Method::DELETE, url).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client() -> AdminClient {
        let cfg = ClientConfig {
            allow_loopback_http: true,
            gateway: Url::parse("http://127.0.0.1:9").unwrap(),
            ..ClientConfig::default()
        };
        AdminClient::new("org-1", SecretString::from("k".repeat(20)), &cfg).unwrap()
    }

    #[test]
    fn the_next_page_stays_on_the_admin_base_and_never_repeats() {
        let c = client();
        let current =
            Url::parse("http://127.0.0.1:9/admin/api-access/v1/orgs/org-1/api-tokens?cursor=a&q=x")
                .unwrap();
        let mut seen = std::collections::HashSet::new();
        // A bare cursor replaces the current one, keeping the other parameters.
        let n = c
            .next(&current, Some("b2".into()), &mut seen)
            .unwrap()
            .unwrap();
        assert_eq!(
            n.as_str(),
            "http://127.0.0.1:9/admin/api-access/v1/orgs/org-1/api-tokens?q=x&cursor=b2"
        );
        // The same page again is refused.
        assert!(c.next(&current, Some("b2".into()), &mut seen).is_err());
        // A path or a same-origin URL is followed.
        let p = c
            .next(
                &current,
                Some("/admin/api-access/v1/orgs/org-1/api-tokens?cursor=c3".into()),
                &mut seen,
            )
            .unwrap()
            .unwrap();
        assert_eq!(p.query(), Some("cursor=c3"));
        // Another origin never gets the key.
        let e = c
            .next(
                &current,
                Some("https://evil.example/steal".into()),
                &mut seen,
            )
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse);
        assert!(c
            .next(&current, Some("//evil.example/x".into()), &mut seen)
            .is_err());
        assert!(c.next(&current, None, &mut seen).unwrap().is_none());
        // The key is not in the Debug output.
        assert!(!format!("{c:?}").contains(&"k".repeat(20)));
    }
}
