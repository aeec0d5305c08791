//! The contract with the UI, held to the code:
//! - `capabilities/default.json` grants exactly the commands of `command_list.rs` (and
//!   event listening), and is what the list generates now;
//! - every command answers through the real handler and permission check (Tauri's mock
//!   runtime, the real `tauri.conf.json` and capabilities) under its declared name and
//!   first argument;
//! - `ui/js/gen/` (ts-rs's export of `schema::Commands`: `commands.ts` and every type
//!   crossing to the UI; the settings defaults and the code lists the UI offers) and `tests/ui/gen/backend.json` (what the UI
//!   tests' fake backend must answer: the requirement table, the defaults, validation
//!   vectors from the real `validate()`) are what the code generates now.
//!
//! `make gen` (CONNKEEPER_UPDATE_GEN=1) rewrites the generated files.

// Source files of the repository, not user data: plain writes.
#![allow(clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::error::{ErrorKind, ErrorPayload};
use connkeeper_core::events::{
    ProgressEvent, AUDIT_PROGRESS_EVENT, OPEN_PROFILE_EVENT, OPEN_ROTATION_EVENT,
};
use connkeeper_core::export::Format;
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::model::Application;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::requirements::RequirementsView;
use connkeeper_core::secrets::MemoryStore;
use connkeeper_core::settings::Settings;
use connkeeper_core::setup::Secrets;
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::{self, Draft, Mode, Rules, Target};
use connkeeper_core::SecretString;
use serde_json::{json, Value};
use ts_rs::{Config, TS};

use crate::contract::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What the main window may use besides the commands: listening to the app's events.
const CORE_PERMISSIONS: [&str; 2] = ["core:event:allow-listen", "core:event:allow-unlisten"];

/// `capabilities/default.json`: the main window may listen to events and call exactly
/// the commands of `command_list.rs`.
fn capability() -> String {
    let permissions: Vec<String> = CORE_PERMISSIONS
        .iter()
        .map(|p| (*p).to_owned())
        .chain(Command::ALL.iter().map(Command::permission))
        .collect();
    let cap = json!({
        "$schema": "../gen/schemas/desktop-schema.json",
        "identifier": "default",
        "description": "What the main window's UI may call: ConnKeeper's own commands and event listening, nothing else. Generated from src/command_list.rs by src/contract_tests.rs (make gen): do not edit.",
        "windows": [crate::window::MAIN],
        "permissions": permissions,
    });
    serde_json::to_string_pretty(&cap).unwrap() + "\n"
}

#[test]
fn the_capability_grants_each_declared_command_once() {
    let cap: Value = serde_json::from_str(&capability()).unwrap();
    let granted: Vec<&str> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    let commands: Vec<&str> = granted
        .iter()
        .copied()
        .filter(|p| !p.starts_with("core:"))
        .collect();
    assert_eq!(commands.len(), Command::ALL.len());
    assert!(commands.contains(&"allow-list-profiles"), "{commands:?}");
    assert!(
        commands.contains(&"allow-mark-old-token-revoked"),
        "{commands:?}"
    );
    let unique: std::collections::BTreeSet<&&str> = granted.iter().collect();
    assert_eq!(unique.len(), granted.len(), "a permission granted twice");
}

