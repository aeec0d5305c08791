//! `expiring`, `export` (each format, to stdout and to a file) and `import` (CSV and
//! JSON, dry run, an invalid row, a bad file, duplicates).

use crate::snap;
use crate::support::*;

/// Writes a profile file with profiles expiring in the given days (no tokens).
fn dated_store(case: &Case, days: &[(&str, i64)]) {
    std::fs::create_dir_all(case.data()).unwrap();
    let profiles: Vec<_> = days
        .iter()
        .map(|&(name, d)| {
            serde_json::json!({
                "id": format!("00000000-0000-4000-8000-{:012}", d + 100),
                "name": name, "description": null, "application": "jsm",
                "host": "https://acme.atlassian.net", "email": "a@acme.com",
                "expires": in_days(d),
                "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
            })
        })
        .collect();
    let file = serde_json::json!({"version": 1, "profiles": profiles});
    std::fs::write(case.data().join("profiles.json"), file.to_string()).unwrap();
}

#[test]
fn expiring_lists_the_urgent_ones_with_exit_1() {
    let case = Case::new();
    dated_store(
        &case,
        &[("later", 31), ("edge", 30), ("gone", -3), ("today", 0)],
    );
    // The keyring is not read: a locked keyring does not matter to cron.
    case.secrets.set_failing(true);
    snap!("expiring_json", case.run(&["expiring", "--json"]));
    snap!(
        "expiring_within_0_json",
        case.run(&["expiring", "--within", "0", "--json"])
    );
    snap!("expiring_table", case.run(&["expiring"]));
    snap!("expiring_none", case.run(&["expiring", "--within=-5"]));
}

/// Three profiles whose names and descriptions a spreadsheet or a terminal could act on.
fn tricky_profiles(case: &Case) {
    for (name, description, days, token) in [
        (
            "=HYPERLINK(\"http://evil\",\"x\")",
            "+SUM(A1:A2), \"quoted\", commas",
            5,
            T1,
        ),
        (
            "Büro 東京 🔑",
            "line one\nline two, with \"quotes\"\n-2+3",
            200,
            T2,
        ),
        ("@cmd", "\ttabbed", 40, T3),
    ] {
        let r = case.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                name,
                "--application",
                "jsm",
                "--host",
                "acme.atlassian.net",
                "--email",
                "ops@acme.com",
                "--expires",
                &in_days(days),
                "--description",
                description,
                "--token-stdin",
            ],
            token,
        );
        assert_eq!(r.code, 0, "{r}");
    }
}

#[test]
fn every_export_format_on_stdout() {
    let case = Case::new();
    tricky_profiles(&case);
    for format in ["csv", "json", "md", "ics"] {
        snap!(
            format!("export_{format}"),
            case.run(&["export", "--format", format])
        );
    }
}

