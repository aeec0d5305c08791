//! The audit on real sites, against the fake's ground truth: scoped tokens and the
//! gateway, service accounts, project types, JSM agents, Jira Admin Settings, product
//! access, archived projects, product APIs without the account header, restore advice,
//! and the rate-limit and timeout rules.

use connkeeper_core::jira::report::WarningCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::observe::{self, AuditInput};
use connkeeper_core::jira::{AuditPurpose, AuditReport};
use connkeeper_core::jira::{ClientConfig, ErrorKind, JiraError};
use connkeeper_core::model::{Application, TokenKind};
use connkeeper_core::SecretString;
use fake_jira::{start_recorder, Account, FakeJira, Fault, Project, RecordedRequest, Site};

const EMAIL: &str = "backup@acme.com";
const TOKEN: &str = "ATATT3xFfGF0-real-sites-token-0001";

/// Every classic scope an audit needs (the requirements table's list).
const SCOPES: &[&str] = &[
    "read:jira-user",
    "manage:jira-configuration",
    "read:jira-work",
    "read:servicedesk-request",
];

fn cfg(fake: &FakeJira) -> ClientConfig {
    ClientConfig {
        allow_loopback_http: true,
        retry_base: Duration::from_millis(20),
        retry_cap: Duration::from_millis(100),
        request_timeout: Duration::from_secs(5),
        // The fake serves the gateway prefix too: it stands in for api.atlassian.com.
        gateway: url::Url::parse(&fake.url()).unwrap(),
        ..ClientConfig::default()
    }
}

async fn run_with(
    site: Site,
    email: &str,
    app: Application,
    purpose: AuditPurpose,
    hint: Option<TokenKind>,
) -> (FakeJira, Result<AuditReport, JiraError>) {
    let fake = FakeJira::start(site).await.unwrap();
    let c = cfg(&fake);
    let r = audit_with_cfg(&fake, email, app, purpose, hint, c).await;
    (fake, r)
}

async fn audit_with_cfg(
    fake: &FakeJira,
    email: &str,
    app: Application,
    purpose: AuditPurpose,
    hint: Option<TokenKind>,
    cfg: ClientConfig,
) -> Result<AuditReport, JiraError> {
    let input = AuditInput {
        host: fake.url(),
        email: email.into(),
        token: SecretString::from(TOKEN.to_owned()),
        application: app,
        purpose,
        token_kind: hint,
    };
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    observe::run(input, cfg, &clock, &|_| {}).await
}

async fn run(site: Site, app: Application) -> AuditReport {
    let (_f, r) = run_with(site, EMAIL, app, AuditPurpose::All, None).await;
    r.unwrap()
}

fn admin() -> Account {
    Account::admin(EMAIL, TOKEN)
}

fn is_site_auth(r: &RecordedRequest) -> bool {
    r.authorization.is_some() && !r.path.starts_with("/ex/jira/")
}

fn codes(r: &AuditReport) -> Vec<&str> {
    r.warnings.iter().map(|w| w.code.code()).collect()
}

fn project<'a>(r: &'a AuditReport, key: &str) -> &'a connkeeper_core::jira::ProjectCheck {
    r.projects.iter().find(|p| p.key == key).unwrap()
}

fn missing(r: &AuditReport, key: &str) -> Vec<String> {
    project(r, key)
        .missing
        .iter()
        .map(|m| m.key.clone())
        .collect()
}

