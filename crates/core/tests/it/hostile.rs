//! Hostile or broken servers: whoever controls a profile's host (a custom domain, a
//! TLS-inspecting proxy) must cost the audit seconds and megabytes, not hang it or fill
//! memory. Each case ends in `invalid_response` (or `timeout`) with few requests.

use std::time::Duration;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::observe::{self, AuditInput, MAX_PAGES};
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::jira::{ClientConfig, ErrorKind};
use connkeeper_core::model::Application;
use connkeeper_core::SecretString;
use fake_jira::{Account, FakeJira, Fault, Project, Site};

const EMAIL: &str = "backup@acme.com";
const TOKEN: &str = "ATATT3xFfGF0-hostile-test-token-01";

fn cfg() -> ClientConfig {
    ClientConfig {
        allow_loopback_http: true,
        retry_base: Duration::from_millis(20),
        retry_cap: Duration::from_millis(100),
        request_timeout: Duration::from_secs(20),
        ..ClientConfig::default()
    }
}

fn site() -> Site {
    Site::new()
        .account(Account::admin(EMAIL, TOKEN))
        .projects(vec![Project::new(10_000, "ABC", "Alpha")])
}

/// Requests for the live project list (not the archived one).
fn live_searches(fake: &FakeJira) -> usize {
    fake.requests_to("/rest/api/3/project/search")
        .iter()
        .filter(|r| !r.query.as_deref().unwrap_or("").contains("status=archived"))
        .count()
}

async fn audit(
    site: Site,
    app: Application,
    cfg: ClientConfig,
) -> (FakeJira, connkeeper_core::jira::JiraError) {
    let fake = FakeJira::start(site).await.unwrap();
    let input = AuditInput {
        host: fake.url(),
        email: EMAIL.into(),
        token: SecretString::from(TOKEN.to_owned()),
        application: app,
        purpose: AuditPurpose::All,
        token_kind: None,
    };
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    let err = observe::run(input, cfg, &clock, &|_| {})
        .await
        .expect_err("a hostile server must fail the audit");
    (fake, err)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_claiming_a_quadrillion_projects_is_refused_at_once() {
    let (fake, e) = audit(
        site().fault(Fault::EndlessProjects {
            total: Some(1_000_000_000_000_000),
        }),
        Application::Jira,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(
        e.message.contains("1000000000000000 spaces"),
        "{}",
        e.message
    );
    // The live and the archived listing run side by side: whichever first meets the
    // claim stops both, after their first page.
    assert!(live_searches(&fake) <= 1);
    assert!(fake.requests_to("/rest/api/3/project/search").len() <= 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_site_repeating_the_same_page_is_caught_on_the_second_page() {
    let (fake, e) = audit(
        site().fault(Fault::EndlessProjects { total: None }),
        Application::Jira,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(e.message.contains("startAt=100"), "{}", e.message);
    assert!(live_searches(&fake) <= 2, "{}", live_searches(&fake));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plausible_total_with_repeated_pages_is_refused_within_the_page_cap() {
    let (fake, e) = audit(
        site().fault(Fault::EndlessProjects {
            total: Some(40_000),
        }),
        Application::Jira,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    let pages = live_searches(&fake);
    // The first repeated page stops it; at most the pages already in flight follow.
    assert!(pages <= 2 + cfg().max_in_flight, "{pages} pages");
    assert!(pages <= MAX_PAGES);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_endless_body_is_cut_at_the_cap() {
    let (fake, e) = audit(
        site().fault(Fault::HugeBody {
            path: "/rest/api/3/permissions".into(),
            bytes: 300_000_000,
        }),
        Application::Jira,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(e.message.contains("more than 8 MiB"), "{}", e.message);
    // The 8 MiB read, plus what the loopback sockets buffered (autotuned, up to a few
    // tens of MiB): far below the 300 MB offered.
    let pulled = fake.bytes_streamed();
    assert!(
        pulled < 80 * 1024 * 1024,
        "the client pulled {pulled} bytes of a 300 MB body"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_body_cap_is_configurable_and_applies_to_every_answer() {
    let small = ClientConfig {
        max_body: 64 * 1024,
        ..cfg()
    };
    let (fake, e) = audit(
        site().fault(Fault::HugeBody {
            path: "/rest/api/3/myself".into(),
            bytes: 300_000_000,
        }),
        Application::Jira,
        small,
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(e.message.contains("/rest/api/3/myself"), "{}", e.message);
    // 64 KiB read, plus what the loopback socket buffers held: far below the body.
    assert!(fake.bytes_streamed() < 40 * 1024 * 1024);
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_service_desk_pages_are_refused() {
    let (fake, e) = audit(
        site().fault(Fault::EndlessServiceDesks),
        Application::Jsm,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(e.message.contains("service desk"), "{}", e.message);
    assert_eq!(fake.requests_to("/rest/servicedeskapi").len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_whole_audit_has_a_deadline() {
    let short = ClientConfig {
        deadline: Duration::from_millis(300),
        ..cfg()
    };
    let (_fake, e) = audit(
        site().fault(Fault::Slow {
            path: "/rest/api/3/project/search".into(),
            delay: Duration::from_secs(60),
        }),
        Application::Jira,
        short,
    )
    .await;
    assert_eq!(e.kind, ErrorKind::Timeout, "{}", e.message);
    assert!(e.message.contains("deadline"), "{}", e.message);
}

#[tokio::test(flavor = "multi_thread")]
async fn server_text_in_errors_is_escaped() {
    // An error body that tries to clear the terminal and reorder the text.
    let (_fake, e) = audit(
        site().fault(Fault::Answer {
            path: "/rest/api/3/permissions".into(),
            status: 400,
            content_type: "application/json;charset=UTF-8",
            body: r#"{"errorMessages":["\u001b[2J\u202Egnp.exe"],"errors":{}}"#.into(),
        }),
        Application::Jira,
        cfg(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(!e.message.contains('\u{1b}'), "{:?}", e.message);
    assert!(!e.message.contains('\u{202E}'), "{:?}", e.message);
    assert!(
        e.message.contains("\\u{001B}[2J\\u{202E}gnp.exe"),
        "{:?}",
        e.message
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_names_are_refused_with_the_answer_and_long_ones_stop_at_the_audits_budget() {
    // A name larger than the cap on one answer: the first page is refused.
    let small = ClientConfig {
        max_body: 1 << 20,
        ..cfg()
    };
    let (fake, e) = audit(
        site().fault(Fault::HugeNames {
            name_bytes: 2 << 20,
        }),
        Application::Jira,
        small.clone(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(e.message.contains("more than 1 MiB"), "{}", e.message);
    assert!(live_searches(&fake) <= 1 + small.max_in_flight);
    // Names just under it, one new space a page: the budget of all answers stops it.
    let budget = ClientConfig {
        max_received: 8 << 20,
        ..small
    };
    let (fake, e) = audit(
        site().fault(Fault::HugeNames {
            name_bytes: (1 << 20) - 4096,
        }),
        Application::Jira,
        budget.clone(),
    )
    .await;
    assert_eq!(e.kind, ErrorKind::InvalidResponse, "{}", e.message);
    assert!(
        e.message.contains("more than 8 MiB in all"),
        "{}",
        e.message
    );
    // Live and archived pages alike count against the budget.
    let pages = fake.requests_to("/rest/api/3/project/search").len();
    assert!(
        (8..=9 + budget.max_in_flight).contains(&pages),
        "{pages} pages of 1 MiB for a budget of 8 MiB"
    );
}
