//! A token goes only to its own site, and hostile input (files, servers, terminals)
//! costs seconds and megabytes: the command-line face of each rule.

use std::io::Read;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::*;

const TOKEN: &str = "ATATT3xFfGF0-cli-hardening-token-01";
const NEW_TOKEN: &str = "ATATT3xFfGF0-cli-hardening-token-02";

fn id_of(env: &Env, name: &str) -> String {
    let r = env.run(&["profile", "show", name, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["id"].as_str().unwrap().to_owned()
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn an_id_is_looked_up_before_a_name_so_a_crafted_name_cannot_borrow_a_token() {
    let env = Env::new("id-first", &[JIRA_TOKEN]);
    let jira = start_jira(jira_site(fake_jira::Account::admin(
        "backup@acme.com",
        JIRA_TOKEN,
    )));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let elsewhere = rt.block_on(fake_jira::start_recorder()).unwrap();
    add_loopback(&env, "Real", &jira.fake.url(), JIRA_TOKEN);
    let real_id = id_of(&env, "Real");
    // A crafted profile whose name is the real profile's id, pointing elsewhere.
    let mut file = env.file_json();
    let mut crafted = file["profiles"][0].clone();
    crafted["id"] = "00000000-0000-4000-8000-000000000001".into();
    crafted["name"] = real_id.clone().into();
    crafted["host"] = elsewhere.url().into();
    file["profiles"].as_array_mut().unwrap().insert(0, crafted);
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        serde_json::to_string(&file).unwrap().as_bytes(),
    );

    let r = env.run(&["--allow-loopback-http", "audit", &real_id, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["host"], jira.fake.url());
    assert_eq!(elsewhere.request_count(), 0, "the token went elsewhere");
    assert!(jira.fake.request_count() > 0);
    // `show` by id is the real one too; a new name that is an id is refused.
    assert_eq!(
        env.run(&["profile", "show", &real_id, "--json"]).json()["host"],
        jira.fake.url()
    );
    let r = env.run(&["profile", "edit", "Real", "--name", &real_id.to_uppercase()]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--name:"), "{}", r.stderr);
    assert!(r.stderr.contains("profile id"), "{}", r.stderr);
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn moving_a_profile_needs_the_new_token_in_the_same_edit() {
    let env = Env::new("move", &[TOKEN, NEW_TOKEN]);
    env.add("Acme", TOKEN);
    let before = std::fs::read(env.data().join("profiles.json")).unwrap();
    for args in [
        &["profile", "edit", "Acme", "--host", "other.atlassian.net"][..],
        &[
            "profile",
            "edit",
            "Acme",
            "--email",
            "other@acme.com",
            "--expires",
            &in_days(10),
        ],
    ] {
        let r = env.run(args);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("--token-stdin:"), "{}", r.stderr);
        assert!(
            r.stderr.contains("never sent anywhere else"),
            "{}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(env.data().join("profiles.json")).unwrap(),
            before,
            "nothing changed"
        );
    }
    let r = env.run_stdin(
        &[
            "profile",
            "edit",
            "Acme",
            "--host",
            "other.atlassian.net",
            "--token-stdin",
        ],
        NEW_TOKEN,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = id_of(&env, "Acme");
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(NEW_TOKEN));
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_custom_domain_needs_yes_once_and_the_profile_remembers() {
    let env = Env::new("custom-domain", &[TOKEN]);
    let r = add_profile(&env, "Custom", "jira.acme-corp.invalid", &[], TOKEN);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("not an *.atlassian.net site"),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.run(&["profile", "show", "Custom", "--json"]).json()["host_confirmed"],
        false
    );

    let r = env.run(&["audit", "Custom"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("run again with --yes"), "{}", r.stderr);
    assert!(r.stderr.contains("Nothing was sent"), "{}", r.stderr);

    // Confirmed: the token may go there (the .invalid name then fails to resolve).
    let r = env.run(&["audit", "Custom", "--yes", "--json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.json()["error"]["kind"], "network");
    assert_eq!(
        env.run(&["profile", "show", "Custom", "--json"]).json()["host_confirmed"],
        true
    );
    // Remembered: no --yes needed any more.
    let r = env.run(&["audit", "Custom", "--json"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(r.json()["error"]["kind"], "network");

    // Ad hoc there is no profile to remember: --yes every time.
    let r = env.run_stdin(
        &[
            "audit",
            "--host",
            "jira.acme-corp.invalid",
            "--email",
            "a@b.co",
            "--token-stdin",
        ],
        TOKEN,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn free_text_may_start_with_a_hyphen_and_names_refuse_bidi_controls() {
    let env = Env::new("hyphen", &[TOKEN]);
    let r = add_profile(
        &env,
        "-nightly",
        "acme.atlassian.net",
        &["--description", "- runs at 02:00"],
        TOKEN,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = env.run(&["profile", "show", "--json", "--", "-nightly"]);
    assert_eq!(v.code, 0, "{}", v.stderr);
    assert_eq!(v.json()["description"], "- runs at 02:00");
    let r = env.run(&["profile", "edit", "--description", "-x", "--", "-nightly"]);
    assert_eq!(r.code, 0, "{}", r.stderr);

    let r = add_profile(
        &env,
        "evil\u{202E}gnp.exe",
        "acme.atlassian.net",
        &[],
        TOKEN,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--name:"), "{}", r.stderr);
    assert!(r.stderr.contains("text-direction"), "{}", r.stderr);
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

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn imports_are_capped_and_echoed_names_cannot_drive_the_terminal() {
    let env = Env::new("import-hostile", &[]);
    let started = Instant::now();
    let r = env.run(&["import", "/dev/zero"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(60));

    let file = env.dir.path().join("crafted.csv");
    std::fs::write(
        &file,
        csv(2, |i| {
            if i == 0 {
                "clear\u{1b}[2J\u{1b}]0;pwned\u{7}".to_owned()
            } else {
                "Fine".to_owned()
            }
        }),
    )
    .unwrap();
    let r = env.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 2, "the crafted row is invalid: {}", r.stderr);
    for (what, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(
            !text.contains('\u{1b}'),
            "{what} carries an escape: {text:?}"
        );
        assert!(!text.contains('\u{7}'), "{what} carries a bell: {text:?}");
    }
    assert!(r.stdout.contains("clear\\u{001B}[2J"), "{}", r.stdout);
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_hostile_server_fails_the_audit_fast_with_invalid_response() {
    let env = Env::new("hostile", &[JIRA_TOKEN]);
    for fault in [
        fake_jira::Fault::EndlessProjects {
            total: Some(1_000_000_000_000_000),
        },
        fake_jira::Fault::EndlessProjects { total: None },
        fake_jira::Fault::HugeBody {
            path: "/rest/api/3/permissions".into(),
            bytes: 300_000_000,
        },
    ] {
        let jira = start_jira(
            jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN))
                .fault(fault.clone()),
        );
        let r = env.run_stdin(
            &[
                "--allow-loopback-http",
                "audit",
                "--host",
                &jira.fake.url(),
                "--email",
                "backup@acme.com",
                "--token-stdin",
                "--json",
            ],
            JIRA_TOKEN,
        );
        assert_eq!(r.code, 3, "{fault:?}: {}", r.stderr);
        assert_eq!(r.json()["error"]["kind"], "invalid_response", "{fault:?}");
        assert!(
            jira.fake.request_count() < 20,
            "{fault:?}: {} requests",
            jira.fake.request_count()
        );
    }
}

#[cfg(unix)]
#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn ctrl_c_cancels_an_audit_cleanly() {
    let env = Env::new("ctrl-c", &[JIRA_TOKEN]);
    let jira = start_jira(
        jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)).fault(
            fake_jira::Fault::Slow {
                path: "/rest/api/3/project/search".into(),
                delay: Duration::from_secs(120),
            },
        ),
    );
    add_loopback(&env, "Slow", &jira.fake.url(), JIRA_TOKEN);
    let child = env
        .cmd()
        .args(["--allow-loopback-http", "audit", "Slow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the audit is inside the slow request, then press Ctrl-C.
    let start = Instant::now();
    while jira
        .fake
        .requests_to("/rest/api/3/project/search")
        .is_empty()
    {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the audit never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
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

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_flood_on_stdin_is_not_a_token() {
    let env = Env::new("stdin-flood", &[]);
    let flood = "A".repeat(200_000);
    let r = add_profile(&env, "Flood", "acme.atlassian.net", &[], &flood);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("KiB"), "{}", r.stderr);
    assert!(!env.data().join("profiles.json").exists());
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
