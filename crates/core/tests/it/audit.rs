//! The audit against the fake Jira (crates/fake-jira) on 127.0.0.1: every scenario of
//! the spec, the retry policy, and the request budget.

use connkeeper_core::jira::report::WarningCode;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::observe::{self, AuditInput};
use connkeeper_core::jira::{AuditPurpose, AuditReport};
use connkeeper_core::jira::{ClientConfig, ErrorKind, JiraClient, JiraError};
use connkeeper_core::model::Application;
use connkeeper_core::SecretString;
use fake_jira::{start_recorder, Account, FakeJira, Fault, Project, Site};

const EMAIL: &str = "backup@acme.com";
const TOKEN: &str = "ATATT3xFfGF0-audit-test-token-0001";

fn clock() -> FixedClock {
    FixedClock::on(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap())
}

fn cfg() -> ClientConfig {
    ClientConfig {
        allow_loopback_http: true,
        retry_base: Duration::from_millis(20),
        retry_cap: Duration::from_millis(100),
        request_timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    }
}

fn projects(n: u64) -> Vec<Project> {
    (0..n)
        .map(|i| Project::new(10_000 + i, &format!("P{i:03}"), &format!("Project {i}")))
        .collect()
}

fn input(fake: &FakeJira, token: &str, app: Application, purpose: AuditPurpose) -> AuditInput {
    AuditInput {
        host: fake.url(),
        email: EMAIL.into(),
        token: SecretString::from(token.to_owned()),
        application: app,
        purpose,
        token_kind: None,
    }
}

async fn audit_with(
    site: Site,
    token: &str,
    app: Application,
    purpose: AuditPurpose,
    cfg: ClientConfig,
) -> (FakeJira, Result<AuditReport, JiraError>) {
    let fake = FakeJira::start(site).await.unwrap();
    let result = observe::run(input(&fake, token, app, purpose), cfg, &clock(), &|_| {}).await;
    if let Err(e) = &result {
        assert!(
            !e.message.contains(token),
            "error leaks the token: {}",
            e.message
        );
    }
    (fake, result)
}

async fn audit_site(site: Site) -> (FakeJira, Result<AuditReport, JiraError>) {
    audit_with(site, TOKEN, Application::Jira, AuditPurpose::All, cfg()).await
}

fn admin() -> Account {
    Account::admin(EMAIL, TOKEN)
}

#[tokio::test(flavor = "multi_thread")]
async fn all_granted() {
    let (fake, r) = audit_site(Site::new().account(admin()).projects(projects(3))).await;
    let r = r.unwrap();
    assert!(r.ok && r.backup_ok && r.restore_ok);
    assert_eq!(r.global.len(), 4);
    assert!(r.global.iter().all(|g| g.granted));
    assert_eq!(r.projects.len(), 3);
    assert!(r.projects.iter().all(|p| p.missing.is_empty()));
    assert!(r.coverage.complete);
    assert_eq!(r.coverage.projects_ok_restore, 3);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    assert_eq!(r.account.email.as_deref(), Some(EMAIL));
    assert_eq!(r.service_desks, None);
    assert!(r.software_access);
    // myself, permissions, one project page, one archived page, one bulk check, the
    // board probe.
    assert_eq!(r.requests, 6);
    assert_eq!(fake.request_count(), 6);
    assert_eq!(r.token_kind, connkeeper_core::model::TokenKind::Classic);
    assert!(r.archived_projects.is_empty());
    assert!(r.projects.iter().all(|p| p.project_type == "software"));
    let reqs = fake.requests();
    assert!(
        reqs[0].path.ends_with("/myself"),
        "credentials are checked first"
    );
    assert!(reqs.iter().all(|q| q
        .user_agent
        .as_deref()
        .is_some_and(|ua| ua.starts_with("connkeeper/"))));
}

