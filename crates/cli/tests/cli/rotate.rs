//! `connkeeper rotate` and `connkeeper org` against the fake Jira and its organisation
//! routes, with the real Secret Service: exit codes, what lands in the keyring, and no
//! token or key in any output or file.

use crate::support::*;

const NEW: &str = "ATATT3xFfGF0-cli-rotate-new-token-02";
const WRONG: &str = "ATATT3xFfGF0-cli-rotate-wrong-token-3";
const KEY: &str = "ATCTT3xFfGN0-cli-org-admin-key-00000001";
const ORG: &str = "5d0c9a1e-2b3f-4c5d-8e7f-0a1b2c3d4e5f";

fn loopback(env: &Env, jira: &Jira, args: &[&str], stdin: Option<&str>) -> Run {
    let mut c = env.cmd();
    c.env("CONNKEEPER_GATEWAY_URL", jira.fake.url());
    let mut all = vec!["--allow-loopback-http"];
    all.extend_from_slice(args);
    env.run_with(c, &all, stdin)
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn rotate_verifies_then_swaps_and_refuses_a_token_jira_rejects() {
    let env = Env::new("rotate", &[JIRA_TOKEN, NEW, WRONG]);
    let jira = start_jira(jira_site(
        fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).also_accepts(NEW),
    ));
    add_loopback(&env, "Acme", &jira.fake.url(), JIRA_TOKEN);
    let id = env.file_json()["profiles"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // Without --expires and without a terminal: a usage error naming the flag.
    let r = loopback(&env, &jira, &["rotate", "Acme", "--token-stdin"], Some(NEW));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--expires"), "{}", r.stderr);

    // A token Jira rejects: refused (exit 1), even with --force; the old one stays.
    let r = loopback(
        &env,
        &jira,
        &[
            "rotate",
            "Acme",
            "--token-stdin",
            "--expires",
            &in_days(200),
            "--force",
            "--json",
        ],
        Some(WRONG),
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["outcome"], "refused");
    assert_eq!(r.json()["refusals"][0]["code"], "rejected");
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(JIRA_TOKEN));

    let r = loopback(
        &env,
        &jira,
        &[
            "rotate",
            "Acme",
            "--token-stdin",
            "--expires",
            &in_days(200),
        ],
        Some(&format!("{NEW}\n")),
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("Label:  connkeeper Acme "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("Revoke the old token"), "{}", r.stdout);
    assert_eq!(env.secret_tool_lookup(&id).as_deref(), Some(NEW));

    let v = env.run(&["profile", "show", "Acme", "--json"]).json();
    assert_eq!(v["expires"], in_days(200));
    assert_eq!(v["old_token_revoked"], false);
    assert_eq!(v["expires_source"], "manual");
    assert_eq!(v["rotations"].as_array().unwrap().len(), 1);
    assert!(v["rotated_at"].is_string());

    let r = env.run(&["rotate", "Acme", "--old-token-revoked"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        env.run(&["profile", "show", "Acme", "--json"]).json()["old_token_revoked"],
        true
    );
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn org_add_sync_and_revoke() {
    let env = Env::new("org", &[JIRA_TOKEN, NEW, KEY]);
    let site =
        jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).also_accepts(NEW)).org(
            fake_jira::Org::new(ORG, KEY, &["acme.com"])
                .token(
                    "t-new",
                    "backup@acme.com",
                    JIRA_TOKEN,
                    "BackupCo",
                    &format!("{}T10:00:00.000Z", in_days(45)),
                    Some("2026-01-01T00:00:00.000Z"),
                )
                .token(
                    "t-old",
                    "backup@acme.com",
                    NEW,
                    "old",
                    &format!("{}T10:00:00.000Z", in_days(10)),
                    None,
                ),
        );
    let jira = start_jira(site);
    add_loopback(&env, "Acme", &jira.fake.url(), JIRA_TOKEN);

    let r = env.run_stdin(
        &[
            "org",
            "add",
            "--org-id",
            "bad id",
            "--key-expires",
            &in_days(100),
            "--key-stdin",
        ],
        KEY,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("invalid organisation"), "{}", r.stderr);
    assert!(r.stderr.contains("--org-id: Copy it"), "{}", r.stderr);
    let r = env.run_stdin(
        &[
            "org",
            "add",
            "--org-id",
            ORG,
            "--key-expires",
            &in_days(100),
            "--key-stdin",
        ],
        KEY,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = env.run(&["org", "show", "--json"]).json();
    assert_eq!(show["org_id"], ORG);
    assert_eq!(show["key_days_left"], 100);
    assert_eq!(show["key_stored"], true);

    // Matched by expiry? No: two active tokens, neither labelled: the one expiring on the
    // profile's date is not there, so it is ambiguous. Exit 1.
    let r = loopback(&env, &jira, &["org", "sync", "--json"], None);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    assert_eq!(v["tokens_listed"], 2);
    assert_eq!(v["profiles"][0]["state"], "ambiguous");

    // With the profile's expiry matching one token, the sync finds it and reports its
    // real expiry; --accept-expiry takes it.
    let r = env.run(&[
        "--allow-loopback-http",
        "profile",
        "edit",
        "Acme",
        "--expires",
        &in_days(45),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = loopback(&env, &jira, &["org", "sync", "--json"], None);
    let v = r.json();
    assert_eq!(v["profiles"][0]["state"], "active", "{v}");
    assert_eq!(v["profiles"][0]["token_id"], "t-new");
    assert_eq!(v["profiles"][0]["unused"], true, "last used in January");
    assert_eq!(r.code, 1);
    let p = env.run(&["profile", "show", "Acme", "--json"]).json();
    assert_eq!(p["last_active"], "2026-01-01T00:00:00Z");
    assert_eq!(p["atlassian"]["state"], "active");

    // Revoking needs a confirmation; then the site refuses the old token.
    let r = loopback(
        &env,
        &jira,
        &["org", "revoke", "Acme", "--token-id", "t-old"],
        None,
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = loopback(
        &env,
        &jira,
        &["org", "revoke", "Acme", "--token-id", "t-old", "--yes"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let deletes = jira
        .fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 1);
    let r = env.run(&["org", "remove"]);
    assert_eq!(r.code, 0);
    assert!(env.run(&["org", "show", "--json"]).json().is_null());
}
