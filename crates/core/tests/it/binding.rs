//! A token goes only to its own site: lookups by id, the token bound to (host, email),
//! confirmation of custom domains, imports that can never pick up a stored token, and
//! audit results recorded only for the target that was audited. The keyring here is the
//! in-memory store (the real Secret Service is proven in keyring.rs).

use connkeeper_core::validate::FieldCode;
use connkeeper_core::ErrorKind;
use std::sync::Arc;

use chrono::NaiveDate;
use connkeeper_core::audit;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::import;
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::links;
use connkeeper_core::model::{Profile, ProfileId};
use connkeeper_core::profiles::{find_in, Consent, Profiles};
use connkeeper_core::secrets::{MemoryStore, SecretStore};
use connkeeper_core::store::{atomic_write, ProfileStore};
use connkeeper_core::validate::Draft;
use connkeeper_core::{Error, ExposeSecret, SecretString};

const TOKEN: &str = "ATATT3xFfGF0-binding-token-0001";
const OTHER_TOKEN: &str = "ATATT3xFfGF0-binding-token-0002";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn profiles(dir: &std::path::Path) -> Profiles<Arc<MemoryStore>> {
    Profiles::new(
        ProfileStore::new(dir),
        Arc::new(MemoryStore::new()),
        Arc::new(FixedClock::on(today())),
    )
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

/// Creates a profile with `TOKEN` and returns its id.
fn saved(p: &Profiles<Arc<MemoryStore>>, name: &str, host: &str) -> ProfileId {
    p.create(&draft(name, host, Some(TOKEN)))
        .unwrap()
        .profile
        .id
}

fn field_codes(e: &Error) -> Vec<(String, String)> {
    e.fields()
        .iter()
        .map(|f| (f.field.code().to_owned(), f.code.code().to_owned()))
        .collect()
}

#[test]
fn ids_are_looked_up_before_names_and_names_cannot_be_ids() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let real = p
        .create(&draft("Real", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile;
    // A crafted file (an import, or by hand) names another profile with the real one's id.
    let mut all = p.load().unwrap();
    let mut crafted = all[0].clone();
    crafted.id = ProfileId::new();
    crafted.name = real.id.to_string();
    crafted.host = "https://evil.example".into();
    all.insert(0, crafted.clone());
    let body = serde_json::json!({"version": 1, "profiles": all});
    atomic_write(&p.store().path(), body.to_string().as_bytes()).unwrap();

    let all = p.load().unwrap();
    assert_eq!(find_in(&all, &real.id.to_string()).unwrap().id, real.id);
    assert_eq!(p.find(&real.id.to_string()).unwrap().host, real.host);
    assert_eq!(p.get(real.id).unwrap().host, real.host);
    // The audit of the real id goes to the real host.
    let (profile, input) =
        audit::input(&p, real.id, AuditPurpose::All, &Consent::NotAsked).unwrap();
    assert_eq!(profile.id, real.id);
    assert_eq!(input.host, "https://acme.atlassian.net");
    // The crafted profile has no token of its own.
    assert!(matches!(
        audit::input(&p, crafted.id, AuditPurpose::All, &Consent::Beforehand),
        Err(Error::TokenMissing { .. })
    ));

    // No new name may parse as an id: create, edit and import refuse it.
    let as_id = ProfileId::new().to_string();
    let e = p
        .create(&draft(&as_id, "acme.atlassian.net", Some(TOKEN)))
        .unwrap_err();
    assert_eq!(field_codes(&e), [("name".into(), "looks_like_id".into())]);
    let mut d = Draft::from_profile(&p.get(real.id).unwrap());
    d.name = format!(" {} ", as_id.to_uppercase());
    let e = p.update(real.id, &d).unwrap_err();
    assert_eq!(field_codes(&e), [("name".into(), "looks_like_id".into())]);
    let file = serde_json::json!({"format": "connkeeper-profiles", "version": 1, "profiles": [
        {"name": as_id, "application": "jira", "host": "x.atlassian.net", "email": "a@b.co", "expires": "2027-01-01"}]});
    let incoming = connkeeper_core::import::parse(file.to_string().as_bytes()).unwrap();
    let report = import::apply(&p, &incoming, false).unwrap();
    assert_eq!(report.invalid, 1);
    assert!(report.rows[0]
        .reason
        .as_deref()
        .unwrap()
        .contains("profile id"));
}

#[test]
fn bidi_controls_are_refused_in_names() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    for name in ["Backup\u{202E}lmx.exe", "A\u{2066}B", "x\u{2069}"] {
        let e = p
            .create(&draft(name, "acme.atlassian.net", Some(TOKEN)))
            .unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("name".into(), "bidi_control".into())],
            "{name:?}"
        );
    }
    assert!(p.load().unwrap().is_empty());
}

