//! What real Jira sites say that the audit must not throw away or misread: a blocked
//! API token, rejected credentials (with the server's own words), an IP allowlist, a
//! `Retry-After` that holds the whole site, the 2026 rate-limit headers, the boards
//! probe's real status, `permissions/check`'s scope since June 2024, and `appType`.

use std::time::Duration;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::observe::{self, AuditInput};
use connkeeper_core::jira::{AuditPurpose, AuditReport};
use connkeeper_core::jira::{ClientConfig, JiraError};
use connkeeper_core::model::Application;
use connkeeper_core::SecretString;
use fake_jira::{Account, FakeJira, Fault, Project, Site};

const EMAIL: &str = "backup@acme.com";
const TOKEN: &str = "ATATT3xFfGF0-site-answers-token-0001";

fn cfg(fake: &FakeJira) -> ClientConfig {
    ClientConfig {
        allow_loopback_http: true,
        retry_base: Duration::from_millis(20),
        retry_cap: Duration::from_millis(100),
        request_timeout: Duration::from_secs(5),
        gateway: url::Url::parse(&fake.url()).unwrap(),
        ..ClientConfig::default()
    }
}

async fn audit_of(fake: &FakeJira, email: &str) -> Result<AuditReport, JiraError> {
    let input = AuditInput {
        host: fake.url(),
        email: email.into(),
        token: SecretString::from(TOKEN.to_owned()),
        application: Application::Jira,
        purpose: AuditPurpose::All,
        token_kind: None,
    };
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap());
    observe::run(input, cfg(fake), &clock, &|_| {}).await
}

async fn run(site: Site) -> (FakeJira, Result<AuditReport, JiraError>) {
    let fake = FakeJira::start(site).await.unwrap();
    let r = audit_of(&fake, EMAIL).await;
    (fake, r)
}

fn admin() -> Account {
    Account::admin(EMAIL, TOKEN)
}

fn site(account: Account) -> Site {
    Site::new().account(account).projects(vec![
        Project::new(10_000, "SW", "Software"),
        Project::new(10_001, "BIZ", "Business").of_type("business"),
    ])
}

/// A site of `n` software projects (pages of 100).
fn many(account: Account, n: u64) -> Site {
    Site::new().account(account).projects(
        (0..n)
            .map(|i| Project::new(20_000 + i, &format!("P{i:04}"), &format!("P {i}")))
            .collect(),
    )
}

