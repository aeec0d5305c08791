//! `connkeeper profile add/list/show/edit/delete`: the lifecycle, validation, the token
//! prompt, keyring and store failures, lookups by id and name.

use connkeeper_cli::Scripted;

use crate::snap;
use crate::support::*;

const HOST: &str = "https://acme.atlassian.net/browse/ABC-1?focusedCommentId=5";

#[test]
fn lifecycle() {
    let case = Case::new();
    snap!("profile_list_empty", case.run(&["profile", "list"]));
    snap!("profile_add", add(&case, &[], "Acme backup", HOST, T1));
    snap!("profile_list_table", case.run(&["profile", "list"]));
    snap!(
        "profile_list_json",
        case.run(&["profile", "list", "--json"])
    );
    snap!(
        "profile_show",
        case.run(&["profile", "show", "acme backup"])
    );
    snap!(
        "profile_show_json",
        case.run(&["profile", "show", "ACME BACKUP", "--json"])
    );
    snap!(
        "profile_edit_expiry_and_description",
        case.run(&[
            "profile",
            "edit",
            "acme backup",
            "--expires",
            &in_days(20),
            "--description",
            "nightly\nand weekly",
        ])
    );
    snap!(
        "profile_show_after_edit",
        case.run(&["profile", "show", "Acme backup"])
    );
    let id = case
        .run(&["profile", "show", "Acme backup", "--json"])
        .json()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    use connkeeper_core::secrets::SecretStore;
    use connkeeper_core::ExposeSecret;
    let stored = |case: &Case| {
        // The keyring item is a record naming what it is for; the token is its secret.
        case.secrets.get(id).unwrap().map(|s| {
            let record: serde_json::Value = serde_json::from_str(s.expose_secret()).unwrap();
            assert_eq!(record["kind"], "profile_token", "{record}");
            record["secret"].as_str().unwrap().to_owned()
        })
    };
    assert_eq!(
        stored(&case).as_deref(),
        Some(T1),
        "an edit without a token keeps it"
    );
    snap!(
        "profile_edit_token_crlf",
        case.run_stdin(
            &["profile", "edit", "Acme backup", "--token-stdin", "--json"],
            &format!("{T2}\r\n"),
        )
    );
    assert_eq!(stored(&case).as_deref(), Some(T2));
    snap!(
        "profile_edit_nothing",
        case.run(&["profile", "edit", "Acme backup"])
    );
    snap!(
        "profile_add_duplicate_name",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "ACME Backup",
                "--application",
                "jira",
                "--host",
                HOST,
                "--email",
                "backup@acme.com",
                "--expires",
                &in_days(90),
                "--token-stdin",
            ],
            T3,
        )
    );
    assert_eq!(
        case.secrets.len(),
        1,
        "no keyring entry for a refused profile"
    );
    snap!(
        "profile_delete_needs_yes",
        case.run(&["profile", "delete", "Acme backup"])
    );
    snap!(
        "profile_delete_answered_no",
        case.run_input(
            &["profile", "delete", "Acme backup"],
            Scripted::terminal(&["n"], &[]),
        )
    );
    snap!(
        "profile_delete_answered_yes",
        case.run_input(
            &["profile", "delete", "Acme backup"],
            Scripted::terminal(&["y"], &[]),
        )
    );
    assert_eq!(stored(&case), None, "the token left the keyring");
    snap!(
        "profile_show_missing",
        case.run(&["profile", "show", "Acme backup"])
    );
    snap!(
        "profile_delete_missing",
        case.run(&["profile", "delete", "Acme backup", "--yes"])
    );
}

#[test]
fn add_with_json_and_delete_with_yes() {
    let case = Case::new();
    snap!(
        "profile_add_past_expiry",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "Ops",
                "--application",
                "jsm",
                "--host",
                "acme.atlassian.net",
                "--email",
                "ops@acme.com",
                "--expires",
                &in_days(-3),
                "--token-stdin",
            ],
            T1,
        )
    );
    snap!(
        "profile_add_json",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "Ops",
                "--application",
                "jsm",
                "--host",
                "acme.atlassian.net",
                "--email",
                "ops@acme.com",
                "--expires",
                &in_days(10),
                "--description",
                "- nightly run",
                "--token-stdin",
                "--json",
            ],
            T1,
        )
    );
    snap!("profile_list_expiring", case.run(&["profile", "list"]));
    snap!(
        "profile_delete_yes",
        case.run(&["profile", "delete", "ops", "--yes"])
    );
    assert!(case.secrets.is_empty());
}