#[test]
fn a_new_host_or_email_needs_a_new_token_and_nothing_changes_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = saved(&p, "Acme", "acme.atlassian.net");
    let file_before = std::fs::read(p.store().path()).unwrap();

    for (host, email) in [
        ("https://other.atlassian.net", "backup@acme.com"),
        ("https://acme.atlassian.net", "someone-else@acme.com"),
    ] {
        let mut d = Draft::from_profile(&p.get(id).unwrap());
        d.host = host.into();
        d.email = email.into();
        d.description = Some("moved".into());
        let e = p.update(id, &d).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Validation);
        assert_eq!(
            field_codes(&e),
            [("token".into(), "required_for_new_target".into())]
        );
        assert!(e
            .to_string()
            .contains("backup@acme.com at https://acme.atlassian.net"));
        // The inline check of the form says the same.
        let e = p.check(&d, Some(id)).unwrap_err();
        assert_eq!(
            field_codes(&e),
            [("token".into(), "required_for_new_target".into())]
        );
        assert_eq!(std::fs::read(p.store().path()).unwrap(), file_before);
        assert_eq!(p.token(id).unwrap().unwrap().expose_secret(), TOKEN);
    }

    // The same account in other letters, or a pasted page URL of the same site: not a move.
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.email = "BACKUP@acme.com".into();
    d.host = "https://acme.atlassian.net/jira/your-work".into();
    p.update(id, &d).unwrap();

    // With the new site's token the move is fine.
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.host = "other.atlassian.net".into();
    d.token = Some(SecretString::from(OTHER_TOKEN.to_owned()));
    let saved = p.update(id, &d).unwrap();
    assert_eq!(saved.profile.host, "https://other.atlassian.net");
    assert_eq!(p.token(id).unwrap().unwrap().expose_secret(), OTHER_TOKEN);
}

#[test]
fn test_connection_sends_a_stored_token_only_to_its_own_target() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = saved(&p, "Acme", "acme.atlassian.net");
    // Unsaved host with the stored token: refused, naming the token field.
    let moved = draft("Acme", "https://evil.atlassian.net", None);
    let e = audit::test_input(
        &p,
        &moved,
        Some(id),
        AuditPurpose::All,
        &Consent::Beforehand,
    )
    .unwrap_err();
    assert_eq!(
        field_codes(&e),
        [("token".into(), "required_for_new_target".into())]
    );
    // Unsaved application only: the stored token, to the stored host.
    let mut same = draft("Acme", "acme.atlassian.net", None);
    same.application = "jsm".into();
    let input =
        audit::test_input(&p, &same, Some(id), AuditPurpose::All, &Consent::NotAsked).unwrap();
    assert_eq!(input.host, "https://acme.atlassian.net");
    assert_eq!(input.token.expose_secret(), TOKEN);
    // A typed token goes where it was typed for.
    let typed = draft("Acme", "https://evil.atlassian.net", Some(OTHER_TOKEN));
    let input =
        audit::test_input(&p, &typed, Some(id), AuditPurpose::All, &Consent::NotAsked).unwrap();
    assert_eq!(input.token.expose_secret(), OTHER_TOKEN);
    // No token and no profile: the token field is required.
    let e = audit::test_input(
        &p,
        &draft("x", "acme.atlassian.net", None),
        None,
        AuditPurpose::All,
        &Consent::Beforehand,
    )
    .unwrap_err();
    assert_eq!(field_codes(&e), [("token".into(), "required".into())]);
}

