//! A tampered data folder sends no secret anywhere: reserved ids are refused on load, a
//! keyring item is released only for the host and email it was stored for, items of an
//! older version are bound only with the user's consent, and a confirmation approves
//! exactly the host that was shown. The keyring here is the in-memory store (the real
//! Secret Service is proven in keyring.rs and by the CLI's tests).

use connkeeper_core::ErrorKind;
use std::sync::Arc;

use chrono::NaiveDate;
use connkeeper_core::audit::{self, AuditRequest};
use connkeeper_core::binding::{self, Binding, Opened};
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::model::ProfileId;
use connkeeper_core::org::{self, OrgDraft, ORG_KEY_ID};
use connkeeper_core::profiles::{Consent, Profiles};
use connkeeper_core::rotation::{self, RotateRequest};
use connkeeper_core::secrets::{MemoryStore, SecretStore};
use connkeeper_core::store::{atomic_write, ProfileStore};
use connkeeper_core::validate::Draft;

use crate::binding::report_for;
use connkeeper_core::{ExposeSecret, SecretString};

const TOKEN: &str = "ATATT3xFfGF0-trust-token-00001";
const NEW_TOKEN: &str = "ATATT3xFfGF0-trust-token-00002";
const ORG_KEY: &str = "ATCTT3xFfGF0-trust-org-key-0001";

type P = Profiles<Arc<MemoryStore>>;

fn profiles(dir: &std::path::Path) -> Arc<P> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    Arc::new(Profiles::new(
        ProfileStore::new(dir),
        Arc::new(MemoryStore::new()),
        Arc::new(FixedClock::on(today)),
    ))
}

fn draft(name: &str, host: &str, token: Option<&str>) -> Draft {
    Draft {
        name: name.into(),
        description: None,
        application: "jira".into(),
        host: host.into(),
        email: "backup@acme.com".into(),
        token: token.map(|t| SecretString::from(t.to_owned())),
        expires: "2027-02-01".into(),
    }
}

fn secret(s: &str) -> SecretString {
    SecretString::from(s.to_owned())
}

/// Rewrites `profiles.json` with `edit` applied to its JSON, as someone with access to
/// the data folder (a sync client, a restored backup, a hand edit) could.
fn tamper(p: &P, edit: impl FnOnce(&mut serde_json::Value)) {
    let path = p.store().path();
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut json);
    atomic_write(&path, json.to_string().as_bytes()).unwrap();
}

fn binding_of(p: &P, id: ProfileId) -> Opened {
    binding::open(&p.secrets().get(id).unwrap().unwrap())
}

