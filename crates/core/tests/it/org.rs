//! The link to Atlassian Administration against the fake's organisation routes: the key
//! only in the keyring, a sync that reads (never writes) and tells each profile's token
//! state, real expiry and last use, a confirmed expiry change, and the one explicit write,
//! revoking an old token, after which the site refuses it.

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::model::{ExpiresSource, OrgTokenState, ProfileId};
use connkeeper_core::org::{self, OrgDraft, ORG_KEY_ID};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::{MemoryStore, SecretStore};
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::{Draft, Field};
use connkeeper_core::{Error, ErrorKind, SecretString};
use fake_jira::{Account, FakeJira, Org, Site};

const KEY: &str = "ATCTT3xFfGN0-org-admin-key-000000000001";
const ORG: &str = "2f1e0c3a-8b7d-4e6f-9a10-5c4b3a291807";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn tok(n: u8) -> String {
    format!("ATATT3xFfGF0-org-test-token-{n:04}")
}

fn profiles(
    dir: &std::path::Path,
    fake: &FakeJira,
) -> (Arc<Profiles<Arc<MemoryStore>>>, Arc<MemoryStore>) {
    let secrets = Arc::new(MemoryStore::new());
    let p = Profiles::new(
        ProfileStore::new(dir),
        secrets.clone(),
        Arc::new(FixedClock::on(today())),
    )
    .allow_loopback_http(true)
    .with_client(ClientConfig {
        request_timeout: Duration::from_secs(5),
        gateway: url::Url::parse(&fake.url()).unwrap(),
        ..ClientConfig::default()
    });
    (Arc::new(p), secrets)
}

fn create(
    p: &Profiles<Arc<MemoryStore>>,
    fake: &FakeJira,
    name: &str,
    email: &str,
    token: &str,
    expires: &str,
) -> ProfileId {
    p.create(&Draft {
        name: name.into(),
        description: None,
        application: "jira".into(),
        host: fake.url(),
        email: email.into(),
        token: Some(SecretString::from(token.to_owned())),
        expires: expires.into(),
    })
    .unwrap()
    .profile
    .id
}

fn org_site() -> Site {
    let mut site = Site::new();
    for (email, n) in [
        ("a@acme.com", 1),
        ("b@acme.com", 2),
        ("c@acme.com", 3),
        ("d@other.example", 4),
        ("e@acme.com", 5),
        ("f@acme.com", 6),
    ] {
        site = site.account(Account::admin(email, &tok(n)).also_accepts(&tok(n + 100)));
    }
    site.org(
        Org::new(ORG, KEY, &["acme.com"])
            .page_size(2)
            .token(
                "t-a",
                "a@acme.com",
                &tok(1),
                "BackupCo",
                "2027-03-01T10:00:00.000Z",
                Some("2026-11-27T03:00:00.000Z"),
            )
            .token(
                "t-b",
                "b@acme.com",
                &tok(2),
                "BackupCo",
                "2027-03-01T10:00:00.000Z",
                Some("2026-11-01T03:00:00.000Z"),
            )
            .revoked()
            .token(
                "t-e1",
                "e@acme.com",
                &tok(5),
                "one",
                "2027-05-01T10:00:00.000Z",
                None,
            )
            .token(
                "t-e2",
                "e@acme.com",
                &tok(105),
                "two",
                "2027-06-01T10:00:00.000Z",
                None,
            )
            .token(
                "t-f",
                "f@acme.com",
                &tok(6),
                "connkeeper F 2026-01-05",
                "2027-01-04T10:00:00.000Z",
                Some("2026-10-01T03:00:00.000Z"),
            )
            .token(
                "t-f-old",
                "f@acme.com",
                &tok(106),
                "old",
                "2026-12-20T10:00:00.000Z",
                Some("2026-11-27T03:00:00.000Z"),
            ),
    )
}

