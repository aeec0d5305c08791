//! Profiles: the lifecycle, validation, keyring and store failures, concurrent writers.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::*;

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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
    assert!(r.stderr.contains("no profile is named"), "{}", r.stderr);
    assert!(
        r.stderr.contains("`connkeeper profile list`"),
        "{}",
        r.stderr
    );
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn validation_failures_name_every_field_and_write_nothing() {
    let env = Env::new("validation", &[T1]);
    // An application outside the list is refused while parsing, with the list.
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            "x",
            "--application",
            "confluence",
            "--host",
            "acme.atlassian.net",
            "--email",
            "a@acme.com",
            "--expires",
            "2099-01-01",
            "--token-stdin",
        ],
        T1,
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("'confluence'") && r.stderr.contains("jira, jira-admin, jsm"),
        "{}",
        r.stderr
    );
    assert!(!env.data().join("profiles.json").exists());
    // Every other field is named at once.
    let r = env.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            " ",
            "--application",
            "jira",
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
    for flag in ["--name", "--host", "--email", "--expires", "--description"] {
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
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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
