//! The HTTP server: listener, the request pipeline (recording, latency, faults,
//! authentication, Jira's response headers) and the [`FakeJira`] handle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::body::{Body, HttpBody};
use axum::extract::connect_info::{ConnectInfo, Connected};
use axum::extract::{Request, State};
use axum::http::{header, request::Parts, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::serve::{IncomingStream, Listener};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

use crate::api;
use crate::catalog::{self, PermissionDef};
use crate::site::{Account, Fault, Project, Site};
use crate::util::{
    error_collection, json_response, rate_limit_reset, request_id, text_response, trace_id, JSON,
};

/// Bodies larger than this are recorded as empty (nothing legitimate comes close).
const MAX_BODY: usize = 16 * 1024 * 1024;

/// One request as the fake received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The raw `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The `User-Agent` header, if any.
    pub user_agent: Option<String>,
    /// The body as (lossy) UTF-8, if not empty.
    pub body: Option<String>,
}

/// Who a request is from, after checking its `Authorization` header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Auth {
    /// A scoped token through the gateway, for an operation outside its scopes.
    ScopeMismatch,
    /// No `Authorization` header.
    Anonymous,
    /// Credentials present but wrong (unknown email, wrong token, not Basic, garbage).
    Failed,
    /// The login's CAPTCHA is triggered: denied without checking the token.
    Captcha,
    /// Authenticated as `site.accounts[i]`.
    User(usize),
}