/// Invokes `cmd` with `args` from the main window, as the page would.
fn invoke(
    webview: &tauri::WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    args: Value,
) -> Result<Value, Value> {
    tauri::test::get_ipc_response(
        webview,
        tauri::webview::InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: tauri::http::HeaderMap::default(),
            invoke_key: tauri::test::INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn every_declared_command_is_registered_permitted_and_named_as_declared() {
    let dir = tempfile::tempdir().unwrap();
    let secrets: Secrets = Arc::new(MemoryStore::new());
    let profiles = Profiles::new(
        ProfileStore::new(dir.path()),
        secrets,
        Arc::new(FixedClock::on(
            NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
        )),
    );
    let app = crate::builder(tauri::test::mock_builder(), crate::AppState::new(profiles))
        .build(tauri::generate_context!())
        .expect("the app builds on the mock runtime");
    let webview = tauri::WebviewWindowBuilder::new(&app, crate::window::MAIN, Default::default())
        .build()
        .unwrap();

    for c in Command::ALL {
        let answer = invoke(&webview, c.name, json!({}));
        match c.js_args().first() {
            // Tauri reads arguments in order: the first one missing names it.
            Some(first) => {
                let err = answer.expect_err(c.name);
                let text = err.as_str().unwrap_or_default();
                assert_eq!(
                    text,
                    format!(
                        "invalid args `{first}` for command `{0}`: command {0} missing required key {first}",
                        c.name
                    ),
                    "{}: {err}",
                    c.name
                );
            }
            // Without arguments: an answer, or one of our typed errors (no file dialog
            // on the mock runtime, no organisation linked), never Tauri's refusal.
            None => {
                if let Err(e) = answer {
                    let typed: ErrorPayload = serde_json::from_value(e.clone())
                        .unwrap_or_else(|_| panic!("{}: {e}", c.name));
                    let expected = if c.name == "org_sync" {
                        ErrorKind::OrgNotLinked
                    } else {
                        ErrorKind::Internal
                    };
                    assert_eq!(typed.kind, expected, "{}", c.name);
                }
            }
        }
    }

    // The declared argument names are the ones the commands read.
    let listed = invoke(&webview, "list_profiles", json!({})).unwrap();
    assert_eq!(listed, json!([]));
    let bad_id = invoke(&webview, "get_profile", json!({"id": "nope"})).unwrap_err();
    assert_eq!(bad_id["kind"], "invalid_id");
    let invalid = invoke(
        &webview,
        "validate_profile",
        json!({"draft": {"name": "", "application": "jira", "host": "acme.atlassian.net",
                         "email": "a@acme.com", "token": null, "expires": "2027-01-01"},
               "id": null}),
    )
    .unwrap_err();
    assert_eq!(invalid["kind"], "validation");
    assert_eq!(invalid["fields"][0]["field"], "name");
    let export = invoke(
        &webview,
        "export_profiles",
        json!({"format": "pdf", "withAudit": false}),
    )
    .unwrap_err();
    assert!(
        export
            .as_str()
            .unwrap_or_default()
            .contains("unknown variant `pdf`"),
        "{export}"
    );
    let audit = invoke(
        &webview,
        "audit_profile",
        json!({"id": "7d0c2b1e-3c4f-4a5b-8c9d-0e1f2a3b4c5d", "runId": "r1", "purpose": "all"}),
    )
    .unwrap_err();
    assert_eq!(audit["kind"], "profile_not_found");
    assert_eq!(
        invoke(&webview, "cancel_audit", json!({"runId": "r1"})).unwrap(),
        Value::Null
    );

    assert_eq!(
        invoke(&webview, "app_version", json!({})).unwrap(),
        json!(env!("CARGO_PKG_VERSION"))
    );

    // Anything else is refused by the permission system.
    let unknown = invoke(&webview, "read_token", json!({})).unwrap_err();
    assert!(
        unknown.as_str().is_some_and(|t| t.contains("not allowed")),
        "{unknown}"
    );
}

/// The validation cases the UI tests' fake must answer exactly like the core.
fn validation_vectors() -> Vec<Value> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let others = ["Acme backup"];
    let base = || Draft {
        name: "New site".into(),
        description: None,
        application: "jira".into(),
        host: "new.atlassian.net".into(),
        email: "admin@new.example".into(),
        token: Some(SecretString::from("ATATT3xFfGF0-vector-token-123456")),
        expires: "2027-02-01".into(),
    };
    let with = |f: &dyn Fn(&mut Draft)| {
        let mut d = base();
        f(&mut d);
        d
    };
    let text = |s: &str| s.to_owned();
    let mut create: Vec<Draft> = vec![
        base(),
        with(&|d| d.name = text("")),
        with(&|d| d.name = text("   ")),
        with(&|d| d.name = "x".repeat(65)),
        with(&|d| d.name = text("a\tb")),
        with(&|d| d.name = text("evil\u{202E}txt")),
        with(&|d| d.name = text("0b7c3f2e-7d8a-4c1e-9f4b-2a1d3c4e5f60")),
        with(&|d| d.name = text("0B7C3F2E7D8A4C1E9F4B2A1D3C4E5F60")),
        with(&|d| d.name = text("{0b7c3f2e-7d8a-4c1e-9f4b-2a1d3c4e5f60}")),
        with(&|d| d.name = text("0b7c3f2e-7d8a-4c1e-9f4b")),
        with(&|d| d.name = text("  ACME BACKUP ")),
        with(&|d| d.name = "名前".repeat(10)),
        with(&|d| d.description = Some("d".repeat(501))),
        with(&|d| d.description = Some(text("line\u{7}bell"))),
        with(&|d| d.description = Some(text("  two\r\nlines\tand a tab  "))),
        with(&|d| d.description = Some(text("   "))),
        with(&|d| d.application = text("")),
        with(&|d| d.application = text("confluence")),
        with(&|d| d.application = text("Jira Service Management")),
        with(&|d| d.application = text(" JSM ")),
        with(&|d| d.application = text("jira-admin")),
        with(&|d| d.host = text("")),
        with(&|d| d.host = text("acme .atlassian.net")),
        with(&|d| d.host = text("https://user:pw@acme.atlassian.net")),
        with(&|d| d.host = text("http://acme.atlassian.net")),
        with(&|d| d.host = text("ftp://acme.atlassian.net")),
        with(&|d| d.host = text("https://acme.atlassian.net:8443")),
        with(&|d| d.host = text("https://acme.atlassian.net:443/")),
        with(&|d| d.host = text("https://10.0.0.1")),
        with(&|d| d.host = text("https://[::1]/")),
        with(&|d| d.host = text("localhost")),
        with(&|d| d.host = text("http://127.0.0.1:8080")),
        with(&|d| d.host = text("https://ACME.Atlassian.net/jira/software/projects?x=1#y")),
        with(&|d| d.host = text("jira.example.com")),
        with(&|d| d.host = text("https://jira.example.com./")),
        with(&|d| d.host = text("https://xn--80ak6aa92e.atlassian.net")),
        with(&|d| d.host = text("https://-bad-.atlassian.net")),
        with(&|d| d.host = text("https://under_score.atlassian.net")),
        with(&|d| d.host = text("https://")),
        with(&|d| d.host = format!("https://{}.atlassian.net", "a".repeat(70))),
        with(&|d| d.email = text("")),
        with(&|d| d.email = text("a b@c.com")),
        with(&|d| d.email = text("nobody")),
        with(&|d| d.email = text("@acme.com")),
        with(&|d| d.email = text("a@b@c.com")),
        with(&|d| d.email = text("x@localhost")),
        with(&|d| d.email = text("x@acme..com")),
        with(&|d| d.email = format!("{}@acme.com", "l".repeat(65))),
        with(&|d| d.email = format!("x@{}.com", "d".repeat(260))),
        with(&|d| d.email = text("  Admin@Acme.COM ")),
        with(&|d| d.token = None),
        with(&|d| d.token = Some(SecretString::from("   "))),
        with(&|d| d.token = Some(SecretString::from("short"))),
        with(&|d| d.token = Some(SecretString::from("has space in it 1234567890"))),
        with(&|d| d.token = Some(SecretString::from("t".repeat(2049)))),
        with(&|d| d.token = Some(SecretString::from("  ATATT3xFfGF0-padded-token-1234 \n"))),
        with(&|d| d.expires = text("")),
        with(&|d| d.expires = text("2027-2-1")),
        with(&|d| d.expires = text("2027-02-30")),
        with(&|d| d.expires = text("next year")),
        with(&|d| d.expires = text("2026-11-27")),
        with(&|d| d.expires = text("2027-11-28")),
        with(&|d| d.expires = text("2027-11-29")),
        with(&|d| d.expires = text(" 2026-11-28 ")),
        Draft {
            name: String::new(),
            description: Some("d".repeat(600)),
            application: "bamboo".into(),
            host: "http://acme.atlassian.net".into(),
            email: "nobody".into(),
            token: Some(SecretString::from("short")),
            expires: "2020-01-01".into(),
        },
    ];
    let mut vectors = Vec::new();
    let stored = Target {
        host: "https://acme.atlassian.net",
        email: "backup@acme.com",
    };
    let stored_expires = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut case = |draft: Draft, mode: Mode, bound: Option<Target<'_>>| {
        let rules = Rules {
            today,
            mode,
            allow_loopback_http: false,
            other_names: &others,
            bound_to: bound,
        };
        let outcome = match validate::validate(&draft, &rules) {
            Ok(v) => json!({"ok": {
                "name": v.name, "description": v.description, "application": v.application,
                "host": v.host, "email": v.email, "token_given": v.token.is_some(),
                "expires": v.expires, "warnings": v.warnings}}),
            Err(errors) => json!({"errors": errors}),
        };
        vectors.push(json!({
            "draft": {
                "name": draft.name, "description": draft.description,
                "application": draft.application, "host": draft.host, "email": draft.email,
                "token": draft.token.as_ref().map(connkeeper_core::ExposeSecret::expose_secret),
                "expires": draft.expires,
            },
            "rules": {
                "today": today,
                "mode": if matches!(mode, Mode::Create) { "create" } else { "edit" },
                "stored_expires": match mode { Mode::Edit { stored_expires } => Some(stored_expires), _ => None },
                "other_names": others,
                "bound_to": bound.map(|b| json!({"host": b.host, "email": b.email})),
            },
            "expect": outcome,
        }));
    };
    for d in create.drain(..) {
        case(d, Mode::Create, None);
    }
    // Edits of a profile stored for backup@acme.com at https://acme.atlassian.net whose
    // token expired on 2026-11-01.
    let edit = |f: &dyn Fn(&mut Draft)| {
        let mut d = base();
        d.name = "Acme prod".into();
        d.host = "acme.atlassian.net".into();
        d.email = "backup@acme.com".into();
        d.token = None;
        d.expires = "2026-11-01".into();
        f(&mut d);
        d
    };
    let edits = [
        edit(&|_| {}),
        edit(&|d| d.host = "other.atlassian.net".into()),
        edit(&|d| d.email = "BACKUP@acme.com".into()),
        edit(&|d| d.email = "someone@acme.com".into()),
        edit(&|d| {
            d.host = "other.atlassian.net".into();
            d.token = Some(SecretString::from("ATATT3xFfGF0-new-site-token-12345"));
        }),
        edit(&|d| d.expires = "2026-11-20".into()),
        edit(&|d| d.expires = "2026-12-20".into()),
        edit(&|d| d.host = "http://other.atlassian.net".into()),
    ];
    for d in edits {
        case(d, Mode::Edit { stored_expires }, Some(stored));
    }
    vectors
}

