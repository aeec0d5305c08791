//! The permission audit: what the account can really do in Jira, against what backup
//! and restore need ([`crate::requirements`]). Network work is in [`run`]; the verdicts
//! are computed by the pure [`evaluate`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Instant;

use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::client::{ClientConfig, JiraClient, JiraError, JiraErrorKind};
use super::dto::{
    AllPermissions, BulkCheckRequest, BulkCheckResponse, BulkProjectPermissions, Myself,
    ProjectDto, ProjectPage, ServiceDeskPage,
};
use crate::clock::Clock;
use crate::model::{Application, AuditSummary};
use crate::requirements::{self, Purpose, Requirement, Scope, REQUIREMENTS};

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

/// Which purposes to audit for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AuditPurpose {
    Backup,
    Restore,
    #[default]
    All,
}

impl AuditPurpose {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "backup" => Some(Self::Backup),
            "restore" => Some(Self::Restore),
            "all" => Some(Self::All),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Backup => "backup",
            Self::Restore => "restore",
            Self::All => "all",
        }
    }

    /// Whether a requirement matters for this selection.
    pub fn covers(self, r: &Requirement) -> bool {
        match self {
            Self::Backup => r.needed_for(Purpose::Backup),
            Self::Restore => r.needed_for(Purpose::Restore),
            Self::All => true,
        }
    }
}

/// What to audit.
#[derive(Debug, Clone)]
pub struct AuditInput {
    pub host: String,
    pub email: String,
    pub token: SecretString,
    pub application: Application,
    pub purpose: AuditPurpose,
}

/// Where the audit is, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "phase")]
pub enum Progress {
    /// Checking the credentials.
    Credentials,
    /// Listing projects: `scanned` so far, of about `total` (Jira's hint).
    Projects {
        scanned: usize,
        total: Option<usize>,
    },
    /// Checking permissions: projects `checked` of `total`.
    Permissions {
        checked: usize,
        total: usize,
    },
    Done,
}

/// The account the token belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub account_id: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub account_type: Option<String>,
    pub active: bool,
}

/// One required global permission and whether the account holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlobalCheck {
    pub key: String,
    pub name: String,
    pub required_for: Vec<Purpose>,
    pub granted: bool,
    pub why: String,
    pub fix_url: String,
}

/// A permission missing in a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub key: String,
    pub name: String,
    pub required_for: Vec<Purpose>,
}

/// One audited project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectCheck {
    pub id: u64,
    pub key: String,
    pub name: String,
    pub team_managed: bool,
    pub missing: Vec<Missing>,
    /// Where to fix the gaps (the permission page, or the Access page of a team-managed space).
    pub fix_url: String,
}

/// How much of the site the audit saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub projects_total: usize,
    pub projects_ok_backup: usize,
    pub projects_ok_restore: usize,
    /// `false` when the account lacks Administer Jira and so may not see every project.
    pub complete: bool,
}

/// A caution that does not change the verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: String,
    pub message: String,
}

/// The full audit report (the stable `--json` shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditReport {
    pub host: String,
    pub application: Application,
    pub purpose: AuditPurpose,
    pub account: Account,
    pub ok: bool,
    pub backup_ok: bool,
    pub restore_ok: bool,
    pub global: Vec<GlobalCheck>,
    pub projects: Vec<ProjectCheck>,
    pub coverage: Coverage,
    pub service_desks: Option<usize>,
    pub software_access: bool,
    pub warnings: Vec<Warning>,
    pub requests: usize,
    pub duration_ms: u64,
    pub finished_at: DateTime<Utc>,
}

impl AuditReport {
    /// The summary kept on the profile as `last_audit`.
    pub fn summary(&self) -> AuditSummary {
        AuditSummary {
            at: self.finished_at,
            purpose: self.purpose.code().to_owned(),
            ok: self.ok,
            backup_ok: self.backup_ok,
            restore_ok: self.restore_ok,
            missing_global: self
                .global
                .iter()
                .filter(|g| !g.granted)
                .map(|g| g.key.clone())
                .collect(),
            projects_total: self.projects.len(),
            projects_with_gaps: self
                .projects
                .iter()
                .filter(|p| !p.missing.is_empty())
                .count(),
            coverage_complete: self.coverage.complete,
            warnings: self.warnings.len(),
        }
    }

    /// Projects grouped by missing permission key, in requirement order.
    pub fn gaps_by_permission(&self) -> Vec<(&'static Requirement, Vec<&ProjectCheck>)> {
        REQUIREMENTS
            .iter()
            .filter(|r| r.scope == Scope::Project)
            .filter_map(|r| {
                let projects: Vec<&ProjectCheck> = self
                    .projects
                    .iter()
                    .filter(|p| p.missing.iter().any(|m| m.key == r.key))
                    .collect();
                (!projects.is_empty()).then_some((r, projects))
            })
            .collect()
    }
}