/// State shared by the pipeline and the handlers.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) site: Site,
    /// `http://127.0.0.1:PORT`, used in `self` links like Jira's site URL.
    pub(crate) base_url: String,
    /// The site's cloud id (`/_edge/tenant_info`), the key of the gateway prefix.
    pub(crate) cloud_id: String,
    /// The site's projects ordered by key (Jira's default `orderBy`).
    pub(crate) projects: Vec<Project>,
    /// Project id -> index in `projects`.
    by_id: HashMap<u64, usize>,
    /// Project id -> service desk id.
    pub(crate) desks: BTreeMap<u64, u64>,
    fault_hits: Mutex<Vec<usize>>,
    /// Bytes of `Fault::HugeBody` bodies handed to the connection so far.
    streamed: Arc<AtomicU64>,
    requests: Mutex<Vec<RecordedRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not take the fake down with it.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    fn new(site: Site, base_url: String) -> Self {
        let mut projects = site.projects.clone();
        projects.sort_by(|a, b| a.key.cmp(&b.key));
        let mut by_id: Vec<u64> = site.projects.iter().map(|p| p.id).collect();
        by_id.sort_unstable();
        // Service desks: the first `service_desks` projects by id, and every project of
        // type `service_desk`; desk ids follow project ids.
        let explicit: BTreeSet<u64> = site
            .projects
            .iter()
            .filter(|p| p.kind == "service_desk")
            .map(|p| p.id)
            .collect();
        let desks = by_id
            .iter()
            .enumerate()
            .filter(|(i, id)| *i < site.service_desks || explicit.contains(id))
            .zip(1..)
            .map(|((_, p), d)| (*p, d))
            .collect();
        let by_id = projects
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let fault_hits = Mutex::new(vec![0; site.faults.len()]);
        let seed = base_url
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        Shared {
            cloud_id: crate::api::uuid_for(seed),
            site,
            base_url,
            projects,
            by_id,
            desks,
            fault_hits,
            streamed: Arc::default(),
            requests: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    /// The authenticated account, if any.
    pub(crate) fn account(&self, auth: Auth) -> Option<&Account> {
        match auth {
            Auth::User(i) => self.site.accounts.get(i),
            _ => None,
        }
    }

    /// The project with this id, if it exists.
    pub(crate) fn project(&self, id: u64) -> Option<&Project> {
        self.by_id.get(&id).map(|i| &self.projects[*i])
    }

    /// A permission key as this site knows it (the catalogue minus `Site::unknown_key`s).
    pub(crate) fn known(&self, key: &str) -> Option<&'static PermissionDef> {
        catalog::lookup(key).filter(|d| !self.site.unknown_keys.contains(d.key))
    }

    /// Jira's browse rule: Administer Jira sees every project; otherwise a project is
    /// visible with Browse Projects or Administer Projects in it.
    pub(crate) fn can_see(&self, account: &Account, project: &Project) -> bool {
        account.global.contains("ADMINISTER")
            || self.holds(account, project, "BROWSE_PROJECTS")
            || self.holds(account, project, "ADMINISTER_PROJECTS")
    }

    /// Whether `account` holds the project permission `key` in `project`. Beyond the
    /// permission scheme (the account's grants): an account without Jira product access
    /// holds no project permission anywhere; a permission that does not exist in the
    /// project's type is never held (Manage Sprints outside software projects, Service
    /// Desk Agent outside service projects); and only a Jira Service Management user is
    /// an agent (a portal customer is not).
    pub(crate) fn holds(&self, account: &Account, project: &Project, key: &str) -> bool {
        account.has_jira_product()
            && catalog::exists_in(self.project_type(project), key)
            && (key != "SERVICEDESK_AGENT" || account.products.contains("jira-servicedesk"))
            && account.project_permissions(project.id).contains(key)
    }

    /// The project's `projectTypeKey`: `service_desk` for projects with a service desk,
    /// otherwise the project's own type.
    pub(crate) fn project_type(&self, project: &Project) -> &'static str {
        if self.desks.contains_key(&project.id) {
            "service_desk"
        } else {
            project.kind
        }
    }

    /// Jira's 401 for endpoints that need a logged-in user.
    pub(crate) fn unauthorized(&self) -> Response {
        let mut resp = text_response(
            StatusCode::UNAUTHORIZED,
            "text/plain;charset=UTF-8",
            "Client must be authenticated to access this resource.".to_owned(),
        );
        let realm =
            url::form_urlencoded::byte_serialize(self.base_url.as_bytes()).collect::<String>();
        if let Ok(v) = HeaderValue::from_str(&format!("OAuth realm=\"{realm}\"")) {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
        }
        resp
    }

    fn record(&self, parts: &Parts, body: &[u8]) {
        let header = |name: header::HeaderName| {
            parts
                .headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let recorded = RecordedRequest {
            method: parts.method.to_string(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            authorization: header(header::AUTHORIZATION),
            user_agent: header(header::USER_AGENT),
            body: (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned()),
        };
        tracing::debug!(method = %recorded.method, path = %recorded.path, query = ?recorded.query, "fake-jira request");
        lock(&self.requests).push(recorded);
    }

    /// Applies the first matching fault (after sleeping for any matching `Slow` ones).
    async fn fault_for(&self, path: &str, body: &[u8]) -> FaultAction {
        for (i, fault) in self.site.faults.iter().enumerate() {
            if !path.starts_with(fault.path()) {
                continue;
            }
            if let Fault::SlowBulkCheckOver { projects, delay } = fault {
                let asked = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| {
                        v.get("projectPermissions")?.as_array().map(|a| {
                            a.iter()
                                .filter_map(|p| p.get("projects")?.as_array().map(Vec::len))
                                .sum::<usize>()
                        })
                    })
                    .unwrap_or(0);
                if asked > *projects {
                    tokio::time::sleep(*delay).await;
                }
                continue;
            }
            if let Some(times) = fault.times() {
                let mut hits = lock(&self.fault_hits);
                if hits[i] >= times {
                    continue;
                }
                hits[i] += 1;
            }
            match fault {
                Fault::Slow { delay, .. } => tokio::time::sleep(*delay).await,
                Fault::RateLimited {
                    retry_after_secs, ..
                } => {
                    return FaultAction::Jira(rate_limited(*retry_after_secs));
                }
                Fault::Unavailable { .. } => {
                    return FaultAction::Jira(error_collection(
                        StatusCode::SERVICE_UNAVAILABLE,
                        &["Service Unavailable"],
                        &[],
                    ));
                }
                Fault::ServerError { .. } => {
                    return FaultAction::Jira(error_collection(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &["Internal server error"],
                        &[],
                    ));
                }
                Fault::HtmlPage { .. } => return FaultAction::Edge(html_page()),
                Fault::RedirectTo { location, .. } => {
                    let mut resp = Response::new(Body::empty());
                    *resp.status_mut() = StatusCode::FOUND;
                    if let Ok(v) = HeaderValue::from_str(location) {
                        resp.headers_mut().insert(header::LOCATION, v);
                    }
                    return FaultAction::Edge(resp);
                }
                Fault::ResetConnection { .. } => return FaultAction::Reset,
                Fault::RateLimitedUntilReset { reset_in_secs, .. } => {
                    let mut resp = rate_limited(None);
                    let at = crate::util::iso_seconds(
                        SystemTime::now() + Duration::from_secs(*reset_in_secs),
                    );
                    if let Ok(v) = HeaderValue::from_str(&at) {
                        resp.headers_mut()
                            .insert(HeaderName::from_static("x-ratelimit-reset"), v);
                    }
                    return FaultAction::Jira(resp);
                }
                Fault::SlowBulkCheckOver { .. } => {}
                Fault::EndlessProjects { total } => {
                    return FaultAction::Jira(endless_projects(&self.base_url, *total));
                }
                Fault::EndlessServiceDesks => {
                    return FaultAction::Jira(endless_desks(&self.base_url));
                }
                Fault::Answer {
                    status,
                    content_type,
                    body,
                    ..
                } => {
                    return FaultAction::Jira(text_response(
                        StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
                        content_type,
                        body.clone(),
                    ));
                }
                Fault::HugeBody { bytes, .. } => {
                    return FaultAction::Jira(huge_body(*bytes, self.streamed.clone()));
                }
            }
        }
        FaultAction::None
    }

    /// CAPTCHA triggered: Jira rejects the login outright.
    fn captcha_response(&self) -> Response {
        let mut resp = self.unauthorized();
        let reason = format!("CAPTCHA_CHALLENGE; login-url={}/login.jsp", self.base_url);
        if let Ok(v) = HeaderValue::from_str(&reason) {
            resp.headers_mut()
                .insert(HeaderName::from_static("x-authentication-denied-reason"), v);
        }
        resp
    }
}