fn warning<'a>(r: &'a AuditReport, code: &str) -> Option<&'a str> {
    r.warnings
        .iter()
        .find(|w| w.code.code() == code)
        .map(|w| w.message.as_str())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_token_is_its_own_error_with_the_admins_fix() {
    let (fake, r) = run(site(admin().token_blocked())).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind.code(), "token_blocked", "{}", e.message);
    // The server's own words, and where an admin allows it again.
    assert!(e.message.contains("Contact your admin"), "{}", e.message);
    assert!(e.message.contains("API token access"), "{}", e.message);
    assert!(e.message.contains("External users"), "{}", e.message);
    assert!(e.message.contains("User API tokens"), "{}", e.message);
    assert!(!e.message.contains(TOKEN));
    // Blocked is blocked on both bases: the gateway is not tried on top.
    assert!(
        fake.requests_to("/ex/jira/").is_empty(),
        "{:?}",
        fake.requests()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn rejected_credentials_keep_what_the_site_and_the_gateway_said() {
    let mut account = admin();
    account.token = "another-token-entirely".into();
    let (_f, r) = run(site(account)).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind.code(), "auth");
    assert!(e.message.contains("both on the site"), "{}", e.message);
    assert!(
        e.message
            .contains("Client must be authenticated to access this resource."),
        "the server's explanation is kept: {}",
        e.message
    );
    assert!(e.message.contains("gateway said"), "{}", e.message);
    assert!(e.message.contains("deactivated"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ip_allowlist_is_its_own_error_naming_the_backup_services_addresses() {
    let (_f, r) = run(site(admin()).ip_not_allowed(true)).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind.code(), "ip_not_allowed", "{}", e.message);
    assert!(
        e.message.contains("not on the allowed list"),
        "the server's words: {}",
        e.message
    );
    assert!(e.message.contains("IP allowlist"), "{}", e.message);
    assert!(e.message.contains("backup service"), "{}", e.message);
    assert!(
        e.message
            .contains("specify-ip-addresses-for-product-access"),
        "{}",
        e.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_holds_every_request_to_the_site_not_just_the_one() {
    // The boards probe is told, after 100 ms, to wait 1 s while the project pages are
    // still coming (each takes 150 ms): no request sent after that may reach the site
    // before the second is up. (The requests sent beside the probe arrived long before.)
    let site = many(admin(), 450)
        .fault(Fault::Slow {
            path: "/rest/agile/1.0/board".into(),
            delay: Duration::from_millis(100),
        })
        .fault(Fault::RateLimited {
            path: "/rest/agile/1.0/board".into(),
            times: 1,
            retry_after_secs: Some(1),
        })
        .fault(Fault::Slow {
            path: "/rest/api/3/project/search".into(),
            delay: Duration::from_millis(150),
        });
    let (fake, r) = run(site).await;
    let r = r.unwrap();
    assert!(r.ok, "{:?}", r.warnings);
    let reqs = fake.requests();
    let limited = reqs
        .iter()
        .find(|q| q.status == Some(429))
        .expect("the 429 was sent");
    let told = limited.answered.unwrap();
    let after: Vec<_> = reqs.iter().filter(|q| q.received > told).collect();
    assert!(
        after.len() >= 3,
        "the project pages came after the 429: {after:?}"
    );
    for q in &after {
        let waited = q.received - told;
        assert!(
            waited >= Duration::from_millis(990),
            "{} {:?} reached the site {waited:?} after a Retry-After of 1 s",
            q.path,
            q.query
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn near_limit_headers_slow_the_audit_to_one_request_at_a_time() {
    // Far from the limit, every answer carries the 2026 headers and the audit runs
    // requests side by side (so the check below can fail).
    let far = many(admin(), 450)
        .rate_limit_headers(100_000)
        .latency(Duration::from_millis(30));
    let (fake, r) = run(far).await;
    assert!(r.unwrap().ok);
    assert!(fake.max_in_flight() > 1, "{}", fake.max_in_flight());
    assert_eq!(fake.max_in_flight_near_limit(), 0);

    // Near the limit from the first answer (/myself's, which comes alone) on: one
    // request at a time, and no failure.
    let near = many(admin(), 450)
        .rate_limit_headers(0)
        .latency(Duration::from_millis(30));
    let (fake, r) = run(near).await;
    let r = r.unwrap();
    assert!(r.ok, "{:?}", r.warnings);
    assert_eq!(r.projects.len(), 450);
    assert!(fake.request_count() > 5);
    assert_eq!(fake.max_in_flight_near_limit(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_boards_probe_names_the_status_it_got() {
    let answer = |status: u16| Fault::Answer {
        path: "/rest/agile/1.0/board".into(),
        status,
        content_type: "application/json;charset=UTF-8",
        body: r#"{"errorMessages":["nope"],"errors":{}}"#.into(),
    };
    let (_f, r) = run(site(admin()).fault(answer(404))).await;
    let r = r.unwrap();
    assert!(!r.software_access);
    let w = warning(&r, "no_software_access").unwrap();
    assert!(w.contains("404"), "{w}");
    assert!(!w.contains("403"), "{w}");

    let (_f, r) = run(site(admin()).software_access(false)).await;
    let w = warning(&r.unwrap(), "no_software_access")
        .unwrap()
        .to_owned();
    assert!(w.contains("403"), "{w}");

    let (_f, r) = run(site(admin()).fault(answer(400))).await;
    let r = r.unwrap();
    assert!(warning(&r, "no_software_access").is_none());
    let w = warning(&r, "software_check_failed").unwrap();
    assert!(w.contains("400"), "{w}");
}

#[tokio::test(flavor = "multi_thread")]
async fn permissions_check_needs_read_jira_work_since_june_2024() {
    // Everything but permissions/check's scopes: its classic read:jira-work (the spec's
    // deprecation notice of June 15, 2024) and its granular read:permission:jira.
    let scopes = [
        "read:jira-user",
        "manage:jira-configuration",
        "read:issue-type:jira",
        "read:project:jira",
        "read:project.property:jira",
        "read:user:jira",
        "read:application-role:jira",
        "read:avatar:jira",
        "read:group:jira",
        "read:issue-type-hierarchy:jira",
        "read:project-category:jira",
        "read:project-version:jira",
        "read:project.component:jira",
    ];
    let (_f, r) = run(site(admin().scoped(&scopes))).await;
    let e = r.unwrap_err();
    assert_eq!(e.kind.code(), "missing_scope", "{}", e.message);
    assert!(
        e.message.contains("POST /rest/api/3/permissions/check"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("classic scope read:jira-work"),
        "{}",
        e.message
    );
    let check = connkeeper_core::requirements::scopes_of("/rest/api/3/permissions/check").unwrap();
    assert_eq!(check.classic, ["read:jira-work"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn service_accounts_are_told_from_rovo_agents_by_app_type() {
    let scopes = [
        "read:jira-user",
        "manage:jira-configuration",
        "read:jira-work",
    ];
    let robot = |app_type: Option<&str>| {
        let mut a = Account::service_account("backup-robot", TOKEN, &scopes).app_type(app_type);
        a.global = admin().global;
        a.project_default = admin().project_default;
        a
    };
    let email = robot(None).email;
    for (app_type, service) in [
        (Some("service"), true),
        (None, true),
        (Some("agent"), false),
    ] {
        let fake = FakeJira::start(site(robot(app_type))).await.unwrap();
        let r = audit_of(&fake, &email).await.unwrap();
        assert_eq!(r.account.service_account, service, "{app_type:?}");
        let w = warning(&r, "account_type");
        if service {
            assert!(w.is_none(), "{app_type:?}: {w:?}");
        } else {
            let w = w.unwrap();
            assert!(w.contains("Rovo agent"), "{w}");
        }
    }
}
