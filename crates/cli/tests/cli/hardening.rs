//! The real binary's process-level behaviour: a closed pipe (141), Ctrl-C (130), and a
//! data folder tampered with behind the real keyring's back.

use std::io::Read;
use std::process::Stdio;
#[cfg(unix)]
use std::time::{Duration, Instant};

use crate::support::*;

fn id_of(env: &Env, name: &str) -> String {
    let r = env.run(&["profile", "show", name, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Writes an import CSV of `n` profiles.
fn csv(n: usize, name: impl Fn(usize) -> String) -> String {
    let mut out = String::from("name,application,host,email,expires\n");
    for i in 0..n {
        out.push_str(&format!(
            "\"{}\",jira,site{i}.atlassian.net,u{i}@example.com,{}\n",
            name(i),
            in_days(90)
        ));
    }
    out
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_closed_pipe_ends_quietly_like_other_unix_tools() {
    let env = Env::new("pipe", &[]);
    let file = env.dir.path().join("many.csv");
    std::fs::write(&file, csv(800, |i| format!("Site number {i}"))).unwrap();
    let r = env.run(&["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // `profile list --json | head -c1`: read one byte, then close the pipe. The output
    // (~400 KB) is far larger than a pipe's buffer, so the writer meets the closed pipe.
    let mut child = env
        .cmd()
        .args(["profile", "list", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    out.read_exact(&mut one).unwrap();
    drop(out);
    let (status, err) = finish(child);
    assert_eq!(one[0], b'[');
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(status.code(), Some(141), "{status:?} {err}");
}

#[cfg(unix)]
#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn ctrl_c_cancels_an_audit_cleanly() {
    let env = Env::new("ctrl-c", &[JIRA_TOKEN]);
    // A "site" that accepts the audit's connection and never answers.
    let site = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", site.local_addr().unwrap());
    add_loopback(&env, "Slow", &url, JIRA_TOKEN);
    let child = env
        .cmd()
        .args(["--allow-loopback-http", "audit", "Slow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the audit is connected (the Ctrl-C handler is installed before any
    // request), then press Ctrl-C.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let connection = site.accept().map(|(stream, _)| stream);
        let _ = tx.send(connection);
    });
    let start = Instant::now();
    let _connection = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the audit never connected")
        .unwrap();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let (status, err) = finish(child);
    assert_eq!(status.code(), Some(130), "{status:?}: {err}");
    assert!(err.contains("cancelled"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(60));
    let show = env.run(&["profile", "show", "Slow", "--json"]);
    assert!(show.json()["last_audit"].is_null(), "nothing recorded");
}

/// Waits for a child and returns its status and stderr.
fn finish(mut child: std::process::Child) -> (std::process::ExitStatus, String) {
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (status, err)
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_tampered_data_folder_sends_neither_a_token_nor_the_organisation_key() {
    let env = Env::new("tampered", &[JIRA_TOKEN]);
    let jira = start_jira(jira_site(fake_jira::Account::admin(
        "backup@acme.com",
        JIRA_TOKEN,
    )));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let evil = rt.block_on(fake_jira::start_recorder()).unwrap();
    add_loopback(&env, "Victim", &jira.fake.url(), JIRA_TOKEN);
    let id = id_of(&env, "Victim");
    // The keyring item carries what it is for, as secret-tool sees it.
    let record: serde_json::Value =
        serde_json::from_str(&env.secret_tool_raw(&id).unwrap()).unwrap();
    assert_eq!(record["host"], jira.fake.url());
    assert_eq!(record["email"], "backup@acme.com");

    // The host (and its confirmation) rewritten in profiles.json: nothing is sent.
    let original = std::fs::read(env.data().join("profiles.json")).unwrap();
    let mut file = env.file_json();
    file["profiles"][0]["host"] = evil.url().into();
    file["profiles"][0]["confirmed_host"] = evil.url().into();
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        serde_json::to_string(&file).unwrap().as_bytes(),
    );
    let r = env.run(&["--allow-loopback-http", "audit", "Victim", "--yes"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("saved for another site"), "{}", r.stderr);
    assert!(
        r.stderr.contains("profile edit Victim --token-stdin"),
        "{}",
        r.stderr
    );
    assert_eq!(
        evil.request_count(),
        0,
        "the token went to the rewritten host"
    );

    // Whatever the file says, what the CLI prints of it cannot drive the terminal.
    let mut file = env.file_json();
    file["profiles"][0]["host"] = "https://evil.example\u{1b}]0;pwned\u{7}\u{9b}2J".into();
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        serde_json::to_string(&file).unwrap().as_bytes(),
    );
    for args in [&["profile", "list"][..], &["profile", "show", "Victim"][..]] {
        let r = env.run(args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(r.stdout.contains("evil.example"), "{}", r.stdout);
        assert!(
            !r.stdout.contains('\u{1b}')
                && !r.stdout.contains('\u{9b}')
                && !r.stdout.contains('\u{7}'),
            "{args:?}: {:?}",
            r.stdout
        );
    }

    // A profile entry with the organisation key's reserved id: the file is refused.
    let mut file: serde_json::Value = serde_json::from_slice(&original).unwrap();
    let mut crafted = file["profiles"][0].clone();
    crafted["id"] = "636f6e6e-6b65-0000-8000-0000006f7267".into();
    crafted["name"] = "Org".into();
    crafted["host"] = evil.url().into();
    file["profiles"].as_array_mut().unwrap().push(crafted);
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        serde_json::to_string(&file).unwrap().as_bytes(),
    );
    let r = env.run(&[
        "--allow-loopback-http",
        "audit",
        "636f6e6e-6b65-0000-8000-0000006f7267",
        "--yes",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("reserved"), "{}", r.stderr);
    assert_eq!(evil.request_count(), 0);

    // Put back as it was, the audit works and reaches only the real site.
    connkeeper_core_write(&env.data().join("profiles.json"), &original);
    let r = env.run(&["--allow-loopback-http", "audit", "Victim", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(evil.request_count(), 0);
}
