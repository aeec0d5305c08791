//! Human and JSON output. Everything goes through [`write_out`] to the command's
//! stdout ([`Io::out`]): a closed pipe (`connkeeper profile list | head -1`) ends the
//! command quietly with status 141, as a Unix tool killed by SIGPIPE would, instead of a
//! panic; values that came from input or from Jira are escaped ([`esc`]) so they cannot
//! drive the terminal.

use std::borrow::Cow;
use std::io::Write;

use connkeeper_core::text::escape_terminal;

use crate::exit::{Exit, Failure};
use crate::io::Io;

/// Writes a formatted line on the command's stdout; a failed write returns from the
/// calling function with the [`Failure`] of [`write_out`].
macro_rules! outln {
    ($io:expr) => { $crate::output::write_out(&mut *$io.out, format_args!("\n"))? };
    ($io:expr, $($arg:tt)*) => {
        $crate::output::write_out(&mut *$io.out, format_args!("{}\n", format_args!($($arg)*)))?
    };
}
pub(crate) use outln;

/// Writes a formatted line on the command's stderr (a failure there cannot be reported).
macro_rules! errln {
    ($io:expr, $($arg:tt)*) => {{
        let _ = ::std::io::Write::write_fmt(
            &mut *$io.err,
            format_args!("{}\n", format_args!($($arg)*)),
        );
    }};
}
pub(crate) use errln;

/// Writes to stdout; a closed pipe ends the command quietly (141), any other failure
/// with exit 3.
pub fn write_out(out: &mut dyn Write, args: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    out.write_fmt(args).map_err(|e| stdout_failed(&e))
}

/// Writes raw bytes to stdout (exports), with the same closed-pipe handling.
pub fn write_bytes(io: &mut Io, bytes: &[u8]) -> Result<(), Failure> {
    io.out
        .write_all(bytes)
        .and_then(|()| io.out.flush())
        .map_err(|e| stdout_failed(&e))
}

/// How a command ends when its stdout cannot be written.
pub fn stdout_failed(e: &std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Failure {
            exit: Exit::ClosedPipe,
            message: String::new(),
        };
    }
    Failure::env(format!("cannot write to stdout: {e}"))
}

/// A name as one shell word in a hint (quoted and escaped when it needs it).
pub fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        s.to_owned()
    } else {
        format!("'{}'", esc(&s.replace('\'', "'\\''")))
    }
}

/// A value from input or from Jira, escaped for the terminal.
pub fn esc(s: &str) -> Cow<'_, str> {
    escape_terminal(s)
}

use comfy_table::{presets, Cell, CellAlignment, ContentArrangement, Table};
use connkeeper_core::model::{Dated, ProfileState, ProfileView};
use connkeeper_core::validate::FieldError;
use serde::Serialize;

/// Prints `value` as pretty JSON on stdout. JSON escapes C0 controls itself; on a
/// terminal the C1 controls, bidi controls and line separators are escaped as `\uXXXX`
/// too (the JSON means the same, and the terminal cannot be driven by it).
pub fn json<T: Serialize + ?Sized>(io: &mut Io, value: &T) -> Result<(), Failure> {
    let mut text = serde_json::to_string_pretty(value).expect("our types always serialise");
    if io.out_is_terminal {
        text = json_for_terminal(&text);
    }
    text.push('\n');
    write_bytes(io, text.as_bytes())
}