/// The same page of 100 projects, whatever was asked, never the last.
fn endless_projects(base: &str, total: Option<u64>) -> Response {
    let values: Vec<serde_json::Value> = (0..100u64)
        .map(|i| {
            json!({
                "self": format!("{base}/rest/api/3/project/{}", 90_000 + i),
                "id": (90_000 + i).to_string(),
                "key": format!("LOOP{i}"),
                "name": format!("Loop {i}"),
                "projectTypeKey": "software",
                "simplified": false,
                "style": "classic",
            })
        })
        .collect();
    let mut page = json!({
        "self": format!("{base}/rest/api/3/project/search?startAt=0&maxResults=100"),
        "nextPage": format!("{base}/rest/api/3/project/search?startAt=0&maxResults=100"),
        "maxResults": 100,
        "startAt": 0,
        "isLast": false,
        "values": values,
    });
    if let Some(t) = total {
        page["total"] = json!(t);
    }
    json_response(StatusCode::OK, &page)
}

/// The same page of 100 service desks, whatever was asked, never the last.
fn endless_desks(base: &str) -> Response {
    let values: Vec<serde_json::Value> = (1..=100u64)
        .map(|d| json!({"id": d.to_string(), "projectId": (90_000 + d).to_string(), "projectKey": format!("LOOP{d}"), "projectName": format!("Loop {d}")}))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"size": 100, "start": 0, "limit": 100, "isLastPage": false, "_links": {"base": format!("{base}/rest/servicedeskapi")}, "values": values}),
    )
}

