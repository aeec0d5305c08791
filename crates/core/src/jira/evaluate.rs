//! The pure half of the audit: what Jira said ([`Observed`]) becomes verdicts, gaps and
//! warnings ([`AuditReport`]). No I/O; every rule names its source in
//! [`crate::requirements`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};

use super::dto::{
    Myself, ProjectDto, ACCOUNT_TYPE_APP, ACCOUNT_TYPE_ATLASSIAN, APP_TYPE_AGENT, APP_TYPE_SERVICE,
    PERMISSION_TYPE_GLOBAL,
};
use super::report::{
    Account, ArchivedProject, AuditPurpose, AuditReport, Coverage, GlobalCheck, Missing,
    PermissionGap, ProjectCheck, Warning, WarningCode,
};
use crate::model::{Application, TokenKind};
use crate::requirements::{self, Purpose, Requirement, Scope, ADVICE, REQUIREMENTS};

/// The email domain of Atlassian service accounts.
pub const SERVICE_ACCOUNT_DOMAIN: &str = "serviceaccount.atlassian.com";

/// What Jira told the audit; the input of [`evaluate`].
#[derive(Debug, Clone)]
pub struct Observed {
    pub host: String,
    pub profile_email: String,
    pub application: Application,
    pub purpose: AuditPurpose,
    pub token_kind: TokenKind,
    pub myself: Myself,
    /// Permission keys the site knows (from `GET /permissions`), with their type.
    pub known: BTreeMap<String, (String, Option<String>)>,
    pub projects: Vec<ProjectDto>,
    pub archived: Vec<ProjectDto>,
    pub global_granted: BTreeSet<String>,
    /// Per project id, the granted project permissions among those asked.
    pub project_granted: HashMap<u64, BTreeSet<String>>,
    pub software_access: bool,
    /// The status the boards probe answered when it said "no Jira Software" (403 or 404).
    pub software_denied: Option<u16>,
    pub service_desks: Option<usize>,
    pub extra_warnings: Vec<Warning>,
}

