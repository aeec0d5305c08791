//! Human and JSON output.

use std::io::Write;

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use connkeeper_core::model::{ExpiryStatus, ProfileView};
use connkeeper_core::validate::FieldError;
use serde::Serialize;

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value).expect("stdout accepts JSON");
    let _ = writeln!(out);
}

/// Prints cautions on stderr.
pub fn warnings(ws: &[FieldError]) {
    for w in ws {
        eprintln!("warning: {w}");
    }
}

fn days_text(v: &ProfileView) -> String {
    match v.days_left {
        d if d < 0 => format!("expired {} d ago", -d),
        0 => "today".to_owned(),
        d => format!("{d} d"),
    }
}

fn status_text(v: &ProfileView) -> &'static str {
    if !v.token_stored {
        return "token missing";
    }
    match v.status {
        ExpiryStatus::Expired => "EXPIRED",
        ExpiryStatus::Expiring => "expiring",
        ExpiryStatus::Ok => "ok",
    }
}

fn audit_text(v: &ProfileView) -> String {
    match &v.last_audit {
        None => "never".to_owned(),
        Some(a) => {
            let verdict = |ok: bool| if ok { "ok" } else { "gaps" };
            format!(
                "backup {}, restore {} ({})",
                verdict(a.backup_ok),
                verdict(a.restore_ok),
                a.at.format("%Y-%m-%d %H:%M UTC")
            )
        }
    }
}

/// An aligned table of profiles.
pub fn profile_table(views: &[ProfileView]) {
    if views.is_empty() {
        println!("No profiles yet. Create one with:\n  connkeeper profile add --name NAME --application jira --host https://your-sub-domain.atlassian.net --email EMAIL --expires YYYY-MM-DD --token-stdin");
        return;
    }
    print_table(&table(views, true));
}

/// The table of `connkeeper expiring` (the status is the expiry status only).
pub fn expiring_table(views: &[ProfileView]) {
    print_table(&table(views, false));
}

/// Profiles as an aligned table; `full` adds the token state to the status and the last audit.
fn table(views: &[ProfileView], full: bool) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    let mut header = vec![
        "NAME",
        "APPLICATION",
        "HOST",
        "EMAIL",
        "EXPIRES",
        "LEFT",
        "STATUS",
    ];
    if full {
        header.push("LAST AUDIT");
    }
    t.set_header(header);
    for v in views {
        let mut row = vec![
            Cell::new(&v.name),
            Cell::new(v.application.code()),
            Cell::new(&v.host),
            Cell::new(&v.email),
            Cell::new(v.expires),
            Cell::new(days_text(v)).set_alignment(CellAlignment::Right),
            Cell::new(if full {
                status_text(v)
            } else {
                v.status.code()
            }),
        ];
        if full {
            row.push(Cell::new(audit_text(v)));
        }
        t.add_row(row);
    }
    t
}

fn print_table(t: &Table) {
    for line in t.lines() {
        println!("{}", line.strip_prefix(' ').unwrap_or(&line).trim_end());
    }
}

/// A readable block for one profile.
pub fn profile_block(v: &ProfileView, store_name: &str) {
    let rows: [(&str, String); 11] = [
        ("Name", v.name.clone()),
        (
            "Description",
            v.description.clone().unwrap_or_else(|| "-".to_owned()),
        ),
        (
            "Application",
            format!(
                "{} ({})",
                v.application.display_name(),
                v.application.code()
            ),
        ),
        ("Host", v.host.clone()),
        ("Email", v.email.clone()),
        ("Expires", format!("{} ({})", v.expires, days_text(v))),
        ("Status", status_text(v).to_owned()),
        (
            "API token",
            if v.token_stored {
                format!("stored in {store_name}")
            } else {
                "missing; add it with `connkeeper profile edit NAME --token-stdin`".to_owned()
            },
        ),
        ("Last audit", audit_text(v)),
        ("Created", v.created_at.to_rfc3339()),
        ("Updated", v.updated_at.to_rfc3339()),
    ];
    for (k, val) in rows {
        let mut lines = val.lines();
        println!("{:<12} {}", format!("{k}:"), lines.next().unwrap_or(""));
        for more in lines {
            println!("{:<12} {more}", "");
        }
    }
    println!("{:<12} {}", "Id:", v.id);
}
