//! Health checks against the fake Jira as it changes between two checks: the first
//! check sets the baseline; a permission removed, a team-managed space created without
//! the account and a revoked token are reported as exactly those changes, "recovered"
//! when they are undone; every outcome is recorded, failures included; accepting makes
//! the result the new baseline.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::health::{self, CheckState, HISTORY_LEN};
use connkeeper_core::jira::{ClientConfig, ErrorKind};
use connkeeper_core::model::{ProfileId, ProfileState};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::MemoryStore;
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::Draft;
use connkeeper_core::SecretString;
use fake_jira::{Account, FakeJira, Project, Site};

const EMAIL: &str = "backup@acme.com";
const TOKEN: &str = "ATATT3xFfGF0-health-token-000001";
const OTHER: &str = "ATATT3xFfGF0-health-token-000002";

type P = Arc<Profiles<Arc<MemoryStore>>>;

fn profiles(dir: &std::path::Path) -> P {
    Arc::new(
        Profiles::new(
            ProfileStore::new(dir),
            Arc::new(MemoryStore::new()),
            Arc::new(FixedClock::on(
                NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            )),
        )
        .allow_loopback_http(true)
        .with_client(ClientConfig {
            retry_base: Duration::from_millis(10),
            retry_cap: Duration::from_millis(20),
            max_retries: 1,
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            ..ClientConfig::default()
        }),
    )
}

fn spaces() -> Vec<Project> {
    vec![
        Project::new(10_000, "OPS", "Operations"),
        Project::new(10_001, "WEB", "Website"),
    ]
}

fn site(account: Account, projects: Vec<Project>) -> Site {
    Site::new().account(account).projects(projects)
}

fn saved(p: &P, fake: &FakeJira) -> ProfileId {
    saved_at(p, "Acme nightly", &fake.url())
}

fn saved_at(p: &P, name: &str, host: &str) -> ProfileId {
    p.create(&Draft {
        name: name.into(),
        description: None,
        application: "jira".into(),
        host: host.into(),
        email: EMAIL.into(),
        token: Some(SecretString::from(TOKEN.to_owned())),
        expires: "2027-02-01".into(),
    })
    .unwrap()
    .profile
    .id
}

async fn check(p: &P, id: ProfileId) -> health::CheckRecord {
    health::check(p, id, false, &|_| {}).await.unwrap().record
}

