//! `connkeeper check` and `connkeeper history` against the fake Jira: the first check
//! sets the baseline, an unchanged one is healthy (exit 0), a rejected token is a failed
//! check (exit 1) that the history keeps, `--accept` moves the baseline, `--json` for
//! scripts, and a check with nothing named is a usage error.

use crate::snap;
use crate::support::*;

const JIRA_TOKEN: &str = "ATATT3xFfGF0-cli-check-token-00001";
const REVOKED: &str = "ATATT3xFfGF0-cli-check-revoked-001";

fn case() -> Case {
    let account = fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)
        .revoke_in_project(10_003, "BROWSE_PROJECTS");
    let mut case = Case::with_jira(jira_site(account));
    case.tokens
        .extend([JIRA_TOKEN.to_owned(), REVOKED.to_owned()]);
    case
}

#[test]
fn checks_set_the_baseline_then_report_changes_and_failures() {
    let case = case();
    add_loopback(&case, "Acme nightly", JIRA_TOKEN);
    add_loopback(&case, "Old token", REVOKED);
    snap!("check_usage", case.run(&["check"]));
    snap!(
        "check_first",
        case.run(&["--allow-loopback-http", "check", "Acme nightly"])
    );
    snap!(
        "check_all",
        case.run(&["--allow-loopback-http", "check", "--all"])
    );
    snap!(
        "check_json",
        case.run(&["--allow-loopback-http", "check", "Old token", "--json"])
    );
    snap!("history", case.run(&["history", "Old token"]));
    snap!(
        "check_accept",
        case.run(&["--allow-loopback-http", "check", "Acme nightly", "--accept"])
    );
    snap!(
        "history_json",
        case.run(&["history", "Acme nightly", "--json"])
    );
}