/// The audit purposes in the order the UI offers them.
fn audit_purposes() -> [AuditPurpose; 3] {
    let all = [
        AuditPurpose::Backup,
        AuditPurpose::Restore,
        AuditPurpose::All,
    ];
    // A new purpose fails to compile here until it is listed above.
    for p in all {
        match p {
            AuditPurpose::Backup | AuditPurpose::Restore | AuditPurpose::All => {}
        }
    }
    all
}

/// The export formats in the order the UI offers them.
fn export_formats() -> [Format; 4] {
    let all = [Format::Csv, Format::Json, Format::Md, Format::Ics];
    // A new format fails to compile here until it is listed above.
    for f in all {
        match f {
            Format::Csv | Format::Json | Format::Md | Format::Ics => {}
        }
    }
    all
}

/// `ui/js/gen/codes.js`: the code lists the UI offers, as their wire strings.
fn codes_js() -> String {
    let list = |v: Value| serde_json::to_string(&v).unwrap();
    format!(
        "// @ts-check\n// Generated from Rust by src-tauri/src/contract_tests.rs (make gen): do not edit.\n\n\
         /** Every application, in the order the UI offers them (Application::ALL).\n *  @type {{ReadonlyArray<import('./Application').Application>}} */\n\
         export const APPLICATIONS = Object.freeze({});\n\n\
         /** The purposes an audit checks for, in the order the UI offers them.\n *  @type {{ReadonlyArray<import('./AuditPurpose').AuditPurpose>}} */\n\
         export const AUDIT_PURPOSES = Object.freeze({});\n\n\
         /** The export formats, in the order the UI offers them.\n *  @type {{ReadonlyArray<import('./Format').Format>}} */\n\
         export const EXPORT_FORMATS = Object.freeze({});\n\n\
         /** @typedef {{{}}} ProfileField A profile's field (Field::PROFILE). */\n\n\
         /** A profile's fields, in the form's order (Field::PROFILE).\n *  @type {{ReadonlyArray<ProfileField>}} */\n\
         export const PROFILE_FIELDS = Object.freeze({});\n\n\
         /** A profile's states, most serious first (ProfileState::ALL).\n *  @type {{ReadonlyArray<import('./ProfileState').ProfileState>}} */\n\
         export const PROFILE_STATES = Object.freeze({});\n",
        list(json!(Application::ALL)),
        list(json!(audit_purposes())),
        list(json!(export_formats())),
        validate::Field::PROFILE
            .iter()
            .map(|f| format!("{:?}", f.code()))
            .collect::<Vec<_>>()
            .join(" | "),
        list(json!(validate::Field::PROFILE)),
        list(json!(connkeeper_core::model::ProfileState::ALL)),
    )
}

