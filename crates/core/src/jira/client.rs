//! The Jira Cloud HTTP client: one reused `reqwest` client (rustls), Basic auth,
//! bounded concurrency, retries that respect Jira's rate limits, and errors classified
//! into kinds that each carry an actionable message naming the host, never the token.
//!
//! Its configuration lives in `config.rs`, its errors in `jira_error.rs` and its
//! transport helpers in `http.rs`; the public items are re-exported here.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use rand::Rng;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use url::Url;

pub use super::config::{
    gateway_from_env, parse_gateway, ClientConfig, GatewayError, AUDIT_DEADLINE, DEFAULT_GATEWAY,
    GATEWAY_ENV, MAX_BODY, MAX_RECEIVED,
};
use super::dto::Myself;
use super::http::{
    basic_auth, body_text, error_chain, header_str, is_connection_reset, jittered, read_capped,
    until_reset, Sent,
};
pub use super::jira_error::{ErrorKind, JiraError};
use crate::model::TokenKind;
use crate::requirements::TOKEN_PAGE;

/// A raw answer: status, headers, body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// A client for one site and one set of credentials.
pub struct JiraClient {
    http: reqwest::Client,
    /// The site, `https://<site>.atlassian.net`.
    base: Url,
    /// Set once the token proved to be scoped: `{gateway}/ex/jira/{cloudId}/`, where
    /// every later call goes.
    via_gateway: RwLock<Option<Url>>,
    host: String,
    email: String,
    token: SecretString,
    permits: Arc<Semaphore>,
    account_id: OnceLock<String>,
    requests: AtomicUsize,
    /// Bytes of answers read so far (see [`ClientConfig::max_received`]).
    received: AtomicUsize,
    /// A `Retry-After` is the site's, not one request's: no request of this client is
    /// sent before this instant.
    not_before: Mutex<Option<Instant>>,
    /// An answer said the rate limit is near (`X-RateLimit-NearLimit: true` or its
    /// `X-Beta-` twin): from then on one request at a time.
    near_limit: AtomicBool,
    /// Taken shared by each request, alone once [`Self::near_limit`] is set (a writer
    /// waits for the requests already in flight, and later ones wait for it).
    gate: tokio::sync::RwLock<()>,
    cfg: ClientConfig,
}

impl std::fmt::Debug for JiraClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JiraClient")
            .field("host", &self.host)
            .field("email", &self.email)
            .field("token", &"[REDACTED]")
            .finish_non_exhaustive()
    }
}

const USER_AGENT: &str = concat!("connkeeper/", env!("CARGO_PKG_VERSION"));

