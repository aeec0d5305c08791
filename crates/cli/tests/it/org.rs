//! `connkeeper org add/show/sync/revoke/remove` against the fake's organisation routes.

use connkeeper_cli::Scripted;

use crate::audit::JIRA_TOKEN;
use crate::rotate::NEW;
use crate::snap;
use crate::support::*;

const KEY: &str = "ATCTT3xFfGN0-cli-org-admin-key-00000001";
const ORG: &str = "5d0c9a1e-2b3f-4c5d-8e7f-0a1b2c3d4e5f";

fn case() -> Case {
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
    let mut case = Case::with_jira(site);
    case.tokens
        .extend([JIRA_TOKEN.to_owned(), NEW.to_owned(), KEY.to_owned()]);
    add_loopback(&case, "Acme", JIRA_TOKEN);
    case
}

fn args<'a>(url: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--allow-loopback-http", "--gateway", url];
    all.extend_from_slice(rest);
    all
}

#[test]
fn org_add_show_sync_revoke_remove() {
    let case = case();
    let url = case.url();
    let key_expires = in_days(100);
    snap!("org_show_unlinked", case.run(&["org", "show"]));
    snap!(
        "org_add_bad_id",
        case.run_stdin(
            &[
                "org",
                "add",
                "--org-id",
                "bad id",
                "--key-expires",
                &key_expires,
                "--key-stdin"
            ],
            KEY,
        )
    );
    snap!(
        "org_add_no_key_on_a_pipe",
        case.run(&["org", "add", "--org-id", ORG, "--key-expires", &key_expires])
    );
    snap!(
        "org_add",
        case.run_stdin(
            &[
                "org",
                "add",
                "--org-id",
                ORG,
                "--key-expires",
                &key_expires,
                "--key-stdin"
            ],
            KEY,
        )
    );
    snap!("org_show", case.run(&["org", "show"]));
    snap!("org_show_json", case.run(&["org", "show", "--json"]));
    // Two active tokens, neither labelled nor expiring on the profile's date: ambiguous.
    snap!(
        "org_sync_ambiguous_json",
        case.run(&args(&url, &["org", "sync", "--json"]))
    );
    let r = case.run(&[
        "--allow-loopback-http",
        "profile",
        "edit",
        "Acme",
        "--expires",
        &in_days(45),
    ]);
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "org_sync_active_unused",
        case.run(&args(&url, &["org", "sync"]))
    );
    snap!(
        "org_sync_listed",
        case.run(&["profile", "show", "Acme", "--json"])
    );
    snap!(
        "org_revoke_needs_yes",
        case.run(&args(
            &url,
            &["org", "revoke", "Acme", "--token-id", "t-old"]
        ))
    );
    snap!(
        "org_revoke_answered_no",
        case.run_input(
            &args(&url, &["org", "revoke", "Acme", "--token-id", "t-old"]),
            Scripted::terminal(&["no"], &[]),
        )
    );
    assert_eq!(
        case.fake()
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        0
    );
    snap!(
        "org_revoke",
        case.run(&args(
            &url,
            &["org", "revoke", "Acme", "--token-id", "t-old", "--yes"]
        ))
    );
    assert_eq!(
        case.fake()
            .requests()
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        1
    );
    snap!("org_remove", case.run(&["org", "remove"]));
    snap!("org_remove_again", case.run(&["org", "remove"]));
    snap!(
        "org_show_json_unlinked",
        case.run(&["org", "show", "--json"])
    );
}

#[test]
fn a_differing_expiry_is_asked_on_a_terminal_or_taken_with_accept_expiry() {
    // One token, labelled as ConnKeeper labels it, expiring 45 days from now; the
    // profile says 90.
    let site = jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)).org(
        fake_jira::Org::new(ORG, KEY, &["acme.com"]).token(
            "t-labelled",
            "backup@acme.com",
            JIRA_TOKEN,
            "connkeeper Acme 2026-11-28",
            &format!("{}T10:00:00.000Z", in_days(45)),
            Some("2026-11-27T03:00:00.000Z"),
        ),
    );
    let mut case = Case::with_jira(site);
    case.tokens.extend([JIRA_TOKEN.to_owned(), KEY.to_owned()]);
    add_loopback(&case, "Acme", JIRA_TOKEN);
    let url = case.url();
    let r = case.run_stdin(
        &[
            "org",
            "add",
            "--org-id",
            ORG,
            "--key-expires",
            "2027-06-30",
            "--key-stdin",
        ],
        KEY,
    );
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "org_sync_expiry_declined",
        case.run_input(
            &args(&url, &["org", "sync"]),
            Scripted::terminal(&["n"], &[])
        )
    );
    snap!(
        "org_sync_expiry_taken_on_the_terminal",
        case.run_input(
            &args(&url, &["org", "sync"]),
            Scripted::terminal(&["y"], &[])
        )
    );
    let r = case.run(&[
        "--allow-loopback-http",
        "profile",
        "edit",
        "Acme",
        "--expires",
        &in_days(90),
    ]);
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "org_sync_accept_expiry_json",
        case.run(&args(&url, &["org", "sync", "--accept-expiry", "--json"]))
    );
    snap!("org_sync_accepted_listed", case.run(&["profile", "list"]));
}

#[test]
fn a_sync_without_a_link_is_refused() {
    let case = case();
    let url = case.url();
    snap!("org_sync_unlinked", case.run(&args(&url, &["org", "sync"])));
}

#[test]
fn an_interrupted_sync_is_exit_130() {
    let case = case();
    let url = case.url();
    let r = case.run_stdin(
        &[
            "org",
            "add",
            "--org-id",
            ORG,
            "--key-expires",
            "2027-06-30",
            "--key-stdin",
        ],
        KEY,
    );
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "org_sync_interrupted",
        case.run_interrupted(&args(&url, &["org", "sync"]))
    );
}
