//! The `connkeeper` binary end to end, against the real Secret Service in the test
//! D-Bus session. Every command's output is collected and scanned for the test tokens
//! at the end of each test.

// Fixtures are written directly, and dates come from the wall clock the binary reads.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
    service: String,
    transcript: std::cell::RefCell<Vec<u8>>,
    secrets: Vec<&'static str>,
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Env {
    fn new(tag: &str, secrets: &[&'static str]) -> Self {
        assert!(
            std::env::var_os("CONNKEEPER_IN_SESSION").is_some(),
            "CLI tests need the test D-Bus session with gnome-keyring: run `make test`"
        );
        Env {
            dir: tempfile::tempdir().unwrap(),
            service: format!("connkeeper-cli-test-{tag}-{}", std::process::id()),
            transcript: Default::default(),
            secrets: secrets.to_vec(),
        }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_connkeeper"));
        c.env("CONNKEEPER_KEYRING_SERVICE", &self.service)
            .env_remove("CONNKEEPER_DATA_DIR")
            .env_remove("RUST_LOG")
            .arg("--data-dir")
            .arg(self.data());
        c
    }

    fn run_with(&self, mut c: Command, args: &[&str], stdin: Option<&str>) -> Run {
        c.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        {
            let mut si = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                // The command may exit before reading (a validation error): ignore EPIPE.
                let _ = si.write_all(s.as_bytes());
            }
        }
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        let mut t = self.transcript.borrow_mut();
        t.extend_from_slice(&stdout);
        t.extend_from_slice(&stderr);
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(self.cmd(), args, None)
    }

    fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.run_with(self.cmd(), args, Some(stdin))
    }

    fn add(&self, name: &str, token: &str) -> Run {
        self.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                name,
                "--application",
                "jira",
                "--host",
                "https://acme.atlassian.net/browse/ABC-1?focusedCommentId=5",
                "--email",
                "backup@acme.com",
                "--expires",
                &in_days(90),
                "--token-stdin",
            ],
            &format!("{token}\n"),
        )
    }

    fn secret_tool_lookup(&self, id: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", &self.service, "username", id])
            .output()
            .unwrap();
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn file_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.data().join("profiles.json")).unwrap()).unwrap()
    }
}

impl Drop for Env {
    /// The scan: no test token in any file of the data folder nor in anything printed.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut haystacks = vec![("output".to_owned(), self.transcript.borrow().clone())];
        collect_files(self.dir.path(), &mut haystacks);
        for secret in &self.secrets {
            for (name, bytes) in &haystacks {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains(secret), "token {secret} leaked into {name}");
            }
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

fn in_days(n: i64) -> String {
    let today = chrono::Local::now().date_naive();
    (today + chrono::Duration::days(n)).to_string()
}

const T1: &str = "ATATT3xFfGF0-cli-secret-token-0001";
const T2: &str = "ATATT3xFfGF0-cli-secret-token-0002";
const T3: &str = "ATATT3xFfGF0-cli-secret-token-0003";

#[test]
fn profile_lifecycle() {
    let env = Env::new("lifecycle", &[T1, T2, T3]);
    let r = env.add("Acme backup", T1);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("Created profile \"Acme backup\""),
        "{}",
        r.stdout
    );

    let list = env.run(&["profile", "list", "--json"]);
    assert_eq!(list.code, 0);
    let arr = list.json();
    let p = &arr.as_array().unwrap()[0];
    assert_eq!(p["name"], "Acme backup");
    assert_eq!(p["host"], "https://acme.atlassian.net");
    assert_eq!(p["application"], "jira");
    assert_eq!(p["email"], "backup@acme.com");
    assert_eq!(p["expires"], in_days(90));
    assert_eq!(p["days_left"], 90);
    assert_eq!(p["status"], "ok");
    assert_eq!(p["token_stored"], true);
    assert!(p["description"].is_null());
    for key in ["id", "created_at", "updated_at"] {
        assert!(p[key].is_string(), "{key}");
    }
    let id = p["id"].as_str().unwrap().to_owned();