impl JiraClient {
    /// A client for `host` (an origin such as `https://acme.atlassian.net`).
    pub fn new(
        host: &str,
        email: &str,
        token: SecretString,
        cfg: ClientConfig,
    ) -> Result<Self, JiraError> {
        let base = Url::parse(host).map_err(|e| {
            JiraError::new(
                ErrorKind::NotFound,
                format!("\"{host}\" is not a valid site address: {e}"),
            )
        })?;
        let https_only = !(cfg.allow_loopback_http && crate::links::is_loopback(&base));
        if https_only && base.scheme() != "https" {
            return Err(JiraError::new(
                ErrorKind::NotFound,
                format!("{host} is not an https:// address; Jira Cloud is only reached over HTTPS"),
            ));
        }
        let gateway_loopback = crate::links::is_loopback(&cfg.gateway);
        if cfg.gateway.scheme() != "https" && !(cfg.allow_loopback_http && gateway_loopback) {
            return Err(JiraError::new(
                ErrorKind::NotFound,
                format!("the gateway {} is not an https:// address", cfg.gateway),
            ));
        }
        let https_only = https_only && (cfg.gateway.scheme() == "https");
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            // Follow same-origin redirects only: credentials never travel to another origin
            // (the origin of the request's own first URL: the site, or the gateway).
            let first = attempt.previous().first().map(Url::origin);
            if attempt.previous().len() >= 5 || first.as_ref() != Some(&attempt.url().origin()) {
                attempt.stop()
            } else {
                attempt.follow()
            }
        });
        let http = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.request_timeout)
            .redirect(policy)
            .https_only(https_only)
            .build()
            .map_err(|e| JiraError::new(ErrorKind::Tls, format!("cannot set up HTTPS: {e}")))?;
        Ok(Self {
            http,
            host: base.origin().ascii_serialization(),
            base,
            via_gateway: RwLock::new(None),
            email: email.to_owned(),
            token,
            permits: Arc::new(Semaphore::new(cfg.max_in_flight.max(1))),
            account_id: OnceLock::new(),
            requests: AtomicUsize::new(0),
            received: AtomicUsize::new(0),
            not_before: Mutex::new(None),
            near_limit: AtomicBool::new(false),
            gate: tokio::sync::RwLock::new(()),
            cfg,
        })
    }

    /// The site's origin, as named in messages.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Requests sent so far (retries included).
    pub fn request_count(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// Whether calls go through the gateway (the token proved to be scoped).
    pub fn token_kind(&self) -> TokenKind {
        if self.gateway_base().is_some() {
            TokenKind::Scoped
        } else {
            TokenKind::Classic
        }
    }

    /// Who the token belongs to, and where it works. A classic token works on the site,
    /// a token with scopes only through Atlassian's gateway: start where `hint` says the
    /// token worked last time (the site when unknown) and, when that base rejects the
    /// credentials with a plain 401, try the other one once. So at most one failed
    /// authenticated request reaches the site per audit (failed logins there lead to
    /// CAPTCHA lockouts). Pins the account id every later answer must carry.
    pub async fn identify(&self, hint: Option<TokenKind>) -> Result<Myself, JiraError> {
        let first = hint.unwrap_or(TokenKind::Classic);
        let result = match first {
            TokenKind::Classic => self.myself().await,
            TokenKind::Scoped => self.myself_via_gateway().await,
        };
        let rejected = match result {
            Err(e) if e.rejected_credentials => e,
            other => return other,
        };
        let second = match first {
            TokenKind::Classic => self.myself_via_gateway().await,
            TokenKind::Scoped => {
                self.forget_gateway();
                self.myself().await
            }
        };
        match second {
            Err(e) if e.rejected_credentials => {
                let (site, gateway) = match first {
                    TokenKind::Classic => (&rejected.said, &e.said),
                    TokenKind::Scoped => (&e.said, &rejected.said),
                };
                let said = |who: &str, what: &Option<String>| match what {
                    Some(t) => format!("; the {who} said: {t}"),
                    None => format!("; the {who} gave no reason"),
                };
                Err(JiraError::new(
                    ErrorKind::Auth,
                    format!(
                        "Jira at {} rejected the credentials of {}, both on the site (a classic API token{}) and through Atlassian's API gateway {} (a token with scopes{}). {}",
                        self.host,
                        self.email,
                        said("site", site),
                        self.cfg.gateway.origin().ascii_serialization(),
                        said("gateway", gateway),
                        rejected_hint(),
                    ),
                ))
            }
            // The other base could not even be asked (no cloud id, no network): the first
            // answer is the one that counts.
            Err(e)
                if matches!(
                    e.kind,
                    ErrorKind::NotFound | ErrorKind::Network | ErrorKind::Tls | ErrorKind::Timeout
                ) =>
            {
                tracing::debug!(error = %e.message, "the other base could not be tried");
                if first == TokenKind::Classic {
                    self.forget_gateway();
                }
                Err(rejected)
            }
            other => other,
        }
    }

    /// `GET /rest/api/3/myself?expand=applicationRoles,groups` on the current base (never
    /// anonymous), pinning the account id.
    pub async fn myself(&self) -> Result<Myself, JiraError> {
        let path = "/rest/api/3/myself";
        let query = [("expand", "applicationRoles,groups".to_owned())];
        let answer = self.call(Method::GET, path, &query, None).await?;
        let answer = self.expect_success(path, answer)?;
        self.expect_json(path, &answer)?;
        let me: Myself = self.parse(path, &answer)?;
        let header = header_str(&answer.headers, "x-aaccountid");
        if me.account_id.is_empty()
            || header.is_some_and(|h| h != me.account_id)
            || header.is_none()
        {
            return Err(self.anonymous(path));
        }
        let _ = self.account_id.set(me.account_id.clone());
        Ok(me)
    }

    /// Switches to the gateway (learning the site's cloud id) and asks `/myself` there.
    async fn myself_via_gateway(&self) -> Result<Myself, JiraError> {
        if self.gateway_base().is_none() {
            let cloud = self.cloud_id().await?;
            let gateway = self.cfg.gateway.origin().ascii_serialization();
            let base = Url::parse(&format!("{gateway}/ex/jira/{cloud}/")).map_err(|e| {
                JiraError::new(ErrorKind::InvalidResponse, format!("bad gateway URL: {e}"))
            })?;
            *self
                .via_gateway
                .write()
                .unwrap_or_else(PoisonError::into_inner) = Some(base);
        }
        self.myself().await
    }

    fn forget_gateway(&self) {
        *self
            .via_gateway
            .write()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }

    fn gateway_base(&self) -> Option<Url> {
        self.via_gateway
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The URL of an API path on the current base (the site, or the gateway).
    fn url_for(&self, path: &str) -> Result<Url, JiraError> {
        let bad = |e: url::ParseError| {
            JiraError::new(ErrorKind::NotFound, format!("bad path {path}: {e}"))
        };
        match self.gateway_base() {
            Some(g) => {
                Url::parse(&format!("{}{path}", g.as_str().trim_end_matches('/'))).map_err(bad)
            }
            None => self.base.join(path).map_err(bad),
        }
    }

    /// The site's cloud id from `GET /_edge/tenant_info`, asked without credentials.
    async fn cloud_id(&self) -> Result<String, JiraError> {
        let path = "/_edge/tenant_info";
        let url = self
            .base
            .join(path)
            .map_err(|e| JiraError::new(ErrorKind::NotFound, format!("bad path {path}: {e}")))?;
        self.requests.fetch_add(1, Ordering::Relaxed);
        let resp = self
            .http
            .get(url)
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| self.transport_error(path, &e, 0))?;
        let status = resp.status();
        let body = read_capped(resp, 64 * 1024).await.map_err(|e| match e {
            Sent::TooLarge => JiraError::new(
                ErrorKind::InvalidResponse,
                format!("{} answered {path} with more than 64 KiB", self.host),
            ),
            Sent::Transport(e) => self.transport_error(path, &e, 0),
        })?;
        let cloud = (status.is_success())
            .then(|| serde_json::from_slice::<serde_json::Value>(&body).ok())
            .flatten()
            .and_then(|v| v.get("cloudId").and_then(|c| c.as_str()).map(str::to_owned))
            .filter(|c| {
                !c.is_empty()
                    && c.len() <= 64
                    && c.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        cloud.ok_or_else(|| {
            JiraError::new(
                ErrorKind::NotFound,
                format!(
                    "{} did not tell its cloud id ({path} answered {status}); it may not be a Jira Cloud site, so a token with scopes cannot be tried through the gateway.",
                    self.host
                ),
            )
        })
    }

    /// `GET path` as JSON of the authenticated account (after [`Self::myself`]).
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, JiraError> {
        let answer = self.call(Method::GET, path, query, None).await?;
        self.authenticated_json(path, answer)
    }

    /// `POST path` with a JSON body; only for read-only queries (safe to retry).
    pub async fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, JiraError> {
        let body = serde_json::to_vec(body).expect("request bodies serialise");
        let answer = self.call(Method::POST, path, &[], Some(body)).await?;
        self.authenticated_json(path, answer)
    }

    /// `GET path` returning the raw answer, whatever its status (for probes such as the
    /// Jira Software licence check, where 403 is an answer, not a failure).
    pub async fn get_raw(&self, path: &str, query: &[(&str, String)]) -> Result<Answer, JiraError> {
        self.call(Method::GET, path, query, None).await
    }

    /// Turns a 2xx JSON answer into `T`, checking it was given to our account.
    pub fn authenticated_json<T: DeserializeOwned>(
        &self,
        path: &str,
        answer: Answer,
    ) -> Result<T, JiraError> {
        let answer = self.expect_success(path, answer)?;
        self.expect_json(path, &answer)?;
        self.expect_account(path, &answer)?;
        self.parse(path, &answer)
    }

    /// [`Self::authenticated_json`] for the Agile and JSM APIs, which may answer without
    /// `X-AAccountId`: once `/myself` proved the identity, only another account id or a
    /// Seraph failure is an authentication failure; a missing header is not.
    pub fn product_json<T: DeserializeOwned>(
        &self,
        path: &str,
        answer: Answer,
    ) -> Result<T, JiraError> {
        let answer = self.expect_success(path, answer)?;
        self.expect_json(path, &answer)?;
        let expected = self.account_id.get().map(String::as_str);
        let seraph = header_str(&answer.headers, "x-seraph-loginreason").unwrap_or("OK");
        let ok = match (expected, header_str(&answer.headers, "x-aaccountid")) {
            (Some(want), Some(got)) => want == got,
            (Some(_), None) => !seraph.contains("FAILED") && !seraph.contains("DENIED"),
            (None, _) => false,
        };
        if !ok {
            return Err(self.anonymous(path));
        }
        self.parse(path, &answer)
    }

    fn expect_account(&self, path: &str, answer: &Answer) -> Result<(), JiraError> {
        let expected = self.account_id.get().map(String::as_str);
        match (expected, header_str(&answer.headers, "x-aaccountid")) {
            (Some(want), Some(got)) if want == got => Ok(()),
            _ => Err(self.anonymous(path)),
        }
    }

    fn anonymous(&self, path: &str) -> JiraError {
        JiraError::new(
            ErrorKind::Auth,
            format!(
                "Jira at {} answered {path} anonymously: the credentials of {} were not accepted. The API token is invalid, expired or revoked, or the email does not belong to it. Create a new token at {TOKEN_PAGE} and update the profile.",
                self.host, self.email
            ),
        )
    }

    fn expect_success(&self, path: &str, answer: Answer) -> Result<Answer, JiraError> {
        let host = &self.host;
        let status = answer.status;
        if status.is_success() {
            return Ok(answer);
        }
        let detail = body_text(&answer.body);
        let said = detail
            .as_deref()
            .map(|d| format!(" Jira said: {d}"))
            .unwrap_or_default();
        let (kind, message) = match status.as_u16() {
            403 => (
                ErrorKind::Forbidden,
                format!("Jira at {host} refused {path} for {} (403 Forbidden).{said}", self.email),
            ),
            404 => (
                ErrorKind::NotFound,
                format!("{host} answered 404 Not Found for {path}: check the Host URL; it should be your Jira Cloud site, e.g. https://your-sub-domain.atlassian.net."),
            ),
            _ => (
                ErrorKind::InvalidResponse,
                format!("Jira at {host} answered {path} with {status}.{said}"),
            ),
        };
        Err(JiraError::new(kind, message))
    }

    fn expect_json(&self, path: &str, answer: &Answer) -> Result<(), JiraError> {
        let ctype = header_str(&answer.headers, CONTENT_TYPE.as_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let looks_html = ctype.contains("html")
            || answer.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<');
        if looks_html {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                format!(
                    "{} answered {path} with an HTML page instead of Jira's JSON: a proxy or sign-in portal is in the way, or the Host URL is not a Jira Cloud site.",
                    self.host
                ),
            ));
        }
        if !ctype.contains("json") {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                format!(
                    "{} answered {path} with {} instead of JSON; check the Host URL.",
                    self.host,
                    if ctype.is_empty() {
                        "no content type"
                    } else {
                        &ctype
                    }
                ),
            ));
        }
        Ok(())
    }

    fn parse<T: DeserializeOwned>(&self, path: &str, answer: &Answer) -> Result<T, JiraError> {
        serde_json::from_slice(&answer.body).map_err(|e| {
            JiraError::new(
                ErrorKind::InvalidResponse,
                format!("Jira at {} answered {path} with unexpected JSON ({e}); is the Host URL a Jira Cloud site?", self.host),
            )
        })
    }

    /// Sends one request with retries; classifies transport failures, auth failures,
    /// rate limits and outages. Returns every other answer as is.
    async fn call(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Answer, JiraError> {
        let url = self.url_for(path)?;
        let mut attempt: u32 = 0;
        loop {
            let sent = self.send_once(&method, &url, query, body.as_deref()).await;
            let retry_in = match sent {
                Ok(answer) => match self.classify(path, self.within_budget(path, answer)?, attempt)? {
                    Classified::Done(answer) => return Ok(answer),
                    Classified::RetryAfter(d) => d,
                },
                Err(Sent::TooLarge) => {
                    return Err(JiraError::new(
                        ErrorKind::InvalidResponse,
                        format!(
                            "{} answered {path} with more than {} MiB; Jira's answers are far smaller. The Host URL may not be a Jira Cloud site, or something in between is misbehaving.",
                            self.host,
                            self.cfg.max_body / (1024 * 1024)
                        ),
                    ))
                }
                Err(Sent::Transport(e)) => {
                    let reset = is_connection_reset(&e);
                    if !reset || attempt >= self.cfg.max_retries {
                        return Err(self.transport_error(path, &e, attempt));
                    }
                    self.backoff(attempt)
                }
            };
            tracing::debug!(
                path,
                attempt,
                delay_ms = retry_in.as_millis() as u64,
                "retrying"
            );
            tokio::time::sleep(retry_in).await;
            attempt += 1;
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &Url,
        query: &[(&str, String)],
        body: Option<&[u8]>,
    ) -> Result<Answer, Sent> {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("semaphore is never closed");
        // Near the rate limit, alone; otherwise beside the others. Checked again once the
        // shared lock is held, so no request slips past a flag set meanwhile.
        let mut _alone = None;
        let mut _beside = None;
        if self.near_limit.load(Ordering::Acquire) {
            _alone = Some(self.gate.write().await);
        } else {
            let shared = self.gate.read().await;
            if self.near_limit.load(Ordering::Acquire) {
                drop(shared);
                _alone = Some(self.gate.write().await);
            } else {
                _beside = Some(shared);
            }
        }
        // A Retry-After told to any request holds them all (read again after each wait:
        // another 429 may have pushed it further).
        loop {
            let until = *self
                .not_before
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
        self.requests.fetch_add(1, Ordering::Relaxed);
        let mut auth = HeaderValue::from_str(&basic_auth(&self.email, self.token.expose_secret()))
            .expect("base64 is a valid header value");
        auth.set_sensitive(true);
        let mut req = self
            .http
            .request(method.clone(), url.clone())
            .header(reqwest::header::AUTHORIZATION, auth)
            .header(reqwest::header::ACCEPT, "application/json");
        if !query.is_empty() {
            req = req.query(query);
        }
        if let Some(b) = body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(b.to_vec());
        }
        let started = std::time::Instant::now();
        let resp = req.send().await.map_err(Sent::Transport)?;
        let status = resp.status();
        let headers = resp.headers().clone();
        self.note_rate_limit_headers(&headers);
        let body = read_capped(resp, self.cfg.max_body).await?;
        tracing::debug!(%method, path = url.path(), status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "jira request");
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// Counts an answer against the client's budget of bytes read in all.
    fn within_budget(&self, path: &str, answer: Answer) -> Result<Answer, JiraError> {
        let total = self
            .received
            .fetch_add(answer.body.len(), Ordering::Relaxed)
            .saturating_add(answer.body.len());
        if total > self.cfg.max_received {
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                format!(
                    "{} sent more than {} MiB in all by {path}; an audit of the largest Jira sites reads far less, so ConnKeeper stops there.",
                    self.host,
                    self.cfg.max_received >> 20
                ),
            ));
        }
        Ok(answer)
    }

    /// Atlassian's rate-limit headers (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/):
    /// `X-RateLimit-NearLimit: true` ("less than 20% of any budget remains") or the 2026
    /// `X-Beta-RateLimit-NearLimit: true` slow the client to one request at a time. The
    /// other headers (`RateLimit`, `RateLimit-Policy`, `Beta-RateLimit`,
    /// `Beta-RateLimit-Policy`, `Beta-Retry-After`) are informational and never fail a
    /// request; a 429 still waits for `Retry-After`.
    fn note_rate_limit_headers(&self, headers: &HeaderMap) {
        let near = ["x-ratelimit-nearlimit", "x-beta-ratelimit-nearlimit"]
            .iter()
            .any(|h| header_str(headers, h).is_some_and(|v| v.trim().eq_ignore_ascii_case("true")));
        if near && !self.near_limit.swap(true, Ordering::AcqRel) {
            tracing::info!(host = %self.host, "Jira says the rate limit is near: one request at a time from now on");
        }
    }

    /// Holds every request of this client until `d` from now (never earlier than an
    /// instant already set).
    fn hold_site_for(&self, d: Duration) {
        let until = Instant::now() + d;
        let mut nb = self
            .not_before
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if nb.is_none_or(|t| t < until) {
            *nb = Some(until);
        }
    }

    fn classify(&self, path: &str, answer: Answer, attempt: u32) -> Result<Classified, JiraError> {
        let host = &self.host;
        let seraph = header_str(&answer.headers, "x-seraph-loginreason").unwrap_or("");
        if seraph.contains("AUTHENTICATION_DENIED") {
            return Err(JiraError::new(
                ErrorKind::Auth,
                format!(
                    "Jira at {host} is asking {} to solve a CAPTCHA after failed sign-ins, so the API token is refused. Sign in once in a browser at {host}, then run the audit again. ConnKeeper does not retry, to avoid locking the account.",
                    self.email
                ),
            ));
        }
        if matches!(answer.status.as_u16(), 401 | 403) {
            if let Some(said) = body_text(&answer.body).filter(|t| is_ip_not_allowed(t)) {
                return Err(JiraError::new(
                    ErrorKind::IpNotAllowed,
                    format!(
                        "Jira at {host} refused {path} because this computer's IP address is not on the organisation's IP allowlist (Jira said: {said}). An admin adds addresses in Atlassian Administration > Security > IP allowlists ({IP_ALLOWLIST_PAGE}). The backup service's outgoing IP addresses must be on the allowlist too: an audit from this computer proves nothing about the addresses the vendor's servers call from, so ask the vendor for them."
                    ),
                ));
            }
        }
        if answer.status == StatusCode::UNAUTHORIZED || seraph.contains("AUTHENTICATED_FAILED") {
            let said = body_text(&answer.body);
            if answer.status == StatusCode::UNAUTHORIZED {
                if let Some(t) = said.as_deref().filter(|t| is_token_blocked(t)) {
                    return Err(JiraError::new(
                        ErrorKind::TokenBlocked,
                        format!(
                            "Jira at {host} refused the API token of {}: an admin blocked it (Jira said: {t}). A new token will not help; ask your organisation's admin why. For an external user they allow it again in Atlassian Administration > Security > User security > External users > API token access ({EXTERNAL_TOKENS_PAGE}); for a managed account, in the \"User API tokens\" setting of its authentication policy ({AUTH_POLICIES_PAGE}).",
                            self.email
                        ),
                    ));
                }
            }
            // The gateway's answer to a token with scopes that lacks the call's scope.
            if answer.status == StatusCode::UNAUTHORIZED
                && said
                    .as_deref()
                    .is_some_and(|t| t.to_ascii_lowercase().contains("scope does not match"))
            {
                return Err(self.missing_scope(path));
            }
            let shown = said
                .as_deref()
                .map(|d| format!(" (Jira said: {d})"))
                .unwrap_or_default();
            let mut e = JiraError::new(
                ErrorKind::Auth,
                format!(
                    "Jira at {host} rejected the credentials of {}{shown}. {}",
                    self.email,
                    rejected_hint()
                ),
            );
            e.rejected_credentials = answer.status == StatusCode::UNAUTHORIZED;
            e.said = said;
            return Err(e);
        }
        if answer.status.is_redirection() {
            let to = crate::text::from_server(
                header_str(&answer.headers, "location").unwrap_or("elsewhere"),
                200,
            );
            return Err(JiraError::new(
                ErrorKind::InvalidResponse,
                format!("{host} redirected {path} to {to}; ConnKeeper does not send credentials to another site. Check the Host URL (use the site's own https://<name>.atlassian.net address)."),
            ));
        }
        let status = answer.status;
        let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
        if !retryable {
            return Ok(Classified::Done(answer));
        }
        // Retry-After first; for a 429 without it, X-RateLimit-Reset (an ISO time).
        let retry_after = header_str(&answer.headers, RETRY_AFTER.as_str())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs)
            .or_else(|| {
                (status == StatusCode::TOO_MANY_REQUESTS)
                    .then(|| header_str(&answer.headers, "x-ratelimit-reset").and_then(until_reset))
                    .flatten()
            });
        // A 500, 501 or 505 is rarely transient: one more try at most (Atlassian: retry
        // 429 and 503; other 5xx only when it is safe and with care).
        let max_retries = if matches!(status.as_u16(), 500 | 501 | 505) {
            self.cfg.max_retries.min(1)
        } else {
            self.cfg.max_retries
        };
        let give_up =
            attempt >= max_retries || retry_after.is_some_and(|d| d > self.cfg.max_retry_after);
        // A rate limit is the site's: every other request waits as long (even when this
        // one gives up, the site asked for the pause).
        if status == StatusCode::TOO_MANY_REQUESTS {
            if let Some(d) = retry_after.filter(|d| *d <= self.cfg.max_retry_after) {
                self.hold_site_for(d);
            }
        }
        if give_up {
            let tries = attempt + 1;
            let reason = header_str(&answer.headers, "ratelimit-reason")
                .map(|r| format!("; RateLimit-Reason: {}", crate::text::from_server(r, 80)))
                .unwrap_or_default();
            return Err(if status == StatusCode::TOO_MANY_REQUESTS {
                JiraError::new(
                    ErrorKind::RateLimited,
                    format!("Jira at {host} is rate-limiting requests (429 on {path} after {tries} tries{}{reason}). Wait a few minutes and try again.", retry_after.map(|d| format!(", asked to wait {} s", d.as_secs())).unwrap_or_default()),
                )
            } else {
                JiraError::new(
                    ErrorKind::Server,
                    format!("Jira at {host} is unavailable ({status} on {path} after {tries} tries). Check https://status.atlassian.com and try again later."),
                )
            });
        }
        // Jitter on Retry-After too (never earlier than asked): workers that were told
        // the same time must not come back in lockstep.
        Ok(Classified::RetryAfter(match retry_after {
            Some(d) => jittered(d),
            None => self.backoff(attempt),
        }))
    }

    /// The `missing_scope` error for a call to `path`: the scopes it needs, and where to
    /// get them.
    fn missing_scope(&self, path: &str) -> JiraError {
        let needs = match crate::requirements::scopes_of(path) {
            Some(c) if c.classic.is_empty() => format!(
                "{} takes no classic scope; it needs every granular scope of: {}.",
                c.call,
                c.granular.join(", ")
            ),
            Some(c) => format!(
                "{} needs the classic scope {}, or every granular scope of: {}.",
                c.call,
                c.classic.join(" or "),
                c.granular.join(", ")
            ),
            None => format!("{path} needs a scope the token does not have."),
        };
        JiraError::new(
            ErrorKind::MissingScope,
            format!(
                "The API token of {} has scopes, but not the ones this audit needs: {needs} {}",
                self.email,
                crate::requirements::SCOPES_HINT
            ),
        )
    }

    /// Exponential backoff with jitter: base x 2^attempt, capped, times 0.7 to 1.3.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .cfg
            .retry_base
            .saturating_mul(2u32.saturating_pow(attempt));
        let capped = exp.min(self.cfg.retry_cap);
        capped.mul_f64(rand::rng().random_range(0.7..=1.3))
    }

    fn transport_error(&self, path: &str, e: &reqwest::Error, attempt: u32) -> JiraError {
        let host = &self.host;
        let detail = error_chain(e);
        if e.is_timeout() {
            let secs = self.cfg.request_timeout.as_secs_f64();
            return JiraError::new(
                ErrorKind::Timeout,
                format!("{host} did not answer {path} within {secs:.0} s. Jira may be slow or a proxy may be holding the connection; try again later."),
            );
        }
        let lower = detail.to_ascii_lowercase();
        if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("rustls")
            || lower.contains("handshake")
        {
            return JiraError::new(
                ErrorKind::Tls,
                format!("the secure (TLS) connection to {host} failed: {detail}. A proxy that intercepts HTTPS needs its certificate installed in the system's trust store."),
            );
        }
        let retried = if attempt > 0 {
            format!(" after {} tries", attempt + 1)
        } else {
            String::new()
        };
        JiraError::new(
            ErrorKind::Network,
            format!("cannot reach {host}{retried}: {detail}. Check the Host URL, the network connection and any proxy settings."),
        )
    }
}

