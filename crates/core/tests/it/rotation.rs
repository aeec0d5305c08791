//! Rotation, make before break, against the fake Jira with a fixed clock: the new token
//! is verified and audited before anything changes, a worse or failing one is refused
//! unless the user insists, one Jira rejects never goes in, the swap puts the old token
//! back when the save fails, and no token reaches the files.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use connkeeper_core::audit::{self, AuditRequest};
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::model::{ExpiresSource, ProfileId};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::rotation::{self, RefusalCode, RotateRequest, RotationOutcome, Verification};
use connkeeper_core::secrets::{MemoryStore, SecretStore};
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::Draft;
use connkeeper_core::{Error, ExposeSecret, SecretString};
use fake_jira::{Account, FakeJira, Project, Site};

const EMAIL: &str = "backup@acme.com";
const OLD: &str = "ATATT3xFfGF0-rotation-old-token-0001";
const NEW: &str = "ATATT3xFfGF0-rotation-new-token-0002";
const STRANGER: &str = "ATATT3xFfGF0-rotation-unknown-token-03";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

type P = Arc<Profiles<Arc<MemoryStore>>>;

fn profiles(dir: &std::path::Path, fake: &FakeJira) -> (P, Arc<MemoryStore>) {
    let secrets = Arc::new(MemoryStore::new());
    let p = Profiles::new(
        ProfileStore::new(dir),
        secrets.clone(),
        Arc::new(FixedClock::on(today())),
    )
    .allow_loopback_http(true)
    .with_client(ClientConfig {
        retry_base: Duration::from_millis(10),
        retry_cap: Duration::from_millis(20),
        request_timeout: Duration::from_secs(5),
        gateway: url::Url::parse(&fake.url()).unwrap(),
        ..ClientConfig::default()
    });
    (Arc::new(p), secrets)
}

fn site(account: Account) -> Site {
    Site::new()
        .account(account)
        .projects(vec![Project::new(10_000, "OPS", "Operations")])
}

/// A profile saved with the old token and audited once (its `last_audit`).
async fn saved(p: &P, fake: &FakeJira) -> ProfileId {
    let id = p
        .create(&Draft {
            name: "Acme backup".into(),
            description: Some("Nightly backup by BackupCo".into()),
            application: "jira".into(),
            host: fake.url(),
            email: EMAIL.into(),
            token: Some(SecretString::from(OLD.to_owned())),
            expires: "2026-12-10".into(),
        })
        .unwrap()
        .profile
        .id;
    audit::run(
        p,
        AuditRequest::Saved(id),
        AuditPurpose::Backup,
        false,
        |_| async { None },
        &|_| {},
    )
    .await
    .unwrap();
    id
}

async fn rotate(
    p: &P,
    id: ProfileId,
    token: &str,
    expires: &str,
    force: bool,
) -> Result<RotationOutcome, Error> {
    // The path both faces ship: verify, then commit what is ready.
    let request = RotateRequest {
        id,
        token: SecretString::from(token.to_owned()),
        expires: expires.into(),
        force,
    };
    match rotation::verify(p, request, false, |_| async { None }, &|_| {}).await? {
        Verification::Refused(outcome) => Ok(outcome),
        Verification::Ready(ready) => rotation::commit(p, ready).await,
    }
}

/// The token in profile `id`'s keyring item (bound to the profile's host and email).
fn stored(secrets: &MemoryStore, id: ProfileId) -> String {
    match connkeeper_core::binding::open(&secrets.get(id).unwrap().unwrap()) {
        connkeeper_core::binding::Opened::Bound(_, t) => t.expose_secret().to_owned(),
        other => panic!("not a bound item: {other:?}"),
    }
}