#[test]
fn the_token_comes_from_a_hidden_prompt_on_a_terminal_only() {
    let case = Case::new();
    let args = [
        "profile",
        "add",
        "--name",
        "Prompted",
        "--application",
        "jira",
        "--host",
        "acme.atlassian.net",
        "--email",
        "backup@acme.com",
        "--expires",
        "2027-01-31",
    ];
    snap!("profile_add_no_token_on_a_pipe", case.run(&args));
    let input = std::sync::Arc::new(Scripted::terminal(&[], &[T1]));
    let r = case.run_shared(&args, input.clone());
    snap!("profile_add_hidden_prompt", r);
    // The prompt goes to the terminal itself, not to stderr.
    assert_eq!(input.hidden_prompts(), ["API token (input hidden): "]);
    assert_eq!(case.secrets.len(), 1);
}

#[test]
fn validation_names_every_field_and_writes_nothing() {
    let case = Case::new();
    snap!(
        "profile_add_every_field_invalid",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "",
                "--application",
                "jira",
                "--host",
                "http://acme.example",
                "--email",
                "not-an-email",
                "--expires",
                "31.12.2026",
                "--token-stdin",
            ],
            "",
        )
    );
    snap!(
        "profile_add_bidi_name",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "evil\u{202E}name",
                "--application",
                "jira",
                "--host",
                "acme.atlassian.net",
                "--email",
                "a@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            T1,
        )
    );
    snap!(
        "profile_add_custom_domain_warns",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "Custom",
                "--application",
                "jira",
                "--host",
                "https://jira.acme.example",
                "--email",
                "a@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            T1,
        )
    );
    snap!(
        "profile_edit_host_without_token",
        case.run(&[
            "profile",
            "edit",
            "Custom",
            "--host",
            "https://other.atlassian.net"
        ])
    );
    snap!(
        "profile_add_flood_on_stdin",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "Flood",
                "--application",
                "jira",
                "--host",
                "acme.atlassian.net",
                "--email",
                "a@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            &"A".repeat(70 * 1024),
        )
    );
    assert_eq!(
        case.secrets.len(),
        1,
        "only the custom-domain profile was stored"
    );
}

#[test]
fn an_id_is_looked_up_before_a_name() {
    let case = Case::new();
    add(&case, &[], "First", HOST, T1);
    let id = case.run(&["profile", "show", "First", "--json"]).json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    snap!(
        "profile_add_name_that_is_an_id",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                &id,
                "--application",
                "jira",
                "--host",
                "acme.atlassian.net",
                "--email",
                "a@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            T2,
        )
    );
    snap!("profile_show_by_id", case.run(&["profile", "show", &id]));
}

#[test]
fn keyring_and_store_failures_are_exit_3_and_change_nothing() {
    let case = Case::new();
    add(&case, &[], "Kept", HOST, T1);
    let before = std::fs::read(case.data().join("profiles.json")).unwrap();
    case.secrets.set_failing(true);
    snap!(
        "profile_add_keyring_unavailable",
        case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                "New",
                "--application",
                "jira",
                "--host",
                "acme.atlassian.net",
                "--email",
                "a@acme.com",
                "--expires",
                "2027-01-31",
                "--token-stdin",
            ],
            T2,
        )
    );
    snap!(
        "profile_list_keyring_unavailable",
        case.run(&["profile", "list"])
    );
    case.secrets.set_failing(false);
    assert_eq!(
        std::fs::read(case.data().join("profiles.json")).unwrap(),
        before
    );

    std::fs::write(case.data().join("profiles.json"), b"{ not json").unwrap();
    snap!("profile_list_corrupt_store", case.run(&["profile", "list"]));
    assert_eq!(
        std::fs::read(case.data().join("profiles.json")).unwrap(),
        b"{ not json"
    );
}