/// What Jira told the audit; the input of [`evaluate`].
#[derive(Debug, Clone)]
pub struct Observed {
    pub host: String,
    pub profile_email: String,
    pub application: Application,
    pub purpose: AuditPurpose,
    pub myself: Myself,
    /// Permission keys the site knows (from `GET /permissions`), with their type.
    pub known: BTreeMap<String, (String, Option<String>)>,
    pub projects: Vec<ProjectDto>,
    pub global_granted: BTreeSet<String>,
    /// Per project id, the granted project permissions among those asked.
    pub project_granted: HashMap<u64, BTreeSet<String>>,
    pub software_access: bool,
    pub service_desks: Option<usize>,
    pub extra_warnings: Vec<Warning>,
}

/// The requirement keys as this site knows them (Jira renamed "Create team-managed
/// projects"; its key stayed `CREATE_PROJECT`, but if it ever changes, match the name).
pub fn resolve_keys(
    known: &BTreeMap<String, (String, Option<String>)>,
) -> (BTreeMap<&'static str, String>, Vec<Warning>) {
    let mut resolved = BTreeMap::new();
    let mut warnings = Vec::new();
    for r in REQUIREMENTS {
        if known.contains_key(r.key) {
            resolved.insert(r.key, r.key.to_owned());
            continue;
        }
        let alias = (r.key == "CREATE_PROJECT")
            .then(|| {
                known.iter().find(|(_, (kind, name))| {
                    kind == "GLOBAL"
                        && name.as_deref().is_some_and(|n| {
                            let n = n.to_ascii_lowercase();
                            n.contains("team-managed") || n.contains("next-gen")
                        })
                })
            })
            .flatten();
        match alias {
            Some((k, _)) => {
                resolved.insert(r.key, k.clone());
            }
            None => warnings.push(Warning {
                code: "unknown_permission".into(),
                message: format!("Jira no longer knows the permission {} ({}); it was not checked. Check the account's access to it by hand.", r.key, r.name),
            }),
        }
    }
    (resolved, warnings)
}

