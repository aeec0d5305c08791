//! What scripts and files depend on, pinned as snapshots (insta, in `snapshots/`): the
//! JSON the CLI prints (`profile list|show --json`, `expiring --json`, `audit --json`,
//! `import --json`, errors) and the files ConnKeeper writes (profiles.json,
//! settings.json, reminders.json, the exports). A failing snapshot is a changed contract:
//! review the `.snap.new` file, and accept it (INSTA_UPDATE=always, or `cargo insta
//! review`) only when the change is meant and documented in docs/cli.md.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use connkeeper_core::audit;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::export::{self, Format};
use connkeeper_core::import;
use connkeeper_core::jira::observe::{self, AuditInput};
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::model::{Application, AuditSummary, Profile, ProfileId};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::reminders::{Fired, ReminderState, ReminderStore};
use connkeeper_core::secrets::{MemoryStore, SecretStore};
use connkeeper_core::settings::{Settings, SettingsStore};
use connkeeper_core::store::{ProfileStore, StoreError};
use connkeeper_core::{Error, SecretString};
use fake_jira::{Account, FakeJira, Project, Site};

fn id(n: u128) -> ProfileId {
    format!("00000000-0000-4000-8000-{n:012}").parse().unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::at(
        Utc.with_ymd_and_hms(2026, 11, 28, 9, 30, 0).unwrap(),
        today(),
    ))
}

/// Two profiles: one audited with its token stored, one without a token.
fn fixture(dir: &std::path::Path) -> Profiles<Arc<MemoryStore>> {
    let at = Utc.with_ymd_and_hms(2026, 10, 1, 8, 0, 0).unwrap();
    let profiles = [
        Profile {
            id: id(1),
            name: "Acme backup".into(),
            description: Some("Nightly backup, \"prod\"\nowner: IT".into()),
            application: Application::Jira,
            host: "https://acme.atlassian.net".into(),
            email: "backup@acme.com".into(),
            expires: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            created_at: at,
            updated_at: at,
            last_audit: Some(AuditSummary {
                at,
                purpose: AuditPurpose::All,
                ok: false,
                backup_ok: true,
                restore_ok: false,
                missing_global: vec!["CREATE_PROJECT".into()],
                projects_total: 12,
                projects_with_gaps: 2,
                coverage_complete: true,
                warnings: 1,
            }),
            confirmed_host: None,
            life: Default::default(),
            token_kind: Some(connkeeper_core::model::TokenKind::Classic),
        },
        Profile {
            id: id(2),
            name: "Service desk".into(),
            description: None,
            application: Application::Jsm,
            host: "https://jira.example.com".into(),
            email: "desk@example.com".into(),
            expires: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
            created_at: at,
            updated_at: at,
            last_audit: None,
            confirmed_host: Some("https://jira.example.com".into()),
            token_kind: None,
            // A rotated token whose old one is still to be revoked.
            life: connkeeper_core::model::TokenLife {
                rotated_at: Some(at),
                rotations: vec![connkeeper_core::model::RotationRecord {
                    at,
                    old_expires: NaiveDate::from_ymd_opt(2026, 1, 10).unwrap(),
                    new_expires: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
                    before: None,
                    after: None,
                    forced: true,
                }],
                old_token_revoked: Some(false),
                ..Default::default()
            },
        },
    ];
    let store = ProfileStore::new(dir);
    store
        .update(|ps| {
            ps.extend(profiles);
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let secrets = Arc::new(MemoryStore::new());
    secrets
        .set(id(1), &SecretString::from("ATATT3xFfGF0-format-token-0001"))
        .unwrap();
    Profiles::new(store, secrets, clock())
}

fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn profiles_json_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    insta::assert_snapshot!(std::fs::read_to_string(p.store().path()).unwrap());
}

#[test]
fn profile_list_json() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(pretty(&fixture(dir.path()).list().unwrap()));
}

#[test]
fn expiring_json() {
    let dir = tempfile::tempdir().unwrap();
    insta::assert_snapshot!(pretty(&fixture(dir.path()).dated().unwrap()));
}