    // The token is in the keyring (seen by libsecret from outside) and not in the file.
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(T1));
    let file = std::fs::read_to_string(env.data().join("profiles.json")).unwrap();
    assert!(!file.contains(T1));

    let table = env.run(&["profile", "list"]);
    assert!(
        table.stdout.lines().next().unwrap().starts_with("NAME"),
        "{}",
        table.stdout
    );
    assert!(table.stdout.contains("Acme backup") && table.stdout.contains("90 d"));

    let show = env.run(&["profile", "show", "ACME BACKUP", "--json"]);
    assert_eq!(show.code, 0);
    assert_eq!(show.json()["id"], id.as_str());
    let human = env.run(&["profile", "show", "acme backup"]);
    assert!(
        human.stdout.contains("stored in Secret Service"),
        "{}",
        human.stdout
    );

    // Edit: expiry, then the token.
    let r = env.run(&[
        "profile",
        "edit",
        "acme backup",
        "--expires",
        &in_days(20),
        "--description",
        "nightly\nand weekly",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = env
        .run(&["profile", "show", "Acme backup", "--json"])
        .json();
    assert_eq!(v["status"], "expiring");
    assert_eq!(v["days_left"], 20);
    assert_eq!(v["description"], "nightly\nand weekly");
    assert_eq!(
        env.secret_tool_lookup(&id).as_deref(),
        Some(T1),
        "edit without a token keeps it"
    );
    let r = env.run_stdin(
        &["profile", "edit", "Acme backup", "--token-stdin"],
        &format!("{T2}\r\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(T2));

    // Duplicate name (ignoring case): exit 2, nothing written, no keyring entry.
    let before = std::fs::read(env.data().join("profiles.json")).unwrap();
    let r = env.add("ACME Backup", T3);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--name") && r.stderr.contains("already exists"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read(env.data().join("profiles.json")).unwrap(),
        before
    );

    // Delete needs --yes without a terminal.
    let r = env.run(&["profile", "delete", "Acme backup"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--yes"));
    let r = env.run(&["profile", "delete", "Acme backup", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        env.secret_tool_lookup(&id),
        None,
        "token removed from the keyring"
    );
    assert_eq!(env.file_json()["profiles"].as_array().unwrap().len(), 0);
    let r = env.run(&["profile", "show", "Acme backup"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no profile named"));
}

#[test]
fn validation_failures_name_every_field_and_write_nothing() {
    let env = Env::new("validation", &[T1]);
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            " ",
            "--application",
            "confluence",
            "--host",
            "http://u:p@acme.atlassian.net:8080",
            "--email",
            "not an email",
            "--expires",
            "2020-01-01",
            "--description",
            &"d".repeat(501),
            "--token-stdin",
        ],
        T1,
    );
    assert_eq!(r.code, 2);
    for flag in [
        "--name",
        "--application",
        "--host",
        "--email",
        "--expires",
        "--description",
    ] {
        assert!(r.stderr.contains(flag), "{flag} named in: {}", r.stderr);
    }
    assert!(
        !env.data().join("profiles.json").exists(),
        "nothing written"
    );

    // A token that is too short is reported after the other fields pass.
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            "x",
            "--application",
            "jsm",
            "--host",
            "acme.atlassian.net",
            "--email",
            "a@b.co",
            "--expires",
            &in_days(10),
            "--token-stdin",
        ],
        "short\n",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--token"), "{}", r.stderr);

    // No token and no terminal: a clear usage error, never a hang.
    let r = env.run(&[
        "profile",
        "add",
        "--name",
        "x",
        "--application",
        "jira",
        "--host",
        "acme.atlassian.net",
        "--email",
        "a@b.co",
        "--expires",
        &in_days(10),
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--token-stdin"), "{}", r.stderr);

    // http:// hosts only for loopback, only with the flag.
    let loopback = [
        "profile",
        "add",
        "--name",
        "local",
        "--application",
        "jira",
        "--host",
        "http://127.0.0.1:8080",
        "--email",
        "a@b.co",
        "--expires",
        &in_days(10),
        "--token-stdin",
    ];
    assert_eq!(env.run_stdin(&loopback, T1).code, 2);
    let mut flagged = vec!["--allow-loopback-http"];
    flagged.extend_from_slice(&loopback);
    let r = env.run_stdin(&flagged, T1);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        env.run(&["profile", "show", "local", "--json"]).json()["host"],
        "http://127.0.0.1:8080"
    );
    assert_eq!(env.run(&["profile", "delete", "local", "--yes"]).code, 0);

    // Warnings go to stderr and do not fail.
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            "custom",
            "--application",
            "jira",
            "--host",
            "jira.example.com",
            "--email",
            "a@b.co",
            "--expires",
            &in_days(0),
            "--token-stdin",
        ],
        T1,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: Host URL")
            && r.stderr.contains("warning: API token expiration date"),
        "{}",
        r.stderr
    );
    assert_eq!(env.run(&["profile", "delete", "custom", "--yes"]).code, 0);
}

#[test]
fn keyring_unavailable_is_exit_3_and_writes_nothing() {
    let env = Env::new("nokeyring", &[T1]);
    let mut c = env.cmd();
    c.env(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/connkeeper-test-bus",
    );
    let r = env.run_with(
        c,
        &[
            "profile",
            "add",
            "--name",
            "x",
            "--application",
            "jira",
            "--host",
            "acme.atlassian.net",
            "--email",
            "a@b.co",
            "--expires",
            &in_days(10),
            "--token-stdin",
        ],
        Some(T1),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("OS keyring unavailable"), "{}", r.stderr);
    assert!(
        r.stderr.contains("gnome-keyring"),
        "says how to fix it: {}",
        r.stderr
    );
    let written = std::fs::read_to_string(env.data().join("profiles.json")).unwrap_or_default();
    assert!(
        !written.contains("\"name\""),
        "no profile written: {written}"
    );
}

#[test]
fn corrupt_store_is_exit_3_and_untouched() {
    let env = Env::new("corrupt", &[T1]);
    std::fs::create_dir_all(env.data()).unwrap();
    let path = env.data().join("profiles.json");
    connkeeper_core_write(&path, b"{\"version\":1,\"profiles\":[oops");
    let r = env.run(&["profile", "list"]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("profiles.json") && r.stderr.contains("invalid JSON"),
        "{}",
        r.stderr
    );
    assert_eq!(env.add("x", T1).code, 3);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\"version\":1,\"profiles\":[oops"
    );
}

fn connkeeper_core_write(path: &Path, body: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(body).unwrap();
}

#[test]
fn two_processes_adding_at_once_lose_no_update() {
    let env = Env::new("concurrent", &[]);
    let token = "ATATT3xFfGF0-concurrency-token-00";
    let spawn = |prefix: &'static str| {
        let data = env.data();
        let service = env.service.clone();
        std::thread::spawn(move || {
            for i in 0..8 {
                let mut c = Command::new(env!("CARGO_BIN_EXE_connkeeper"));
                c.env("CONNKEEPER_KEYRING_SERVICE", &service)
                    .args(["--data-dir"])
                    .arg(&data)
                    .args([
                        "profile",
                        "add",
                        "--name",
                        &format!("{prefix}-{i}"),
                        "--application",
                        "jira",
                        "--host",
                        "acme.atlassian.net",
                        "--email",
                        "a@b.co",
                        "--expires",
                        &in_days(30),
                        "--token-stdin",
                    ])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped());
                let mut child = c.spawn().unwrap();
                child
                    .stdin
                    .take()
                    .unwrap()
                    .write_all(token.as_bytes())
                    .unwrap();
                let out = child.wait_with_output().unwrap();
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        })
    };
    let (a, b) = (spawn("a"), spawn("b"));
    a.join().unwrap();
    b.join().unwrap();
    let list = env.run(&["profile", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 16);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["token_stored"] == true));
    for p in list.as_array().unwrap() {
        assert_eq!(
            env.run(&["profile", "delete", p["id"].as_str().unwrap(), "--yes"])
                .code,
            0
        );
    }
}

