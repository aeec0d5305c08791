//! The state a running fake shares between the pipeline and the handlers: the site and
//! its derived indexes ([`Shared`]), who a request is from ([`Auth`]), and the record of
//! the requests received ([`RecordedRequest`]).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::http::{header, request::Parts, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use crate::catalog::{self, PermissionDef};
use crate::site::{Account, Project, Site, PROJECT_TYPE_SERVICE_DESK};
use crate::util::text_response;

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
    /// When the request arrived.
    pub received: Instant,
    /// When its answer's head was ready (`None` while it is being served, or when the
    /// connection was dropped).
    pub answered: Option<Instant>,
    /// The answer's status (`None` as for `answered`).
    pub status: Option<u16>,
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
    /// The right token, but an admin blocked the account's API tokens.
    Blocked,
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
    pub(crate) fault_hits: Mutex<Vec<usize>>,
    /// Bytes of `Fault::HugeBody` bodies handed to the connection so far.
    pub(crate) streamed: Arc<AtomicU64>,
    pub(crate) requests: Mutex<Vec<RecordedRequest>>,
    pub(crate) in_flight: AtomicUsize,
    pub(crate) max_in_flight: AtomicUsize,
    /// An answer said `X-RateLimit-NearLimit: true` (`Site::rate_limit_headers`).
    pub(crate) near_limit_sent: AtomicBool,
    /// The most requests in flight at once counted when a request arrived after that.
    pub(crate) max_in_flight_near_limit: AtomicUsize,
    /// Requests that reached the pipeline since the start (never reset).
    pub(crate) arrivals: AtomicUsize,
    /// Ids of the organisation's tokens revoked while the fake runs.
    pub(crate) revoked: Mutex<BTreeSet<String>>,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not take the fake down with it.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(site: Site, base_url: String) -> Self {
        let mut projects = site.projects.clone();
        projects.sort_by(|a, b| a.key.cmp(&b.key));
        let mut by_id: Vec<u64> = site.projects.iter().map(|p| p.id).collect();
        by_id.sort_unstable();
        // Service desks: the first `service_desks` projects by id, and every project of
        // type `service_desk`; desk ids follow project ids.
        let explicit: BTreeSet<u64> = site
            .projects
            .iter()
            .filter(|p| p.kind == PROJECT_TYPE_SERVICE_DESK)
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
            cloud_id: uuid_for(seed),
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
            near_limit_sent: AtomicBool::new(false),
            max_in_flight_near_limit: AtomicUsize::new(0),
            arrivals: AtomicUsize::new(0),
            revoked: Mutex::new(BTreeSet::new()),
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
            PROJECT_TYPE_SERVICE_DESK
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

    /// Records a request; answers its index in the record and its arrival time (for
    /// [`Self::answered`]).
    pub(crate) fn record(&self, parts: &Parts, body: &[u8]) -> (usize, Instant) {
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
            received: Instant::now(),
            answered: None,
            status: None,
        };
        tracing::debug!(method = %recorded.method, path = %recorded.path, query = ?recorded.query, "fake-jira request");
        let received = recorded.received;
        let mut requests = lock(&self.requests);
        requests.push(recorded);
        (requests.len() - 1, received)
    }

    /// Notes when the request recorded at `index` got its answer.
    pub(crate) fn answered(&self, index: usize, received: Instant, status: StatusCode) {
        let mut requests = lock(&self.requests);
        // `reset_stats` may have cleared the record meanwhile: match on the arrival time.
        if let Some(r) = requests.get_mut(index).filter(|r| r.received == received) {
            r.answered = Some(Instant::now());
            r.status = Some(status.as_u16());
        }
    }

    /// The 401 of a blocked API token ([`crate::site::TOKEN_BLOCKED`], a model).
    pub(crate) fn blocked_response(&self) -> Response {
        crate::util::error_collection(StatusCode::UNAUTHORIZED, &[crate::site::TOKEN_BLOCKED], &[])
    }

    /// CAPTCHA triggered: Jira rejects the login outright.
    pub(crate) fn captcha_response(&self) -> Response {
        let mut resp = self.unauthorized();
        let reason = format!("CAPTCHA_CHALLENGE; login-url={}/login.jsp", self.base_url);
        if let Ok(v) = HeaderValue::from_str(&reason) {
            resp.headers_mut()
                .insert(HeaderName::from_static("x-authentication-denied-reason"), v);
        }
        resp
    }
}

/// A stable UUID-shaped id for team-managed projects and the cloud id.
pub(crate) fn uuid_for(n: u64) -> String {
    let h = format!(
        "{:016x}{:016x}",
        n.wrapping_mul(0x9e37_79b9_7f4a_7c15),
        n ^ 0x5bd1_e995_0000_0000
    );
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}