/// Computes the verdicts from what Jira said. Pure.
pub fn evaluate(
    o: Observed,
    requests: usize,
    duration_ms: u64,
    finished_at: DateTime<Utc>,
) -> AuditReport {
    let (resolved, mut warnings) = resolve_keys(&o.known);
    let relevant: Vec<&Requirement> = REQUIREMENTS
        .iter()
        .filter(|r| o.purpose.covers(r))
        .collect();
    let checked = |r: &Requirement| resolved.get(r.key).cloned();

    let global: Vec<GlobalCheck> = relevant
        .iter()
        .filter(|r| r.scope == Scope::Global)
        .filter_map(|r| {
            let key = checked(r)?;
            Some(GlobalCheck {
                key: r.key.to_owned(),
                name: r.name.to_owned(),
                required_for: r.required_for.to_vec(),
                granted: o.global_granted.contains(&key),
                why: r.why.to_owned(),
                fix_url: requirements::global_fix_url(&o.host),
            })
        })
        .collect();

    let project_reqs: Vec<(&Requirement, String)> = relevant
        .iter()
        .filter(|r| r.scope == Scope::Project)
        .filter_map(|r| checked(r).map(|k| (*r, k)))
        .collect();
    let empty = BTreeSet::new();
    let mut projects: Vec<ProjectCheck> = o
        .projects
        .iter()
        .filter_map(|p| {
            let id = p.id.parse::<u64>().ok()?;
            let granted = o.project_granted.get(&id).unwrap_or(&empty);
            let missing = project_reqs
                .iter()
                .filter(|(_, k)| !granted.contains(k))
                .map(|(r, _)| Missing {
                    key: r.key.to_owned(),
                    name: r.name.to_owned(),
                    required_for: r.required_for.to_vec(),
                })
                .collect();
            let team_managed = p.team_managed();
            let fix_url = if team_managed {
                requirements::team_managed_fix_url(&o.host, &p.key)
            } else {
                requirements::project_fix_url(&o.host, &p.key)
            };
            Some(ProjectCheck {
                id,
                key: p.key.clone(),
                name: p.name.clone(),
                team_managed,
                missing,
                fix_url,
            })
        })
        .collect();
    projects.sort_by(|a, b| a.key.cmp(&b.key));

    let project_ok = |p: &ProjectCheck, purpose: Purpose| {
        !p.missing.iter().any(|m| m.required_for.contains(&purpose))
    };
    let global_ok = |purpose: Purpose| {
        REQUIREMENTS
            .iter()
            .filter(|r| r.scope == Scope::Global && r.needed_for(purpose))
            .all(|r| match checked(r) {
                Some(k) => o.global_granted.contains(&k),
                None => true, // unknown to Jira: a warning, not a verdict
            })
    };
    let projects_ok_backup = projects
        .iter()
        .filter(|p| project_ok(p, Purpose::Backup))
        .count();
    let projects_ok_restore = projects
        .iter()
        .filter(|p| project_ok(p, Purpose::Restore))
        .count();
    // A restore-only audit did not look at backup-only keys (and vice versa); the
    // verdict for a purpose outside the selection is computed on what was checked.
    let backup_ok = global_ok(Purpose::Backup) && projects_ok_backup == projects.len();
    let restore_ok = global_ok(Purpose::Restore) && projects_ok_restore == projects.len();
    let ok = match o.purpose {
        AuditPurpose::Backup => backup_ok,
        AuditPurpose::Restore => restore_ok,
        AuditPurpose::All => backup_ok && restore_ok,
    };

    let administer = resolved
        .get("ADMINISTER")
        .is_some_and(|k| o.global_granted.contains(k));
    let me = &o.myself;
    if !me.active {
        warnings.push(Warning { code: "inactive_account".into(), message: "The account is deactivated: its API token cannot be used. Reactivate it in Atlassian Administration or use another account.".into() });
    }
    if let Some(t) = me.account_type.as_deref().filter(|t| *t != "atlassian") {
        warnings.push(Warning { code: "account_type".into(), message: format!("The account type is \"{t}\", not a regular Atlassian account (\"atlassian\"); backup services need a user account.") });
    }
    if let Some(e) = me
        .email_address
        .as_deref()
        .filter(|e| !e.eq_ignore_ascii_case(&o.profile_email))
    {
        warnings.push(Warning {
            code: "email_mismatch".into(),
            message: format!(
                "The token belongs to {e}, but the profile says {}; update the profile's email.",
                o.profile_email
            ),
        });
    }
    if !administer {
        warnings.push(Warning { code: "partial_coverage".into(), message: format!("Without Administer Jira the account sees only the projects it can browse ({} here); projects it cannot see were not audited and will not be backed up.", projects.len()) });
    }
    if !o.software_access {
        warnings.push(Warning { code: "no_software_access".into(), message: "The account has no Jira Software access (the boards API answered 403): boards and sprints cannot be backed up. Give the account a Jira Software licence (product access).".into() });
    }
    let team_managed_gaps = projects
        .iter()
        .filter(|p| p.team_managed && !p.missing.is_empty())
        .count();
    if team_managed_gaps > 0 {
        warnings.push(Warning {
            code: "team_managed".into(),
            message: format!(
                "{team_managed_gaps} team-managed space(s) have gaps: {}",
                requirements::TEAM_MANAGED_HINT
            ),
        });
    }
    if o.application == Application::Jsm && o.service_desks == Some(0) {
        warnings.push(Warning { code: "no_service_desks".into(), message: "The account reaches no Jira Service Management service desks; give it agent access to the service projects to back them up.".into() });
    }
    warnings.extend(o.extra_warnings);

    AuditReport {
        host: o.host.clone(),
        application: o.application,
        purpose: o.purpose,
        account: Account {
            account_id: me.account_id.clone(),
            display_name: me.display_name.clone(),
            email: me.email_address.clone(),
            account_type: me.account_type.clone(),
            active: me.active,
        },
        ok,
        backup_ok,
        restore_ok,
        global,
        coverage: Coverage {
            projects_total: projects.len(),
            projects_ok_backup,
            projects_ok_restore,
            complete: administer,
        },
        projects,
        service_desks: o.service_desks,
        software_access: o.software_access,
        warnings,
        requests,
        duration_ms,
        finished_at,
    }
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
        Err(_) => Err(JiraError {
            kind: JiraErrorKind::Timeout,
            message: format!(
                "the audit of {host} did not finish within {} s (its deadline); Jira may be very slow or rate-limiting. Try again later, or raise the deadline.",
                deadline.as_secs()
            ),
        }),
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
    let myself = client.myself().await?;

    let (known, projects, software, desks) = futures::try_join!(
        known_permissions(&client),
        all_projects(&client, in_flight, progress),
        software_access(&client),
        service_desks(&client, input.application),
    )?;
    let (software_access, mut extra_warnings) = software;
    let (service_desks, desk_warning) = desks;
    extra_warnings.extend(desk_warning);

    let (resolved, _) = resolve_keys(&known);
    let global_keys: Vec<String> = REQUIREMENTS
        .iter()
        .filter(|r| r.scope == Scope::Global && input.purpose.covers(r))
        .filter_map(|r| resolved.get(r.key).cloned())
        .collect();
    let project_keys: Vec<String> = REQUIREMENTS
        .iter()
        .filter(|r| r.scope == Scope::Project && input.purpose.covers(r))
        .filter_map(|r| resolved.get(r.key).cloned())
        .collect();
    let ids: Vec<u64> = projects
        .iter()
        .map(|p| {
            p.id.parse::<u64>().map_err(|_| JiraError {
                kind: JiraErrorKind::InvalidResponse,
                message: format!(
                    "Jira at {} listed a project with a non-numeric id \"{}\"",
                    client.host(),
                    crate::text::from_server(&p.id, 40)
                ),
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
        myself,
        known,
        projects,
        global_granted,
        project_granted,
        software_access,
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
    JiraError {
        kind: JiraErrorKind::InvalidResponse,
        message: format!("Jira at {} {message}", client.host()),
    }
}

/// Collects the projects of each page, enforcing the caps: at most [`MAX_PROJECTS`]
/// projects and [`MAX_PAGES`] pages, and every page that is not the last must bring a
/// project not seen before (a server repeating a page is refused, not followed).
struct ProjectPages<'a> {
    client: &'a JiraClient,
    by_id: BTreeMap<String, ProjectDto>,
    pages: usize,
}

impl ProjectPages<'_> {
    fn add(&mut self, start_at: u64, page: ProjectPage) -> Result<(), JiraError> {
        self.pages += 1;
        if self.pages > MAX_PAGES {
            return Err(invalid(self.client, format!("kept sending project pages past {MAX_PAGES}; ConnKeeper stops there (at most {MAX_PROJECTS} projects, 100 a page).")));
        }
        let last = page_is_last(&page);
        let before = self.by_id.len();
        self.by_id
            .extend(page.values.into_iter().map(|p| (p.id.clone(), p)));
        if self.by_id.len() > MAX_PROJECTS {
            return Err(invalid(self.client, format!("listed more than {MAX_PROJECTS} projects; ConnKeeper audits at most {MAX_PROJECTS}. Audit with an account that sees fewer projects, or contact support.")));
        }
        if !last && self.by_id.len() == before {
            return Err(invalid(self.client, format!("answered the project page at startAt={start_at} with no new project although more were announced; the site repeats itself, so the list cannot be trusted.")));
        }
        Ok(())
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
    if let Some(total) = first.total.filter(|t| *t > MAX_PROJECTS as u64) {
        return Err(invalid(client, format!("claims {total} projects; ConnKeeper audits at most {MAX_PROJECTS}. The Host URL may not be a Jira Cloud site.")));
    }
    let step = (first.values.len() as u64).max(1);
    let hint = first.total.map(|t| t as usize);
    let mut done = page_is_last(&first);
    let mut next_start = first.values.len() as u64;
    let mut pages = ProjectPages {
        client,
        by_id: BTreeMap::new(),
        pages: 0,
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
            client
                .post_json::<_, BulkCheckResponse>("/rest/api/3/permissions/check", &req)
                .await
                .map(|r| (n, r))
        })
        .buffer_unordered(in_flight);
    while let Some((n, answer)) = answers.try_next().await? {
        global.extend(
            answer
                .global_permissions
                .into_iter()
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
        checked += n;
        progress(Progress::Permissions { checked, total });
    }
    Ok((global, per_project))
}

/// `GET /rest/agile/1.0/board?maxResults=1`: 403 means no Jira Software access.
async fn software_access(client: &JiraClient) -> Result<(bool, Vec<Warning>), JiraError> {
    let path = "/rest/agile/1.0/board";
    let answer = client
        .get_raw(path, &[("maxResults", "1".to_owned())])
        .await?;
    match answer.status.as_u16() {
        200..=299 => {
            client.authenticated_json::<serde_json::Value>(path, answer)?;
            Ok((true, Vec::new()))
        }
        403 | 404 => Ok((false, Vec::new())),
        s => Ok((
            true,
            vec![Warning { code: "software_check_failed".into(), message: format!("Could not tell whether the account has Jira Software access (the boards API answered {s}).") }],
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
        let answer = client
            .get_raw(
                path,
                &[("start", start.to_string()), ("limit", "100".to_owned())],
            )
            .await?;
        if matches!(answer.status.as_u16(), 403 | 404) {
            let w = Warning { code: "no_service_management".into(), message: format!("The Jira Service Management API answered {}: the site may not have JSM, or the account has no access to it.", answer.status.as_u16()) };
            return Ok((Some(0), Some(w)));
        }
        let page: ServiceDeskPage = client.authenticated_json(path, answer)?;
        let n = page.values.len();
        let before = seen.len();
        seen.extend(page.values.iter().enumerate().map(|(i, v)| {
            v.get("id")
                .and_then(|id| {
                    id.as_str()
                        .map(str::to_owned)
                        .or_else(|| id.as_u64().map(|n| n.to_string()))
                })
                .unwrap_or_else(|| format!("#{}", start + i as u64))
        }));
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