#[tokio::test(flavor = "multi_thread")]
async fn each_missing_global_permission() {
    for key in [
        "ADMINISTER",
        "USER_PICKER",
        "CREATE_SHARED_OBJECTS",
        "CREATE_PROJECT",
    ] {
        let (_f, r) = audit_site(
            Site::new()
                .account(admin().revoke_global(key))
                .projects(projects(2)),
        )
        .await;
        let r = r.unwrap();
        let g = r.global.iter().find(|g| g.key == key).unwrap();
        assert!(!g.granted, "{key}");
        assert!(g
            .fix_url
            .ends_with("/secure/admin/GlobalPermissions!default.jspa"));
        assert!(r.global.iter().filter(|g| g.key != key).all(|g| g.granted));
        let backup_needs = matches!(key, "ADMINISTER" | "USER_PICKER");
        assert_eq!(r.backup_ok, !backup_needs, "{key}");
        assert!(!r.restore_ok && !r.ok, "{key}");
        assert_eq!(r.summary().missing_global, vec![key.to_owned()]);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn projects_missing_some_permissions() {
    let account = admin()
        .revoke_in_project(10_001, "EDIT_ISSUES")
        .revoke_in_project(10_001, "WORK_ON_ISSUES")
        .revoke_in_project(10_002, "MANAGE_SPRINTS_PERMISSION");
    let site = Site::new().account(account).projects(projects(4));
    let (_f, r) = audit_site(site.clone()).await;
    let r = r.unwrap();
    assert!(!r.backup_ok && !r.restore_ok);
    let missing = |key: &str| -> Vec<String> {
        r.projects
            .iter()
            .find(|p| p.key == key)
            .unwrap()
            .missing
            .iter()
            .map(|m| m.key.clone())
            .collect()
    };
    assert_eq!(missing("P001"), ["EDIT_ISSUES", "WORK_ON_ISSUES"]);
    assert_eq!(missing("P002"), ["MANAGE_SPRINTS_PERMISSION"]);
    assert!(missing("P000").is_empty() && missing("P003").is_empty());
    assert_eq!(r.coverage.projects_ok_backup, 3);
    assert_eq!(r.coverage.projects_ok_restore, 2);
    let p1 = r.projects.iter().find(|p| p.key == "P001").unwrap();
    assert!(p1
        .fix_url
        .ends_with("/plugins/servlet/project-config/P001/permissions"));
    let grouped = r.gaps_by_permission();
    assert_eq!(
        grouped
            .iter()
            .map(|(req, ps)| (req.key, ps.len()))
            .collect::<Vec<_>>(),
        [
            ("MANAGE_SPRINTS_PERMISSION", 1),
            ("EDIT_ISSUES", 1),
            ("WORK_ON_ISSUES", 1)
        ]
    );

    // Backup only: restore-only gaps do not count, and are not listed.
    let (_f, r) = audit_with(site, TOKEN, Application::Jira, AuditPurpose::Backup, cfg()).await;
    let r = r.unwrap();
    assert!(!r.ok, "P002 lacks Manage Sprints, needed for backup");
    assert_eq!(r.global.len(), 2);
    assert!(r
        .projects
        .iter()
        .find(|p| p.key == "P001")
        .unwrap()
        .missing
        .is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn team_managed_projects_are_flagged() {
    let mut ps = projects(2);
    ps.push(Project::team_managed(10_100, "TEAM", "Team space"));
    let site = Site::new()
        .account(admin().revoke_in_project(10_100, "ADMINISTER_PROJECTS"))
        .projects(ps);
    let (_f, r) = audit_site(site).await;
    let r = r.unwrap();
    let team = r.projects.iter().find(|p| p.key == "TEAM").unwrap();
    assert!(team.team_managed);
    assert_eq!(team.missing.len(), 1);
    assert!(
        team.fix_url.contains("/TEAM/settings/access"),
        "{}",
        team.fix_url
    );
    assert!(r
        .projects
        .iter()
        .filter(|p| p.key != "TEAM")
        .all(|p| !p.team_managed));
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::TeamManaged && w.message.contains("Access")));
}

#[tokio::test(flavor = "multi_thread")]
async fn without_administer_coverage_is_partial() {
    let mut account = admin().revoke_global("ADMINISTER");
    // Sees only projects where it may browse or administer.
    account = account
        .override_project(10_002, &[])
        .override_project(10_003, &[]);
    let (_f, r) = audit_site(Site::new().account(account).projects(projects(4))).await;
    let r = r.unwrap();
    assert!(!r.coverage.complete);
    assert_eq!(r.projects.len(), 2, "only visible projects are listed");
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::PartialCoverage));
    assert!(!r.ok);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_token_is_an_auth_failure_never_retried() {
    let (fake, r) = audit_site(Site::new().account(admin()).projects(projects(2))).await;
    drop(r);
    let wrong = "ATATT3xFfGF0-wrong-token-000000";
    let e = observe::run(
        input(&fake, wrong, Application::Jira, AuditPurpose::All),
        cfg(),
        &clock(),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(
        e.message
            .contains("id.atlassian.com/manage-profile/security/api-tokens"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("Client must be authenticated"),
        "quotes Jira's plain-text body: {}",
        e.message
    );
    assert!(e.message.contains("127.0.0.1"), "names the host");
    assert!(!e.message.contains(wrong));
    assert_eq!(
        fake.requests_to("/rest/api/3/myself").len(),
        2,
        "one for the good audit, one for the bad: no retry"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_downgrade_is_an_auth_failure_not_missing_permissions() {
    let fake = FakeJira::start(Site::new().account(admin()).projects(projects(2)))
        .await
        .unwrap();
    let client = JiraClient::new(
        &fake.url(),
        EMAIL,
        SecretString::from("ATATT3xFfGF0-not-the-token".to_owned()),
        cfg(),
    )
    .unwrap();
    // Jira answers 200 with empty results on anonymous-capable endpoints.
    let e = client
        .get_json::<serde_json::Value>("/rest/api/3/project/search", &[])
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    let e = client
        .post_json::<_, serde_json::Value>(
            "/rest/api/3/permissions/check",
            &serde_json::json!({"globalPermissions": ["ADMINISTER"]}),
        )
        .await
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    // Even a good token's answer is refused when it lacks the account id pinned by /myself.
    let good = JiraClient::new(
        &fake.url(),
        EMAIL,
        SecretString::from(TOKEN.to_owned()),
        cfg(),
    )
    .unwrap();
    let e = good
        .get_json::<serde_json::Value>("/rest/api/3/permissions", &[])
        .await
        .unwrap_err();
    assert_eq!(
        e.kind,
        ErrorKind::Auth,
        "no /myself yet, so no account to match"
    );
    good.myself().await.unwrap();
    good.get_json::<serde_json::Value>("/rest/api/3/permissions", &[])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn captcha_says_sign_in_in_a_browser() {
    let mut account = admin();
    account.captcha = true;
    let (fake, r) = audit_site(Site::new().account(account).projects(projects(1))).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Auth);
    assert!(
        e.message.contains("CAPTCHA") && e.message.contains("browser"),
        "{}",
        e.message
    );
    assert_eq!(fake.request_count(), 1, "never retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_with_retry_after_then_success() {
    let site = Site::new()
        .account(admin())
        .projects(projects(3))
        .fault(Fault::RateLimited {
            path: "/rest/api/3/permissions/check".into(),
            times: 1,
            retry_after_secs: Some(1),
        });
    let start = Instant::now();
    let (fake, r) = audit_site(site).await;
    assert!(r.unwrap().ok);
    assert!(
        start.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured: {:?}",
        start.elapsed()
    );
    assert_eq!(fake.requests_to("/rest/api/3/permissions/check").len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn unavailable_then_success_and_resets_are_retried() {
    let site = Site::new()
        .account(admin())
        .projects(projects(3))
        .fault(Fault::Unavailable {
            path: "/rest/api/3/project/search".into(),
            times: 2,
        })
        .fault(Fault::ResetConnection {
            path: "/rest/api/3/permissions".into(),
            times: 1,
        });
    let (fake, r) = audit_site(site).await;
    assert!(r.unwrap().ok);
    // The live and the archived listing, after two 503s between them.
    assert_eq!(fake.requests_to("/rest/api/3/project/search").len(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_persistent_503_gives_up_after_four_retries_a_500_after_one() {
    let site = Site::new()
        .account(admin())
        .projects(projects(1))
        .fault(Fault::Unavailable {
            path: "/rest/api/3/permissions".into(),
            times: 100,
        });
    let (fake, r) = audit_site(site).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(
        e.message.contains("unavailable") && e.message.contains("5 tries"),
        "{}",
        e.message
    );
    assert_eq!(fake.requests_to("/rest/api/3/permissions").len(), 5);

    // 500 (and 501, 505) are rarely transient: one retry at most.
    let site = Site::new()
        .account(admin())
        .projects(projects(1))
        .fault(Fault::ServerError {
            path: "/rest/api/3/permissions".into(),
        });
    let (fake, r) = audit_site(site).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Server);
    assert!(e.message.contains("2 tries"), "{}", e.message);
    assert_eq!(fake.requests_to("/rest/api/3/permissions").len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn persistent_rate_limit_is_reported_as_such() {
    let site = Site::new()
        .account(admin())
        .projects(projects(1))
        .fault(Fault::RateLimited {
            path: "/rest/api/3/permissions".into(),
            times: 100,
            retry_after_secs: None,
        });
    let (_f, r) = audit_site(site).await;
    assert_eq!(r.unwrap_err().kind, ErrorKind::RateLimited);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_slow_answer_times_out() {
    let site = Site::new().account(admin()).fault(Fault::Slow {
        path: "/rest/api/3/myself".into(),
        delay: Duration::from_secs(3),
    });
    let short = ClientConfig {
        request_timeout: Duration::from_millis(500),
        ..cfg()
    };
    let (_f, r) = audit_with(site, TOKEN, Application::Jira, AuditPurpose::All, short).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_html_page_is_an_invalid_response() {
    for path in ["/rest/api/3/myself", "/rest/api/3/project/search"] {
        let site = Site::new()
            .account(admin())
            .projects(projects(1))
            .fault(Fault::HtmlPage { path: path.into() });
        let (_f, r) = audit_site(site).await;
        let e = r.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidResponse, "{path}: {}", e.message);
        assert!(e.message.contains("HTML"), "{}", e.message);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_to_another_origin_never_carries_credentials() {
    let other = start_recorder().await.unwrap();
    let site = Site::new().account(admin()).fault(Fault::RedirectTo {
        path: "/rest/api/3/myself".into(),
        location: format!("{}/rest/api/3/myself", other.url()),
    });
    let (_f, r) = audit_site(site).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind, ErrorKind::InvalidResponse);
    assert!(e.message.contains("redirected"), "{}", e.message);
    assert!(
        other.requests().iter().all(|q| q.authorization.is_none()),
        "the other origin saw credentials"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_host_is_not_found_and_closed_port_is_network() {
    let other = start_recorder().await.unwrap();
    let recorder_host = other.url();
    drop(other);
    let fake = FakeJira::start(Site::new()).await.unwrap();
    let mut i = input(&fake, TOKEN, Application::Jira, AuditPurpose::All);
    i.host = recorder_host;
    let e = observe::run(i, cfg(), &clock(), &|_| {}).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Network, "{}", e.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_jira_no_longer_knows_is_a_warning() {
    let site = Site::new()
        .account(admin())
        .projects(projects(2))
        .unknown_key("MANAGE_WATCHERS");
    let (_f, r) = audit_site(site).await;
    let r = r.unwrap();
    assert!(r.ok, "the verdict ignores an unknown key");
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == WarningCode::UnknownPermission
                && w.message.contains("MANAGE_WATCHERS"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn jsm_counts_service_desks_and_no_software_access_is_a_warning() {
    let site = Site::new()
        .account(admin())
        .projects(projects(40))
        .service_desks(7)
        .software_access(false);
    let (_f, r) = audit_with(site, TOKEN, Application::Jsm, AuditPurpose::All, cfg()).await;
    let r = r.unwrap();
    assert_eq!(r.service_desks, Some(7));
    assert!(!r.software_access);
    assert!(r.ok, "no Jira Software access does not change the verdicts");
    assert!(r
        .warnings
        .iter()
        .any(|w| w.code == WarningCode::NoSoftwareAccess && w.message.contains("sprints")));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_check_is_chunked_at_1000_projects() {
    let (fake, r) = audit_site(Site::new().account(admin()).projects(projects(2500))).await;
    let r = r.unwrap();
    assert_eq!(r.projects.len(), 2500);
    assert!(r.ok);
    let checks = fake.requests_to("/rest/api/3/permissions/check");
    assert_eq!(checks.len(), 3);
    // 25 live pages and the (empty) archived one.
    assert_eq!(fake.requests_to("/rest/api/3/project/search").len(), 26);
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_thousand_projects_within_the_request_budget() {
    let site = Site::generated(10_000, 7).latency(Duration::from_millis(5));
    let demo = fake_jira::demo_account();
    let fake = FakeJira::start(site).await.unwrap();
    let mut i = input(&fake, &demo.token, Application::Jira, AuditPurpose::All);
    i.email = demo.email.clone();
    let r = observe::run(i, cfg(), &clock(), &|_| {}).await.unwrap();
    assert_eq!(r.projects.len(), 10_000);
    assert!(r.requests <= 120, "{} requests", r.requests);
    assert!(!r.restore_ok, "the generated site has gaps");
    assert!(r.projects.iter().filter(|p| !p.missing.is_empty()).count() > 100);
    assert!(
        fake.max_in_flight() <= 4,
        "at most 4 in flight, saw {}",
        fake.max_in_flight()
    );
    assert!(fake.max_in_flight() >= 2, "requests overlap");
}

#[tokio::test(flavor = "multi_thread")]
async fn report_json_has_the_documented_shape() {
    let (_f, r) = audit_site(Site::new().account(admin()).projects(projects(1))).await;
    let v = serde_json::to_value(r.unwrap()).unwrap();
    for k in [
        "host",
        "application",
        "purpose",
        "account",
        "ok",
        "backup_ok",
        "restore_ok",
        "global",
        "projects",
        "coverage",
        "service_desks",
        "software_access",
        "warnings",
        "requests",
        "duration_ms",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in [
        "account_id",
        "display_name",
        "email",
        "account_type",
        "active",
    ] {
        assert!(v["account"].get(k).is_some(), "account.{k}");
    }
    for k in ["key", "name", "required_for", "granted", "why", "fix_url"] {
        assert!(v["global"][0].get(k).is_some(), "global.{k}");
    }
    for k in ["id", "key", "name", "team_managed", "missing"] {
        assert!(v["projects"][0].get(k).is_some(), "projects.{k}");
    }
    for k in [
        "projects_total",
        "projects_ok_backup",
        "projects_ok_restore",
        "complete",
    ] {
        assert!(v["coverage"].get(k).is_some(), "coverage.{k}");
    }
    assert_eq!(v["purpose"], "all");
    assert_eq!(
        v["global"][0]["required_for"],
        serde_json::json!(["backup", "restore"])
    );
    assert!(v["projects"][0]["id"].is_u64());
}

#[tokio::test(flavor = "multi_thread")]
async fn texts_from_jira_are_cut_to_their_limit_in_the_report() {
    let long = "Ω".repeat(5_000);
    let mut account = fake_jira::Account::admin("backup@acme.com", "ATATT3xFfGF0-cut-texts-0001");
    account.display_name = long.clone();
    let site = fake_jira::Site::new()
        .account(account)
        .projects(vec![fake_jira::Project::new(10_000, "ABC", &long)]);
    let fake = fake_jira::FakeJira::start(site).await.unwrap();
    let input = connkeeper_core::jira::AuditInput {
        host: fake.url(),
        email: "backup@acme.com".into(),
        token: connkeeper_core::SecretString::from("ATATT3xFfGF0-cut-texts-0001".to_owned()),
        application: connkeeper_core::model::Application::Jira,
        purpose: connkeeper_core::jira::AuditPurpose::All,
        token_kind: None,
    };
    let cfg = connkeeper_core::jira::ClientConfig {
        allow_loopback_http: true,
        ..Default::default()
    };
    let clock = connkeeper_core::clock::FixedClock::on(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    );
    let report = connkeeper_core::jira::observe::run(input, cfg, &clock, &|_| {})
        .await
        .unwrap();
    let name = &report.projects[0].name;
    assert_eq!(name.chars().count(), 256, "255 characters and an ellipsis");
    assert!(name.ends_with('…'));
    let shown = report.account.display_name.as_deref().unwrap();
    assert_eq!(shown.chars().count(), 256);
}
