//! `connkeeper audit` against the fake Jira: a pass, gaps, the root cause, auth and
//! other errors as JSON, unsaved credentials, tokens with scopes through the gateway,
//! custom domains, a hostile server, a tampered data folder, an interruption.

use connkeeper_cli::Scripted;

use crate::snap;
use crate::support::*;

pub const JIRA_TOKEN: &str = "ATATT3xFfGF0-cli-audit-token-0001";
const WRONG_TOKEN: &str = "ATATT3xFfGF0-cli-audit-wrong-01";

fn admin() -> fake_jira::Account {
    fake_jira::Account::admin("backup@acme.com", JIRA_TOKEN)
}

/// A failed name lookup's words depend on the machine's resolver.
fn without_resolver_words(r: &Outcome) -> String {
    let text = r.to_string();
    let (Some(start), Some(end)) = (text.find("(Connect): "), text.find(". Check the Host URL"))
    else {
        panic!("not a failed connection: {text}");
    };
    format!("{}(Connect): [RESOLVER]{}", &text[..start], &text[end..])
}

fn case(site: fake_jira::Site) -> Case {
    let mut case = Case::with_jira(site);
    case.tokens
        .extend([JIRA_TOKEN.to_owned(), WRONG_TOKEN.to_owned()]);
    case
}

#[test]
fn a_saved_profile_with_gaps_and_its_last_audit() {
    let account = admin()
        .revoke_global("CREATE_SHARED_OBJECTS")
        .revoke_in_project(10_003, "MANAGE_SPRINTS_PERMISSION")
        .revoke_in_project(10_004, "MANAGE_SPRINTS_PERMISSION");
    let case = case(jira_site(account));
    add_loopback(&case, "Acme", JIRA_TOKEN);
    // Without the flag an http:// host is refused before any request.
    snap!(
        "audit_loopback_not_allowed",
        case.run(&["audit", "Acme", "--json"])
    );
    assert_eq!(case.fake().request_count(), 0);
    snap!(
        "audit_gaps_json",
        case.run(&["--allow-loopback-http", "audit", "Acme", "--json"])
    );
    let human = case.run(&[
        "--allow-loopback-http",
        "audit",
        "Acme",
        "--purpose",
        "backup",
    ]);
    // The words Jira shows today: spaces and work items (URLs keep Jira's paths).
    for line in human.stdout.lines() {
        let words: Vec<&str> = line
            .split_whitespace()
            .filter(|w| !w.starts_with("http") && !w.starts_with("[JIRA]"))
            .collect();
        let text = words.join(" ").to_lowercase();
        assert!(
            !text.contains("project") && !text.contains("issue"),
            "{line}"
        );
    }
    snap!("audit_gaps_backup", human);
    snap!(
        "audit_gaps_listed",
        case.run(&["profile", "list", "--json"])
    );
    snap!("audit_gaps_shown", case.run(&["profile", "show", "Acme"]));
}

#[test]
fn a_pass_is_exit_0() {
    let case = case(jira_site(admin()));
    add_loopback(&case, "Good", JIRA_TOKEN);
    snap!(
        "audit_pass",
        case.run(&["--allow-loopback-http", "audit", "Good"])
    );
    snap!(
        "audit_pass_restore",
        case.run(&[
            "--allow-loopback-http",
            "audit",
            "good",
            "--purpose",
            "restore"
        ])
    );
}

#[test]
fn no_product_access_is_the_root_cause() {
    let case = case(jira_site(admin().products(&[])));
    add_loopback(&case, "Unlicensed", JIRA_TOKEN);
    snap!(
        "audit_no_product_access",
        case.run(&["--allow-loopback-http", "audit", "Unlicensed"])
    );
}