#[test]
fn a_profile_with_a_reserved_id_is_refused_on_load() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    org::link(
        &p,
        &OrgDraft {
            org_id: "2f1e0c3a-8b7d-4e6f-9a10-5c4b3a291807".into(),
            key: secret(ORG_KEY),
            key_expires: "2027-03-01".into(),
        },
    )
    .unwrap();
    let id = p
        .create(&draft("Acme", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    // A profile entry with the organisation key's id, and one with a non-random id.
    for reserved in [
        ORG_KEY_ID.to_string(),
        "00000000-0000-1000-8000-000000000001".to_owned(),
    ] {
        let before = {
            tamper(&p, |j| j["profiles"][0]["id"] = reserved.clone().into());
            std::fs::read(p.store().path()).unwrap()
        };
        for e in [
            p.load().unwrap_err(),
            p.find(&reserved).unwrap_err(),
            audit::input(
                &p,
                reserved.parse().unwrap(),
                AuditPurpose::All,
                &Consent::Beforehand,
            )
            .unwrap_err(),
        ] {
            assert_eq!(e.kind(), ErrorKind::Store, "{e}");
            let text = e.to_string();
            assert!(
                text.contains(&reserved) && text.contains("reserved"),
                "{text}"
            );
        }
        // Refused, never rewritten.
        let err = p.update(id, &draft("Acme", "acme.atlassian.net", None));
        assert_eq!(err.unwrap_err().kind(), ErrorKind::Store);
        assert_eq!(std::fs::read(p.store().path()).unwrap(), before);
        tamper(&p, |j| j["profiles"][0]["id"] = id.to_string().into());
    }
    assert_eq!(p.load().unwrap().len(), 1);
}

#[test]
fn the_organisation_key_is_never_released_as_a_profile_token() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = p
        .create(&draft("Acme", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    // The profile's keyring item replaced by an organisation key's record.
    let key = binding::seal(
        &Binding::OrgKey {
            org_id: "org".into(),
        },
        &secret(ORG_KEY),
    );
    p.secrets().set(id, &key).unwrap();
    let e = audit::input(&p, id, AuditPurpose::All, &Consent::Beforehand).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TokenBindingMismatch);
    assert!(!e.to_string().contains(ORG_KEY));
    assert_eq!(
        p.token(id).unwrap_err().kind(),
        ErrorKind::TokenBindingMismatch
    );
    // And the organisation key's own item is refused for a profile by its id too.
    assert!(!ORG_KEY_ID.is_profile_id());
}

#[test]
fn a_rewritten_host_or_email_does_not_take_the_token_along() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = p
        .create(&draft("Victim", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    let Opened::Bound(b, _) = binding_of(&p, id) else {
        panic!("a new token is stored bound")
    };
    assert_eq!(
        b,
        Binding::profile("https://acme.atlassian.net", "backup@acme.com")
    );
    for (field, value) in [
        ("host", "https://evil.example"),
        ("host", "https://evil.atlassian.net"),
        ("email", "attacker@evil.example"),
    ] {
        tamper(&p, |j| {
            j["profiles"][0][field] = value.into();
            j["profiles"][0]["confirmed_host"] = j["profiles"][0]["host"].clone();
        });
        let e = audit::input(&p, id, AuditPurpose::All, &Consent::Beforehand).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenBindingMismatch, "{field}: {e}");
        assert!(e.to_string().contains("Victim"), "{e}");
        // The unsaved test of the same values with the stored token: refused the same.
        let now = p.get(id).unwrap();
        let mut d = Draft::from_profile(&now);
        d.token = None;
        let e = audit::test_input(&p, &d, Some(id), AuditPurpose::All, &Consent::Beforehand)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::TokenBindingMismatch, "{field}: {e}");
        // Put back as it was: the token works again.
        tamper(&p, |j| {
            j["profiles"][0]["host"] = "https://acme.atlassian.net".into();
            j["profiles"][0]["email"] = "backup@acme.com".into();
            j["profiles"][0]["confirmed_host"] = serde_json::Value::Null;
        });
        let (_, input) = audit::input(&p, id, AuditPurpose::All, &Consent::NotAsked).unwrap();
        assert_eq!(input.token.expose_secret(), TOKEN);
    }
    // Entering the token again binds it to what the profile names now.
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.host = "other.atlassian.net".into();
    d.token = Some(secret(NEW_TOKEN));
    p.update(id, &d).unwrap();
    let (_, input) = audit::input(&p, id, AuditPurpose::All, &Consent::NotAsked).unwrap();
    assert_eq!(input.host, "https://other.atlassian.net");
    assert_eq!(input.token.expose_secret(), NEW_TOKEN);
}

