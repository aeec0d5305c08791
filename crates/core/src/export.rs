//! Profile summaries for auditors, colleagues and calendars: CSV, JSON, Markdown and
//! iCalendar writers over `impl Write`. Never the token: records are built from
//! [`ProfileView`], which has none.

use std::collections::HashMap;
use std::io::{self, Write};

use chrono::{DateTime, Days, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Trigger};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::jira::AuditReport;
use crate::model::{
    Application, ExpiresSource, ExpiryStatus, ProfileId, ProfileState, ProfileView, TokenKind,
};
use crate::profiles::Profiles;
use crate::requirements::{REQUIREMENTS, TOKEN_PAGE};
use crate::secrets::SecretStore;
use crate::settings::SettingsStore;

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Comma-separated values, one row per profile.
    Csv,
    /// The JSON export (the import format).
    Json,
    /// A Markdown table.
    #[cfg_attr(feature = "clap", value(alias = "markdown"))]
    Md,
    /// iCalendar: one event per expiry date, with alarms.
    #[cfg_attr(feature = "clap", value(alias = "ical", alias = "icalendar"))]
    Ics,
}

impl Format {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Md => "md",
            Self::Ics => "ics",
        }
    }
}

/// The JSON export's `format` marker.
pub const JSON_FORMAT: &str = "connkeeper-profiles";

/// One exported profile: the fields of `profile list --json` plus the audit fields.
/// CSV columns carry the same names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: ProfileId,
    pub name: String,
    pub description: Option<String>,
    pub application: Application,
    pub host: String,
    pub email: String,
    pub expires: chrono::NaiveDate,
    pub days_left: i64,
    pub status: ExpiryStatus,
    /// The worst current state (the token, the last check or audit, the expiry).
    pub state: ProfileState,
    pub token_stored: bool,
    /// `classic` or `scoped` once an audit learned it.
    pub token_kind: Option<TokenKind>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub last_audit_at: Option<DateTime<Utc>>,
    pub backup_ok: Option<bool>,
    pub restore_ok: Option<bool>,
    /// Keys of missing global permissions (CSV: separated by spaces).
    pub missing_global: Vec<String>,
    pub projects_with_gaps: Option<usize>,
    /// `manual` or `atlassian` (an organisation sync, confirmed).
    pub expires_source: ExpiresSource,
    pub rotated_at: Option<DateTime<Utc>>,
    /// After a rotation: whether the old token was revoked.
    pub old_token_revoked: Option<bool>,
    /// When Atlassian last saw the token used (an organisation sync).
    pub last_active: Option<DateTime<Utc>>,
    /// The last full audit report (with `--with-audit`, JSON only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit: Option<AuditReport>,
}

impl Record {
    pub fn new(v: &ProfileView) -> Self {
        let a = v.last_audit.as_ref();
        Self {
            id: v.id,
            name: v.name.clone(),
            description: v.description.clone(),
            application: v.application,
            host: v.host.clone(),
            email: v.email.clone(),
            expires: v.expires,
            days_left: v.days_left,
            status: v.status,
            state: v.state,
            token_stored: v.token_stored,
            token_kind: v.token_kind,
            created_at: v.created_at,
            updated_at: v.updated_at,
            last_audit_at: a.map(|a| a.at),
            backup_ok: a.map(|a| a.backup_ok),
            restore_ok: a.map(|a| a.restore_ok),
            missing_global: a.map(|a| a.missing_global.clone()).unwrap_or_default(),
            projects_with_gaps: a.map(|a| a.projects_with_gaps),
            expires_source: v.expires_source,
            rotated_at: v.rotated_at,
            old_token_revoked: v.old_token_revoked,
            last_active: v.last_active,
            audit: None,
        }
    }
}

/// Builds records, attaching full audit reports when given.
pub fn records(
    views: &[ProfileView],
    audits: Option<&HashMap<ProfileId, AuditReport>>,
) -> Vec<Record> {
    views
        .iter()
        .map(|v| {
            let mut r = Record::new(v);
            r.audit = audits.and_then(|m| m.get(&v.id).cloned());
            r
        })
        .collect()
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 23] = [
    "id",
    "name",
    "description",
    "application",
    "host",
    "email",
    "expires",
    "days_left",
    "status",
    "state",
    "token_stored",
    "token_kind",
    "created_at",
    "updated_at",
    "last_audit_at",
    "backup_ok",
    "restore_ok",
    "missing_global",
    "projects_with_gaps",
    "expires_source",
    "rotated_at",
    "old_token_revoked",
    "last_active",
];

