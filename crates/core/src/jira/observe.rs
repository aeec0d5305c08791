//! The permission audit's network half: what the account can really do in Jira,
//! gathered with as few requests as possible ([`run`]); the verdicts are computed by the
//! pure [`evaluate`], the report's shape is in [`super::report`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use futures::{StreamExt, TryStreamExt};
use secrecy::SecretString;

use super::client::{ClientConfig, ErrorKind, JiraClient, JiraError};
use super::dto::{
    AllPermissions, BulkCheckRequest, BulkCheckResponse, BulkProjectPermissions, ProjectDto,
    ProjectPage, ServiceDeskPage,
};
pub use super::evaluate::{evaluate, resolve_keys, Observed};
use super::report::*;
use crate::clock::Clock;
use crate::model::{Application, TokenKind};
use crate::requirements::{Scope, ADVICE, REQUIREMENTS};

/// Largest page Jira serves for project search.
pub const PROJECT_PAGE_SIZE: u64 = 100;
/// The most projects an audit lists; a site claiming more fails as `invalid_response`.
pub const MAX_PROJECTS: usize = 50_000;
/// The most pages an audit requests from one paged endpoint: enough for
/// [`MAX_PROJECTS`] in pages of 50 (Jira's default page size) with room to spare.
pub const MAX_PAGES: usize = MAX_PROJECTS / 50 + 10;
/// The most permission keys a site may list in `GET /permissions` (Jira knows ~60).
pub const MAX_PERMISSION_KEYS: usize = 10_000;
/// Most project ids `permissions/check` accepts in one request.
pub const BULK_CHECK_MAX_PROJECTS: usize = 1000;
/// The most text an audit keeps from the spaces it lists (ids, keys, names, types): with
/// every text cut to its limit while parsing, this bounds what the report, its file and
/// the UI hold, whatever the site sends. 50,000 spaces of real sites keep a few MiB.
pub const MAX_KEPT_TEXT: usize = 16 * 1024 * 1024;

/// What to audit.
#[derive(Debug, Clone)]
pub struct AuditInput {
    pub host: String,
    pub email: String,
    pub token: SecretString,
    pub application: Application,
    pub purpose: AuditPurpose,
    /// Where the token worked last time (the site when unknown).
    pub token_kind: Option<TokenKind>,
}