#[test]
fn unsaved_credentials_from_stdin() {
    let case = case(jira_site(admin()));
    let url = case.url();
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
    snap!(
        "audit_adhoc_pass_json",
        case.run_stdin(&args, &format!("{JIRA_TOKEN}\n"))
    );
    snap!(
        "audit_adhoc_auth_error_json",
        case.run_stdin(&args, &format!("{WRONG_TOKEN}\n"))
    );
    snap!(
        "audit_adhoc_auth_error",
        case.run_stdin(&args[..args.len() - 1], WRONG_TOKEN)
    );
    let before = case.fake().request_count();
    snap!(
        "audit_adhoc_loopback_not_allowed",
        case.run_stdin(
            &[
                "audit",
                "--host",
                &url,
                "--email",
                "backup@acme.com",
                "--token-stdin"
            ],
            JIRA_TOKEN,
        )
    );
    assert_eq!(case.fake().request_count(), before);
    assert!(
        !case.data().join("profiles.json").exists(),
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
fn a_token_with_scopes_goes_through_the_gateway_and_the_profile_remembers() {
    let case = case(jira_site(admin().scoped(SCOPES)));
    let url = case.url();
    add_loopback(&case, "Scoped", JIRA_TOKEN);
    snap!(
        "audit_gateway_needs_loopback_flag",
        case.run(&["--gateway", &url, "audit", "Scoped"])
    );
    snap!(
        "audit_scoped_json",
        case.run(&[
            "--allow-loopback-http",
            "--gateway",
            &url,
            "audit",
            "Scoped",
            "--json"
        ])
    );
    let site_requests = |case: &Case| {
        case.fake()
            .requests()
            .iter()
            .filter(|q| q.authorization.is_some() && !q.path.starts_with("/ex/jira/"))
            .count()
    };
    let before = site_requests(&case);
    snap!(
        "audit_scoped",
        case.run(&[
            "--allow-loopback-http",
            "--gateway",
            &url,
            "audit",
            "Scoped"
        ])
    );
    assert_eq!(
        site_requests(&case),
        before,
        "no failed request once the kind is known"
    );
    snap!(
        "audit_scoped_export_csv",
        case.run(&["export", "--format", "csv"])
    );
}

fn adhoc_json(case: &Case) -> Outcome {
    let url = case.url();
    case.run_stdin(
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
    )
}

#[test]
fn a_missing_scope_is_its_own_error() {
    let case = case(jira_site(admin().scoped(&["read:jira-user"])));
    snap!("audit_missing_scope_json", adhoc_json(&case));
}

#[test]
fn a_blocked_token_is_its_own_error() {
    let case = case(jira_site(admin().token_blocked()));
    snap!("audit_token_blocked_json", adhoc_json(&case));
}

#[test]
fn an_ip_allowlist_is_its_own_error() {
    let case = case(jira_site(admin()).ip_not_allowed(true));
    snap!("audit_ip_not_allowed_json", adhoc_json(&case));
}

#[test]
fn a_hostile_server_fails_fast_with_invalid_response() {
    for (name, fault) in [
        (
            "audit_hostile_endless_claimed",
            fake_jira::Fault::EndlessProjects {
                total: Some(1_000_000_000_000_000),
            },
        ),
        (
            "audit_hostile_endless_unclaimed",
            fake_jira::Fault::EndlessProjects { total: None },
        ),
        (
            "audit_hostile_huge_body",
            fake_jira::Fault::HugeBody {
                path: "/rest/api/3/permissions".into(),
                bytes: 300_000_000,
            },
        ),
    ] {
        let case = case(jira_site(admin()).fault(fault));
        snap!(name, adhoc_json(&case));
        assert!(
            case.fake().request_count() < 20,
            "{name}: {} requests",
            case.fake().request_count()
        );
    }
}

#[test]
fn a_custom_domain_needs_yes_once_and_the_profile_remembers() {
    let case = case(jira_site(admin()));
    snap!(
        "audit_custom_domain_added",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "Custom",
                "--application",
                "jira",
                "--host",
                "jira.acme-corp.invalid",
                "--email",
                "backup@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            JIRA_TOKEN,
        )
    );
    snap!(
        "audit_custom_domain_needs_yes",
        case.run(&["audit", "Custom"])
    );
    snap!(
        "audit_custom_domain_answered_no",
        case.run_input(&["audit", "Custom"], Scripted::terminal(&["n"], &[]))
    );
    // Confirmed: the token may go there (the .invalid name then fails to resolve).
    snap!(
        "audit_custom_domain_yes",
        without_resolver_words(&case.run(&["audit", "Custom", "--yes", "--json"]))
    );
    // Remembered: no --yes needed any more.
    snap!(
        "audit_custom_domain_remembered",
        without_resolver_words(&case.run(&["audit", "Custom", "--json"]))
    );
    // Ad hoc there is no profile to remember: --yes every time, never asked on stdin.
    snap!(
        "audit_custom_domain_adhoc_needs_yes",
        case.run_stdin(
            &[
                "audit",
                "--host",
                "jira.acme-corp.invalid",
                "--email",
                "a@b.co",
                "--token-stdin",
            ],
            JIRA_TOKEN,
        )
    );
}

#[test]
fn a_custom_domain_confirmed_on_the_terminal() {
    let case = case(jira_site(admin()));
    let r = case.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            "Custom",
            "--application",
            "jira",
            "--host",
            "jira.acme-corp.invalid",
            "--email",
            "backup@acme.com",
            "--expires",
            "2027-01-31",
            "--token-stdin",
        ],
        JIRA_TOKEN,
    );
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "audit_custom_domain_answered_yes",
        without_resolver_words(&case.run_input(
            &["audit", "Custom", "--json"],
            Scripted::terminal(&["y"], &[])
        ))
    );
    assert_eq!(
        case.run(&["profile", "show", "Custom", "--json"]).json()["host_confirmed"],
        true
    );
}

