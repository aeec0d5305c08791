//! The real OS keyring: the Secret Service (gnome-keyring) in the private D-Bus session
//! that `tests/with-session.sh` starts. Each test uses a unique service name.

use connkeeper_core::ErrorKind;
use std::process::Command;
use std::sync::Arc;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::{KeyringStore, SecretStore};
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::Draft;
use connkeeper_core::{ExposeSecret, SecretString};

use crate::unique_service;

fn require_session() {
    assert!(
        std::env::var_os("CONNKEEPER_IN_SESSION").is_some(),
        "keyring tests need the private D-Bus session with gnome-keyring: run them with `make test` or tests/with-session.sh cargo test"
    );
}

/// What `secret-tool` (libsecret, outside our process) sees under `service`.
fn items_seen_by_secret_tool(service: &str) -> String {
    let out = Command::new("secret-tool")
        .args(["search", "--all", "service", service])
        .output()
        .expect("secret-tool (libsecret-tools) is installed");
    // `search` exits 0 with or without matches: anything else means it could not look.
    assert!(
        out.status.success(),
        "secret-tool failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn set_get_delete_round_trip_in_the_real_secret_service() {
    require_session();
    let service = unique_service("roundtrip");
    let store = KeyringStore::new(&service);
    let id = connkeeper_core::model::ProfileId::new();
    assert!(store.get(id).unwrap().is_none());
    store
        .set(
            id,
            &SecretString::from("ATATT3x-first-token-value".to_owned()),
        )
        .unwrap();
    assert_eq!(
        store.get(id).unwrap().unwrap().expose_secret(),
        "ATATT3x-first-token-value"
    );
    // Another process sees the item: this is the real Secret Service, not an in-memory mock.
    let seen = items_seen_by_secret_tool(&service);
    assert!(
        seen.contains(&id.to_string()),
        "secret-tool sees the entry: {seen}"
    );
    store
        .set(
            id,
            &SecretString::from("ATATT3x-second-token-value".to_owned()),
        )
        .unwrap();
    assert_eq!(
        store.get(id).unwrap().unwrap().expose_secret(),
        "ATATT3x-second-token-value"
    );
    store.delete(id).unwrap();
    assert!(store.get(id).unwrap().is_none());
    store
        .delete(id)
        .expect("deleting a missing entry is no error");
    assert!(!items_seen_by_secret_tool(&service).contains(&id.to_string()));
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn draft(name: &str, token: &str) -> Draft {
    Draft {
        name: name.into(),
        description: Some("nightly backup".into()),
        application: "jira".into(),
        host: "acme.atlassian.net".into(),
        email: "admin@acme.com".into(),
        token: Some(SecretString::from(token.to_owned())),
        expires: "2027-02-01".into(),
    }
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn profiles_keep_the_token_in_the_keyring_only() {
    require_session();
    let dir = tempfile::tempdir().unwrap();
    let profiles = Profiles::new(
        ProfileStore::new(dir.path()),
        KeyringStore::new(unique_service("profiles")),
        Arc::new(FixedClock::on(today())),
    );
    let token = "ATATT3xFfGF0-keyring-only-secret-1";
    let saved = profiles.create(&draft("Acme", token)).unwrap();
    assert!(saved.profile.token_stored);
    let id = saved.profile.id;
    assert_eq!(profiles.token(id).unwrap().unwrap().expose_secret(), token);
    let file = std::fs::read_to_string(profiles.store().path()).unwrap();
    assert!(
        !file.contains(token) && !file.contains("keyring-only-secret"),
        "token not in the file"
    );

    // Edit without a token keeps it; with one replaces it.
    let mut d = Draft::from_profile(&profiles.find("acme").unwrap());
    d.expires = "2027-03-01".into();
    profiles.update(id, &d).unwrap();
    assert_eq!(profiles.token(id).unwrap().unwrap().expose_secret(), token);
    d.token = Some(SecretString::from(
        "ATATT3xFfGF0-keyring-only-secret-2".to_owned(),
    ));
    profiles.update(id, &d).unwrap();
    assert_eq!(
        profiles.token(id).unwrap().unwrap().expose_secret(),
        "ATATT3xFfGF0-keyring-only-secret-2"
    );

    // A duplicate name is refused before anything reaches the keyring.
    let err = profiles
        .create(&draft("ACME", "ATATT3xFfGF0-keyring-only-secret-3"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Validation);
    assert_eq!(profiles.load().unwrap().len(), 1);

    // Delete removes both.
    profiles.delete(id).unwrap();
    assert!(profiles.secrets().get(id).unwrap().is_none());
    assert_eq!(
        profiles.token(id).unwrap_err().kind(),
        ErrorKind::ProfileNotFound
    );
    assert!(profiles.load().unwrap().is_empty());
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_failed_file_write_leaves_no_orphan_in_the_real_keyring() {
    require_session();
    let dir = tempfile::tempdir().unwrap();
    let service = unique_service("rollback");
    let profiles = Profiles::new(
        ProfileStore::new(dir.path()),
        KeyringStore::new(service.clone()),
        Arc::new(FixedClock::on(today())),
    );
    let first = profiles
        .create(&draft("Acme", "ATATT3xFfGF0-rollback-real-0001"))
        .unwrap();
    let seen = items_seen_by_secret_tool(&service);
    assert!(seen.contains(&first.profile.id.to_string()), "{seen}");
    // The next save fails after the token reached the keyring: the backup of the
    // previous file cannot replace a folder in its place.
    let backup = dir.path().join(connkeeper_core::store::BACKUP_FILE);
    std::fs::create_dir_all(backup.join("occupied")).unwrap();
    let err = profiles
        .create(&draft("Beta", "ATATT3xFfGF0-rollback-real-0002"))
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Store, "{err}");
    assert_eq!(profiles.load().unwrap().len(), 1);
    // Only the first profile's entry is left: the second token was taken back.
    let seen = items_seen_by_secret_tool(&service);
    assert_eq!(seen.matches("username").count(), 1, "{seen}");
    assert!(seen.contains(&first.profile.id.to_string()), "{seen}");
    std::fs::remove_dir_all(&backup).unwrap();
    profiles.delete(first.profile.id).unwrap();
}