/// The requirement keys as this site knows them (Jira renamed "Create next-gen
/// projects", now "Create team-managed spaces"; its key stayed `CREATE_PROJECT`, but if it ever changes, match the name).
/// Only the requirements that matter for `application` are resolved (a site without
/// Jira Service Management does not know `SERVICEDESK_AGENT`, and a Jira profile does
/// not need it).
pub fn resolve_keys(
    known: &BTreeMap<String, (String, Option<String>)>,
    application: Application,
) -> (BTreeMap<&'static str, String>, Vec<Warning>) {
    let mut resolved = BTreeMap::new();
    let mut warnings = Vec::new();
    for r in REQUIREMENTS.iter().filter(|r| r.applies_to(application)) {
        if known.contains_key(r.key) {
            resolved.insert(r.key, r.key.to_owned());
            continue;
        }
        let alias = (r.key == "CREATE_PROJECT")
            .then(|| {
                known.iter().find(|(_, (kind, name))| {
                    kind == PERMISSION_TYPE_GLOBAL
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
                code: WarningCode::UnknownPermission,
                message: format!("Jira no longer knows the permission {} ({}); it was not checked. Check the account's access to it by hand.", r.key, r.name),
            }),
        }
    }
    (resolved, warnings)
}

/// The product keys that give access to Jira's projects (any of them).
const JIRA_PRODUCTS: [&str; 4] = [
    "jira-software",
    "jira-core",
    "jira-servicedesk",
    "jira-product-discovery",
];

/// The root cause when the account cannot reach the application at all (product
/// access, from `/myself?expand=applicationRoles`); `None` when it can or Jira did not say.
fn product_access_problem(application: Application, products: Option<&[String]>) -> Option<String> {
    let products = products?;
    let has = |p: &str| products.iter().any(|x| x == p);
    if !JIRA_PRODUCTS.iter().any(|p| has(p)) {
        return Some(format!("The account has no Jira product access, so it holds no space permission anywhere. Grant it product access in Atlassian Administration ({}, Directory > Users > the account > Add product access); permission schemes cannot fix this.", requirements::ADMIN_HUB));
    }
    if application == Application::Jsm && !has("jira-servicedesk") {
        return Some(format!("The account has no Jira Service Management product access, so it is not an agent in any service space (a portal customer is not). Grant it Jira Service Management access in Atlassian Administration ({}).", requirements::ADMIN_HUB));
    }
    None
}

/// The order warnings are shown in: root causes first.
fn priority(code: WarningCode) -> u8 {
    match code {
        WarningCode::NoProductAccess => 0,
        WarningCode::InactiveAccount => 1,
        WarningCode::EmailMismatch | WarningCode::AccountType => 2,
        WarningCode::AdminSettingsScope => 3,
        WarningCode::PartialCoverage => 4,
        WarningCode::TeamManaged => 5,
        _ => 6,
    }
}

/// Whether the account is an Atlassian service account: `accountType` `app` with
/// `appType` `service` where the site says (a Rovo agent is `agent`), else, on sites
/// that do not send `appType`, an email under [`SERVICE_ACCOUNT_DOMAIN`].
pub fn is_service_account(me: &Myself, profile_email: &str) -> bool {
    let domain = |e: &str| {
        e.rsplit_once('@')
            .is_some_and(|(_, d)| d.eq_ignore_ascii_case(SERVICE_ACCOUNT_DOMAIN))
    };
    if me.account_type.as_deref() != Some(ACCOUNT_TYPE_APP) {
        return false;
    }
    match me.app_type.as_deref() {
        Some(t) => t == APP_TYPE_SERVICE,
        None => me.email_address.as_deref().is_some_and(domain) || domain(profile_email),
    }
}

/// Computes the verdicts from what Jira said. Pure: the global checks, the space checks,
/// the verdicts, then one rule per warning ([`warnings`]), sorted root causes first.
pub fn evaluate(
    mut o: Observed,
    requests: usize,
    duration_ms: u64,
    finished_at: DateTime<Utc>,
) -> AuditReport {
    let extra_warnings = std::mem::take(&mut o.extra_warnings);
    let (resolved, mut warnings) = resolve_keys(&o.known, o.application);
    let relevant = relevant_requirements(&o);
    let global = global_checks(&o, &relevant, &resolved);
    let projects = project_checks(&o, &relevant, &resolved);
    let verdicts = verdicts(&o, &resolved, &projects);
    let archived = archived_projects(&o);
    let facts = Facts {
        o: &o,
        projects: &projects,
        archived: &archived,
        administer: holds_administer(&o, &resolved),
        service_account: is_service_account(&o.myself, &o.profile_email),
    };
    warnings.extend(self::warnings(&facts));
    warnings.extend(extra_warnings);
    warnings.sort_by_key(|w| priority(w.code));
    let root_cause = root_cause(&warnings);
    let (administer, service_account) = (facts.administer, facts.service_account);
    let me = &o.myself;

    AuditReport {
        host: o.host.clone(),
        application: o.application,
        purpose: o.purpose,
        token_kind: o.token_kind,
        account: Account {
            account_id: me.account_id.clone(),
            display_name: me.display_name.clone(),
            email: me.email_address.clone(),
            account_type: me.account_type.clone(),
            active: me.active,
            service_account,
            products: me.products(),
        },
        ok: verdicts.ok,
        backup_ok: verdicts.backup_ok,
        restore_ok: verdicts.restore_ok,
        global,
        coverage: Coverage {
            projects_total: projects.len(),
            projects_ok_backup: verdicts.projects_ok_backup,
            projects_ok_restore: verdicts.projects_ok_restore,
            complete: administer,
        },
        gaps: gaps_by_permission(&projects),
        projects,
        archived_projects: archived,
        service_desks: o.service_desks,
        software_access: o.software_access,
        root_cause,
        warnings,
        requests,
        duration_ms,
        finished_at,
    }
}

/// The site's key of each resolved requirement (see [`resolve_keys`]).
type Resolved = BTreeMap<&'static str, String>;

/// The requirements of the audit's purpose and application.
fn relevant_requirements(o: &Observed) -> Vec<&'static Requirement> {
    REQUIREMENTS
        .iter()
        .filter(|r| o.purpose.covers(r) && r.applies_to(o.application))
        .collect()
}

