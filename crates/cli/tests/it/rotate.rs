//! `connkeeper rotate` against the fake Jira: make before break, a refused token, the
//! questions on a terminal, recording the old token's revocation, an interruption.

use connkeeper_cli::Scripted;

use crate::audit::JIRA_TOKEN;
use crate::snap;
use crate::support::*;

pub const NEW: &str = "ATATT3xFfGF0-cli-rotate-new-token-02";
const WRONG: &str = "ATATT3xFfGF0-cli-rotate-wrong-token-3";

fn case() -> Case {
    let site =
        jira_site(fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN).also_accepts(NEW));
    let mut case = Case::with_jira(site);
    case.tokens
        .extend([JIRA_TOKEN.to_owned(), NEW.to_owned(), WRONG.to_owned()]);
    add_loopback(&case, "Acme", JIRA_TOKEN);
    case
}

/// `--allow-loopback-http --gateway FAKE ARGS`.
fn args<'a>(url: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["--allow-loopback-http", "--gateway", url];
    all.extend_from_slice(rest);
    all
}

fn stored(case: &Case) -> String {
    use connkeeper_core::secrets::SecretStore;
    use connkeeper_core::ExposeSecret;
    let id = case.run(&["profile", "show", "Acme", "--json"]).json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let record = case.secrets.get(id).unwrap().unwrap();
    let record: serde_json::Value = serde_json::from_str(record.expose_secret()).unwrap();
    record["secret"].as_str().unwrap().to_owned()
}

#[test]
fn rotate_verifies_then_swaps_and_refuses_a_token_jira_rejects() {
    let case = case();
    let url = case.url();
    let expires = in_days(200);
    snap!(
        "rotate_needs_expires",
        case.run_stdin(&args(&url, &["rotate", "Acme", "--token-stdin"]), NEW)
    );
    snap!(
        "rotate_refused_json",
        case.run_stdin(
            &args(
                &url,
                &[
                    "rotate",
                    "Acme",
                    "--token-stdin",
                    "--expires",
                    &expires,
                    "--force",
                    "--json"
                ]
            ),
            WRONG,
        )
    );
    assert_eq!(stored(&case), JIRA_TOKEN, "the old token stays");
    snap!(
        "rotate_refused",
        case.run_stdin(
            &args(
                &url,
                &["rotate", "Acme", "--token-stdin", "--expires", &expires]
            ),
            WRONG,
        )
    );
    snap!(
        "rotate_rotated",
        case.run_stdin(
            &args(
                &url,
                &["rotate", "Acme", "--token-stdin", "--expires", &expires]
            ),
            &format!("{NEW}\n"),
        )
    );
    assert_eq!(stored(&case), NEW);
    snap!(
        "rotate_rotated_shown",
        case.run(&["profile", "show", "Acme", "--json"])
    );
    snap!(
        "rotate_record_old_token_revoked",
        case.run(&["rotate", "Acme", "--old-token-revoked"])
    );
    snap!(
        "rotate_record_old_token_revoked_json",
        case.run(&["rotate", "Acme", "--old-token-revoked", "--json"])
    );
}

#[test]
fn never_rotated_has_nothing_to_record() {
    let case = case();
    snap!(
        "rotate_never_rotated",
        case.run(&["rotate", "acme", "--old-token-revoked"])
    );
}

#[test]
fn on_a_terminal_the_expiry_and_the_token_are_asked() {
    let case = case();
    let url = case.url();
    // An empty answer takes the suggested expiry; the token comes from a hidden prompt.
    snap!(
        "rotate_on_a_terminal",
        case.run_input(
            &args(&url, &["rotate", "Acme"]),
            Scripted::terminal(&[""], &[NEW])
        )
    );
    assert_eq!(stored(&case), NEW);
}

#[test]
fn an_interruption_keeps_the_old_token() {
    let case = case();
    let url = case.url();
    let expires = in_days(200);
    let r = case.run_full_interrupted(
        &args(
            &url,
            &["rotate", "Acme", "--token-stdin", "--expires", &expires],
        ),
        NEW,
    );
    snap!("rotate_interrupted", r);
    assert_eq!(stored(&case), JIRA_TOKEN);
}
