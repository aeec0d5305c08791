//! `connkeeper audit` against the fake Jira.

use crate::support::*;

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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
            .contains("2 spaces lack Manage sprints: K03, K04"),
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
    // The words Jira shows today: spaces and work items (URLs keep Jira's paths).
    for line in human.stdout.lines() {
        let text: Vec<&str> = line
            .split_whitespace()
            .filter(|w| !w.starts_with("http"))
            .collect();
        let text = text.join(" ").to_lowercase();
        assert!(
            !text.contains("project") && !text.contains("issue"),
            "{line}"
        );
    }

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
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
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

/// Every classic scope a Jira audit needs.
const SCOPES: &[&str] = &[
    "read:jira-user",
    "manage:jira-configuration",
    "read:jira-work",
];

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_token_with_scopes_goes_through_the_gateway_and_the_profile_remembers() {
    let env = Env::new("scoped", &[JIRA_TOKEN]);
    let account = fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).scoped(SCOPES);
    let jira = start_jira(jira_site(account));
    let url = jira.fake.url();
    add_loopback(&env, "Scoped", &url, JIRA_TOKEN);
    assert!(env.run(&["profile", "show", "Scoped", "--json"]).json()["token_kind"].is_null());

    // An http:// gateway needs the loopback switch.
    let r = env.run(&["--gateway", &url, "audit", "Scoped"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--gateway"), "{}", r.stderr);

    // The fake serves the gateway prefix too: it stands in for api.atlassian.com.
    let r = env.run(&[
        "--allow-loopback-http",
        "--gateway",
        &url,
        "audit",
        "Scoped",
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["token_kind"], "scoped");
    // Before anything was sent, stderr said where the gateway's credentials go.
    assert!(
        r.stderr.contains(&format!(
            "note: Atlassian's API gateway is replaced by {url}"
        )),
        "{}",
        r.stderr
    );
    assert_eq!(
        env.run(&["profile", "show", "Scoped", "--json"]).json()["token_kind"],
        "scoped"
    );
    let before = jira
        .fake
        .requests()
        .iter()
        .filter(|q| q.authorization.is_some() && !q.path.starts_with("/ex/jira/"))
        .count();
    // The environment variable works as well, and the next audit goes straight there.
    let mut c = env.cmd();
    c.env("CONNKEEPER_GATEWAY_URL", &url);
    let r = env.run_with(c, &["--allow-loopback-http", "audit", "Scoped"], None);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("API token with scopes"), "{}", r.stdout);
    let after = jira
        .fake
        .requests()
        .iter()
        .filter(|q| q.authorization.is_some() && !q.path.starts_with("/ex/jira/"))
        .count();
    assert_eq!(
        after, before,
        "no failed request on the site once the kind is known"
    );
    // Exports carry the kind.
    let csv = env.run(&["export", "--format", "csv"]);
    assert!(csv.stdout.lines().next().unwrap().contains("token_kind"));
    assert!(csv.stdout.contains(",scoped,"), "{}", csv.stdout);
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_missing_scope_is_its_own_error_with_the_scopes_to_add() {
    let env = Env::new("missing-scope", &[JIRA_TOKEN]);
    let account =
        fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).scoped(&["read:jira-user"]);
    let jira = start_jira(jira_site(account));
    let url = jira.fake.url();
    let r = env.run_stdin(
        &[
            "--allow-loopback-http",
            "--gateway",
            &url,
            "audit",
            "--host",
            &url,
            "--email",
            "backup@acme.com",
            "--token-stdin",
            "--json",
        ],
        JIRA_TOKEN,
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let e = r.json();
    assert_eq!(e["error"]["kind"], "missing_scope");
    let msg = e["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("read:jira-work") || msg.contains("manage:jira-configuration"),
        "{msg}"
    );
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn a_blocked_token_and_an_ip_allowlist_are_their_own_errors() {
    let env = Env::new("blocked-ip", &[JIRA_TOKEN]);
    let blocked = fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).token_blocked();
    let allowlisted =
        jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)).ip_not_allowed(true);
    for (site, kind, words) in [
        (jira_site(blocked), "token_blocked", "User API tokens"),
        (allowlisted, "ip_not_allowed", "backup service"),
    ] {
        let jira = start_jira(site);
        let url = jira.fake.url();
        let r = env.run_stdin(
            &[
                "--allow-loopback-http",
                "--gateway",
                &url,
                "audit",
                "--host",
                &url,
                "--email",
                "backup@acme.com",
                "--token-stdin",
                "--json",
            ],
            JIRA_TOKEN,
        );
        assert_eq!(r.code, 3, "{}", r.stderr);
        let e = r.json();
        assert_eq!(e["error"]["kind"], kind, "{e}");
        let msg = e["error"]["message"].as_str().unwrap();
        assert!(msg.contains(words), "{msg}");
        assert!(!r.stdout.contains(JIRA_TOKEN) && !r.stderr.contains(JIRA_TOKEN));
    }
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn no_product_access_is_the_root_cause_on_the_terminal() {
    let env = Env::new("no-product", &[JIRA_TOKEN]);
    let account = fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).products(&[]);
    let jira = start_jira(jira_site(account));
    add_loopback(&env, "Unlicensed", &jira.fake.url(), JIRA_TOKEN);
    let r = env.run(&["--allow-loopback-http", "audit", "Unlicensed"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("ROOT CAUSE: The account has no Jira product access"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains("Fix links:"),
        "no per-project fix links: {}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("12 space(s) lack permissions because of the root cause"),
        "{}",
        r.stdout
    );
}