#[test]
fn a_tampered_data_folder_sends_nothing_and_cannot_drive_the_terminal() {
    let case = case(jira_site(admin()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let evil = rt.block_on(fake_jira::start_recorder()).unwrap();
    add_loopback(&case, "Victim", JIRA_TOKEN);
    let path = case.data().join("profiles.json");
    let original = std::fs::read(&path).unwrap();
    let mut file: serde_json::Value = serde_json::from_slice(&original).unwrap();
    file["profiles"][0]["host"] = evil.url().into();
    file["profiles"][0]["confirmed_host"] = evil.url().into();
    std::fs::write(&path, file.to_string()).unwrap();
    let r = case.run(&["--allow-loopback-http", "audit", "Victim", "--yes"]);
    snap!(
        "audit_tampered_host",
        case.redact(&r.to_string()).replace(&evil.url(), "[EVIL]")
    );
    assert_eq!(
        evil.request_count(),
        0,
        "the token went to the rewritten host"
    );

    file["profiles"][0]["host"] = "https://evil.example\u{1b}]0;pwned\u{7}\u{9b}2J".into();
    std::fs::write(&path, file.to_string()).unwrap();
    snap!("audit_tampered_host_listed", case.run(&["profile", "list"]));
    snap!(
        "audit_tampered_host_shown",
        case.run(&["profile", "show", "Victim"])
    );

    std::fs::write(&path, &original).unwrap();
    snap!(
        "audit_after_restoring_the_folder",
        case.run(&["--allow-loopback-http", "audit", "Victim", "--json"])
    );
    assert_eq!(evil.request_count(), 0);
}

#[test]
fn an_interruption_cancels_the_audit_and_records_nothing() {
    let case = case(jira_site(admin()));
    add_loopback(&case, "Slow", JIRA_TOKEN);
    snap!(
        "audit_interrupted",
        case.run_interrupted(&["--allow-loopback-http", "audit", "Slow"])
    );
    assert!(case.run(&["profile", "show", "Slow", "--json"]).json()["last_audit"].is_null());
}

#[test]
fn an_id_is_looked_up_before_a_name_so_a_crafted_name_cannot_borrow_a_token() {
    let case = case(jira_site(admin()));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let elsewhere = rt.block_on(fake_jira::start_recorder()).unwrap();
    add_loopback(&case, "Real", JIRA_TOKEN);
    let real_id = case.run(&["profile", "show", "Real", "--json"]).json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A crafted profile whose name is the real profile's id, pointing elsewhere.
    let path = case.data().join("profiles.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let mut crafted = file["profiles"][0].clone();
    crafted["id"] = "00000000-0000-4000-8000-000000000001".into();
    crafted["name"] = real_id.clone().into();
    crafted["host"] = elsewhere.url().into();
    file["profiles"].as_array_mut().unwrap().insert(0, crafted);
    std::fs::write(&path, file.to_string()).unwrap();
    snap!(
        "audit_by_id_not_by_a_crafted_name",
        case.run(&["--allow-loopback-http", "audit", &real_id])
    );
    assert_eq!(elsewhere.request_count(), 0, "the token went elsewhere");
    snap!(
        "audit_rename_to_an_id_refused",
        case.run(&[
            "--allow-loopback-http",
            "profile",
            "edit",
            "Real",
            "--name",
            &real_id.to_uppercase()
        ])
    );
}
