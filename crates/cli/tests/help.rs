//! `--help` of every command, pinned as snapshots (insta, in `snapshots/`): the flags,
//! values and defaults scripts are written against. No session needed. A failing
//! snapshot is a changed command line: review the `.snap.new` and accept it
//! (INSTA_UPDATE=always) only when the change is meant and documented in docs/cli.md.

use std::process::Command;

fn help(args: &[&str]) -> String {
    // Environment variables shown as [env: ...] would print their values: none are set.
    let out = Command::new(env!("CARGO_BIN_EXE_connkeeper"))
        .args(args)
        .arg("--help")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .expect("the connkeeper binary runs");
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(out.stderr.is_empty(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_of_every_command() {
    for args in [
        &[][..],
        &["profile"],
        &["profile", "add"],
        &["profile", "list"],
        &["profile", "show"],
        &["profile", "edit"],
        &["profile", "delete"],
        &["audit"],
        &["export"],
        &["import"],
        &["expiring"],
        &["rotate"],
        &["org"],
        &["org", "add"],
        &["org", "sync"],
        &["org", "revoke"],
        &["check"],
        &["history"],
    ] {
        let name = if args.is_empty() {
            "connkeeper".to_owned()
        } else {
            format!("connkeeper_{}", args.join("_"))
        };
        insta::assert_snapshot!(name, help(args));
    }
}

#[test]
fn typed_values_are_refused_with_the_choices() {
    let out = Command::new(env!("CARGO_BIN_EXE_connkeeper"))
        .args(["export", "--format", "pdf"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'pdf'") && err.contains("csv, json, md, ics"),
        "{err}"
    );
}
