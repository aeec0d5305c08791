//! The HTTP server: the request pipeline (recording, latency, faults, authentication,
//! Jira's response headers), the routes and the [`FakeJira`] handle.

use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

use crate::api;
use crate::catalog;
use crate::faults::FaultAction;
use crate::listener::{ConnMeta, KillableListener};
use crate::site::Site;
use crate::state::{lock, Auth, RecordedRequest, Shared};
use crate::util::{json_response, request_id, text_response, trace_id, JSON};

/// Bodies larger than this are recorded as empty (nothing legitimate comes close).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// Checks `Authorization: Basic base64(email:token)` against the site's accounts. A
/// classic token works on the site only, a scoped one through the gateway only, and
/// there only for operations within its scopes (`path` is the operation's path).
fn resolve_auth(shared: &Shared, headers: &HeaderMap, gateway: bool, path: &str) -> Auth {
    let site = &shared.site;
    match resolve_login(shared, headers) {
        Auth::User(i) => match (&site.accounts[i].token_scopes, gateway) {
            (None, false) => Auth::User(i),
            (Some(scopes), true) if catalog::scopes_allow(path, scopes) => Auth::User(i),
            (Some(_), true) => Auth::ScopeMismatch,
            _ => Auth::Failed,
        },
        other => other,
    }
}

/// Who the credentials belong to, before the token's kind is considered.
fn resolve_login(shared: &Shared, headers: &HeaderMap) -> Auth {
    let site = &shared.site;
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Auth::Anonymous;
    };
    let Some((scheme, credentials)) = value.to_str().ok().and_then(|v| v.trim().split_once(' '))
    else {
        return Auth::Failed;
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Auth::Failed;
    }
    let decoded = BASE64
        .decode(credentials.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    let Some((email, token)) = decoded.as_deref().and_then(|d| d.split_once(':')) else {
        return Auth::Failed;
    };
    match site
        .accounts
        .iter()
        .position(|a| a.email.eq_ignore_ascii_case(email))
    {
        // CAPTCHA rejects the login "without even checking the password".
        Some(i) if site.accounts[i].captcha => Auth::Captcha,
        // A revoked token (Atlassian Administration) no longer authenticates.
        Some(_) if crate::org::is_revoked(shared, token) => Auth::Failed,
        // Blocked by an admin: the token is right, and still refused (with a text).
        Some(i)
            if site.accounts[i].token_blocked
                && (site.accounts[i].token == token
                    || site.accounts[i].other_tokens.iter().any(|t| t == token)) =>
        {
            Auth::Blocked
        }
        Some(i) if site.accounts[i].token == token => Auth::User(i),
        Some(i) if site.accounts[i].other_tokens.iter().any(|t| t == token) => Auth::User(i),
        _ => Auth::Failed,
    }
}