/// A fake Jira served on its own runtime for the duration of a test.
struct Jira {
    fake: fake_jira::FakeJira,
    _rt: tokio::runtime::Runtime,
}

fn start_jira(site: fake_jira::Site) -> Jira {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(fake_jira::FakeJira::start(site)).unwrap();
    Jira { fake, _rt: rt }
}

const JIRA_TOKEN: &str = "ATATT3xFfGF0-cli-audit-token-0001";

fn jira_site(account: fake_jira::Account) -> fake_jira::Site {
    let projects = (0..12)
        .map(|i| fake_jira::Project::new(10_000 + i, &format!("K{i:02}"), &format!("Project {i}")))
        .collect();
    fake_jira::Site::new().account(account).projects(projects)
}

fn add_loopback(env: &Env, name: &str, host: &str, token: &str) {
    let r = env.run_stdin(
        &[
            "--allow-loopback-http",
            "profile",
            "add",
            "--name",
            name,
            "--application",
            "jira",
            "--host",
            host,
            "--email",
            "backup@acme.com",
            "--expires",
            &in_days(60),
            "--token-stdin",
        ],
        token,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn audit_a_saved_profile_records_last_audit() {
    let env = Env::new("audit-saved", &[JIRA_TOKEN]);
    let account = fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)
        .revoke_global("CREATE_SHARED_OBJECTS")
        .revoke_in_project(10_003, "MANAGE_SPRINTS_PERMISSION")
        .revoke_in_project(10_004, "MANAGE_SPRINTS_PERMISSION");
    let jira = start_jira(jira_site(account));
    add_loopback(&env, "Acme", &jira.fake.url(), JIRA_TOKEN);

    // Without the flag an http:// host is refused before any request.
    let r = env.run(&["audit", "Acme", "--json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.json()["error"]["kind"], "not_found");

    let r = env.run(&["--allow-loopback-http", "audit", "Acme", "--json"]);
    assert_eq!(r.code, 1, "gaps found: {}", r.stderr);
    let v = r.json();
    assert_eq!(v["ok"], false);
    assert_eq!(v["backup_ok"], false);
    assert_eq!(v["restore_ok"], false);
    assert_eq!(v["coverage"]["projects_total"], 12);
    assert_eq!(v["coverage"]["projects_ok_backup"], 10);
    assert_eq!(v["account"]["email"], "backup@acme.com");

    let human = env.run(&[
        "--allow-loopback-http",
        "audit",
        "Acme",
        "--purpose",
        "backup",
    ]);
    assert_eq!(human.code, 1);
    assert!(
        human.stdout.contains("Backup:  MISSING PERMISSIONS"),
        "{}",
        human.stdout
    );
    assert!(
        !human.stdout.contains("Restore:"),
        "backup-only audit: {}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("2 projects lack Manage Sprints: K03, K04"),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains("/plugins/servlet/project-config/K03/permissions"),
        "{}",
        human.stdout
    );

    let listed = env.run(&["profile", "list", "--json"]).json();
    let last = &listed[0]["last_audit"];
    assert_eq!(last["purpose"], "backup");
    assert_eq!(last["backup_ok"], false);
    assert_eq!(last["projects_with_gaps"], 2);
    assert!(env
        .run(&["profile", "show", "Acme"])
        .stdout
        .contains("backup gaps"));
}

#[test]
fn audit_unsaved_credentials_from_stdin() {
    let env = Env::new(
        "audit-adhoc",
        &[JIRA_TOKEN, "ATATT3xFfGF0-cli-audit-wrong-01"],
    );
    let jira = start_jira(jira_site(fake_jira::Account::admin(
        "backup@acme.com",
        JIRA_TOKEN,
    )));
    let url = jira.fake.url();
    let args = [
        "--allow-loopback-http",
        "audit",
        "--host",
        &url,
        "--email",
        "backup@acme.com",
        "--token-stdin",
        "--json",
    ];
    let r = env.run_stdin(&args, &format!("{JIRA_TOKEN}\n"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["ok"], true);

    let r = env.run_stdin(&args, "ATATT3xFfGF0-cli-audit-wrong-01\n");
    assert_eq!(r.code, 3);
    let v = r.json();
    assert_eq!(v["error"]["kind"], "auth");
    assert!(v["error"]["message"]
        .as_str()
        .unwrap()
        .contains("api-tokens"));

    // A plain http:// host without the flag is a usage error, before any request.
    let before = jira.fake.request_count();
    let r = env.run_stdin(
        &[
            "audit",
            "--host",
            &url,
            "--email",
            "backup@acme.com",
            "--token-stdin",
        ],
        JIRA_TOKEN,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--host"));
    assert_eq!(jira.fake.request_count(), before);
    assert!(
        !env.data().join("profiles.json").exists(),
        "an ad-hoc audit saves nothing"
    );
}

#[test]
fn expiring_lists_the_urgent_ones_with_exit_1() {
    let env = Env::new("expiring", &[]);
    std::fs::create_dir_all(env.data()).unwrap();
    let profile = |name: &str, days: i64| {
        serde_json::json!({
            "id": format!("00000000-0000-4000-8000-{:012}", days + 100),
            "name": name, "description": null, "application": "jsm",
            "host": "https://acme.atlassian.net", "email": "a@acme.com", "expires": in_days(days),
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        })
    };
    let file = serde_json::json!({"version": 1, "profiles": [
        profile("later", 31), profile("edge", 30), profile("gone", -3), profile("today", 0)
    ]});
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        file.to_string().as_bytes(),
    );

    let r = env.run(&["expiring", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["gone", "today", "edge"],
        "most urgent first; 30 days is inclusive"
    );
    assert_eq!(v[0]["days_left"], -3);
    assert_eq!(v[0]["status"], "expired");
    assert_eq!(v[1]["status"], "expiring");
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 7, "{keys:?}");
    for k in [
        "name",
        "application",
        "host",
        "email",
        "expires",
        "days_left",
        "status",
    ] {
        assert!(v[0].get(k).is_some(), "{k}");
    }
    assert_eq!(
        env.run(&["expiring", "--within", "0", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let human = env.run(&["expiring"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("expired 3 d ago"), "{}", human.stdout);
    let none = env.run(&["expiring", "--within=-5"]);
    assert_eq!(none.code, 0);
    assert!(none.stdout.contains("No API token"));
}

fn python() -> String {
    std::env::var("CONNKEEPER_PYTHON").expect(
        "CONNKEEPER_PYTHON names a Python with the `icalendar` package; `make test` sets it up",
    )
}

fn add_named(env: &Env, name: &str, description: &str, days: i64, token: &str) {
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            name,
            "--application",
            "jsm",
            "--host",
            "acme.atlassian.net",
            "--email",
            "ops@acme.com",
            "--expires",
            &in_days(days),
            "--description",
            description,
            "--token-stdin",
        ],
        token,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

const E1: &str = "ATATT3xFfGF0-export-secret-token-01";
const E2: &str = "ATATT3xFfGF0-export-secret-token-02";
const E3: &str = "ATATT3xFfGF0-export-secret-token-03";

#[test]
fn exports_read_back_by_independent_parsers_and_never_hold_a_token() {
    let env = Env::new("export", &[E1, E2, E3]);
    add_named(
        &env,
        "=HYPERLINK(\"http://evil\",\"x\")",
        "+SUM(A1:A2), \"quoted\", commas",
        5,
        E1,
    );
    add_named(
        &env,
        "Büro 東京 🔑",
        "line one\nline two, with \"quotes\"\n-2+3",
        200,
        E2,
    );
    add_named(&env, "@cmd", "\ttabbed", 40, E3);
    let dir = env.dir.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    let list = env.run(&["profile", "list", "--json"]);
    std::fs::write(dir.join("list.json"), &list.stdout).unwrap();
    std::fs::write(
        dir.join("settings.json"),
        r#"{"thresholds":[30,14,7,3,1,0]}"#,
    )
    .unwrap();
    for (format, file) in [
        ("csv", "export.csv"),
        ("json", "export.json"),
        ("md", "export.md"),
        ("ics", "export.ics"),
    ] {
        let out = dir.join(file);
        let r = env.run(&[
            "export",
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
    }
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a later DTSTAMP
    let r = env.run(&["export", "--format", "ics"]);
    std::fs::write(dir.join("export2.ics"), &r.stdout).unwrap();

    let check = Command::new(python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/export/check_exports.py"
        ))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    let md = std::fs::read_to_string(dir.join("export.md")).unwrap();
    assert!(md.contains("| Profile | Application |"), "{md}");
    assert!(
        md.contains("Büro 東京 🔑") && md.contains("line one<br>line two"),
        "{md}"
    );
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| ")).count(),
        4,
        "header + 3 rows: {md}"
    );

    // Round trip: the JSON export imported into an empty store gives the same profiles.
    let other = Env::new("import-json", &[]);
    let r = other.run(&[
        "import",
        dir.join("export.json").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["created"], 3);
    let before: Value = serde_json::from_str(&list.stdout).unwrap();
    let after = other.run(&["profile", "list", "--json"]).json();
    for (a, b) in before
        .as_array()
        .unwrap()
        .iter()
        .zip(after.as_array().unwrap())
    {
        for k in [
            "id",
            "name",
            "description",
            "application",
            "host",
            "email",
            "expires",
            "days_left",
            "status",
            "created_at",
        ] {
            assert_eq!(a[k], b[k], "{k}");
        }
        assert_eq!(b["token_stored"], false, "imported without a token");
    }
    // ... and so does the CSV (formula prefixes undone).
    let third = Env::new("import-csv", &[]);
    let r = third.run(&["import", dir.join("export.csv").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = third
        .run(&["profile", "list", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["=HYPERLINK(\"http://evil\",\"x\")", "@cmd", "Büro 東京 🔑"]
    );
    // Importing again skips every row as a duplicate.
    let r = third.run(&["import", dir.join("export.csv").to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["skipped"], 3);
}

#[test]
fn import_is_all_or_nothing_and_dry_run_writes_nothing() {
    let env = Env::new("import-rules", &[]);
    let file = env.dir.path().join("in.csv");
    let csv = format!(
        "name,application,host,email,expires,description\r\n\
         Old,jira,old.atlassian.net,a@old.com,2020-01-01,expired long ago\r\n\
         New,jsm,https://new.atlassian.net/browse/X-1,b@new.com,{},\r\n\
         Broken,confluence,http://x,not-an-email,someday,\r\n",
        in_days(100)
    );
    std::fs::create_dir_all(env.dir.path()).unwrap();
    std::fs::write(&file, csv).unwrap();
    let r = env.run(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 2, "an invalid row stops the import");
    let v = r.json();
    assert_eq!(v["applied"], false);
    assert_eq!(v["rows"][2]["outcome"], "invalid");
    let reason = v["rows"][2]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Application")
            && reason.contains("Host URL")
            && reason.contains("User email")
            && reason.contains("expiration date"),
        "{reason}"
    );
    assert!(
        !env.data().join("profiles.json").exists(),
        "nothing written"
    );

    // Without the broken row: a dry run writes nothing, the real run writes both.
    let good: String = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .take(3)
        .map(|l| format!("{l}\r\n"))
        .collect();
    std::fs::write(&file, good).unwrap();
    let r = env.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("would create") && r.stdout.contains("Would import 2"),
        "{}",
        r.stdout
    );
    assert!(
        !env.data().join("profiles.json").exists(),
        "dry run wrote nothing"
    );
    let r = env.run(&["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = env.run(&["profile", "list", "--json"]).json();
    assert_eq!(list[0]["name"], "Old");
    assert_eq!(
        list[0]["status"], "expired",
        "a past date is allowed on import"
    );
    assert_eq!(list[1]["host"], "https://new.atlassian.net");
    assert_eq!(list[1]["token_stored"], false);
    let shown = env.run(&["profile", "list"]);
    assert!(shown.stdout.contains("token missing"), "{}", shown.stdout);
}
