//! `expiring`, `export` and `import`.

use std::process::Command;

use serde_json::Value;

use crate::support::*;

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn expiring_lists_the_urgent_ones_with_exit_1() {
    let env = Env::new("expiring", &[]);
    std::fs::create_dir_all(env.data()).unwrap();
    let profile = |name: &str, days: i64| {
        serde_json::json!({
            "id": format!("00000000-0000-4000-8000-{:012}", days + 100),
            "name": name, "description": null, "application": "jsm",
            "host": "https://acme.atlassian.net", "email": "a@acme.com", "expires": in_days(days),
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z"
        })
    };
    let file = serde_json::json!({"version": 1, "profiles": [
        profile("later", 31), profile("edge", 30), profile("gone", -3), profile("today", 0)
    ]});
    connkeeper_core_write(
        &env.data().join("profiles.json"),
        file.to_string().as_bytes(),
    );

    let r = env.run(&["expiring", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v = r.json();
    let names: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["gone", "today", "edge"],
        "most urgent first; 30 days is inclusive"
    );
    assert_eq!(v[0]["days_left"], -3);
    assert_eq!(v[0]["status"], "expired");
    assert_eq!(v[1]["status"], "expiring");
    let keys: Vec<&String> = v[0].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 8, "{keys:?}");
    for k in [
        "id",
        "name",
        "application",
        "host",
        "email",
        "expires",
        "days_left",
        "status",
    ] {
        assert!(v[0].get(k).is_some(), "{k}");
    }
    assert_eq!(
        env.run(&["expiring", "--within", "0", "--json"])
            .json()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let human = env.run(&["expiring"]);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("expired 3 d ago"), "{}", human.stdout);
    let none = env.run(&["expiring", "--within=-5"]);
    assert_eq!(none.code, 0);
    assert!(none.stdout.contains("No API token"));
}

const E1: &str = "ATATT3xFfGF0-export-secret-token-01";
const E2: &str = "ATATT3xFfGF0-export-secret-token-02";
const E3: &str = "ATATT3xFfGF0-export-secret-token-03";

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn exports_read_back_by_independent_parsers_and_never_hold_a_token() {
    let env = Env::new("export", &[E1, E2, E3]);
    add_named(
        &env,
        "=HYPERLINK(\"http://evil\",\"x\")",
        "+SUM(A1:A2), \"quoted\", commas",
        5,
        E1,
    );
    add_named(
        &env,
        "Büro 東京 🔑",
        "line one\nline two, with \"quotes\"\n-2+3",
        200,
        E2,
    );
    add_named(&env, "@cmd", "\ttabbed", 40, E3);
    let dir = env.dir.path().join("exports");
    std::fs::create_dir_all(&dir).unwrap();
    let list = env.run(&["profile", "list", "--json"]);
    std::fs::write(dir.join("list.json"), &list.stdout).unwrap();
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
        let r = env.run(&[
            "export",
            "--format",
            format,
            "--output",
            out.to_str().unwrap(),
        ]);
        assert_eq!(r.code, 0, "{format}: {}", r.stderr);
    }
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a later DTSTAMP
    let r = env.run(&["export", "--format", "ics"]);
    std::fs::write(dir.join("export2.ics"), &r.stdout).unwrap();

    let check = Command::new(python())
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

    let md = std::fs::read_to_string(dir.join("export.md")).unwrap();
    assert!(md.contains("| Profile | Application |"), "{md}");
    assert!(
        md.contains("Büro 東京 🔑") && md.contains("line one<br>line two"),
        "{md}"
    );
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| ")).count(),
        4,
        "header + 3 rows: {md}"
    );

    // Round trip: the JSON export imported into an empty store gives the same profiles.
    let other = Env::new("import-json", &[]);
    let r = other.run(&[
        "import",
        dir.join("export.json").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["created"], 3);
    let before: Value = serde_json::from_str(&list.stdout).unwrap();
    let after = other.run(&["profile", "list", "--json"]).json();
    for (a, b) in before
        .as_array()
        .unwrap()
        .iter()
        .zip(after.as_array().unwrap())
    {
        // Fresh ids: an id from a file never names a keyring entry of this machine.
        assert_ne!(a["id"], b["id"]);
        for k in [
            "name",
            "description",
            "application",
            "host",
            "email",
            "expires",
            "days_left",
            "status",
            "created_at",
        ] {
            assert_eq!(a[k], b[k], "{k}");
        }
        assert_eq!(b["token_stored"], false, "imported without a token");
    }
    // ... and so does the CSV (formula prefixes undone).
    let third = Env::new("import-csv", &[]);
    let r = third.run(&["import", dir.join("export.csv").to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let names: Vec<String> = third
        .run(&["profile", "list", "--json"])
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["=HYPERLINK(\"http://evil\",\"x\")", "@cmd", "Büro 東京 🔑"]
    );
    // Importing again skips every row as a duplicate.
    let r = third.run(&["import", dir.join("export.csv").to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.json()["skipped"], 3);
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring: make test"]
fn import_is_all_or_nothing_and_dry_run_writes_nothing() {
    let env = Env::new("import-rules", &[]);
    let file = env.dir.path().join("in.csv");
    let csv = format!(
        "name,application,host,email,expires,description\r\n\
         Old,jira,old.atlassian.net,a@old.com,2020-01-01,expired long ago\r\n\
         New,jsm,https://new.atlassian.net/browse/X-1,b@new.com,{},\r\n\
         Broken,confluence,http://x,not-an-email,someday,\r\n",
        in_days(100)
    );
    std::fs::create_dir_all(env.dir.path()).unwrap();
    std::fs::write(&file, csv).unwrap();
    let r = env.run(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(r.code, 2, "an invalid row stops the import");
    let v = r.json();
    assert_eq!(v["applied"], false);
    assert_eq!(v["rows"][2]["outcome"], "invalid");
    let reason = v["rows"][2]["reason"].as_str().unwrap();
    assert!(
        reason.contains("Application")
            && reason.contains("Host URL")
            && reason.contains("User email")
            && reason.contains("expiration date"),
        "{reason}"
    );
    assert!(
        !env.data().join("profiles.json").exists(),
        "nothing written"
    );

    // Without the broken row: a dry run writes nothing, the real run writes both.
    let good: String = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .take(3)
        .map(|l| format!("{l}\r\n"))
        .collect();
    std::fs::write(&file, good).unwrap();
    let r = env.run(&["import", file.to_str().unwrap(), "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("would create") && r.stdout.contains("Would import 2"),
        "{}",
        r.stdout
    );
    assert!(
        !env.data().join("profiles.json").exists(),
        "dry run wrote nothing"
    );
    let r = env.run(&["import", file.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let list = env.run(&["profile", "list", "--json"]).json();
    assert_eq!(list[0]["name"], "Old");
    assert_eq!(
        list[0]["status"], "expired",
        "a past date is allowed on import"
    );
    assert_eq!(list[1]["host"], "https://new.atlassian.net");
    assert_eq!(list[1]["token_stored"], false);
    let shown = env.run(&["profile", "list"]);
    assert!(shown.stdout.contains("token missing"), "{}", shown.stdout);
}