enum Classified {
    Done(Answer),
    RetryAfter(Duration),
}

/// What rejected credentials can mean, and the fix.
fn rejected_hint() -> String {
    format!("The API token is invalid, expired or revoked, or the email does not belong to it; or the account is deactivated (a deactivated account's API tokens stop working, and the site answers 401 as for a wrong token: reactivate it in Atlassian Administration, {}). Create a new token at {TOKEN_PAGE} and update the profile. An external account also needs its organisation to allow API token access for external users.", crate::requirements::ADMIN_HUB)
}

/// Atlassian: API token access for external users (the admin may block it).
const EXTERNAL_TOKENS_PAGE: &str = "https://support.atlassian.com/security-and-access-policies/docs/manage-api-token-access-for-external-users/";
/// Atlassian: authentication policies ("User API tokens" for managed users).
const AUTH_POLICIES_PAGE: &str =
    "https://support.atlassian.com/security-and-access-policies/docs/what-are-authentication-policies/";
/// Atlassian: IP allowlists for product access.
const IP_ALLOWLIST_PAGE: &str = "https://support.atlassian.com/security-and-access-policies/docs/specify-ip-addresses-for-product-access/";

/// Atlassian's answer to a blocked API token. Its exact text is not documented; the page
/// says "When an external user makes a call to a product API, we let them know an admin
/// blocked the token and to contact them to find out why" ([`EXTERNAL_TOKENS_PAGE`]), so
/// the words are matched loosely: "blocked" and "token".
fn is_token_blocked(said: &str) -> bool {
    let t = said.to_lowercase();
    t.contains("blocked") && t.contains("token")
}