#[test]
fn a_custom_domain_gets_the_token_only_after_a_remembered_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let saved = p
        .create(&draft("Custom", "jira.acme-corp.example", Some(TOKEN)))
        .unwrap();
    assert!(saved
        .warnings
        .iter()
        .any(|w| w.code == FieldCode::CustomDomain));
    let id = saved.profile.id;
    assert!(!saved.profile.host_confirmed);
    // Not confirmed: refused, nothing recorded; the link allow-list ignores the host.
    let e = audit::input(&p, id, AuditPurpose::All, &Consent::NotAsked).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ConfirmationRequired);
    assert!(e.to_string().contains("https://jira.acme-corp.example"));
    let admin = "https://jira.acme-corp.example/secure/admin/GlobalPermissions!default.jspa";
    assert!(!links::is_allowed(
        admin,
        &links::site_hosts(&p.load().unwrap())
    ));
    // Ad hoc (no profile) it is refused too.
    let typed = draft("x", "jira.acme-corp.example", Some(TOKEN));
    assert_eq!(
        audit::test_input(&p, &typed, None, AuditPurpose::All, &Consent::NotAsked)
            .unwrap_err()
            .kind(),
        ErrorKind::ConfirmationRequired
    );
    assert!(audit::test_input(&p, &typed, None, AuditPurpose::All, &Consent::Beforehand).is_ok());

    // Confirmed once: remembered on the profile.
    let (profile, input) = audit::input(&p, id, AuditPurpose::All, &Consent::Beforehand).unwrap();
    assert_eq!(input.host, "https://jira.acme-corp.example");
    assert_eq!(
        profile.confirmed_host.as_deref(),
        Some("https://jira.acme-corp.example")
    );
    assert!(audit::input(&p, id, AuditPurpose::All, &Consent::NotAsked).is_ok());
    assert!(p.view(&p.get(id).unwrap()).unwrap().host_confirmed);
    assert!(links::is_allowed(
        admin,
        &links::site_hosts(&p.load().unwrap())
    ));
    // The stored token also works for an unsaved test of the same, confirmed host.
    let same = draft("Custom", "jira.acme-corp.example", None);
    assert!(audit::test_input(&p, &same, Some(id), AuditPurpose::All, &Consent::NotAsked).is_ok());

    // Moving to another custom host (with its token) needs a new confirmation.
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.host = "jira2.acme-corp.example".into();
    d.token = Some(SecretString::from(OTHER_TOKEN.to_owned()));
    p.update(id, &d).unwrap();
    assert_eq!(p.get(id).unwrap().confirmed_host, None);
    assert_eq!(
        audit::input(&p, id, AuditPurpose::All, &Consent::NotAsked)
            .unwrap_err()
            .kind(),
        ErrorKind::ConfirmationRequired
    );

    // Atlassian's own hosts never ask.
    let a = p
        .create(&draft("Cloud", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile;
    assert!(a.host_confirmed);
    assert!(audit::input(&p, a.id, AuditPurpose::All, &Consent::NotAsked).is_ok());
}

#[test]
fn imports_mint_new_ids_and_never_pick_up_a_stored_token() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let victim = p
        .create(&draft("Victim", "acme.atlassian.net", Some(TOKEN)))
        .unwrap()
        .profile;
    // An orphan keyring entry too (a profile deleted by hand from the file).
    let orphan = ProfileId::new();
    p.secrets()
        .set(orphan, &SecretString::from(OTHER_TOKEN.to_owned()))
        .unwrap();
    let file = serde_json::json!({"format": "connkeeper-profiles", "version": 1, "profiles": [
        {"id": victim.id.to_string(), "name": "Crafted", "application": "jira", "host": "https://evil.example", "email": "x@evil.example", "expires": "2027-01-01"},
        {"id": orphan.to_string(), "name": "Crafted two", "application": "jira", "host": "https://evil.example", "email": "x@evil.example", "expires": "2027-01-01"}]});
    let incoming = connkeeper_core::import::parse(file.to_string().as_bytes()).unwrap();
    let report = import::apply(&p, &incoming, false).unwrap();
    assert_eq!(report.created, 2);
    let views = p.list().unwrap();
    for name in ["Crafted", "Crafted two"] {
        let v = views.iter().find(|v| v.name == name).unwrap();
        assert_ne!(v.id, victim.id);
        assert_ne!(v.id, orphan);
        assert!(!v.token_stored, "{name} picked up a token");
        assert!(
            !v.host_confirmed,
            "an imported custom host is not confirmed"
        );
    }
}