/// JSON text with every character a terminal acts on written as a `\uXXXX` escape. Such
/// characters can only stand inside JSON strings, where the escape means the same.
pub fn json_for_terminal(json: &str) -> String {
    let unsafe_char = connkeeper_core::text::is_unsafe_for_terminal;
    if !json.chars().any(|c| unsafe_char(c) && c != '\n') {
        return json.to_owned();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unsafe_char(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Prints cautions on stderr.
pub fn warnings(io: &mut Io, ws: &[FieldError]) {
    for w in ws {
        errln!(io, "warning: {}", esc(&w.to_string()));
    }
}

fn days_text(days_left: i64) -> String {
    match days_left {
        d if d < 0 => format!("expired {} d ago", -d),
        0 => "today".to_owned(),
        d => format!("{d} d"),
    }
}

fn status_text(v: &ProfileView) -> &'static str {
    match v.state {
        ProfileState::TokenMissing => "token missing",
        ProfileState::TokenRejected => "TOKEN REJECTED",
        ProfileState::TokenBlocked => "TOKEN BLOCKED",
        ProfileState::PermissionsMissing => "PERMISSIONS MISSING",
        ProfileState::Unreachable => "unreachable",
        ProfileState::Expired => "EXPIRED",
        ProfileState::Expiring => "expiring",
        ProfileState::Ok => "ok",
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
pub fn profile_table(io: &mut Io, views: &[ProfileView]) -> Result<(), Failure> {
    if views.is_empty() {
        outln!(io, "No profiles yet. Create one with:\n  connkeeper profile add --name NAME --application jira --host https://your-sub-domain.atlassian.net --email EMAIL --expires YYYY-MM-DD --token-stdin");
        return Ok(());
    }
    print_table(io, &full_table(views))
}

/// The table of `connkeeper expiring` (the status is the expiry status only).
pub fn expiring_table(io: &mut Io, views: &[Dated]) -> Result<(), Failure> {
    let rows = views.iter().map(|v| {
        let mut row = dated_cells(v);
        row.push(Cell::new(v.status.code()));
        row
    });
    print_table(io, &table(&[], rows))
}

/// Profiles as an aligned table, with the token state in the status and the last audit.
fn full_table(views: &[ProfileView]) -> Table {
    let rows = views.iter().map(|v| {
        let mut row = dated_cells(&v.dated());
        row.push(Cell::new(status_text(v)));
        row.push(Cell::new(audit_text(v)));
        row
    });
    table(&["LAST AUDIT"], rows)
}

/// The columns every profile table starts with, up to LEFT.
fn dated_cells(v: &Dated) -> Vec<Cell> {
    vec![
        Cell::new(esc(&v.name)),
        Cell::new(v.application.code()),
        Cell::new(esc(&v.host)),
        Cell::new(esc(&v.email)),
        Cell::new(v.expires),
        Cell::new(days_text(v.days_left)).set_alignment(CellAlignment::Right),
    ]
}

/// An aligned table: NAME to STATUS, then `extra` columns.
fn table(extra: &[&str], rows: impl Iterator<Item = Vec<Cell>>) -> Table {
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
    header.extend_from_slice(extra);
    t.set_header(header);
    for row in rows {
        t.add_row(row);
    }
    t
}

fn print_table(io: &mut Io, t: &Table) -> Result<(), Failure> {
    for line in t.lines() {
        outln!(io, "{}", line.strip_prefix(' ').unwrap_or(&line).trim_end());
    }
    Ok(())
}

/// A readable block for one profile.
pub fn profile_block(io: &mut Io, v: &ProfileView, store_name: &str) -> Result<(), Failure> {
    let rows: [(&str, String); 13] = [
        ("Name", esc(&v.name).into_owned()),
        (
            "Description",
            v.description.as_deref().map_or_else(
                || "-".to_owned(),
                connkeeper_core::text::escape_terminal_lines,
            ),
        ),
        (
            "Application",
            format!(
                "{} ({})",
                v.application.display_name(),
                v.application.code()
            ),
        ),
        ("Host", esc(&v.host).into_owned()),
        (
            "Host check",
            if v.host_confirmed {
                "the token may be sent to this host".to_owned()
            } else {
                "custom domain not confirmed yet: the first audit asks (--yes)".to_owned()
            },
        ),
        ("Email", esc(&v.email).into_owned()),
        (
            "Token kind",
            match v.token_kind {
                Some(connkeeper_core::model::TokenKind::Scoped) => {
                    "API token with scopes (sent through api.atlassian.com)".to_owned()
                }
                Some(connkeeper_core::model::TokenKind::Classic) => "classic API token".to_owned(),
                None => "not known until the first audit".to_owned(),
            },
        ),
        (
            "Expires",
            format!("{} ({})", v.expires, days_text(v.days_left)),
        ),
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
        outln!(io, "{:<12} {}", format!("{k}:"), lines.next().unwrap_or(""));
        for more in lines {
            outln!(io, "{:<12} {more}", "");
        }
    }
    outln!(io, "{:<12} {}", "Id:", v.id);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_for_a_terminal_escapes_c1_and_bidi_and_stays_the_same_json() {
        let value = serde_json::json!({"name": "a\u{202E}b\u{9b}2J\u{2028}c\u{1b}d", "n": 1});
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert!(pretty.contains('\u{202E}'), "serde_json leaves bidi raw");
        let safe = json_for_terminal(&pretty);
        assert!(!safe.chars().any(|c| c.is_control() && c != '\n'), "{safe}");
        assert!(!safe.contains('\u{202E}') && !safe.contains('\u{2028}'));
        assert!(
            safe.contains("\\u202e") && safe.contains("\\u009b"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        assert_eq!(json_for_terminal("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
    }
}