/// Neutralises a cell a spreadsheet would run as a formula (OWASP: prefix `'`).
/// Plain integers such as `-3` are numbers, not formulas, and stay as they are.
pub fn neutralise(cell: &str) -> String {
    let is_integer = cell
        .strip_prefix('-')
        .unwrap_or(cell)
        .bytes()
        .all(|b| b.is_ascii_digit())
        && cell.len() > usize::from(cell.starts_with('-'));
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') if !is_integer => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// Undoes [`neutralise`] when reading a CSV back.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// RFC 4180 CSV, UTF-8, a header row; formula cells neutralised.
pub fn write_csv<W: Write>(out: W, records: &[Record]) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(CSV_COLUMNS)?;
    for r in records {
        let row = [
            r.id.to_string(),
            r.name.clone(),
            r.description.clone().unwrap_or_default(),
            r.application.code().to_owned(),
            r.host.clone(),
            r.email.clone(),
            r.expires.to_string(),
            r.days_left.to_string(),
            r.status.code().to_owned(),
            r.state.code().to_owned(),
            r.token_stored.to_string(),
            opt(r.token_kind.map(TokenKind::code)),
            r.created_at.to_rfc3339(),
            r.updated_at.to_rfc3339(),
            opt(r.last_audit_at.map(|t| t.to_rfc3339())),
            opt(r.backup_ok),
            opt(r.restore_ok),
            r.missing_global.join(" "),
            opt(r.projects_with_gaps),
            match r.expires_source {
                ExpiresSource::Manual => "manual".to_owned(),
                ExpiresSource::Atlassian => "atlassian".to_owned(),
            },
            opt(r.rotated_at.map(|t| t.to_rfc3339())),
            opt(r.old_token_revoked),
            opt(r.last_active.map(|t| t.to_rfc3339())),
        ];
        w.write_record(row.iter().map(|c| neutralise(c)))?;
    }
    w.flush()
}

#[derive(Serialize)]
struct JsonExport<'a> {
    format: &'static str,
    version: u32,
    exported_at: DateTime<Utc>,
    profiles: &'a [Record],
}

/// `{"format": "connkeeper-profiles", "version": 1, "exported_at", "profiles": [...]}`.
pub fn write_json<W: Write>(
    mut out: W,
    records: &[Record],
    exported_at: DateTime<Utc>,
) -> io::Result<()> {
    serde_json::to_writer_pretty(
        &mut out,
        &JsonExport {
            format: JSON_FORMAT,
            version: 1,
            exported_at,
            profiles: records,
        },
    )?;
    out.write_all(b"\n")
}

/// Escapes text for a Markdown table cell.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "✅ ok",
        Some(false) => "❌ gaps",
        None => "–",
    }
}