/// Every file in the data folder, as text.
fn files_text(dir: &std::path::Path) -> String {
    let mut out = String::new();
    for e in walk(dir) {
        out.push_str(&String::from_utf8_lossy(&std::fs::read(e).unwrap()));
    }
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let path = e.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_token_that_works_as_well_replaces_the_old_one() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD).also_accepts(NEW)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;

    let plan = rotation::plan(&p, id).unwrap();
    assert_eq!(plan.label, "connkeeper Acme backup 2026-11-28");
    assert_eq!(
        plan.suggested_expires,
        NaiveDate::from_ymd_opt(2027, 11, 28).unwrap()
    );
    assert_eq!(
        plan.purpose,
        AuditPurpose::Backup,
        "the last audit's purpose"
    );
    assert!(!plan.old_token_pending);

    fake.reset_stats();
    let out = rotate(&p, id, NEW, "2027-06-01", false).await.unwrap();
    let RotationOutcome::Rotated { profile, record } = out else {
        panic!("refused: {out:?}");
    };
    // Verified with the new token against the profile's own site and email.
    assert!(fake.request_count() > 0);
    assert!(fake
        .requests()
        .iter()
        .filter_map(|r| r.authorization.as_deref())
        .all(|a| a != format!("Basic {}", b64(&format!("{EMAIL}:{OLD}")))));
    assert_eq!(stored(&secrets, id), NEW);
    assert_eq!(
        profile.expires,
        NaiveDate::from_ymd_opt(2027, 6, 1).unwrap()
    );
    assert_eq!(profile.rotated_at, Some(record.at));
    assert_eq!(profile.old_token_revoked, Some(false));
    assert_eq!(profile.expires_source, ExpiresSource::Manual);
    assert_eq!(profile.rotations.len(), 1);
    assert_eq!(
        record.old_expires,
        NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
    );
    assert!(record.before.as_ref().unwrap().ok && record.after.as_ref().unwrap().ok);
    assert!(!record.forced);
    assert!(
        profile.last_audit.is_some(),
        "the new token's audit is the last audit"
    );

    // The old token still to revoke, until ticked.
    assert!(rotation::plan(&p, id).unwrap().old_token_pending);
    let ticked = rotation::mark_old_revoked(&p, id, true).unwrap();
    assert_eq!(ticked.old_token_revoked, Some(true));

    let text = files_text(dir.path());
    assert!(
        !text.contains(OLD) && !text.contains(NEW),
        "a token reached a file"
    );
    assert!(text.contains("\"rotations\""));
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_jira_rejects_never_goes_in_even_when_insisting() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    let before = std::fs::read(p.store().path()).unwrap();
    for force in [false, true] {
        let out = rotate(&p, id, STRANGER, "2027-06-01", force).await.unwrap();
        let RotationOutcome::Refused {
            refusals,
            can_insist,
            error,
            ..
        } = out
        else {
            panic!("rotated a rejected token");
        };
        assert_eq!(refusals[0].code, RefusalCode::Rejected);
        assert!(!can_insist);
        assert_eq!(error.unwrap().kind.code(), "auth");
        assert_eq!(stored(&secrets, id), OLD);
        assert_eq!(
            std::fs::read(p.store().path()).unwrap(),
            before,
            "nothing changed"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_worse_token_is_refused_unless_the_user_insists() {
    // The account lost Browse Projects in OPS since the last audit, which passed.
    let account = Account::admin(EMAIL, OLD)
        .also_accepts(NEW)
        .revoke_in_project(10_000, "BROWSE_PROJECTS");
    let fake = FakeJira::start(site(account)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    p.store()
        .update(|all| {
            let s = all[0].last_audit.as_mut().unwrap();
            s.ok = true;
            s.backup_ok = true;
            s.projects_with_gaps = 0;
            s.missing_global.clear();
            Ok::<_, Error>(())
        })
        .unwrap();

    let out = rotate(&p, id, NEW, "2027-06-01", false).await.unwrap();
    let RotationOutcome::Refused {
        refusals,
        can_insist,
        before,
        after,
        ..
    } = out
    else {
        panic!("rotated a worse token");
    };
    assert_eq!(
        refusals.iter().map(|r| r.code).collect::<Vec<_>>(),
        [RefusalCode::Worse]
    );
    assert!(can_insist);
    assert!(before.unwrap().ok && !after.unwrap().ok);
    assert_eq!(stored(&secrets, id), OLD);

    let out = rotate(&p, id, NEW, "2027-06-01", true).await.unwrap();
    let RotationOutcome::Rotated { record, .. } = out else {
        panic!("insisting did not rotate");
    };
    assert!(record.forced);
    assert_eq!(stored(&secrets, id), NEW);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_site_leaves_the_old_token_and_insisting_records_no_verdict() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    drop(fake); // the site is gone
    let out = rotate(&p, id, NEW, "2027-06-01", false).await.unwrap();
    let RotationOutcome::Refused {
        refusals,
        can_insist,
        ..
    } = out
    else {
        panic!("rotated without verification");
    };
    assert_eq!(refusals[0].code, RefusalCode::Unverified);
    assert!(can_insist);
    assert_eq!(stored(&secrets, id), OLD);
    let RotationOutcome::Rotated { record, profile } =
        rotate(&p, id, NEW, "2027-06-01", true).await.unwrap()
    else {
        panic!("insisting did not rotate");
    };
    assert!(record.forced && record.after.is_none());
    assert!(
        profile.last_audit.is_none(),
        "no audit of the new token to show"
    );
    assert_eq!(stored(&secrets, id), NEW);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_names_the_field_and_sends_nothing() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    fake.reset_stats();
    for (token, expires, field, code) in [
        (NEW, "2026-11-27", "expires", "in_past"),
        (NEW, "2027-11-29", "expires", "too_far"),
        (NEW, "soon", "expires", "invalid"),
        ("short", "2027-06-01", "token", "too_short"),
    ] {
        let e = rotate(&p, id, token, expires, true).await.unwrap_err();
        let f = e.fields();
        assert_eq!(f.len(), 1, "{e}");
        assert_eq!((f[0].field.code(), f[0].code.code()), (field, code), "{e}");
        assert!(!e.to_string().contains(NEW));
    }
    assert_eq!(fake.request_count(), 0, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_save_puts_the_old_token_back() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD).also_accepts(NEW)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    // The new audit report cannot be written: a directory stands where it goes.
    let report = dir.path().join("audits").join(format!("{id}.json"));
    std::fs::remove_file(&report).unwrap();
    std::fs::create_dir_all(report.join("blocker")).unwrap();
    let before = std::fs::read(p.store().path()).unwrap();
    let e = rotate(&p, id, NEW, "2027-06-01", false).await.unwrap_err();
    assert_eq!(e.kind().code(), "store", "{e}");
    assert_eq!(stored(&secrets, id), OLD, "the old token is back");
    assert_eq!(std::fs::read(p.store().path()).unwrap(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_in_use_is_no_rotation_and_nothing_is_sent() {
    let fake = FakeJira::start(site(Account::admin(EMAIL, OLD)))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    let id = saved(&p, &fake).await;
    fake.reset_stats();
    let before = std::fs::read(p.store().path()).unwrap();
    let out = rotate(&p, id, OLD, "2027-06-01", true).await.unwrap();
    let RotationOutcome::Refused {
        refusals,
        can_insist,
        ..
    } = out
    else {
        panic!("rotated to the same token");
    };
    assert_eq!(refusals[0].code, RefusalCode::SameToken);
    assert!(!can_insist);
    assert_eq!(fake.request_count(), 0);
    assert_eq!(stored(&secrets, id), OLD);
    assert_eq!(std::fs::read(p.store().path()).unwrap(), before);
}

#[test]
fn a_token_that_sees_fewer_projects_reaches_less() {
    use connkeeper_core::model::Verdict;
    use connkeeper_core::rotation::compare;
    let v = |total: usize, complete: bool| Verdict {
        purpose: AuditPurpose::All,
        ok: true,
        backup_ok: true,
        restore_ok: true,
        missing_global: 0,
        projects_with_gaps: 0,
        projects_total: total,
        coverage_complete: complete,
    };
    assert!(compare(Some(&v(40, true)), &v(40, true)).is_empty());
    assert_eq!(
        compare(Some(&v(40, true)), &v(0, true))[0].code,
        RefusalCode::Worse
    );
    assert_eq!(
        compare(Some(&v(40, true)), &v(40, false))[0].code,
        RefusalCode::Worse
    );
    assert!(
        compare(None, &v(0, true)).is_empty(),
        "nothing to compare with"
    );
}