fn link(p: &Profiles<Arc<MemoryStore>>) {
    org::link(
        p,
        &OrgDraft {
            org_id: ORG.into(),
            key: SecretString::from(KEY.to_owned()),
            key_expires: "2027-06-30".into(),
        },
    )
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn linking_checks_the_fields_and_keeps_the_key_in_the_keyring_only() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    for (id, key, expires, what) in [
        ("not an id!", KEY, "2027-06-30", Field::OrgId),
        (ORG, "short", "2027-06-30", Field::OrgKey),
        (ORG, KEY, "2026-11-01", Field::OrgKeyExpires),
        (ORG, KEY, "2028-01-01", Field::OrgKeyExpires),
    ] {
        let e = org::link(
            &p,
            &OrgDraft {
                org_id: id.into(),
                key: SecretString::from(key.to_owned()),
                key_expires: expires.into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert!(matches!(e, Error::OrgValidation(_)), "{e}");
        assert_eq!(e.fields().len(), 1, "{e}");
        assert_eq!(e.fields()[0].field, what, "{e}");
        assert!(e.to_string().contains(what.label()), "{e}");
        assert!(!e.to_string().contains(KEY));
        assert!(secrets.get(ORG_KEY_ID).unwrap().is_none());
        assert!(org::view(&p).unwrap().is_none());
    }
    // Every field's error at once, each on its field.
    let e = org::link(
        &p,
        &OrgDraft {
            org_id: "not an id!".into(),
            key: SecretString::from("short".to_owned()),
            key_expires: "someday".into(),
        },
    )
    .unwrap_err();
    let fields: Vec<Field> = e.fields().iter().map(|f| f.field).collect();
    assert_eq!(
        fields,
        [Field::OrgId, Field::OrgKey, Field::OrgKeyExpires],
        "{e}"
    );
    link(&p);
    let view = org::view(&p).unwrap().unwrap();
    assert_eq!(view.config.org_id, ORG);
    assert_eq!(view.key_days_left, 214);
    assert!(view.key_stored);
    let file = std::fs::read_to_string(dir.path().join("org.json")).unwrap();
    assert!(!file.contains(KEY));
    assert!(p.list().unwrap().is_empty(), "the key is no profile");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_tells_each_profile_what_atlassian_knows_and_writes_nothing_there() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    let a = create(&p, &fake, "A", "a@acme.com", &tok(1), "2027-03-01");
    let b = create(&p, &fake, "B", "b@acme.com", &tok(2), "2027-03-01");
    let c = create(&p, &fake, "C", "c@acme.com", &tok(3), "2027-03-01");
    let d = create(&p, &fake, "D", "d@other.example", &tok(4), "2027-03-01");
    let e = create(&p, &fake, "E", "e@acme.com", &tok(5), "2027-03-01");
    let f = create(&p, &fake, "F", "f@acme.com", &tok(6), "2027-02-01");
    link(&p);
    let sync = org::sync_with(&p, 7).await.unwrap();
    assert_eq!(sync.tokens_listed, 6, "every page was read");
    let by = |id| sync.profiles.iter().find(|x| x.id == id).unwrap();
    assert_eq!(by(a).state, OrgTokenState::Active);
    assert!(!by(a).expiry_differs && !by(a).unused, "{}", by(a).message);
    assert_eq!(by(b).state, OrgTokenState::Revoked);
    assert_eq!(by(c).state, OrgTokenState::Missing);
    assert_eq!(by(d).state, OrgTokenState::Unmanaged);
    assert_eq!(by(e).state, OrgTokenState::Ambiguous);
    // F: matched by its rotation label, not by the other token used yesterday.
    let ff = by(f);
    assert_eq!(ff.token_id.as_deref(), Some("t-f"));
    assert!(ff.expiry_differs && ff.unused, "{}", ff.message);
    assert_eq!(ff.atlassian_expires, NaiveDate::from_ymd_opt(2027, 1, 4));
    assert_eq!(ff.other_active, 1);

    // Read-only: the admin API saw GETs only, with the key as Bearer; the site saw nothing.
    let reqs = fake.requests();
    assert!(
        reqs.iter()
            .all(|r| r.method == "GET" && r.path.starts_with("/admin/")),
        "{reqs:?}"
    );
    assert!(reqs
        .iter()
        .all(|r| r.authorization.as_deref() == Some(&*format!("Bearer {KEY}"))));

    // Recorded on the profiles; the expiry changes only when the user confirms it.
    let view = p.view(&p.get(f).unwrap()).unwrap();
    assert_eq!(view.expires, NaiveDate::from_ymd_opt(2027, 2, 1).unwrap());
    assert_eq!(
        view.atlassian.as_ref().unwrap().state,
        OrgTokenState::Active
    );
    assert!(view.last_active.is_some());
    let stale =
        org::accept_expiry(&p, f, NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()).unwrap_err();
    assert_eq!(stale.kind(), ErrorKind::Conflict);
    let taken = org::accept_expiry(&p, f, NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()).unwrap();
    assert_eq!(taken.expires, NaiveDate::from_ymd_opt(2027, 1, 4).unwrap());
    assert_eq!(taken.expires_source, ExpiresSource::Atlassian);
    let text = std::fs::read_to_string(p.store().path()).unwrap();
    assert!(!text.contains(KEY) && !text.contains(&tok(6)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_key_is_an_auth_error_naming_the_key() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    org::link(
        &p,
        &OrgDraft {
            org_id: ORG.into(),
            key: SecretString::from("ATCTT3xFfGN0-a-wrong-key-00000000".to_owned()),
            key_expires: "2027-06-30".into(),
        },
    )
    .unwrap();
    let e = org::sync_with(&p, 7).await.unwrap_err();
    assert_eq!(e.kind().code(), "auth");
    assert!(e.to_string().contains("organisation API key"), "{e}");
    assert_eq!(fake.request_count(), 1, "no retry of a refused key");
}

#[tokio::test(flavor = "multi_thread")]
async fn revoking_the_old_token_is_explicit_and_the_site_then_refuses_it() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    let f = create(&p, &fake, "F", "f@acme.com", &tok(6), "2027-01-04");
    link(&p);
    org::sync_with(&p, 7).await.unwrap();
    // The profile's own token is not revoked.
    let e = org::revoke(&p, f, "t-f".into()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    // E has two active tokens and no way to tell which one it uses: nothing is revoked.
    let e = create(&p, &fake, "E", "e@acme.com", &tok(5), "2027-03-01");
    let unclear = org::revoke(&p, e, "t-e2".into()).await.unwrap_err();
    assert_eq!(unclear.kind(), ErrorKind::Conflict, "{unclear}");
    assert!(unclear.to_string().contains("cannot tell"), "{unclear}");
    // A token of another account is not this profile's to revoke.
    assert_eq!(
        org::revoke(&p, f, "t-a".into()).await.unwrap_err().kind(),
        ErrorKind::OrgTokenNotFound
    );
    let site_ok = |token: String| {
        let url = format!("{}/rest/api/3/myself", fake.url());
        async move {
            reqwest::Client::new()
                .get(url)
                .basic_auth("f@acme.com", Some(token))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(site_ok(tok(106)).await, 200);
    org::revoke(&p, f, "t-f-old".into()).await.unwrap();
    assert_eq!(
        site_ok(tok(106)).await,
        401,
        "the revoked token no longer works"
    );
    assert_eq!(site_ok(tok(6)).await, 200, "the profile's token still does");
    let deletes: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .collect();
    assert_eq!(deletes.len(), 1);
}

#[test]
fn unlinking_removes_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryStore::new());
    let p = Profiles::new(
        ProfileStore::new(dir.path()),
        secrets.clone(),
        Arc::new(FixedClock::on(today())),
    );
    org::link(
        &p,
        &OrgDraft {
            org_id: ORG.into(),
            key: SecretString::from(KEY.to_owned()),
            key_expires: "2027-06-30".into(),
        },
    )
    .unwrap();
    assert!(org::unlink(&p,).unwrap());
    assert!(secrets.get(ORG_KEY_ID).unwrap().is_none());
    assert!(org::view(&p).unwrap().is_none());
}

#[test]
fn the_organisation_key_is_reminded_of_like_a_token() {
    let dir = tempfile::tempdir().unwrap();
    let p = Profiles::new(
        ProfileStore::new(dir.path()),
        Arc::new(MemoryStore::new()),
        Arc::new(FixedClock::on(today())),
    );
    org::link(
        &p,
        &OrgDraft {
            org_id: ORG.into(),
            key: SecretString::from(KEY.to_owned()),
            key_expires: "2026-12-05".into(),
        },
    )
    .unwrap();
    let check = connkeeper_core::reminders::check(&p, &chrono::Utc).unwrap();
    assert_eq!(check.notices.len(), 1, "{:?}", check.notices);
    assert_eq!(
        check.notices[0].title,
        "Atlassian organisation API key expires in 7 days"
    );
    assert!(check.notices[0].body.contains("admin.atlassian.com"));
    assert!(!check.notices[0].body.contains(KEY));
    assert!(check.dated.is_empty(), "the key is no profile in the tray");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_verified_domains_make_an_account_managed() {
    let site = Site::new()
        .account(Account::admin("d@other.example", &tok(4)))
        .org(Org::new(ORG, KEY, &["acme.com"]).domain_claim("other.example", "UNVERIFIED"));
    let fake = FakeJira::start(site).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    let d = create(&p, &fake, "D", "d@other.example", &tok(4), "2027-03-01");
    link(&p);
    let sync = org::sync_with(&p, 7).await.unwrap();
    let found = sync.profiles.iter().find(|x| x.id == d).unwrap();
    // Not "missing" (which would say the token was revoked): the domain is not verified.
    assert_eq!(found.state, OrgTokenState::Unmanaged, "{}", found.message);
    assert!(
        found.message.contains("other.example") && found.message.contains("unverified"),
        "{}",
        found.message
    );
    assert_eq!(sync.skipped_domains.len(), 1);
    assert_eq!(sync.skipped_domains[0].name, "other.example");
    assert_eq!(sync.skipped_domains[0].status, "unverified");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_organisation_key_goes_only_with_the_organisation_it_was_stored_for() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, secrets) = profiles(dir.path(), &fake);
    link(&p);
    // org.json rewritten to another organisation: the key is not sent at all.
    let path = dir.path().join(connkeeper_core::org::ORG_FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    connkeeper_core::store::atomic_write(
        &path,
        text.replace(ORG, "11111111-2222-4333-8444-555555555555")
            .as_bytes(),
    )
    .unwrap();
    let before = fake.requests().len();
    let e = org::sync_with(&p, 7).await.unwrap_err();
    assert_eq!(e.kind().code(), "token_binding_mismatch", "{e}");
    assert_eq!(fake.requests().len(), before, "nothing was sent");
    connkeeper_core::store::atomic_write(&path, text.as_bytes()).unwrap();
    // A key stored by an older version (the bare key) is bound by its next sync.
    secrets
        .set(ORG_KEY_ID, &SecretString::from(KEY.to_owned()))
        .unwrap();
    org::sync_with(&p, 7).await.unwrap();
    let stored = secrets.get(ORG_KEY_ID).unwrap().unwrap();
    assert!(matches!(
        connkeeper_core::binding::open(&stored),
        connkeeper_core::binding::Opened::Bound(
            connkeeper_core::binding::Binding::OrgKey { .. },
            _
        )
    ));
}

/// The sync every face runs reads when a token counts as unused from the settings: F's
/// token was last used 58 days ago.
#[tokio::test(flavor = "multi_thread")]
async fn the_sync_takes_the_unused_days_from_the_settings() {
    let fake = FakeJira::start(org_site()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (p, _) = profiles(dir.path(), &fake);
    let f = create(&p, &fake, "F", "f@acme.com", &tok(6), "2027-02-01");
    link(&p);
    for (days, unused) in [(90, false), (30, true)] {
        p.settings()
            .update(|s| s.unused_warning_days = days)
            .unwrap();
        let sync = org::sync(&p).await.unwrap();
        let ff = sync.profiles.iter().find(|x| x.id == f).unwrap();
        assert_eq!(ff.unused, unused, "{days} days: {}", ff.message);
    }
}

#[test]
fn expiry_dates_as_the_faces_send_them() {
    use connkeeper_core::org::parse_expiry;
    assert_eq!(
        parse_expiry(" 2027-01-04 ").unwrap(),
        NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
    );
    for bad in ["2027-13-01", "04.01.2027", "", "2027-01-04T00:00"] {
        assert!(parse_expiry(bad).is_err(), "{bad:?}");
    }
}