fn typed_site(account: Account) -> Site {
    Site::new().account(account).projects(vec![
        Project::new(10_000, "SW", "Software"),
        Project::new(10_001, "BIZ", "Business").of_type("business"),
        Project::new(10_002, "HELP", "Help").of_type("service_desk"),
        Project::new(10_003, "IDEA", "Ideas").of_type("product_discovery"),
        Project::team_managed(10_004, "TBIZ", "Team business").of_type("business"),
        Project::team_managed(10_005, "TSD", "Team service").of_type("service_desk"),
    ])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scoped_token_is_found_out_with_one_failed_request_on_the_site() {
    let account = admin().scoped(SCOPES);
    let (fake, r) = run_with(
        typed_site(account.clone()),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        None,
    )
    .await;
    let r = r.unwrap();
    assert_eq!(r.token_kind, TokenKind::Scoped);
    assert!(r.ok, "{:?}", r.warnings);
    let reqs = fake.requests();
    let on_site: Vec<_> = reqs.iter().filter(|q| is_site_auth(q)).collect();
    assert_eq!(
        on_site.len(),
        1,
        "one failed authenticated request on the site: {on_site:?}"
    );
    assert_eq!(on_site[0].path, "/rest/api/3/myself");
    let tenant: Vec<_> = reqs
        .iter()
        .filter(|q| q.path == "/_edge/tenant_info")
        .collect();
    assert_eq!(tenant.len(), 1);
    assert!(
        tenant[0].authorization.is_none(),
        "tenant_info is asked without credentials"
    );
    assert!(reqs
        .iter()
        .filter(|q| q.authorization.is_some())
        .skip(1)
        .all(|q| q.path.starts_with("/ex/jira/")));

    // Next time the profile knows: straight to the gateway, no failed request anywhere.
    let (fake, r) = run_with(
        typed_site(account),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        Some(TokenKind::Scoped),
    )
    .await;
    assert_eq!(r.unwrap().token_kind, TokenKind::Scoped);
    assert_eq!(
        fake.requests().iter().filter(|q| is_site_auth(q)).count(),
        0
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_remembered_as_scoped_that_is_classic_now_is_found_out_too() {
    let (fake, r) = run_with(
        typed_site(admin()),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        Some(TokenKind::Scoped),
    )
    .await;
    assert_eq!(r.unwrap().token_kind, TokenKind::Classic);
    let failed_on_gateway = fake
        .requests()
        .iter()
        .filter(|q| q.path.starts_with("/ex/jira/"))
        .count();
    assert_eq!(failed_on_gateway, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_token_is_rejected_on_both_bases_and_said_so() {
    let mut account = admin();
    account.token = "something-else-entirely".into();
    let (fake, r) = run_with(
        typed_site(account),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        None,
    )
    .await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(e.message.contains("both on the site"), "{}", e.message);
    assert!(e.message.contains("id.atlassian.com"), "{}", e.message);
    assert_eq!(
        fake.requests().iter().filter(|q| is_site_auth(q)).count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scoped_token_without_a_needed_scope_names_the_scopes() {
    let account = admin().scoped(&["read:jira-user", "read:jira-work"]);
    let (_f, r) = run_with(
        typed_site(account),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        None,
    )
    .await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::MissingScope, "{}", e.message);
    assert_eq!(e.kind.code(), "missing_scope");
    assert!(
        e.message.contains("GET /rest/api/3/permissions"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("manage:jira-configuration"),
        "{}",
        e.message
    );
    assert!(e.message.contains("read:permission:jira"), "{}", e.message);
    assert!(e.message.contains("with scopes"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_go_only_to_the_site_and_the_gateway() {
    let fake = FakeJira::start(typed_site(admin())).await.unwrap();
    let elsewhere = start_recorder().await.unwrap();
    let mut c = cfg(&fake);
    c.gateway = url::Url::parse(&elsewhere.url()).unwrap();
    audit_with_cfg(&fake, EMAIL, Application::Jira, AuditPurpose::All, None, c)
        .await
        .unwrap();
    assert_eq!(
        elsewhere.request_count(),
        0,
        "a classic token never reaches the gateway"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn service_accounts_are_a_supported_kind() {
    let robot = Account::service_account("backup-robot", TOKEN, SCOPES)
        .grant_global("ADMINISTER")
        .grant_global("USER_PICKER")
        .grant_global("CREATE_SHARED_OBJECTS")
        .grant_global("CREATE_PROJECT");
    let mut robot = robot;
    robot.project_default = Account::admin("x@y.z", "t").project_default;
    let email = robot.email.clone();
    let (_f, r) = run_with(
        typed_site(robot),
        &email,
        Application::Jira,
        AuditPurpose::All,
        None,
    )
    .await;
    let r = r.unwrap();
    assert!(r.account.service_account);
    assert_eq!(r.token_kind, TokenKind::Scoped);
    assert!(!codes(&r).contains(&"account_type"), "{:?}", r.warnings);
    assert!(r.ok, "{:?}", r.warnings);
}

#[tokio::test(flavor = "multi_thread")]
async fn manage_sprints_is_required_only_in_software_projects() {
    let account = admin().revoke_project("MANAGE_SPRINTS_PERMISSION");
    let r = run(typed_site(account), Application::Jira).await;
    assert_eq!(missing(&r, "SW"), ["MANAGE_SPRINTS_PERMISSION"]);
    for key in ["BIZ", "HELP", "IDEA", "TBIZ", "TSD"] {
        assert!(missing(&r, key).is_empty(), "{key}: {:?}", missing(&r, key));
    }
    assert_eq!(project(&r, "BIZ").project_type, "business");
    assert_eq!(project(&r, "HELP").project_type, "service_desk");
    assert_eq!(project(&r, "IDEA").project_type, "product_discovery");
    assert!(!r.backup_ok);
    // With the grant everywhere, every project passes: the fake never grants sprints
    // outside software projects, and the audit no longer asks for them there.
    let r = run(typed_site(admin()), Application::Jira).await;
    assert!(
        r.ok,
        "{:?}",
        r.projects
            .iter()
            .filter(|p| !p.missing.is_empty())
            .collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn team_managed_fix_links_follow_the_project_type() {
    let account = admin()
        .revoke_in_project(10_004, "EDIT_ISSUES")
        .revoke_in_project(10_005, "EDIT_ISSUES");
    let r = run(typed_site(account), Application::Jira).await;
    assert!(project(&r, "TBIZ")
        .fix_url
        .ends_with("/jira/core/projects/TBIZ/settings/access"));
    assert!(project(&r, "TSD")
        .fix_url
        .ends_with("/jira/servicedesk/projects/TSD/settings/access"));
    assert!(project(&r, "SW")
        .fix_url
        .ends_with("/plugins/servlet/project-config/SW/permissions"));
}

#[tokio::test(flavor = "multi_thread")]
async fn jsm_profiles_need_agents_in_service_projects_and_a_customer_is_none() {
    // A licensed JSM agent everywhere: fine.
    let r = run(typed_site(admin()), Application::Jsm).await;
    assert!(r.ok, "{:?}", r.warnings);
    // Not an agent in HELP: backup and restore fail there, and only there.
    let r = run(
        typed_site(admin().revoke_in_project(10_002, "SERVICEDESK_AGENT")),
        Application::Jsm,
    )
    .await;
    assert_eq!(missing(&r, "HELP"), ["SERVICEDESK_AGENT"]);
    assert!(missing(&r, "SW").is_empty());
    assert!(!r.backup_ok && !r.restore_ok);
    // The same site for a Jira profile: agents are not its business.
    let r = run(
        typed_site(admin().revoke_in_project(10_002, "SERVICEDESK_AGENT")),
        Application::Jira,
    )
    .await;
    assert!(r.ok, "{:?}", r.warnings);
    // A portal customer (no JSM product) sees the desks, but is no agent: the desk count
    // is no proof, and the root cause comes first.
    let customer = admin().products(&["jira-software"]);
    let r = run(typed_site(customer), Application::Jsm).await;
    assert!(r.service_desks.is_some_and(|n| n > 0));
    assert_eq!(missing(&r, "HELP"), ["SERVICEDESK_AGENT"]);
    assert_eq!(codes(&r)[0], "no_product_access", "{:?}", r.warnings);
    assert!(r.warnings[0].message.contains("Jira Service Management"));
    assert!(!r.ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_settings_verdicts_rest_on_global_permissions() {
    let gaps = admin().revoke_project("EDIT_ISSUES");
    let r = run(typed_site(gaps.clone()), Application::JiraAdmin).await;
    assert!(r.ok, "project gaps do not fail Jira Admin Settings");
    assert!(!missing(&r, "SW").is_empty(), "the sweep is still shown");
    assert!(codes(&r).contains(&"admin_settings_scope"));
    let r = run(
        typed_site(gaps.revoke_global("USER_PICKER")),
        Application::JiraAdmin,
    )
    .await;
    assert!(!r.ok && !r.backup_ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn no_product_access_is_one_root_cause() {
    let r = run(typed_site(admin().products(&[])), Application::Jira).await;
    assert_eq!(codes(&r)[0], "no_product_access");
    assert!(r.warnings[0].message.contains("Atlassian Administration"));
    assert!(r.warnings[0].message.contains("admin.atlassian.com"));
    assert!(!r.ok);
    assert_eq!(r.account.products.as_deref(), Some(&[][..]));
    // With product access, no such warning.
    let r = run(typed_site(admin()), Application::Jira).await;
    assert!(!codes(&r).contains(&"no_product_access"));
    assert!(r
        .account
        .products
        .as_ref()
        .is_some_and(|p| p.contains(&"jira-software".to_owned())));
}

#[tokio::test(flavor = "multi_thread")]
async fn archived_projects_are_reported_apart() {
    let site = typed_site(admin()).projects(vec![
        Project::new(10_010, "OLD", "Old").archived(),
        Project::new(10_011, "OLDER", "Older").archived(),
    ]);
    let r = run(site, Application::Jira).await;
    let keys: Vec<&str> = r.archived_projects.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["OLD", "OLDER"]);
    assert!(r.projects.iter().all(|p| !p.key.starts_with("OLD")));
    assert_eq!(r.coverage.projects_total, 6);
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::ArchivedProjects)
        .unwrap();
    assert!(w.message.contains("2 archived") && w.message.contains("read-only"));
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(
        json["archived_projects"][0],
        serde_json::json!({"id": 10010, "key": "OLD", "name": "Old"})
    );
    assert_eq!(json["projects"][0]["type"], "business");
    assert_eq!(json["token_kind"], "classic");
}

#[tokio::test(flavor = "multi_thread")]
async fn product_apis_without_the_account_header_are_fine_once_myself_proved_it() {
    let site = typed_site(admin()).product_apis_without_account_header(true);
    let r = run(site, Application::Jsm).await;
    assert!(r.ok, "{:?}", r.warnings);
    assert!(r.software_access);
    assert_eq!(r.service_desks, Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn set_issue_security_is_restore_advice_never_a_verdict() {
    let account = admin().revoke_in_project(10_001, "SET_ISSUE_SECURITY");
    let r = run(typed_site(account.clone()), Application::Jira).await;
    assert!(r.ok, "advice does not fail the verdict");
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::IssueSecurity)
        .unwrap();
    assert!(
        w.message.contains("BIZ") && w.message.contains("security level"),
        "{}",
        w.message
    );
    let (_f, r) = run_with(
        typed_site(account),
        EMAIL,
        Application::Jira,
        AuditPurpose::Backup,
        None,
    )
    .await;
    assert!(
        !codes(&r.unwrap()).contains(&"issue_security"),
        "backup does not need it"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limits_use_the_reset_time_and_name_the_reason() {
    let site = typed_site(admin()).fault(Fault::RateLimitedUntilReset {
        path: "/rest/api/3/permissions".into(),
        times: 1,
        reset_in_secs: 2,
    });
    let started = Instant::now();
    let r = run(site, Application::Jira).await;
    assert!(r.ok);
    // Reset is to the second, two seconds ahead: at least one second was waited.
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );

    let site = typed_site(admin()).fault(Fault::RateLimited {
        path: "/rest/api/3/permissions".into(),
        times: 100,
        retry_after_secs: None,
    });
    let (_f, r) = run_with(site, EMAIL, Application::Jira, AuditPurpose::All, None).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::RateLimited);
    assert!(
        e.message.contains("RateLimit-Reason: jira-burst-based"),
        "{}",
        e.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bulk_check_that_times_out_is_retried_once_as_two_halves() {
    let projects: Vec<Project> = (0..1000)
        .map(|i| Project::new(20_000 + i, &format!("Q{i:04}"), &format!("Q {i}")))
        .collect();
    let site = Site::new()
        .account(admin())
        .projects(projects)
        .fault(Fault::SlowBulkCheckOver {
            projects: 600,
            delay: Duration::from_secs(30),
        });
    let fake = FakeJira::start(site).await.unwrap();
    let mut c = cfg(&fake);
    c.request_timeout = Duration::from_secs(2);
    let r = audit_with_cfg(&fake, EMAIL, Application::Jira, AuditPurpose::All, None, c)
        .await
        .unwrap();
    assert_eq!(r.projects.len(), 1000);
    assert!(r.ok);
    assert_eq!(
        fake.requests_to("/rest/api/3/permissions/check").len(),
        3,
        "one slow, two halves"
    );
}

#[test]
fn the_audit_scopes_are_the_specs() {
    let spec = fake_jira::catalog::spec_operation_scopes();
    let mut compared = 0;
    for call in connkeeper_core::requirements::AUDIT_SCOPES {
        let Some((classic, granular, only)) = spec.get(call.call) else {
            // Not in the committed specs (the JSM API): from Atlassian's REST reference.
            assert!(
                call.path.starts_with("/rest/servicedeskapi/"),
                "{} has no source",
                call.call
            );
            continue;
        };
        assert_eq!(call.classic, classic.as_slice(), "{}", call.call);
        assert_eq!(call.granular, granular.as_slice(), "{}", call.call);
        assert_eq!(call.granular_only, *only, "{}", call.call);
        compared += 1;
    }
    assert_eq!(compared, 5);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_without_the_agile_scopes_still_gets_a_verdict() {
    // Classic scopes only: the Agile API takes granular ones, so the Jira Software probe
    // cannot tell; that is a warning, not a failed audit.
    let (_f, r) = run_with(
        typed_site(admin().scoped(SCOPES)),
        EMAIL,
        Application::Jira,
        AuditPurpose::All,
        None,
    )
    .await;
    let r = r.unwrap();
    let w = r
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::SoftwareCheckFailed)
        .unwrap();
    assert!(
        w.message.contains("read:board-scope:jira-software"),
        "{}",
        w.message
    );
    assert!(r.ok);
}