/// A Markdown table that reads well in a wiki or a ticket (plus audit evidence when
/// records carry full reports).
pub fn write_markdown<W: Write>(
    mut out: W,
    records: &[Record],
    exported_at: DateTime<Utc>,
) -> io::Result<()> {
    writeln!(out, "# ConnKeeper profiles\n")?;
    writeln!(
        out,
        "Exported {} · {} · API tokens are kept in the OS keyring and never exported.\n",
        exported_at.format("%Y-%m-%d %H:%M UTC"),
        crate::text::count(records.len(), "profile", "profiles")
    )?;
    writeln!(out, "| Profile | Application | Host | Email | Expires | Days left | Status | Token stored | Token kind | Last audit | Backup | Restore | Missing global permissions | Spaces with gaps |")?;
    writeln!(
        out,
        "|---|---|---|---|---|--:|---|---|---|---|---|---|---|--:|"
    )?;
    for r in records {
        let status = match r.state {
            ProfileState::Ok => "ok".to_owned(),
            ProfileState::Expiring => "expiring".to_owned(),
            s => format!("**{}**", s.code().replace('_', " ")),
        };
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            md(&r.name),
            r.application.display_name(),
            md(&r.host),
            md(&r.email),
            r.expires,
            r.days_left,
            status,
            if r.token_stored { "yes" } else { "**no**" },
            r.token_kind.map_or("–", TokenKind::code),
            r.last_audit_at
                .map_or_else(|| "never".to_owned(), |t| t.format("%Y-%m-%d").to_string()),
            verdict(r.backup_ok),
            verdict(r.restore_ok),
            if r.missing_global.is_empty() {
                "–".to_owned()
            } else {
                md(&permission_names(&r.missing_global))
            },
            opt(r.projects_with_gaps),
        )?;
    }
    let described: Vec<&Record> = records.iter().filter(|r| r.description.is_some()).collect();
    if !described.is_empty() {
        writeln!(out, "\n## Descriptions\n")?;
        for r in described {
            writeln!(
                out,
                "- **{}**: {}",
                md(&r.name),
                md(r.description.as_deref().unwrap_or_default())
            )?;
        }
    }
    for r in records {
        let Some(a) = &r.audit else { continue };
        writeln!(out, "\n## Audit evidence: {}\n", md(&r.name))?;
        writeln!(
            out,
            "- Audited {} against {} as {} ({} requests, {} ms)",
            a.finished_at.to_rfc3339(),
            md(&a.host),
            md(a.account.email.as_deref().unwrap_or(&a.account.account_id)),
            a.requests,
            a.duration_ms
        )?;
        writeln!(
            out,
            "- Backup: {} · Restore: {} · Coverage: {}{}",
            verdict(Some(a.backup_ok)),
            verdict(Some(a.restore_ok)),
            crate::text::count(a.coverage.projects_total, "space", "spaces"),
            if a.coverage.complete {
                ""
            } else {
                " (partial: no Administer Jira)"
            }
        )?;
        for g in a.global.iter().filter(|g| !g.granted) {
            writeln!(out, "- Missing global permission: {} (`{}`)", g.name, g.key)?;
        }
        let gaps: Vec<_> = a
            .projects
            .iter()
            .filter(|p| !p.missing.is_empty())
            .collect();
        for p in gaps.iter().take(50) {
            let names: Vec<&str> = p.missing.iter().map(|m| m.name.as_str()).collect();
            writeln!(
                out,
                "- {} ({}): {}",
                md(&p.key),
                md(&p.name),
                names.join(", ")
            )?;
        }
        if gaps.len() > 50 {
            writeln!(
                out,
                "- … and {} more spaces with gaps (see the JSON export)",
                gaps.len() - 50
            )?;
        }
        for w in &a.warnings {
            writeln!(out, "- Warning: {}", md(&w.message))?;
        }
    }
    Ok(())
}