/// Runs the audit against Jira: credentials first, then permissions, projects, and the
/// bulk permission check, reporting progress. Dropping the future cancels it.
pub async fn run(
    input: AuditInput,
    cfg: ClientConfig,
    clock: &dyn Clock,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<AuditReport, JiraError> {
    let deadline = cfg.deadline;
    let host = input.host.clone();
    match tokio::time::timeout(deadline, run_unbounded(input, cfg, clock, progress)).await {
        Ok(result) => result,
        Err(_) => Err(JiraError::new(
            ErrorKind::Timeout,
            format!(
                "the audit of {host} did not finish within {} s (its deadline); Jira may be very slow or rate-limiting. Try again later, or raise the deadline.",
                deadline.as_secs()
            ),
        )),
    }
}

async fn run_unbounded(
    input: AuditInput,
    cfg: ClientConfig,
    clock: &dyn Clock,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<AuditReport, JiraError> {
    let started = Instant::now();
    let in_flight = cfg.max_in_flight.max(1);
    let client = JiraClient::new(&input.host, &input.email, input.token.clone(), cfg)?;
    progress(Progress::Credentials);
    let myself = client.identify(input.token_kind).await?;

    let (known, projects, archived, software, desks) = futures::try_join!(
        known_permissions(&client),
        all_projects(&client, in_flight, progress),
        archived_projects(&client),
        software_access(&client),
        service_desks(&client, input.application),
    )?;
    let (software_status, mut extra_warnings) = software;
    let software_access = software_status.is_none();
    let (service_desks, desk_warning) = desks;
    extra_warnings.extend(desk_warning);

    let (resolved, _) = resolve_keys(&known, input.application);
    let global_keys: Vec<String> = REQUIREMENTS
        .iter()
        .filter(|r| r.scope == Scope::Global && input.purpose.covers(r))
        .filter_map(|r| resolved.get(r.key).cloned())
        .collect();
    let mut project_keys: Vec<String> = REQUIREMENTS
        .iter()
        .filter(|r| {
            r.scope == Scope::Project && input.purpose.covers(r) && r.applies_to(input.application)
        })
        .filter_map(|r| resolved.get(r.key).cloned())
        .collect();
    // Advice (restore: Set Issue Security) rides along in the same bulk check.
    for advice in ADVICE {
        if input.purpose.covers_purpose(advice.purpose) && known.contains_key(advice.key) {
            project_keys.push(advice.key.to_owned());
        }
    }
    let ids: Vec<u64> = projects
        .iter()
        .map(|p| {
            p.id.parse::<u64>().map_err(|_| {
                JiraError::new(
                    ErrorKind::InvalidResponse,
                    format!(
                        "Jira at {} listed a space with a non-numeric id \"{}\"",
                        client.host(),
                        crate::text::from_server(&p.id, 40)
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    let (global_granted, project_granted) = check_permissions(
        &client,
        &global_keys,
        &project_keys,
        &ids,
        in_flight,
        progress,
    )
    .await?;

    let observed = Observed {
        host: client.host().to_owned(),
        profile_email: input.email.clone(),
        application: input.application,
        purpose: input.purpose,
        token_kind: client.token_kind(),
        myself,
        known,
        projects,
        archived,
        global_granted,
        project_granted,
        software_access,
        software_denied: software_status,
        service_desks,
        extra_warnings,
    };
    let report = evaluate(
        observed,
        client.request_count(),
        started.elapsed().as_millis() as u64,
        clock.now(),
    );
    progress(Progress::Done);
    tracing::info!(host = %report.host, ok = report.ok, projects = report.projects.len(), requests = report.requests, ms = report.duration_ms, "audit finished");
    Ok(report)
}

async fn known_permissions(
    client: &JiraClient,
) -> Result<BTreeMap<String, (String, Option<String>)>, JiraError> {
    let all: AllPermissions = client.get_json("/rest/api/3/permissions", &[]).await?;
    if all.permissions.len() > MAX_PERMISSION_KEYS {
        return Err(invalid(
            client,
            format!(
                "listed {} permissions; Jira knows about 60. The Host URL may not be a Jira Cloud site.",
                all.permissions.len()
            ),
        ));
    }
    Ok(all
        .permissions
        .into_iter()
        .map(|(k, v)| {
            let key = v.key.unwrap_or_else(|| k.clone());
            (key, (v.kind.unwrap_or_default(), v.name))
        })
        .collect())
}

fn page_is_last(p: &ProjectPage) -> bool {
    p.is_last
        .unwrap_or((p.values.len() as u64) < p.max_results.max(1))
}

async fn project_page(client: &JiraClient, start_at: u64) -> Result<ProjectPage, JiraError> {
    client
        .get_json(
            "/rest/api/3/project/search",
            &[
                ("startAt", start_at.to_string()),
                ("maxResults", PROJECT_PAGE_SIZE.to_string()),
            ],
        )
        .await
}

fn invalid(client: &JiraClient, message: impl std::fmt::Display) -> JiraError {
    JiraError::new(
        ErrorKind::InvalidResponse,
        format!("Jira at {} {message}", client.host()),
    )
}

/// Collects the projects of each page, enforcing the caps: at most [`MAX_PROJECTS`]
/// projects and [`MAX_PAGES`] pages, and every page that is not the last must bring a
/// project not seen before (a server repeating a page is refused, not followed).
struct ProjectPages<'a> {
    client: &'a JiraClient,
    by_id: BTreeMap<String, ProjectDto>,
    pages: usize,
    /// Bytes of text kept so far (see [`MAX_KEPT_TEXT`]).
    kept: usize,
}

impl ProjectPages<'_> {
    fn add(&mut self, start_at: u64, page: ProjectPage) -> Result<(), JiraError> {
        self.pages += 1;
        if self.pages > MAX_PAGES {
            return Err(invalid(self.client, format!("kept sending space pages past {MAX_PAGES}; ConnKeeper stops there (at most {MAX_PROJECTS} spaces, 100 a page).")));
        }
        let last = page_is_last(&page);
        let before = self.by_id.len();
        self.kept += page
            .values
            .iter()
            .map(ProjectDto::kept_bytes)
            .sum::<usize>();
        if self.kept > MAX_KEPT_TEXT {
            return Err(invalid(self.client, format!("sent more than {} MiB of space names and keys; no Jira site has that much, so ConnKeeper stops there.", MAX_KEPT_TEXT >> 20)));
        }
        self.by_id
            .extend(page.values.into_iter().map(|p| (p.id.clone(), p)));
        if self.by_id.len() > MAX_PROJECTS {
            return Err(invalid(self.client, format!("listed more than {MAX_PROJECTS} spaces; ConnKeeper audits at most {MAX_PROJECTS}. Audit with an account that sees fewer spaces, or contact support.")));
        }
        if !last && self.by_id.len() == before {
            return Err(invalid(self.client, format!("answered the space page at startAt={start_at} with no new space although more were announced; the site repeats itself, so the list cannot be trusted.")));
        }
        Ok(())
    }
}

/// A page claiming more spaces than an audit lists is refused at once, by the live and
/// the archived listing alike (they run side by side: either may meet it first).
fn refuse_huge_claims(client: &JiraClient, page: &ProjectPage) -> Result<(), JiraError> {
    match page.total.filter(|t| *t > MAX_PROJECTS as u64) {
        Some(total) => Err(invalid(client, format!("claims {total} spaces; ConnKeeper audits at most {MAX_PROJECTS}. The Host URL may not be a Jira Cloud site."))),
        None => Ok(()),
    }
}

/// Every project the account can see. The first page's `total` is used as a hint to
/// fetch the following pages concurrently; paging then continues until `isLast`, so a
/// wrong `total` never loses projects. The next `startAt` is always computed here from
/// what arrived, never taken from the server, and every loop is capped.
async fn all_projects(
    client: &JiraClient,
    in_flight: usize,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Vec<ProjectDto>, JiraError> {
    let first = project_page(client, 0).await?;
    refuse_huge_claims(client, &first)?;
    let step = (first.values.len() as u64).max(1);
    let hint = first.total.map(|t| t as usize);
    let mut done = page_is_last(&first);
    let mut next_start = first.values.len() as u64;
    let mut pages = ProjectPages {
        client,
        by_id: BTreeMap::new(),
        pages: 0,
        kept: 0,
    };
    pages.add(0, first)?;
    progress(Progress::Projects {
        scanned: pages.by_id.len(),
        total: hint,
    });

    if !done {
        if let Some(total) = hint {
            let starts: Vec<u64> = (1..)
                .map(|i| i * step)
                .take_while(|s| *s < total as u64)
                .take(MAX_PAGES)
                .collect();
            let mut stream = futures::stream::iter(starts)
                .map(|s| async move { project_page(client, s).await.map(|p| (s, p)) })
                .buffered(in_flight);
            while let Some((start, page)) = stream.try_next().await? {
                let len = page.values.len() as u64;
                done = page_is_last(&page);
                pages.add(start, page)?;
                next_start = start + len;
                progress(Progress::Projects {
                    scanned: pages.by_id.len(),
                    total: hint,
                });
                if done || len == 0 {
                    break;
                }
            }
        }
    }
    while !done {
        let page = project_page(client, next_start).await?;
        let len = page.values.len() as u64;
        if len == 0 {
            break; // an empty page that is not the last: nothing more to follow
        }
        done = page_is_last(&page);
        pages.add(next_start, page)?;
        next_start += len;
        progress(Progress::Projects {
            scanned: pages.by_id.len(),
            total: hint.map(|h| h.max(pages.by_id.len())),
        });
    }
    Ok(pages.by_id.into_values().collect())
}

/// Archived projects (Premium and Enterprise): `project/search?status=archived`, with
/// the same caps as the live list. A site that does not know the parameter answers 400:
/// then there are none to report.
async fn archived_projects(client: &JiraClient) -> Result<Vec<ProjectDto>, JiraError> {
    let path = "/rest/api/3/project/search";
    let mut pages = ProjectPages {
        client,
        by_id: BTreeMap::new(),
        pages: 0,
        kept: 0,
    };
    let mut start = 0u64;
    loop {
        let answer = client
            .get_raw(
                path,
                &[
                    ("status", "archived".to_owned()),
                    ("startAt", start.to_string()),
                    ("maxResults", PROJECT_PAGE_SIZE.to_string()),
                ],
            )
            .await?;
        if answer.status.as_u16() == 400 {
            return Ok(Vec::new());
        }
        let page: ProjectPage = client.authenticated_json(path, answer)?;
        refuse_huge_claims(client, &page)?;
        let len = page.values.len() as u64;
        let last = page_is_last(&page) || len == 0;
        pages.add(start, page)?;
        if last {
            return Ok(pages.by_id.into_values().collect());
        }
        start += len;
    }
}

type Grants = (BTreeSet<String>, HashMap<u64, BTreeSet<String>>);

/// `POST /permissions/check` in chunks of at most 1000 project ids.
async fn check_permissions(
    client: &JiraClient,
    global_keys: &[String],
    project_keys: &[String],
    ids: &[u64],
    in_flight: usize,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<Grants, JiraError> {
    let mut requests: Vec<BulkCheckRequest> = ids
        .chunks(BULK_CHECK_MAX_PROJECTS)
        .map(|chunk| BulkCheckRequest {
            global_permissions: Vec::new(),
            project_permissions: vec![BulkProjectPermissions {
                permissions: project_keys.to_vec(),
                projects: chunk.to_vec(),
            }],
        })
        .collect();
    if project_keys.is_empty() {
        requests.clear();
    }
    match requests.first_mut() {
        Some(first) => first.global_permissions = global_keys.to_vec(),
        None => requests.push(BulkCheckRequest {
            global_permissions: global_keys.to_vec(),
            project_permissions: Vec::new(),
        }),
    }
    let total = ids.len();
    let mut checked = 0usize;
    progress(Progress::Permissions { checked, total });
    let mut global = BTreeSet::new();
    let mut per_project: HashMap<u64, BTreeSet<String>> = HashMap::new();
    // Keep only what was asked: a server cannot grow these maps with ids or keys of its own.
    let asked_ids: std::collections::HashSet<u64> = ids.iter().copied().collect();
    let mut answers = futures::stream::iter(requests)
        .map(|req| async move {
            let n = req
                .project_permissions
                .first()
                .map_or(0, |p| p.projects.len());
            check_chunk(client, req).await.map(|r| (n, r))
        })
        .buffer_unordered(in_flight);
    while let Some((n, parts)) = answers.try_next().await? {
        for answer in parts {
            collect_grants(
                answer,
                global_keys,
                project_keys,
                &asked_ids,
                &mut global,
                &mut per_project,
            );
        }
        checked += n;
        progress(Progress::Permissions { checked, total });
    }
    Ok((global, per_project))
}

const CHECK_PATH: &str = "/rest/api/3/permissions/check";

/// One bulk check; a chunk that times out is tried once more as two halves (a slow site
/// may answer 500 projects in time where 1,000 were too many).
async fn check_chunk(
    client: &JiraClient,
    req: BulkCheckRequest,
) -> Result<Vec<BulkCheckResponse>, JiraError> {
    match client
        .post_json::<_, BulkCheckResponse>(CHECK_PATH, &req)
        .await
    {
        Ok(r) => Ok(vec![r]),
        Err(e) if e.kind == ErrorKind::Timeout => {
            let Some(ask) = req
                .project_permissions
                .first()
                .filter(|a| a.projects.len() > 1)
            else {
                return Err(e);
            };
            tracing::info!(
                projects = ask.projects.len(),
                "bulk check timed out: trying it as two halves"
            );
            let (a, b) = ask.projects.split_at(ask.projects.len() / 2);
            let half = |ids: &[u64], globals: Vec<String>| BulkCheckRequest {
                global_permissions: globals,
                project_permissions: vec![BulkProjectPermissions {
                    permissions: ask.permissions.clone(),
                    projects: ids.to_vec(),
                }],
            };
            let first = client
                .post_json(CHECK_PATH, &half(a, req.global_permissions.clone()))
                .await?;
            let second = client.post_json(CHECK_PATH, &half(b, Vec::new())).await?;
            Ok(vec![first, second])
        }
        Err(e) => Err(e),
    }
}

/// Adds one answer's grants, keeping only what was asked: a server cannot grow these
/// maps with ids or keys of its own.
fn collect_grants(
    answer: BulkCheckResponse,
    global_keys: &[String],
    project_keys: &[String],
    asked_ids: &std::collections::HashSet<u64>,
    global: &mut BTreeSet<String>,
    per_project: &mut HashMap<u64, BTreeSet<String>>,
) {
    {
        global.extend(
            answer
                .global_permissions
                .into_iter()
                .map(|k| k.0)
                .filter(|k| global_keys.contains(k)),
        );
        for grant in answer.project_permissions {
            let Some(key) = project_keys.iter().find(|k| **k == grant.permission) else {
                continue;
            };
            for id in grant
                .projects
                .into_iter()
                .filter(|id| asked_ids.contains(id))
            {
                per_project.entry(id).or_default().insert(key.clone());
            }
        }
    }
}

/// `GET /rest/agile/1.0/board?maxResults=1`: 403 or 404 means no Jira Software access,
/// answered as `Some(status)`; `None` when the account has it (or it could not be told,
/// with a warning naming what the probe got).
async fn software_access(client: &JiraClient) -> Result<(Option<u16>, Vec<Warning>), JiraError> {
    let path = "/rest/agile/1.0/board";
    let answer = match client
        .get_raw(path, &[("maxResults", "1".to_owned())])
        .await
    {
        Ok(a) => a,
        // A token with scopes that lacks the Agile API's granular scopes: the probe cannot
        // tell, which is worth a warning, not a failed audit.
        Err(e) if e.kind == ErrorKind::MissingScope => {
            return Ok((
                None,
                vec![Warning {
                    code: WarningCode::SoftwareCheckFailed,
                    message: format!(
                        "Could not tell whether the account has Jira Software access: {}",
                        e.message
                    ),
                }],
            ));
        }
        Err(e) => return Err(e),
    };
    match answer.status.as_u16() {
        200..=299 => {
            client.product_json::<serde::de::IgnoredAny>(path, answer)?;
            Ok((None, Vec::new()))
        }
        s @ (403 | 404) => Ok((Some(s), Vec::new())),
        _ => Ok((
            None,
            vec![Warning { code: WarningCode::SoftwareCheckFailed, message: format!("Could not tell whether the account has Jira Software access (the boards API answered {}).", answer.status) }],
        )),
    }
}

/// Service desks the account reaches (JSM profiles only), paged with the same caps as
/// the projects: the next `start` is computed here and every page must bring new desks.
async fn service_desks(
    client: &JiraClient,
    app: Application,
) -> Result<(Option<usize>, Option<Warning>), JiraError> {
    if app != Application::Jsm {
        return Ok((None, None));
    }
    let path = "/rest/servicedeskapi/servicedesk";
    let mut start = 0u64;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for _ in 0..MAX_PAGES {
        let answer = match client
            .get_raw(
                path,
                &[("start", start.to_string()), ("limit", "100".to_owned())],
            )
            .await
        {
            Ok(a) => a,
            Err(e) if e.kind == ErrorKind::MissingScope => {
                let w = Warning {
                    code: WarningCode::NoServiceManagement,
                    message: format!(
                        "Could not list the Jira Service Management service desks: {}",
                        e.message
                    ),
                };
                return Ok((None, Some(w)));
            }
            Err(e) => return Err(e),
        };
        if matches!(answer.status.as_u16(), 403 | 404) {
            let w = Warning { code: WarningCode::NoServiceManagement, message: format!("The Jira Service Management API answered {}: the site may not have JSM, or the account has no access to it.", answer.status.as_u16()) };
            return Ok((Some(0), Some(w)));
        }
        let page: ServiceDeskPage = client.product_json(path, answer)?;
        let n = page.values.len();
        let before = seen.len();
        seen.extend(
            page.values
                .into_iter()
                .enumerate()
                .map(|(i, v)| v.id.unwrap_or_else(|| format!("#{}", start + i as u64))),
        );
        if seen.len() > MAX_PROJECTS {
            return Err(invalid(
                client,
                format!("listed more than {MAX_PROJECTS} service desks; ConnKeeper stops there."),
            ));
        }
        if page.is_last_page || n == 0 {
            return Ok((Some(seen.len()), None));
        }
        if seen.len() == before {
            return Err(invalid(client, format!("answered the service desk page at start={start} with no new desk although more were announced; the site repeats itself.")));
        }
        start += n as u64;
    }
    Err(invalid(
        client,
        format!("kept sending service desk pages past {MAX_PAGES}; ConnKeeper stops there."),
    ))
}