/// A site's IP allowlist answer: "The IP address has been rejected because it is not on
/// the allowed list. See your admin for more information." ([`IP_ALLOWLIST_PAGE`] and
/// Atlassian's IP allowlist knowledge base).
fn is_ip_not_allowed(said: &str) -> bool {
    let t = said.to_lowercase();
    t.contains("ip address") && (t.contains("allowed list") || t.contains("allowlist"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let c = JiraClient::new(
            "https://acme.atlassian.net",
            "a@b.co",
            SecretString::from("ATATT-secret-debug-1234".to_owned()),
            ClientConfig::default(),
        )
        .unwrap();
        assert!(!format!("{c:?}").contains("secret-debug"));
    }

    #[test]
    fn blocked_tokens_and_ip_allowlists_are_told_by_their_words_only() {
        assert!(is_token_blocked(
            "API token access is blocked: an admin blocked this API token."
        ));
        assert!(is_token_blocked("Your API TOKEN was Blocked by your admin"));
        assert!(is_ip_not_allowed("The IP address has been rejected because it is not on the allowed list. See your admin for more information."));
        for plain in [
            "Client must be authenticated to access this resource.",
            "Unauthorized; scope does not match",
            "The user does not have valid license",
            "You do not have permission to view these issues.",
        ] {
            assert!(!is_token_blocked(plain), "{plain}");
            assert!(!is_ip_not_allowed(plain), "{plain}");
        }
    }

    #[test]
    fn backoff_stays_within_jitter_bounds() {
        let c = JiraClient::new(
            "https://acme.atlassian.net",
            "a@b.co",
            SecretString::from("x".repeat(20)),
            ClientConfig::default(),
        )
        .unwrap();
        for (attempt, base) in [(0, 5.0), (1, 10.0), (2, 20.0), (3, 30.0), (4, 30.0)] {
            for _ in 0..50 {
                let d = c.backoff(attempt).as_secs_f64();
                assert!(
                    d >= base * 0.7 - 1e-9 && d <= base * 1.3 + 1e-9,
                    "attempt {attempt}: {d}"
                );
            }
        }
    }
}