#[test]
fn items_of_an_older_version_are_bound_only_with_consent() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let cloud = p
        .create(&draft("Cloud", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    let custom = p
        .create(&draft("Custom", "jira.acme-corp.example", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    audit::input(&p, custom, AuditPurpose::All, &Consent::Beforehand).unwrap();
    assert!(p.get(custom).unwrap().host_confirmed());
    // Both items as an older version stored them: the bare token.
    for id in [cloud, custom] {
        p.secrets().set(id, &secret(TOKEN)).unwrap();
        assert!(matches!(binding_of(&p, id), Opened::Unbound(_)));
    }
    // An Atlassian site is Atlassian's own: released, bound by the recorded audit.
    let (profile, input) = audit::input(&p, cloud, AuditPurpose::All, &Consent::NotAsked).unwrap();
    assert_eq!(input.token.expose_secret(), TOKEN);
    let report = report_for(&profile.host);
    assert!(audit::record(&p, cloud, profile.target(), &report).unwrap());
    assert!(matches!(binding_of(&p, cloud), Opened::Bound(..)));
    // A custom domain the file says was confirmed is asked about again.
    let e = audit::input(&p, custom, AuditPurpose::All, &Consent::NotAsked).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConfirmationRequired);
    let host = "https://jira.acme-corp.example".to_owned();
    let (profile, _) =
        audit::input(&p, custom, AuditPurpose::All, &Consent::For(host.clone())).unwrap();
    assert!(matches!(binding_of(&p, custom), Opened::Unbound(_)));
    assert!(audit::record(&p, custom, profile.target(), &report_for(&host)).unwrap());
    assert!(matches!(binding_of(&p, custom), Opened::Bound(..)));
    assert!(audit::input(&p, custom, AuditPurpose::All, &Consent::NotAsked).is_ok());
    // A saved edit binds too.
    p.secrets().set(cloud, &secret(TOKEN)).unwrap();
    let mut d = Draft::from_profile(&p.get(cloud).unwrap());
    d.description = Some("nightly".into());
    p.update(cloud, &d).unwrap();
    let Opened::Bound(b, t) = binding_of(&p, cloud) else {
        panic!("bound by the edit")
    };
    assert_eq!(
        b,
        Binding::profile("https://acme.atlassian.net", "backup@acme.com")
    );
    assert_eq!(t.expose_secret(), TOKEN);
}

/// Moves profile `id` to `host` with a new token, as a concurrent `profile edit` would.
fn move_to(p: &P, id: ProfileId, host: &str) {
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.host = host.into();
    d.token = Some(secret(NEW_TOKEN));
    p.update(id, &d).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_confirmation_approves_only_the_host_that_was_shown() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = p
        .create(&draft("Custom", "jira.h1.example", Some(TOKEN)))
        .unwrap()
        .profile
        .id;
    // The audit: while the user is asked about h1, the profile moves to h2.
    let asked = std::sync::Mutex::new(Vec::new());
    let result = audit::run(
        &p,
        AuditRequest::Saved(id),
        AuditPurpose::All,
        false,
        |host| {
            asked.lock().unwrap().push(host);
            move_to(&p, id, "jira.h2.example");
            async { Some(true) }
        },
        &|_| {},
    )
    .await;
    let e = result.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert!(e.to_string().contains("https://jira.h2.example"), "{e}");
    assert_eq!(*asked.lock().unwrap(), ["https://jira.h1.example"]);
    assert_eq!(
        p.get(id).unwrap().confirmed_host,
        None,
        "h2 was never confirmed"
    );

    // The rotation: the same race, the same refusal; nothing swapped.
    let req = RotateRequest {
        id,
        token: secret("ATATT3xFfGF0-trust-token-00003"),
        expires: "2027-06-01".into(),
        force: false,
    };
    let result = rotation::verify(
        &p,
        req,
        false,
        |host| {
            assert_eq!(host, "https://jira.h2.example");
            move_to(&p, id, "jira.h3.example");
            async { Some(true) }
        },
        &|_| {},
    )
    .await;
    let e = result.map(|_| ()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
    assert_eq!(p.get(id).unwrap().confirmed_host, None);

    // Without a race, the answer confirms the host shown, and it is remembered.
    let result = audit::input(
        &p,
        id,
        AuditPurpose::All,
        &Consent::For("https://jira.h3.example".into()),
    )
    .unwrap();
    assert_eq!(
        result.0.confirmed_host.as_deref(),
        Some("https://jira.h3.example")
    );
}