/// One check per relevant global permission the site knows.
fn global_checks(o: &Observed, relevant: &[&Requirement], resolved: &Resolved) -> Vec<GlobalCheck> {
    relevant
        .iter()
        .filter(|r| r.scope == Scope::Global)
        .filter_map(|r| {
            let key = resolved.get(r.key)?;
            Some(GlobalCheck {
                key: r.key.to_owned(),
                name: r.name.to_owned(),
                required_for: r.required_for.to_vec(),
                granted: o.global_granted.contains(key),
                why: r.why.to_owned(),
                fix_url: requirements::global_fix_url(&o.host),
            })
        })
        .collect()
}

/// One check per space (by key), with the relevant space permissions it lacks.
fn project_checks(
    o: &Observed,
    relevant: &[&Requirement],
    resolved: &Resolved,
) -> Vec<ProjectCheck> {
    let project_reqs: Vec<(&Requirement, &String)> = relevant
        .iter()
        .filter(|r| r.scope == Scope::Project)
        .filter_map(|r| resolved.get(r.key).map(|k| (*r, k)))
        .collect();
    let mut projects: Vec<ProjectCheck> = o
        .projects
        .iter()
        .filter_map(|p| project_check(o, p, &project_reqs))
        .collect();
    projects.sort_by(|a, b| a.key.cmp(&b.key));
    projects
}

/// The check of space `p`; `None` for a space whose id is not a number.
fn project_check(
    o: &Observed,
    p: &ProjectDto,
    project_reqs: &[(&Requirement, &String)],
) -> Option<ProjectCheck> {
    let id = p.id.parse::<u64>().ok()?;
    let project_type = p.project_type().to_owned();
    let granted = o.project_granted.get(&id);
    let missing = project_reqs
        .iter()
        .filter(|(r, k)| {
            r.required_in(o.application, &project_type) && !granted.is_some_and(|g| g.contains(*k))
        })
        .map(|(r, _)| Missing {
            key: r.key.to_owned(),
            name: r.name.to_owned(),
            required_for: r.required_for.to_vec(),
        })
        .collect();
    let team_managed = p.team_managed();
    let fix_url = if team_managed {
        requirements::team_managed_fix_url(&o.host, &p.key, &project_type)
    } else {
        requirements::project_fix_url(&o.host, &p.key)
    };
    Some(ProjectCheck {
        id,
        key: p.key.clone(),
        name: p.name.clone(),
        project_type,
        team_managed,
        missing,
        fix_url,
    })
}

/// The verdicts and the spaces counted in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Verdicts {
    ok: bool,
    backup_ok: bool,
    restore_ok: bool,
    projects_ok_backup: usize,
    projects_ok_restore: usize,
}