/// Every generated file, by path relative to the repository.
fn generate(out: &Path) -> BTreeMap<String, String> {
    let gen = out.join("ui/js/gen");
    std::fs::create_dir_all(&gen).unwrap();
    let cfg = Config::new().with_out_dir(&gen).with_large_int("number");
    crate::schema::Commands::export_all(&cfg).unwrap();
    ErrorPayload::export_all(&cfg).unwrap();
    ProgressEvent::export_all(&cfg).unwrap();
    let defaults = serde_json::to_string_pretty(&Settings::default()).unwrap();
    std::fs::write(
        gen.join("defaults.js"),
        format!(
            "// @ts-check\n// Generated from Rust by src-tauri/src/contract_tests.rs (make gen): do not edit.\n\n\
             /** The settings a fresh install starts with (Settings::default()).\n *  @type {{Readonly<import('./Settings').Settings>}} */\n\
             export const DEFAULT_SETTINGS = Object.freeze({defaults});\n\n\
             /** The audit progress event; its payload is a ProgressEvent. */\n\
             export const AUDIT_PROGRESS_EVENT = {AUDIT_PROGRESS_EVENT:?};\n\
             /** The event asking the UI to open a profile's edit form; its payload is the id. */\n\
             export const OPEN_PROFILE_EVENT = {OPEN_PROFILE_EVENT:?};\n\
             /** The event asking the UI to start a profile's token rotation; its payload is the id. */\n\
             export const OPEN_ROTATION_EVENT = {OPEN_ROTATION_EVENT:?};\n"
        ),
    )
    .unwrap();
    std::fs::write(gen.join("codes.js"), codes_js()).unwrap();
    let backend = json!({
        "//": "Generated from Rust by src-tauri/src/contract_tests.rs (make gen): do not edit. What the UI tests' fake backend answers.",
        "commands": Command::ALL.iter().zip(crate::schema::OPTIONAL).map(|(c, optional)| json!({
            "name": c.name,
            "args": c.js_args().into_iter().zip(optional.iter()).map(|(name, optional)| json!({"name": name, "optional": optional})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "labels": validate::Field::ALL.iter().map(|f| (f.code(), f.label())).collect::<BTreeMap<_, _>>(),
        "requirements": RequirementsView::CURRENT,
        "defaults": Settings::default(),
        "limits": {
            "name_max": validate::NAME_MAX,
            "description_max": validate::DESCRIPTION_MAX,
            "token_min": validate::TOKEN_MIN,
            "token_max": validate::TOKEN_MAX,
            "max_token_lifetime_days": validate::MAX_TOKEN_LIFETIME_DAYS,
        },
        "validation": validation_vectors(),
    });
    let tests_gen = out.join("tests/ui/gen");
    std::fs::create_dir_all(&tests_gen).unwrap();
    std::fs::write(
        tests_gen.join("backend.json"),
        serde_json::to_string_pretty(&backend).unwrap() + "\n",
    )
    .unwrap();

    let mut files = BTreeMap::new();
    for dir in GENERATED_DIRS {
        read_dir_into(out, dir, &mut files);
    }
    files.insert(CAPABILITY.to_owned(), capability());
    files
}

/// The folders holding only generated files.
const GENERATED_DIRS: [&str; 2] = ["ui/js/gen", "tests/ui/gen"];
/// The generated capability file (its folder holds others).
const CAPABILITY: &str = "src-tauri/capabilities/default.json";

fn read_dir_into(root: &Path, dir: &str, files: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        files.insert(
            format!("{dir}/{name}"),
            std::fs::read_to_string(&path).unwrap(),
        );
    }
}

#[test]
fn the_generated_contract_is_up_to_date() {
    let tmp = tempfile::tempdir().unwrap();
    let fresh = generate(tmp.path());
    for must in [
        "ui/js/gen/commands.ts",
        "ui/js/gen/ProfileView.ts",
        "ui/js/gen/ErrorKind.ts",
        "ui/js/gen/ProgressEvent.ts",
        "tests/ui/gen/backend.json",
        CAPABILITY,
    ] {
        assert!(fresh.contains_key(must), "{must} was not generated");
    }
    let root = root();
    if std::env::var_os("CONNKEEPER_UPDATE_GEN").is_some() {
        for dir in GENERATED_DIRS {
            let _ = std::fs::remove_dir_all(root.join(dir));
            std::fs::create_dir_all(root.join(dir)).unwrap();
        }
        for (rel, text) in &fresh {
            std::fs::write(root.join(rel), text).unwrap();
        }
        return;
    }
    let mut committed = BTreeMap::new();
    for dir in GENERATED_DIRS {
        read_dir_into(&root, dir, &mut committed);
    }
    if let Ok(text) = std::fs::read_to_string(root.join(CAPABILITY)) {
        committed.insert(CAPABILITY.to_owned(), text);
    }
    let stale: std::collections::BTreeSet<&String> = fresh
        .keys()
        .chain(committed.keys())
        .filter(|name| fresh.get(*name) != committed.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "the generated contract is stale ({stale:?}): run `make gen` and commit the result"
    );
}

#[test]
fn camel_case_follows_tauri() {
    assert_eq!(crate::contract::camel_case("run_id"), "runId");
    assert_eq!(crate::contract::camel_case("with_audit"), "withAudit");
    assert_eq!(crate::contract::camel_case("id"), "id");
}