fn codes(changes: &[health::Change]) -> Vec<String> {
    changes
        .iter()
        .map(|c| {
            format!(
                "{}:{}:{}",
                c.code,
                c.permission.as_deref().unwrap_or("-"),
                c.spaces.join(",")
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn checks_report_what_changed_on_the_site_and_when_it_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let fake = FakeJira::start(site(Account::admin(EMAIL, TOKEN), spaces()))
        .await
        .unwrap();
    let id = saved(&p, &fake);

    // The first check sets the baseline.
    let first = check(&p, id).await;
    assert_eq!(first.state, CheckState::Healthy);
    assert!(first.accepted && first.changes.is_empty() && first.alerts.is_empty());
    assert!(first.requests > 0);
    let again = check(&p, id).await;
    assert_eq!((again.state, again.accepted), (CheckState::Healthy, false));
    assert!(
        again.alerts.is_empty(),
        "an unchanged healthy check says nothing"
    );

    // Browse spaces removed in WEB, and a team-managed space the account is not in.
    let mut changed = spaces();
    changed.push(Project::team_managed(10_002, "NEW", "New team"));
    let account = Account::admin(EMAIL, TOKEN)
        .revoke_in_project(10_001, "BROWSE_PROJECTS")
        .override_project(10_002, &[]);
    let fake = fake.replace(site(account, changed)).await.unwrap();
    let r = check(&p, id).await;
    assert_eq!(r.state, CheckState::Changed);
    assert_eq!(
        codes(&r.changes),
        [
            "permission_lost:BROWSE_PROJECTS:WEB",
            "spaces_uncovered:-:NEW"
        ]
    );
    assert_eq!(r.alerts, r.changes, "new changes alert");
    assert_eq!(r.changes[0].message, "Browse spaces lost in 1 space (WEB).");
    let lasting = check(&p, id).await;
    assert_eq!(lasting.changes, r.changes);
    assert!(lasting.alerts.is_empty(), "a lasting change alerts once");

    // The token is revoked: a failed check, recorded, alerting at once.
    let fake = fake
        .replace(site(Account::admin(EMAIL, OTHER), spaces()))
        .await
        .unwrap();
    let r = check(&p, id).await;
    assert_eq!(r.state, CheckState::Failed);
    assert_eq!(codes(&r.changes), ["token_rejected:-:"]);
    assert_eq!(codes(&r.alerts), ["token_rejected:-:"]);
    assert_eq!(r.problem.as_ref().unwrap().kind, ErrorKind::Auth);

    // Undone: the site matches the baseline again.
    let fake = fake
        .replace(site(Account::admin(EMAIL, TOKEN), spaces()))
        .await
        .unwrap();
    let r = check(&p, id).await;
    assert_eq!(r.state, CheckState::Healthy);
    assert_eq!(codes(&r.alerts), ["recovered:-:"]);

    let h = health::history(&p, id).unwrap();
    let states: Vec<CheckState> = h.checks.iter().map(|c| c.state).collect();
    assert_eq!(
        states,
        [
            CheckState::Healthy,
            CheckState::Failed,
            CheckState::Changed,
            CheckState::Changed,
            CheckState::Healthy,
            CheckState::Healthy,
        ],
        "newest first, failures included"
    );
    let file =
        std::fs::read_to_string(dir.path().join("checks").join(format!("{id}.json"))).unwrap();
    assert!(
        !file.contains(TOKEN) && !file.contains(OTHER),
        "no token in the history"
    );
    drop(fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_alerts_on_the_second_failure_and_accept_moves_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let fake = FakeJira::start(site(Account::admin(EMAIL, TOKEN), spaces()))
        .await
        .unwrap();
    let id = saved(&p, &fake);
    check(&p, id).await;

    // The site goes away: the first failure is recorded but does not alert.
    let addr = fake.addr();
    drop(fake);
    let down = check(&p, id).await;
    assert_eq!(down.state, CheckState::Failed);
    assert_eq!(codes(&down.changes), ["unreachable:-:"]);
    assert!(down.alerts.is_empty(), "one failure is not an incident");
    let still = check(&p, id).await;
    assert_eq!(codes(&still.alerts), ["unreachable:-:"]);

    // Back, with restore permissions removed on purpose: accepted as the new baseline.
    let account = Account::admin(EMAIL, TOKEN).revoke_project("EDIT_ISSUES");
    let fake = FakeJira::start_on(site(account, spaces()), addr)
        .await
        .unwrap();
    let r = health::check(&p, id, true, &|_| {}).await.unwrap().record;
    assert_eq!(r.state, CheckState::Changed);
    assert!(r.accepted && r.alerts.is_empty());
    assert_eq!(codes(&r.changes), ["permission_lost:EDIT_ISSUES:OPS,WEB"]);
    let after = check(&p, id).await;
    assert_eq!(
        after.state,
        CheckState::Healthy,
        "the accepted result is the baseline"
    );
    drop(fake);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_check_never_asks_and_the_history_is_bounded_and_forgotten_with_the_profile() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    // A custom domain nobody confirmed: skipped, nothing sent.
    let id = saved_at(&p, "Custom", "https://jira.acme-corp.invalid");
    let r = check(&p, id).await;
    assert_eq!(r.state, CheckState::Skipped);
    assert_eq!(r.problem.unwrap().kind, ErrorKind::ConfirmationRequired);
    assert!(r.changes.is_empty() && r.alerts.is_empty());
    for _ in 0..HISTORY_LEN + 3 {
        check(&p, id).await;
    }
    assert_eq!(health::history(&p, id).unwrap().checks.len(), HISTORY_LEN);
    let file = dir.path().join("checks").join(format!("{id}.json"));
    assert!(file.exists());
    p.delete(id).unwrap();
    assert!(!file.exists(), "the history goes with its profile");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_that_fails_is_recorded_too() {
    use connkeeper_core::audit::{self, AuditRequest};
    use connkeeper_core::jira::AuditPurpose;
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    // Jira knows another token for the account: the saved one is rejected.
    let fake = FakeJira::start(site(Account::admin(EMAIL, OTHER), spaces()))
        .await
        .unwrap();
    let id = saved(&p, &fake);
    let e = audit::run(
        &p,
        AuditRequest::Saved(id),
        AuditPurpose::All,
        false,
        |_| async { None },
        &|_| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Auth);
    let h = health::history(&p, id).unwrap();
    assert_eq!(
        h.checks.len(),
        1,
        "the failed audit is the profile's state now"
    );
    assert_eq!(h.checks[0].state, CheckState::Failed);
    assert_eq!(codes(&h.checks[0].changes), ["token_rejected:-:"]);
    assert!(h.baseline.is_none());
    // The list shows the rejected token, not a green "ok" (its date is far off).
    let view = &p.list().unwrap()[0];
    assert_eq!(view.status, connkeeper_core::model::ExpiryStatus::Ok);
    assert_eq!(view.state, ProfileState::TokenRejected);
    // A check then reports the same problem without a second alert.
    let r = check(&p, id).await;
    assert_eq!(codes(&r.changes), ["token_rejected:-:"]);
    assert!(r.alerts.is_empty(), "already reported by the audit");
    assert_eq!(health::history(&p, id).unwrap().checks.len(), 2);
    // Jira takes the token again: the next audit is newer than the failure.
    let fake = fake
        .replace(site(Account::admin(EMAIL, TOKEN), spaces()))
        .await
        .unwrap();
    check(&p, id).await;
    assert_eq!(p.list().unwrap()[0].state, ProfileState::Ok);
    drop(fake);
}