/// The names Jira shows for permission keys (a key the table does not know stays a key).
fn permission_names(keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            REQUIREMENTS
                .iter()
                .find(|r| r.key == k)
                .map_or(k.as_str(), |r| r.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Options of the iCalendar export.
#[derive(Debug, Clone)]
pub struct IcsOptions {
    /// Alarms, in days before the expiry (the reminder thresholds).
    pub alarm_days: Vec<u32>,
    /// Also add a "start renewal" event this many days before the expiry.
    pub renewal_lead_days: Option<u32>,
}

impl Default for IcsOptions {
    fn default() -> Self {
        Self {
            alarm_days: crate::settings::DEFAULT_THRESHOLDS.to_vec(),
            renewal_lead_days: Some(14),
        }
    }
}

/// The stable UID of a profile's expiry event (the same across exports).
pub fn ics_uid(id: ProfileId, expires: chrono::NaiveDate, kind: &str) -> String {
    format!("{kind}-{id}-{}@connkeeper", expires.format("%Y%m%d"))
}

/// RFC 5545: one all-day event per token expiry, with alarms at the reminder thresholds,
/// and optionally a "start renewal" event earlier. Line folding, escaping and CRLF are
/// done by the `icalendar` crate.
pub fn write_ics<W: Write>(
    mut out: W,
    records: &[Record],
    now: DateTime<Utc>,
    opts: &IcsOptions,
) -> io::Result<()> {
    let mut cal = Calendar::new();
    cal.name("ConnKeeper API token expiries");
    for r in records {
        let steps = format!(
            "Host: {}\nAccount: {}\nApplication: {}\n\nTo renew: sign in to Atlassian, open {TOKEN_PAGE}, create a new API token (up to 365 days), copy it, update the profile \"{}\" in ConnKeeper, then update the backup service's connection. Revoke the old token only after the new one works.",
            r.host, r.email, r.application.display_name(), r.name
        );
        let mut event = icalendar::Event::new();
        event
            .uid(&ics_uid(r.id, r.expires, "expiry"))
            .timestamp(now)
            .summary(&format!("API token expires: {}", r.name))
            .description(&steps)
            .all_day(r.expires)
            .url(TOKEN_PAGE);
        for days in &opts.alarm_days {
            let trigger = Trigger::before_start(chrono::Duration::days(i64::from(*days)));
            let text = match days {
                0 => format!("The API token of {} expires today", r.name),
                1 => format!("The API token of {} expires tomorrow", r.name),
                n => format!("The API token of {} expires in {n} days", r.name),
            };
            // Stable identities: re-importing an export updates the alarms instead of
            // adding copies (the crate would invent a random UID and stamp the wall clock).
            let mut alarm = Alarm::display(&text, trigger);
            alarm
                .uid(&ics_uid(r.id, r.expires, &format!("alarm-{days}")))
                .timestamp(now);
            event.alarm(alarm);
        }
        cal.push(event.done());
        if let Some(lead) = opts.renewal_lead_days {
            if let Some(start) = r.expires.checked_sub_days(Days::new(u64::from(lead))) {
                let mut renew = icalendar::Event::new();
                renew
                    .uid(&ics_uid(r.id, r.expires, "renew"))
                    .timestamp(now)
                    .summary(&format!("Start renewing the API token: {}", r.name))
                    .description(&steps)
                    .all_day(start)
                    .url(TOKEN_PAGE);
                cal.push(renew.done());
            }
        }
    }
    write!(out, "{}", cal.done())
}

/// Renders every profile in `format` (with the last full audit reports when asked);
/// returns the bytes and the number of list. iCalendar alarms follow the
/// reminder thresholds in the settings.
pub fn to_bytes<S: SecretStore>(
    profiles: &Profiles<S>,
    format: Format,
    with_audit: bool,
) -> Result<(Vec<u8>, usize), Error> {
    let views = profiles.list()?;
    let audits = with_audit.then(|| {
        views
            .iter()
            .filter_map(|v| crate::audit::last_report(profiles, v.id).map(|r| (v.id, r)))
            .collect::<HashMap<_, _>>()
    });
    let records = records(&views, audits.as_ref());
    let now = profiles.clock().now();
    let mut buf = Vec::new();
    match format {
        Format::Csv => write_csv(&mut buf, &records),
        Format::Json => write_json(&mut buf, &records, now),
        Format::Md => write_markdown(&mut buf, &records, now),
        Format::Ics => {
            let settings = SettingsStore::new(profiles.store().dir())
                .load()
                .unwrap_or_default();
            write_ics(
                &mut buf,
                &records,
                now,
                &IcsOptions {
                    alarm_days: settings.thresholds,
                    ..IcsOptions::default()
                },
            )
        }
    }
    .expect("writing to memory cannot fail");
    Ok((buf, records.len()))
}

/// Exports to `path` atomically (the file is whole or untouched); returns the count.
pub fn to_file<S: SecretStore>(
    profiles: &Profiles<S>,
    format: Format,
    with_audit: bool,
    path: &std::path::Path,
) -> Result<usize, Error> {
    let (bytes, count) = to_bytes(profiles, format, with_audit)?;
    crate::store::atomic_write(path, &bytes)?;
    tracing::info!(count, format = format.extension(), "list exported");
    Ok(count)
}
/// Where an export was written (shown to the user; the page never names a path).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exported {
    pub path: String,
    pub count: usize,
}