#[test]
fn an_export_to_a_file_and_a_later_calendar() {
    let case = Case::new();
    tricky_profiles(&case);
    let file = case.dir.path().join("out.ics");
    let r = case.run(&[
        "export",
        "--format",
        "ics",
        "--output",
        file.to_str().unwrap(),
    ]);
    let first = std::fs::read_to_string(&file).unwrap();
    snap!(
        "export_ics_to_file",
        case.redact(&format!("{r}----- file -----\n{first}"))
    );
    // A later export: the same events (UIDs), stamped with the later time.
    case.clock.advance(90);
    let second = case.run(&["export", "--format", "ics"]).stdout;
    let uids = |ics: &str| -> Vec<String> {
        ics.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(str::to_owned)
            .collect()
    };
    let stamps = |ics: &str| -> Vec<String> {
        ics.lines()
            .filter(|l| l.starts_with("DTSTAMP:"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(uids(&first), uids(&second));
    assert!(!stamps(&first).is_empty());
    assert!(
        stamps(&first)
            .iter()
            .all(|s| s == "DTSTAMP:20261128T120000Z"),
        "{first}"
    );
    assert!(
        stamps(&second)
            .iter()
            .all(|s| s == "DTSTAMP:20261128T120130Z"),
        "{second}"
    );
}

#[test]
fn export_to_an_unwritable_place_is_exit_3() {
    let case = Case::new();
    tricky_profiles(&case);
    let file = case.dir.path().join("no-such-folder").join("out.csv");
    snap!(
        "export_to_a_missing_folder",
        case.run(&[
            "export",
            "--format",
            "csv",
            "--output",
            file.to_str().unwrap()
        ])
    );
}

#[test]
fn exports_import_back_and_a_second_import_skips_all() {
    let case = Case::new();
    tricky_profiles(&case);
    let json = case.dir.path().join("export.json");
    let csv = case.dir.path().join("export.csv");
    for (format, file) in [("json", &json), ("csv", &csv)] {
        let r = case.run(&[
            "export",
            "--format",
            format,
            "--output",
            file.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{r}");
    }
    let other = Case::new();
    snap!(
        "import_json_export",
        other.run(&["import", json.to_str().unwrap(), "--json"])
    );
    snap!("import_json_export_listed", other.run(&["profile", "list"]));
    // Fresh ids: an id from a file never names a keyring entry of this machine.
    let ids = |case: &Case| -> Vec<String> {
        let list = case.run(&["profile", "list", "--json"]).json();
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (before, after) = (ids(&case), ids(&other));
    assert_eq!(after.len(), 3);
    assert!(
        after.iter().all(|id| !before.contains(id)),
        "{before:?} {after:?}"
    );
    let third = Case::new();
    snap!(
        "import_csv_export",
        third.run(&["import", csv.to_str().unwrap()])
    );
    snap!(
        "import_csv_again_skips",
        third.run(&["import", csv.to_str().unwrap()])
    );
}

#[test]
fn import_is_all_or_nothing_and_dry_run_writes_nothing() {
    let case = Case::new();
    let file = case.dir.path().join("in.csv");
    let rows = format!(
        "name,application,host,email,expires,description\r\n\
         Old,jira,old.atlassian.net,a@old.com,2020-01-01,expired long ago\r\n\
         New,jsm,https://new.atlassian.net/browse/X-1,b@new.com,{},\r\n",
        in_days(100)
    );
    let broken = "Broken,confluence,http://x,not-an-email,someday,\r\n\
                  Evil\u{1b}[2J,jira,e.atlassian.net,e@e.com,2027-01-01,\r\n";
    std::fs::write(&file, format!("{rows}{broken}")).unwrap();
    let path = file.to_str().unwrap();
    snap!(
        "import_invalid_rows_json",
        case.run(&["import", path, "--json"])
    );
    snap!("import_invalid_rows", case.run(&["import", path]));
    snap!(
        "import_invalid_rows_dry_run",
        case.run(&["import", path, "--dry-run"])
    );
    assert!(
        !case.data().join("profiles.json").exists(),
        "nothing written"
    );

    std::fs::write(&file, &rows).unwrap();
    snap!("import_dry_run", case.run(&["import", path, "--dry-run"]));
    assert!(
        !case.data().join("profiles.json").exists(),
        "a dry run writes nothing"
    );
    snap!("import_applied", case.run(&["import", path]));
    snap!("import_applied_listed", case.run(&["profile", "list"]));
}

#[test]
fn a_bad_file_is_refused() {
    let case = Case::new();
    let file = case.dir.path().join("bad.json");
    std::fs::write(&file, "{\"profiles\": 7}").unwrap();
    snap!(
        "import_bad_json",
        case.run(&["import", file.to_str().unwrap()])
    );
    let missing = case.dir.path().join("missing.csv");
    snap!(
        "import_missing_file",
        case.run(&["import", missing.to_str().unwrap()])
    );
    snap!(
        "import_not_a_regular_file",
        case.run(&["import", "/dev/zero"])
    );
}

#[test]
#[ignore = "needs CONNKEEPER_PYTHON (a Python with icalendar), which `make test` sets up"]
fn exports_read_back_by_independent_parsers() {
    let case = Case::new();
    tricky_profiles(&case);
    let dir = case.dir.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("list.json"),
        case.run(&["profile", "list", "--json"]).stdout,
    )
    .unwrap();
    std::fs::write(
        dir.join("settings.json"),
        r#"{"thresholds":[30,14,7,3,1,0]}"#,
    )
    .unwrap();
    for (format, file) in [
        ("csv", "export.csv"),
        ("json", "export.json"),
        ("md", "export.md"),
        ("ics", "export.ics"),
    ] {
        let out = dir.join(file);
        let r = case.run(&[
            "export",
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{r}");
    }
    case.clock.advance(1);
    std::fs::write(
        dir.join("export2.ics"),
        case.run(&["export", "--format", "ics"]).stdout,
    )
    .unwrap();
    let python = std::env::var("CONNKEEPER_PYTHON").expect("CONNKEEPER_PYTHON");
    let check = std::process::Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/export/check_exports.py"
        ))
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