#[test]
fn oversized_and_endless_import_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.csv");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(connkeeper_core::import::MAX_IMPORT_BYTES + 1)
        .unwrap();
    let e = connkeeper_core::import::read_file(&big).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BadFile);
    assert!(e.to_string().contains("larger than 64 MiB"), "{e}");
    #[cfg(unix)]
    {
        // An endless device is not a file at all: refused before anything is read.
        let e = connkeeper_core::import::read_file(std::path::Path::new("/dev/zero")).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
    }
}

/// A recorded audit report of `host` (no request behind it).
pub(crate) fn report_for(host: &str) -> connkeeper_core::jira::AuditReport {
    let json = serde_json::json!({
        "host": host, "application": "jira", "purpose": "all",
        "account": {"account_id": "a1", "display_name": null, "email": null, "account_type": "atlassian", "active": true},
        "ok": true, "backup_ok": true, "restore_ok": true, "global": [], "projects": [],
        "coverage": {"projects_total": 0, "projects_ok_backup": 0, "projects_ok_restore": 0, "complete": true},
        "service_desks": null, "software_access": true, "warnings": [], "requests": 3,
        "duration_ms": 5, "finished_at": "2026-11-28T10:00:00Z"
    });
    serde_json::from_value(json).unwrap()
}

#[test]
fn an_audit_is_recorded_only_for_the_target_it_audited() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = saved(&p, "Acme", "acme.atlassian.net");
    let audited = p.get(id).unwrap();
    // While the audit ran, the profile moved to another site (with its token).
    let mut d = Draft::from_profile(&audited);
    d.host = "other.atlassian.net".into();
    d.token = Some(SecretString::from(OTHER_TOKEN.to_owned()));
    p.update(id, &d).unwrap();
    let recorded = audit::record(&p, id, audited.target(), &report_for(&audited.host)).unwrap();
    assert!(!recorded);
    assert!(p.get(id).unwrap().last_audit.is_none());
    assert!(
        audit::last_report(&p, id).is_none(),
        "no report file for the old target"
    );
    // An audit of the current target is recorded, summary and report together.
    let current: Profile = p.get(id).unwrap();
    assert!(audit::record(&p, id, current.target(), &report_for(&current.host)).unwrap());
    assert!(p.get(id).unwrap().last_audit.is_some());
    assert_eq!(audit::last_report(&p, id).unwrap().host, current.host);
    // A deleted profile records nothing.
    p.delete(id).unwrap();
    assert!(!audit::record(&p, id, current.target(), &report_for(&current.host)).unwrap());
}

#[test]
fn a_failing_keyring_leaves_file_and_keyring_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let p = profiles(dir.path());
    let id = saved(&p, "Acme", "acme.atlassian.net");
    let before = std::fs::read(p.store().path()).unwrap();
    p.secrets().set_failing(true);
    let e = p
        .create(&draft("Second", "acme.atlassian.net", Some(TOKEN)))
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::KeyringUnavailable);
    let mut d = Draft::from_profile(&p.get(id).unwrap());
    d.token = Some(SecretString::from(OTHER_TOKEN.to_owned()));
    assert_eq!(
        p.update(id, &d).unwrap_err().kind(),
        ErrorKind::KeyringUnavailable
    );
    assert_eq!(
        p.delete(id).unwrap_err().kind(),
        ErrorKind::KeyringUnavailable
    );
    assert_eq!(std::fs::read(p.store().path()).unwrap(), before);
    p.secrets().set_failing(false);
    assert_eq!(p.token(id).unwrap().unwrap().expose_secret(), TOKEN);
    assert_eq!(p.secrets().len(), 1);
}