fn verdicts(o: &Observed, resolved: &Resolved, projects: &[ProjectCheck]) -> Verdicts {
    let project_ok = |p: &ProjectCheck, purpose: Purpose| {
        !p.missing.iter().any(|m| m.required_for.contains(&purpose))
    };
    let global_ok = |purpose: Purpose| {
        REQUIREMENTS
            .iter()
            .filter(|r| r.scope == Scope::Global && r.needed_for(purpose))
            .all(|r| match resolved.get(r.key) {
                Some(k) => o.global_granted.contains(k),
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
    // Jira Admin Settings backs up site configuration: the verdicts rest on the global
    // permissions; the project sweep is shown as information.
    let projects_count = o.application != Application::JiraAdmin;
    // A restore-only audit did not look at backup-only keys (and vice versa); the
    // verdict for a purpose outside the selection is computed on what was checked.
    let backup_ok =
        global_ok(Purpose::Backup) && (!projects_count || projects_ok_backup == projects.len());
    let restore_ok =
        global_ok(Purpose::Restore) && (!projects_count || projects_ok_restore == projects.len());
    let ok = match o.purpose {
        AuditPurpose::Backup => backup_ok,
        AuditPurpose::Restore => restore_ok,
        AuditPurpose::All => backup_ok && restore_ok,
    };
    Verdicts {
        ok,
        backup_ok,
        restore_ok,
        projects_ok_backup,
        projects_ok_restore,
    }
}

/// Whether the account holds Administer Jira (and so sees every space).
fn holds_administer(o: &Observed, resolved: &Resolved) -> bool {
    resolved
        .get("ADMINISTER")
        .is_some_and(|k| o.global_granted.contains(k))
}

/// The archived spaces with a numeric id.
fn archived_projects(o: &Observed) -> Vec<ArchivedProject> {
    o.archived
        .iter()
        .filter_map(|p| {
            Some(ArchivedProject {
                id: p.id.parse().ok()?,
                key: p.key.clone(),
                name: p.name.clone(),
            })
        })
        .collect()
}

/// The spaces lacking each required space permission, in requirement order: the one
/// grouping every face shows.
pub fn gaps_by_permission(projects: &[ProjectCheck]) -> Vec<PermissionGap> {
    REQUIREMENTS
        .iter()
        .filter(|r| r.scope == Scope::Project)
        .filter_map(|r| {
            let keys: Vec<String> = projects
                .iter()
                .filter(|p| p.missing.iter().any(|m| m.key == r.key))
                .map(|p| p.key.clone())
                .collect();
            (!keys.is_empty()).then(|| PermissionGap {
                key: r.key.to_owned(),
                name: r.name.to_owned(),
                projects: keys,
            })
        })
        .collect()
}

/// The warnings that explain every other gap, when present: the account cannot reach
/// the application at all, so per-space gaps follow from it.
const ROOT_CAUSES: [WarningCode; 1] = [WarningCode::NoProductAccess];

/// The root cause among `warnings`, if any (the first, in their order).
fn root_cause(warnings: &[Warning]) -> Option<WarningCode> {
    warnings
        .iter()
        .map(|w| w.code)
        .find(|c| ROOT_CAUSES.contains(c))
}

/// What the warning rules look at: the observations and what the audit made of them.
struct Facts<'a> {
    o: &'a Observed,
    projects: &'a [ProjectCheck],
    archived: &'a [ArchivedProject],
    administer: bool,
    service_account: bool,
}

/// A warning rule: at most one warning from the facts.
type Rule = fn(&Facts) -> Option<Warning>;

/// The rules about the account and the site, in the order their warnings are given.
const ACCOUNT_AND_SITE_RULES: [Rule; 9] = [
    no_product_access,
    inactive_account,
    account_type,
    email_mismatch,
    admin_settings_scope,
    partial_coverage,
    no_software_access,
    team_managed,
    no_service_desks,
];

/// Every rule's warning, unsorted: the account and site rules, the advice beyond the
/// vendor's list (one per advised permission), the archived spaces.
fn warnings(f: &Facts) -> Vec<Warning> {
    let mut out: Vec<Warning> = ACCOUNT_AND_SITE_RULES
        .iter()
        .filter_map(|rule| rule(f))
        .collect();
    out.extend(ADVICE.iter().filter_map(|a| advice(a, f)));
    out.extend(archived_spaces(f));
    out
}

fn warning(code: WarningCode, message: impl Into<String>) -> Warning {
    Warning {
        code,
        message: message.into(),
    }
}

fn no_product_access(f: &Facts) -> Option<Warning> {
    let products = f.o.myself.products();
    product_access_problem(f.o.application, products.as_deref())
        .map(|m| warning(WarningCode::NoProductAccess, m))
}

fn inactive_account(f: &Facts) -> Option<Warning> {
    (!f.o.myself.active).then(|| warning(WarningCode::InactiveAccount, "The account is deactivated: its API token cannot be used. Reactivate it in Atlassian Administration or use another account."))
}

fn account_type(f: &Facts) -> Option<Warning> {
    let me = &f.o.myself;
    let t = me
        .account_type
        .as_deref()
        .filter(|t| *t != ACCOUNT_TYPE_ATLASSIAN && !f.service_account)?;
    let message = match me.app_type.as_deref().filter(|_| t == ACCOUNT_TYPE_APP) {
        Some(APP_TYPE_AGENT) => "The account is a Rovo agent (appType \"agent\"), not a service account; backup services need a regular Atlassian account or a service account.".to_owned(),
        Some(app) => format!("The account type is \"app\" with app type \"{}\", neither a regular Atlassian account nor a service account; backup services need one of those.", crate::text::from_server(app, 40)),
        None => format!("The account type is \"{}\", neither a regular Atlassian account nor a service account; backup services need one of those.", crate::text::from_server(t, 40)),
    };
    Some(warning(WarningCode::AccountType, message))
}

fn email_mismatch(f: &Facts) -> Option<Warning> {
    let e =
        f.o.myself
            .email_address
            .as_deref()
            .filter(|e| !e.eq_ignore_ascii_case(&f.o.profile_email))?;
    Some(warning(
        WarningCode::EmailMismatch,
        format!(
            "The token belongs to {}, but the profile says {}; update the profile's email.",
            crate::text::from_server(e, 254),
            f.o.profile_email
        ),
    ))
}

fn admin_settings_scope(f: &Facts) -> Option<Warning> {
    (f.o.application == Application::JiraAdmin).then(|| warning(WarningCode::AdminSettingsScope, "Jira Admin Settings backs up site configuration: the verdicts rest on the global permissions; space gaps are listed for information."))
}

fn partial_coverage(f: &Facts) -> Option<Warning> {
    (!f.administer).then(|| warning(WarningCode::PartialCoverage, format!("Without Administer Jira the account sees only the spaces it can browse ({} here); spaces it cannot see were not audited and will not be backed up.", f.projects.len())))
}

fn no_software_access(f: &Facts) -> Option<Warning> {
    if f.o.software_access {
        return None;
    }
    let answered = match f.o.software_denied {
        Some(s) => format!(" (the boards API answered {s})"),
        None => String::new(),
    };
    Some(warning(WarningCode::NoSoftwareAccess, format!("The account has no Jira Software access{answered}: boards and sprints cannot be backed up. Give the account a Jira Software licence (product access), or check that the site has Jira Software.")))
}

fn team_managed(f: &Facts) -> Option<Warning> {
    let gaps = f
        .projects
        .iter()
        .filter(|p| p.team_managed && !p.missing.is_empty())
        .count();
    (gaps > 0).then(|| {
        warning(
            WarningCode::TeamManaged,
            format!(
                "{} gaps: {}",
                crate::text::count(gaps, "team-managed space has", "team-managed spaces have"),
                requirements::TEAM_MANAGED_HINT
            ),
        )
    })
}

fn no_service_desks(f: &Facts) -> Option<Warning> {
    (f.o.application == Application::Jsm && f.o.service_desks == Some(0)).then(|| warning(WarningCode::NoServiceDesks, "The account reaches no Jira Service Management service desks; give it agent access to the service spaces to back them up."))
}

/// Advice beyond the vendor's list: the spaces lacking an advised permission the site
/// knows. A warning, never a verdict.
fn advice(a: &requirements::Advice, f: &Facts) -> Option<Warning> {
    if !f.o.purpose.covers_purpose(a.purpose) || !f.o.known.contains_key(a.key) {
        return None;
    }
    let lacking: Vec<&str> = f
        .projects
        .iter()
        .filter(|p| {
            !f.o.project_granted
                .get(&p.id)
                .is_some_and(|g| g.contains(a.key))
        })
        .map(|p| p.key.as_str())
        .collect();
    if lacking.is_empty() {
        return None;
    }
    let shown: Vec<&str> = lacking.iter().take(5).copied().collect();
    let more = lacking.len().saturating_sub(shown.len());
    Some(warning(
        a.code,
        format!(
            "{} {} ({}{}): {}. Not required by backup services, but worth granting.",
            crate::text::count(lacking.len(), "space lacks", "spaces lack"),
            a.name,
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            },
            a.why
        ),
    ))
}

fn archived_spaces(f: &Facts) -> Option<Warning> {
    (!f.archived.is_empty()).then(|| warning(WarningCode::ArchivedProjects, format!(
        "{} read-only and not audited; restore a space from the archive before backing it up or restoring into it.",
        crate::text::count(f.archived.len(), "archived space is", "archived spaces are")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::old_jira_word;

    fn observed(application: Application, myself: serde_json::Value) -> Observed {
        let project = |id: &str, key: &str, simplified: bool| -> ProjectDto {
            serde_json::from_value(serde_json::json!({
                "id": id, "key": key, "name": key, "simplified": simplified,
                "projectTypeKey": "software"
            }))
            .unwrap()
        };
        // The site knows every key but CREATE_PROJECT (and no alias of it).
        let known = REQUIREMENTS
            .iter()
            .map(|r| (r.key, r.scope, r.name))
            .chain(ADVICE.iter().map(|a| (a.key, Scope::Project, a.name)))
            .filter(|(k, ..)| *k != "CREATE_PROJECT")
            .map(|(k, scope, name)| {
                let kind = if scope == Scope::Global {
                    "GLOBAL"
                } else {
                    "PROJECT"
                };
                (k.to_owned(), (kind.to_owned(), Some(name.to_owned())))
            })
            .collect();
        Observed {
            host: "https://acme.atlassian.net".into(),
            profile_email: "backup@acme.com".into(),
            application,
            purpose: AuditPurpose::All,
            token_kind: TokenKind::Classic,
            myself: serde_json::from_value(myself).unwrap(),
            known,
            projects: vec![
                project("10000", "OPS", false),
                project("10001", "TEAM", true),
            ],
            archived: vec![project("10002", "OLD", false)],
            global_granted: BTreeSet::new(),
            project_granted: HashMap::new(),
            software_access: false,
            software_denied: Some(403),
            service_desks: Some(0),
            extra_warnings: Vec::new(),
        }
    }

    /// Every warning evaluate() can give, and every name in a report, uses the words
    /// Jira shows today (spaces, work items), not the old ones.
    #[test]
    fn messages_use_jiras_current_words() {
        let stranger = serde_json::json!({
            "accountId": "a1", "accountType": "customer", "emailAddress": "other@acme.com",
            "active": false, "applicationRoles": {"size": 0, "items": []}
        });
        let agentless = serde_json::json!({
            "accountId": "a1", "accountType": "atlassian", "emailAddress": "backup@acme.com",
            "applicationRoles": {"size": 1, "items": [{"key": "jira-software"}]}
        });
        let at = DateTime::UNIX_EPOCH;
        let reports = [
            evaluate(observed(Application::Jsm, stranger), 1, 1, at),
            evaluate(observed(Application::Jsm, agentless.clone()), 1, 1, at),
            evaluate(observed(Application::JiraAdmin, agentless), 1, 1, at),
        ];
        let mut codes = BTreeSet::new();
        for r in &reports {
            for w in &r.warnings {
                codes.insert(w.code);
                assert_eq!(old_jira_word(&w.message), None, "{}: {}", w.code, w.message);
            }
            let names = r.global.iter().map(|g| g.name.as_str()).chain(
                r.projects
                    .iter()
                    .flat_map(|p| p.missing.iter().map(|m| m.name.as_str())),
            );
            for name in names {
                assert_eq!(old_jira_word(name), None, "{name}");
            }
        }
        for code in [
            WarningCode::NoProductAccess,
            WarningCode::InactiveAccount,
            WarningCode::EmailMismatch,
            WarningCode::AccountType,
            WarningCode::AdminSettingsScope,
            WarningCode::PartialCoverage,
            WarningCode::NoSoftwareAccess,
            WarningCode::TeamManaged,
            WarningCode::NoServiceDesks,
            WarningCode::UnknownPermission,
            WarningCode::IssueSecurity,
            WarningCode::ArchivedProjects,
        ] {
            assert!(codes.contains(&code), "{code} was not exercised: {codes:?}");
        }
        let lacking = |r: &AuditReport, code: WarningCode| {
            r.warnings
                .iter()
                .find(|w| w.code == code)
                .map(|w| w.message.clone())
                .unwrap()
        };
        assert!(lacking(&reports[1], WarningCode::IssueSecurity)
            .starts_with("2 spaces lack Set work item security (OPS, TEAM):"));
        assert!(lacking(&reports[1], WarningCode::ArchivedProjects)
            .starts_with("1 archived space is read-only"));
    }
}

#[cfg(test)]
mod cases;