#[test]
fn settings_and_reminders_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let settings = SettingsStore::new(dir.path());
    settings
        .replace(Settings {
            working_day_shift: true,
            ..Settings::default()
        })
        .unwrap();
    insta::assert_snapshot!(
        "settings_json",
        std::fs::read_to_string(settings.path()).unwrap()
    );
    let reminders = ReminderStore::new(dir.path());
    let mut state = ReminderState::default();
    state.fired.insert(
        id(1),
        Fired {
            expires: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            thresholds: [30, 14].into_iter().collect(),
            last_expired_day: None,
        },
    );
    reminders.save(&state).unwrap();
    insta::assert_snapshot!(
        "reminders_json",
        std::fs::read_to_string(reminders.path()).unwrap()
    );
}

#[test]
fn exports() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    for (name, format) in [
        ("export_csv", Format::Csv),
        ("export_json", Format::Json),
        ("export_md", Format::Md),
        ("export_ics", Format::Ics),
    ] {
        let (bytes, count) = export::to_bytes(&p, format, false).unwrap();
        assert_eq!(count, 2);
        insta::assert_snapshot!(name, String::from_utf8(bytes).unwrap());
    }
}

#[test]
fn import_report_json() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    let file = dir.path().join("in.csv");
    connkeeper_core::store::atomic_write(
        &file,
        "name,application,host,email,expires\n\
         New site,jira,new.atlassian.net,ops@new.example,2027-03-01\n\
         Acme backup,jira,acme.atlassian.net,backup@acme.com,2026-12-10\n"
            .as_bytes(),
    )
    .unwrap();
    insta::assert_snapshot!(pretty(&import::from_file(&p, &file, true).unwrap()));
}

#[test]
fn error_payloads() {
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    let invalid = p
        .check(
            &connkeeper_core::validate::Draft {
                name: "acme BACKUP".into(),
                application: "jira".into(),
                host: "http://acme.atlassian.net".into(),
                email: "backup@acme.com".into(),
                token: None,
                expires: "2026-11-01".into(),
                ..Default::default()
            },
            None,
        )
        .unwrap_err();
    let missing = Error::TokenMissing {
        name: "Service desk".into(),
    };
    insta::assert_snapshot!(pretty(&[invalid.payload(), missing.payload()]));
}

#[tokio::test]
async fn audit_report_json() {
    let token = "ATATT3xFfGF0-format-token-0002";
    let site = Site::new()
        .account(
            Account::admin("backup@acme.com", token)
                .revoke_global("CREATE_PROJECT")
                .revoke_in_project(10_001, "EDIT_ISSUES"),
        )
        .projects(vec![
            Project::new(10_000, "OPS", "Operations"),
            Project::new(10_001, "WEB", "Website"),
        ]);
    let fake = FakeJira::start(site).await.unwrap();
    let input = AuditInput {
        host: fake.url(),
        email: "backup@acme.com".into(),
        token: SecretString::from(token),
        application: Application::Jira,
        purpose: AuditPurpose::All,
        token_kind: None,
    };
    let cfg = ClientConfig {
        allow_loopback_http: true,
        ..ClientConfig::default()
    };
    let mut report = observe::run(input, cfg, clock().as_ref(), &|_| {})
        .await
        .unwrap();
    report.duration_ms = 0;
    let text = pretty(&report).replace(&fake.url(), "https://acme.atlassian.net");
    insta::assert_snapshot!(text);

    // The Markdown export's evidence of that audit reads in Jira's current words.
    let dir = tempfile::tempdir().unwrap();
    let p = fixture(dir.path());
    let acme = p.get(id(1)).unwrap();
    assert!(audit::record(&p, acme.id, acme.target(), &report).unwrap());
    let (bytes, _) = export::to_bytes(&p, Format::Md, true).unwrap();
    let md = String::from_utf8(bytes).unwrap();
    let evidence = md.split("## Audit evidence: Acme backup").nth(1).unwrap();
    for line in [
        "- Backup: ✅ ok · Restore: ❌ gaps · Coverage: 2 spaces\n",
        "- Missing global permission: Create team-managed spaces (`CREATE_PROJECT`)\n",
        "- WEB (Website): Edit work items\n",
    ] {
        assert!(evidence.contains(line), "{line}{evidence}");
    }
}
