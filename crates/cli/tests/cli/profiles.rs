//! Profiles on the real Secret Service: the keyring round trip, an unavailable keyring,
//! concurrent writers.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::*;

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn keyring_round_trip() {
    let env = Env::new("lifecycle", &[T1, T2]);
    let r = env.add("Acme backup", T1);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("token stored in Secret Service"),
        "{}",
        r.stdout
    );
    let v = env
        .run(&["profile", "show", "acme backup", "--json"])
        .json();
    assert_eq!(v["token_stored"], true);
    let id = v["id"].as_str().unwrap().to_owned();

    // The token is in the keyring (seen by libsecret from outside) and not in the file.
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(T1));
    let file = std::fs::read_to_string(env.data().join("profiles.json")).unwrap();
    assert!(!file.contains(T1));
    let human = env.run(&["profile", "show", "acme backup"]);
    assert!(
        human.stdout.contains("stored in Secret Service"),
        "{}",
        human.stdout
    );

    // An edit without a token keeps it; with one, replaces it.
    let r = env.run(&["profile", "edit", "acme backup", "--expires", &in_days(20)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(T1));
    let r = env.run_stdin(
        &["profile", "edit", "Acme backup", "--token-stdin"],
        &format!("{T2}\r\n"),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(T2));

    // Delete: the exit code of the real binary without a terminal, then the keyring item goes.
    let r = env.run(&["profile", "delete", "Acme backup"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = env.run(&["profile", "delete", "Acme backup", "--yes"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        env.secret_tool_lookup(&id),
        None,
        "token removed from the keyring"
    );
    assert_eq!(env.file_json()["profiles"].as_array().unwrap().len(), 0);
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