/// Counts a request as in flight for as long as it lives.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    /// Enters, answering how many requests are in flight now (this one included).
    fn enter(shared: &'a Shared) -> (Self, usize) {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        (InFlight(shared), now)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs around every request: record (with its arrival and answer times), then
/// [`serve`].
async fn pipeline(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (_in_flight, now) = InFlight::enter(&shared);
    let number = shared.arrivals.fetch_add(1, Ordering::SeqCst) + 1;
    if shared.near_limit_sent.load(Ordering::SeqCst) {
        shared
            .max_in_flight_near_limit
            .fetch_max(now, Ordering::SeqCst);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    let (index, received) = shared.record(&parts, &bytes);
    let (resp, answered) = serve(&shared, parts, bytes, next, number).await;
    if answered {
        shared.answered(index, received, resp.status());
    }
    resp
}

/// Delay, faults, authentication, headers; `false` when the connection is dropped
/// instead of answered.
async fn serve(
    shared: &Shared,
    mut parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    next: Next,
    number: usize,
) -> (Response, bool) {
    if !shared.site.latency.is_zero() {
        tokio::time::sleep(shared.site.latency).await;
    }
    if shared.site.recorder {
        return (json_response(StatusCode::OK, &json!({})), true);
    }

    // Atlassian's API gateway: `/ex/jira/{cloudId}/rest/...` reaches the site whose cloud
    // id that is (the router strips the prefix); anything else there is not found.
    let full_path = parts.uri.path().to_owned();
    let (gateway, path) = match full_path.strip_prefix("/ex/jira/") {
        Some(rest) => {
            let (cloud, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if cloud != shared.cloud_id {
                return (
                    crate::util::error_collection(StatusCode::NOT_FOUND, &["Site not found"], &[]),
                    true,
                );
            }
            (true, format!("/{tail}"))
        }
        None => (false, full_path.clone()),
    };
    if shared.site.ip_not_allowed && path != "/_edge/tenant_info" {
        // The allowlist is checked before the credentials.
        let mut resp = crate::util::error_collection(
            StatusCode::FORBIDDEN,
            &[crate::site::IP_NOT_ALLOWED],
            &[],
        );
        decorate(shared, &mut resp, Auth::Anonymous, &path, number);
        return (resp, true);
    }
    let auth = resolve_auth(shared, &parts.headers, gateway, &path);
    if auth == Auth::ScopeMismatch {
        // The gateway's own answer (Atlassian's text, with no Jira headers).
        return (
            text_response(
                StatusCode::UNAUTHORIZED,
                "text/plain;charset=UTF-8",
                "Unauthorized; scope does not match".to_owned(),
            ),
            true,
        );
    }
    if auth == Auth::Blocked {
        let mut resp = shared.blocked_response();
        decorate(shared, &mut resp, auth, &path, number);
        return (resp, true);
    }
    let mut resp = match shared.fault_for(&path, parts.uri.query(), &bytes).await {
        FaultAction::None if auth == Auth::Captcha => shared.captcha_response(),
        FaultAction::None => {
            parts.extensions.insert(auth);
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        FaultAction::Jira(resp) => resp,
        FaultAction::Edge(resp) => return (resp, true),
        FaultAction::Reset => {
            if let Some(ConnectInfo(conn)) = parts.extensions.get::<ConnectInfo<ConnMeta>>() {
                conn.kill.store(true, Ordering::SeqCst);
            }
            // Never written: the connection's IO now fails, and hyper drops it.
            return (Response::new(Body::empty()), false);
        }
    };
    decorate(shared, &mut resp, auth, &path, number);
    (resp, true)
}

/// Headers Jira Cloud puts on every response; `number` is the request's arrival number
/// (from 1), for `Site::rate_limit_headers`.
fn decorate(shared: &Shared, resp: &mut Response, auth: Auth, path: &str, number: usize) {
    let product_api = path.starts_with("/rest/agile/") || path.starts_with("/rest/servicedeskapi/");
    let account_header = !(product_api && shared.site.product_apis_without_account_header);
    let empty_body = resp.body().size_hint().exact() == Some(0);
    let h = resp.headers_mut();
    let put = |h: &mut HeaderMap, name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    put(h, "x-arequestid", &request_id());
    put(h, "atl-traceid", &trace_id());
    match auth {
        Auth::User(_) => {
            if let Some(a) = shared.account(auth).filter(|_| account_header) {
                put(h, "x-aaccountid", &a.account_id);
            }
            put(h, "x-seraph-loginreason", "OK");
        }
        Auth::ScopeMismatch | Auth::Blocked => {}
        // The silent downgrade: the only trace of bad credentials on a 200.
        Auth::Failed => put(h, "x-seraph-loginreason", "AUTHENTICATED_FAILED"),
        Auth::Captcha => put(h, "x-seraph-loginreason", "AUTHENTICATION_DENIED"),
        Auth::Anonymous => {}
    }
    if !empty_body && !h.contains_key(header::CONTENT_TYPE) {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache, no-store, no-transform"));
    h.insert(header::SERVER, HeaderValue::from_static("AtlassianEdge"));
    if let Some(after) = shared.site.near_limit_after {
        rate_limit_headers(shared, h, number, after);
    }
}

/// The rate-limit headers of Atlassian's 2026 guide
/// (https://developer.atlassian.com/cloud/jira/platform/rate-limiting/): the IETF-style
/// `RateLimit` / `RateLimit-Policy` pair for the burst limit, the `Beta-` pair for the
/// points quota, and near the limit the `NearLimit` flags and `Beta-Retry-After`.
fn rate_limit_headers(shared: &Shared, h: &mut HeaderMap, number: usize, after: usize) {
    let put = |h: &mut HeaderMap, name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    let burst = 100usize;
    let left = burst.saturating_sub(number);
    put(
        h,
        "ratelimit-policy",
        format!("\"jira-burst-based\";q={burst};w=1"),
    );
    put(h, "ratelimit", format!("\"jira-burst-based\";r={left};t=1"));
    put(
        h,
        "beta-ratelimit-policy",
        "\"tenant-app-quota\";q=100100;w=3600".to_owned(),
    );
    put(
        h,
        "beta-ratelimit",
        format!(
            "\"tenant-app-quota\";r={};t=2107",
            100_100usize.saturating_sub(number)
        ),
    );
    if number > after {
        put(h, "x-ratelimit-nearlimit", "true".to_owned());
        put(h, "x-beta-ratelimit-nearlimit", "true".to_owned());
        put(h, "beta-retry-after", "1".to_owned());
        shared.near_limit_sent.store(true, Ordering::SeqCst);
    }
}

fn router(shared: Arc<Shared>) -> Router {
    let site = api_routes();
    Router::new()
        .merge(site.clone())
        .nest("/ex/jira/{cloud_id}", site)
        .route("/_edge/tenant_info", get(api::tenant_info))
        // Atlassian Administration, under the gateway's paths.
        .route(
            "/admin/api-access/v1/orgs/{org_id}/api-tokens",
            get(crate::org::api_tokens),
        )
        .route("/admin/v1/orgs/{org_id}/domains", get(crate::org::domains))
        .route(
            "/users/{account_id}/manage/api-tokens/{token_id}",
            axum::routing::delete(crate::org::revoke),
        )
        .fallback(api::not_found)
        .layer(from_fn_with_state(shared.clone(), pipeline))
        .with_state(shared)
}

/// The Jira REST API, served on the site and under the gateway prefix.
fn api_routes() -> Router<Arc<Shared>> {
    let mut r = Router::new();
    // The platform API answers the same shapes on v2 and v3 for these endpoints.
    for v in ["2", "3"] {
        r = r
            .route(&format!("/rest/api/{v}/myself"), get(api::myself))
            .route(&format!("/rest/api/{v}/serverInfo"), get(api::server_info))
            .route(
                &format!("/rest/api/{v}/permissions"),
                get(api::all_permissions),
            )
            .route(
                &format!("/rest/api/{v}/permissions/check"),
                post(api::check_permissions),
            )
            .route(
                &format!("/rest/api/{v}/mypermissions"),
                get(api::my_permissions),
            )
            .route(
                &format!("/rest/api/{v}/project/search"),
                get(api::project_search),
            );
    }
    r.route("/rest/servicedeskapi/servicedesk", get(api::service_desks))
        .route("/rest/agile/1.0/board", get(api::boards))
}

/// A running fake Jira Cloud site. Dropping it stops the server.
pub struct FakeJira {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
}

impl fmt::Debug for FakeJira {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeJira")
            .field("url", &self.shared.base_url)
            .field("request_count", &self.request_count())
            .finish_non_exhaustive()
    }
}

impl FakeJira {
    /// Serves `site` on `127.0.0.1` at a random port, on a tokio task.
    pub async fn start(site: Site) -> io::Result<FakeJira> {
        Self::start_on(site, SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Serves `site` on `addr` (port 0: a random port), on a tokio task.
    pub async fn start_on(site: Site, addr: SocketAddr) -> io::Result<FakeJira> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let host = match local.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        let base_url = format!("http://{}", SocketAddr::new(host, local.port()));
        let shared = Arc::new(Shared::new(site, base_url));
        let app = router(shared.clone()).into_make_service_with_connect_info::<ConnMeta>();
        let (tx, rx) = oneshot::channel::<()>();
        tokio::spawn(async move {
            let stop = async {
                let _ = rx.await;
            };
            if let Err(e) = axum::serve(KillableListener(listener), app)
                .with_graceful_shutdown(stop)
                .await
            {
                tracing::warn!("fake-jira server stopped: {e}");
            }
        });
        Ok(FakeJira {
            shared,
            addr: local,
            shutdown: Some(tx),
        })
    }

    /// The base URL, `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site being served.
    pub fn site(&self) -> &Site {
        &self.shared.site
    }

    /// Every request received since the start (or the last [`FakeJira::reset_stats`]),
    /// in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// The requests whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<RecordedRequest> {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Bytes of `Fault::HugeBody` bodies the clients pulled so far.
    pub fn bytes_streamed(&self) -> u64 {
        self.shared.streamed.load(Ordering::Relaxed)
    }

    /// How many requests were received.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// The highest number of requests that were being served at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }

    /// The most requests in flight at once, counted as each request arrived after an
    /// answer said the rate limit is near (`Site::rate_limit_headers`); 0 when none
    /// arrived after that.
    pub fn max_in_flight_near_limit(&self) -> usize {
        self.shared.max_in_flight_near_limit.load(Ordering::SeqCst)
    }

    /// Stops this site and serves `site` at the same address: the site changed between
    /// two visits (a permission removed, a space created, a token revoked), as it does
    /// between two health checks. Waits (at most 5 s) for the old listener to close.
    pub async fn replace(self, site: Site) -> io::Result<FakeJira> {
        let addr = self.addr;
        drop(self);
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            match Self::start_on(site.clone(), addr).await {
                Ok(fake) => return Ok(fake),
                Err(e)
                    if e.kind() == io::ErrorKind::AddrInUse
                        && tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Forgets recorded requests and the in-flight high-water mark. Fault counters keep
    /// counting.
    pub fn reset_stats(&self) {
        lock(&self.shared.requests).clear();
        let now = self.shared.in_flight.load(Ordering::SeqCst);
        self.shared.max_in_flight.store(now, Ordering::SeqCst);
    }
}

impl Drop for FakeJira {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A second origin for redirect tests: answers `200 {}` on every path (any method) and
/// records requests, so a test can prove a redirect never carried `Authorization` there.
pub async fn start_recorder() -> io::Result<FakeJira> {
    let mut site = Site::new();
    site.recorder = true;
    FakeJira::start(site).await
}