/// A JSON body of `bytes` bytes in 64 KiB chunks, counting what the connection pulls.
fn huge_body(bytes: u64, streamed: Arc<AtomicU64>) -> Response {
    const CHUNK: u64 = 64 * 1024;
    let head: &'static [u8] = b"{\"permissions\":{\"padding\":\"";
    let stream = futures::stream::unfold(0u64, move |sent| {
        let streamed = streamed.clone();
        async move {
            if sent >= bytes {
                return None;
            }
            let n = CHUNK.min(bytes - sent);
            let mut chunk = vec![b'x'; n as usize];
            if sent == 0 {
                let k = head.len().min(chunk.len());
                chunk[..k].copy_from_slice(&head[..k]);
            }
            streamed.fetch_add(n, Ordering::Relaxed);
            Some((Ok::<_, io::Error>(axum::body::Bytes::from(chunk)), sent + n))
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}

enum FaultAction {
    None,
    /// Answered by Jira itself: carries Jira's headers.
    Jira(Response),
    /// Answered by something in front of Jira (proxy, SSO portal): no Jira headers.
    Edge(Response),
    /// Drop the connection without an answer.
    Reset,
}

fn rate_limited(retry_after_secs: Option<u64>) -> Response {
    let mut resp = error_collection(
        StatusCode::TOO_MANY_REQUESTS,
        &["Rate limit exceeded."],
        &[],
    );
    let h = resp.headers_mut();
    h.insert(
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderValue::from_static("100"),
    );
    h.insert(
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderValue::from_static("0"),
    );
    h.insert(
        HeaderName::from_static("x-ratelimit-nearlimit"),
        HeaderValue::from_static("true"),
    );
    h.insert(
        HeaderName::from_static("ratelimit-reason"),
        HeaderValue::from_static("jira-burst-based"),
    );
    if let Some(secs) = retry_after_secs {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        let reset = rate_limit_reset(SystemTime::now() + Duration::from_secs(secs));
        if let Ok(v) = HeaderValue::from_str(&reset) {
            h.insert(HeaderName::from_static("x-ratelimit-reset"), v);
        }
    }
    resp
}

fn html_page() -> Response {
    let body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
        <title>Log in with Atlassian account</title></head>\
        <body><div id=\"root\"><h1>Log in to continue</h1>\
        <form method=\"post\" action=\"/login\"><input type=\"email\" name=\"username\">\
        <button type=\"submit\">Continue</button></form></div></body></html>\n";
    text_response(StatusCode::OK, "text/html;charset=UTF-8", body.to_owned())
}

/// Checks `Authorization: Basic base64(email:token)` against the site's accounts. A
/// classic token works on the site only, a scoped one through the gateway only, and
/// there only for operations within its scopes (`path` is the operation's path).
fn resolve_auth(site: &Site, headers: &HeaderMap, gateway: bool, path: &str) -> Auth {
    match resolve_login(site, headers) {
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
fn resolve_login(site: &Site, headers: &HeaderMap) -> Auth {
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
        Some(i) if site.accounts[i].token == token => Auth::User(i),
        _ => Auth::Failed,
    }
}

/// Counts a request as in flight for as long as it lives.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs around every request: record, delay, faults, authentication, headers.
async fn pipeline(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let (mut parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .unwrap_or_default();
    shared.record(&parts, &bytes);
    if !shared.site.latency.is_zero() {
        tokio::time::sleep(shared.site.latency).await;
    }
    if shared.site.recorder {
        return json_response(StatusCode::OK, &json!({}));
    }

    // Atlassian's API gateway: `/ex/jira/{cloudId}/rest/...` reaches the site whose cloud
    // id that is (the router strips the prefix); anything else there is not found.
    let full_path = parts.uri.path().to_owned();
    let (gateway, path) = match full_path.strip_prefix("/ex/jira/") {
        Some(rest) => {
            let (cloud, tail) = rest.split_once('/').unwrap_or((rest, ""));
            if cloud != shared.cloud_id {
                return crate::util::error_collection(
                    StatusCode::NOT_FOUND,
                    &["Site not found"],
                    &[],
                );
            }
            (true, format!("/{tail}"))
        }
        None => (false, full_path.clone()),
    };
    let auth = resolve_auth(&shared.site, &parts.headers, gateway, &path);
    if auth == Auth::ScopeMismatch {
        // The gateway's own answer (Atlassian's text, with no Jira headers).
        return text_response(
            StatusCode::UNAUTHORIZED,
            "text/plain;charset=UTF-8",
            "Unauthorized; scope does not match".to_owned(),
        );
    }
    let mut resp = match shared.fault_for(&path, &bytes).await {
        FaultAction::None if auth == Auth::Captcha => shared.captcha_response(),
        FaultAction::None => {
            parts.extensions.insert(auth);
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        FaultAction::Jira(resp) => resp,
        FaultAction::Edge(resp) => return resp,
        FaultAction::Reset => {
            if let Some(ConnectInfo(conn)) = parts.extensions.get::<ConnectInfo<ConnMeta>>() {
                conn.kill.store(true, Ordering::SeqCst);
            }
            // Never written: the connection's IO now fails, and hyper drops it.
            return Response::new(Body::empty());
        }
    };
    decorate(&shared, &mut resp, auth, &path);
    resp
}

/// Headers Jira Cloud puts on every response.
fn decorate(shared: &Shared, resp: &mut Response, auth: Auth, path: &str) {
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
        Auth::ScopeMismatch => {}
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
}

fn router(shared: Arc<Shared>) -> Router {
    let site = api_routes();
    Router::new()
        .merge(site.clone())
        .nest("/ex/jira/{cloud_id}", site)
        .route("/_edge/tenant_info", get(api::tenant_info))
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

/// A TCP listener whose connections can be killed from a handler (`Fault::ResetConnection`).
struct KillableListener(TcpListener);

impl Listener for KillableListener {
    type Io = KillableIo;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.0).await;
        (
            KillableIo {
                stream,
                kill: Arc::new(AtomicBool::new(false)),
            },
            addr,
        )
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Listener::local_addr(&self.0)
    }
}

/// A connection that fails every read and write once `kill` is set. With a zero linger
/// the socket is then reset (RST) when hyper drops it, so the client sees the connection
/// die with no answer.
struct KillableIo {
    stream: TcpStream,
    kill: Arc<AtomicBool>,
}

impl KillableIo {
    fn killed(&self) -> Option<io::Error> {
        if self.kill.load(Ordering::SeqCst) {
            let _ = self.stream.set_zero_linger();
            Some(io::Error::from(io::ErrorKind::ConnectionReset))
        } else {
            None
        }
    }
}

impl AsyncRead for KillableIo {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.killed() {
            Some(e) => Poll::Ready(Err(e)),
            None => Pin::new(&mut this.stream).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for KillableIo {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.killed() {
            Some(e) => Poll::Ready(Err(e)),
            None => Pin::new(&mut this.stream).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.killed() {
            Some(e) => Poll::Ready(Err(e)),
            None => Pin::new(&mut this.stream).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match this.killed() {
            Some(e) => Poll::Ready(Err(e)),
            None => Pin::new(&mut this.stream).poll_shutdown(cx),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        match this.killed() {
            Some(e) => Poll::Ready(Err(e)),
            None => Pin::new(&mut this.stream).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Per-connection data handed to the pipeline: the connection's kill switch.
#[derive(Clone, Debug)]
struct ConnMeta {
    kill: Arc<AtomicBool>,
}

impl Connected<IncomingStream<'_, KillableListener>> for ConnMeta {
    fn connect_info(stream: IncomingStream<'_, KillableListener>) -> Self {
        ConnMeta {
            kill: stream.io().kill.clone(),
        }
    }
}