#[test]
fn moving_a_profile_needs_the_new_token_in_the_same_edit() {
    let case = Case::new();
    add(&case, &[], "Acme", HOST, T1);
    let before = std::fs::read(case.data().join("profiles.json")).unwrap();
    snap!(
        "profile_edit_email_without_token",
        case.run(&[
            "profile",
            "edit",
            "Acme",
            "--email",
            "other@acme.com",
            "--expires",
            &in_days(10)
        ])
    );
    assert_eq!(
        std::fs::read(case.data().join("profiles.json")).unwrap(),
        before
    );
    snap!(
        "profile_edit_host_with_token",
        case.run_stdin(
            &[
                "profile",
                "edit",
                "Acme",
                "--host",
                "other.atlassian.net",
                "--token-stdin"
            ],
            T2,
        )
    );
    snap!(
        "profile_edit_host_with_token_shown",
        case.run(&["profile", "show", "Acme"])
    );
}

#[test]
fn free_text_and_names_may_start_with_a_hyphen() {
    let case = Case::new();
    let r = case.run_stdin(
        &[
            "profile",
            "add",
            "--name",
            "-nightly",
            "--application",
            "jira",
            "--host",
            "acme.atlassian.net",
            "--email",
            "a@acme.com",
            "--expires",
            "2027-01-31",
            "--description",
            "- runs at 02:00",
            "--token-stdin",
        ],
        T1,
    );
    assert_eq!(r.code, 0, "{r}");
    snap!(
        "profile_edit_hyphen_description",
        case.run(&["profile", "edit", "--description", "-x", "--", "-nightly"])
    );
    snap!(
        "profile_show_hyphen_name",
        case.run(&["profile", "show", "--", "-nightly"])
    );
}

/// `profile add` with the given name, host, email, expiry and description (if any),
/// the token on stdin, and `global` flags first.
fn add_with(
    case: &Case,
    global: &[&str],
    fields: [&str; 4],
    description: Option<&str>,
    stdin: &str,
) -> Outcome {
    let [name, host, email, expires] = fields;
    let mut args = global.to_vec();
    args.extend([
        "profile",
        "add",
        "--name",
        name,
        "--application",
        "jira",
        "--host",
        host,
        "--email",
        email,
        "--expires",
        expires,
        "--token-stdin",
    ]);
    if let Some(d) = description {
        args.extend(["--description", d]);
    }
    case.run_stdin(&args, stdin)
}

#[test]
fn every_other_rule_of_a_new_profile() {
    let case = Case::new();
    let long = "d".repeat(501);
    snap!(
        "profile_add_other_fields_invalid",
        add_with(
            &case,
            &[],
            [
                " ",
                "http://u:p@acme.atlassian.net:8080",
                "not an email",
                "2020-01-01"
            ],
            Some(&long),
            T1,
        )
    );
    // A token that is too short is reported after the other fields pass.
    snap!(
        "profile_add_short_token",
        add_with(
            &case,
            &[],
            ["Short", "acme.atlassian.net", "a@b.co", &in_days(10)],
            None,
            "short\n"
        )
    );
    let loopback = ["local", "http://127.0.0.1:8080", "a@b.co", &in_days(10)];
    snap!(
        "profile_add_loopback_without_flag",
        add_with(&case, &[], loopback, None, T1)
    );
    assert!(
        !case.data().join("profiles.json").exists(),
        "nothing written"
    );
    snap!(
        "profile_add_loopback_with_flag",
        add_with(&case, &["--allow-loopback-http"], loopback, None, T1)
    );
    // Warnings go to stderr and do not fail.
    snap!(
        "profile_add_warnings",
        add_with(
            &case,
            &[],
            ["custom", "jira.example.com", "a@b.co", &in_days(0)],
            None,
            T1
        )
    );
    snap!(
        "profile_list_after_warnings",
        case.run(&["--allow-loopback-http", "profile", "list"])
    );
}
