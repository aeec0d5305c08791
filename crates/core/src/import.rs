//! Importing profiles from a JSON export or a CSV with the same columns. Profiles come
//! in without tokens (shown as "token missing" until one is entered); every row is
//! validated with the profile rules (no token needed; a past date is allowed). The
//! write is all or nothing.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::export::{unneutralise, JSON_FORMAT};
use crate::model::{Profile, ProfileId};
use crate::profiles::Profiles;
use crate::secrets::SecretStore;
use crate::store::StoreError;
use crate::validate::{self, Draft, Mode, Rules};

/// One profile as read from a file, before validation.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Incoming {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub expires: String,
    #[serde(default)]
    pub created_at: Option<String>,
}

/// Why an import file cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

#[derive(Deserialize)]
struct JsonImport {
    format: Option<String>,
    version: Option<u64>,
    profiles: Vec<serde_json::Value>,
}

/// Reads a JSON export or a CSV with the export's columns (by content).
pub fn parse(bytes: &[u8]) -> Result<Vec<Incoming>, ParseError> {
    let text =
        std::str::from_utf8(bytes).map_err(|_| ParseError("the file is not UTF-8 text".into()))?;
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_csv(text)
    }
}

fn parse_json(text: &str) -> Result<Vec<Incoming>, ParseError> {
    let file: JsonImport = serde_json::from_str(text)
        .map_err(|e| ParseError(format!("not a ConnKeeper JSON export: {e}")))?;
    if file.format.as_deref() != Some(JSON_FORMAT) {
        return Err(ParseError(format!(
            "not a ConnKeeper JSON export: \"format\" must be \"{JSON_FORMAT}\""
        )));
    }
    if file.version != Some(1) {
        return Err(ParseError(format!(
            "export version {:?} is not supported (this build reads version 1)",
            file.version
        )));
    }
    Ok(file
        .profiles
        .into_iter()
        .map(|v| {
            let s = |k: &str| {
                v.get(k)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            Incoming {
                id: s("id"),
                name: s("name").unwrap_or_default(),
                description: s("description"),
                application: s("application").unwrap_or_default(),
                host: s("host").unwrap_or_default(),
                email: s("email").unwrap_or_default(),
                expires: s("expires").unwrap_or_default(),
                created_at: s("created_at"),
            }
        })
        .collect())
}

fn parse_csv(text: &str) -> Result<Vec<Incoming>, ParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| ParseError(format!("not a CSV file: {e}")))?
        .clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let missing: Vec<&str> = ["name", "application", "host", "email", "expires"]
        .into_iter()
        .filter(|c| col(c).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(ParseError(format!("the CSV header lacks the column(s) {}; export from ConnKeeper to see the expected columns", missing.join(", "))));
    }
    let mut out = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| ParseError(format!("CSV row {}: {e}", i + 2)))?;
        let get = |name: &str| {
            col(name)
                .and_then(|c| rec.get(c))
                .map(|v| unneutralise(v).to_owned())
        };
        out.push(Incoming {
            id: get("id").filter(|s| !s.is_empty()),
            name: get("name").unwrap_or_default(),
            description: get("description").filter(|s| !s.is_empty()),
            application: get("application").unwrap_or_default(),
            host: get("host").unwrap_or_default(),
            email: get("email").unwrap_or_default(),
            expires: get("expires").unwrap_or_default(),
            created_at: get("created_at").filter(|s| !s.is_empty()),
        });
    }
    Ok(out)
}

/// What happened (or would happen) to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Skipped,
    Invalid,
}

/// The report line of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportRow {
    /// 1-based position among the profiles of the file.
    pub row: usize,
    pub name: String,
    pub outcome: RowOutcome,
    pub reason: Option<String>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportReport {
    pub rows: Vec<ImportRow>,
    pub created: usize,
    pub skipped: usize,
    pub invalid: usize,
    pub dry_run: bool,
    /// Whether profiles were written (false for a dry run, or when a row is invalid).
    pub applied: bool,
}

enum Flow {
    Stop(ImportReport),
    Fail(Error),
}

impl From<StoreError> for Flow {
    fn from(e: StoreError) -> Self {
        Flow::Fail(e.into())
    }
}

/// The largest file `import` reads.
pub const MAX_IMPORT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and parses an import file, refusing files over [`MAX_IMPORT_BYTES`] and
/// anything but a regular file (a FIFO, a device such as `/dev/zero`).
pub fn read_file(path: &std::path::Path) -> Result<Vec<Incoming>, Error> {
    let shown = path.display();
    let bytes = crate::store::read_capped(path, MAX_IMPORT_BYTES).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            Error::BadFile(format!(
                "{shown} is larger than {} MiB; ConnKeeper imports its own exports, which are far smaller. Check the file",
                MAX_IMPORT_BYTES / (1024 * 1024)
            ))
        } else {
            Error::BadFile(format!("cannot read {shown}: {e}"))
        }
    })?;
    parse(&bytes).map_err(|e| Error::BadFile(format!("{shown}: {e}")))
}

fn fresh_id(taken: &HashSet<ProfileId>) -> ProfileId {
    loop {
        let id = ProfileId::new();
        if !taken.contains(&id) {
            return id;
        }
    }
}

/// Reads `path` and imports it (see [`apply`]).
pub fn from_file<S: SecretStore>(
    profiles: &Profiles<S>,
    path: &std::path::Path,
    dry_run: bool,
) -> Result<ImportReport, Error> {
    apply(profiles, &read_file(path)?, dry_run)
}

/// Imports `incoming`. Nothing is written on a dry run or when any row is invalid;
/// otherwise every new profile is written at once.
pub fn apply<S: SecretStore>(
    profiles: &Profiles<S>,
    incoming: &[Incoming],
    dry_run: bool,
) -> Result<ImportReport, Error> {
    let today = profiles.clock().today();
    let now = profiles.clock().now();
    let result = profiles.store().update(|list| {
        // Names in use, folded as validate_name compares them (a set: imports are large).
        let mut names: HashSet<String> =
            list.iter().map(|p| p.name.trim().to_lowercase()).collect();
        let mut ids: HashSet<ProfileId> = list.iter().map(|p| p.id).collect();
        let mut rows = Vec::new();
        let mut new = Vec::new();
        for (i, inc) in incoming.iter().enumerate() {
            let row = i + 1;
            let draft = Draft {
                name: inc.name.clone(),
                description: inc.description.clone(),
                application: inc.application.clone(),
                host: inc.host.clone(),
                email: inc.email.clone(),
                token: None,
                expires: inc.expires.clone(),
            };
            if names.contains(&inc.name.trim().to_lowercase()) {
                let reason = format!("a profile named \"{}\" already exists", inc.name.trim());
                rows.push(ImportRow {
                    row,
                    name: inc.name.trim().to_owned(),
                    outcome: RowOutcome::Skipped,
                    reason: Some(reason),
                });
                continue;
            }
            let rules = Rules {
                today,
                mode: Mode::Import,
                allow_loopback_http: profiles.loopback_allowed(),
                other_names: &[],
                bound_to: None,
            };
            match validate::validate(&draft, &rules) {
                Ok(v) => {
                    // Always a fresh id: an id from the file could name a keyring
                    // entry of this machine, and the imported profile (with the
                    // file's host) would then pick up that profile's token.
                    let id = fresh_id(&ids);
                    let created_at = inc
                        .created_at
                        .as_deref()
                        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                        .map_or(now, |t| t.with_timezone(&Utc));
                    ids.insert(id);
                    names.insert(v.name.to_lowercase());
                    rows.push(ImportRow {
                        row,
                        name: v.name.clone(),
                        outcome: RowOutcome::Created,
                        reason: None,
                    });
                    new.push(Profile {
                        id,
                        name: v.name,
                        description: v.description,
                        application: v.application,
                        host: v.host,
                        email: v.email,
                        expires: v.expires,
                        created_at,
                        updated_at: now,
                        last_audit: None,
                        confirmed_host: None,
                        life: Default::default(),
                        token_kind: None,
                    });
                }
                Err(errors) => {
                    let reason = validate::sentences(&errors);
                    rows.push(ImportRow {
                        row,
                        name: inc.name.trim().to_owned(),
                        outcome: RowOutcome::Invalid,
                        reason: Some(reason),
                    });
                }
            }
        }
        let count = |o| rows.iter().filter(|r: &&ImportRow| r.outcome == o).count();
        let mut report = ImportReport {
            created: count(RowOutcome::Created),
            skipped: count(RowOutcome::Skipped),
            invalid: count(RowOutcome::Invalid),
            rows,
            dry_run,
            applied: false,
        };
        if dry_run || report.invalid > 0 || new.is_empty() {
            return Err(Flow::Stop(report));
        }
        report.applied = true;
        list.extend(new);
        Ok(report)
    });
    match result {
        Ok(report) | Err(Flow::Stop(report)) => {
            if report.applied {
                tracing::info!(created = report.created, "list imported");
            }
            Ok(report)
        }
        Err(Flow::Fail(e)) => Err(e),
    }
}
/// A file chosen for import: what importing it would do, and the one-shot handle that
/// applies exactly this content.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    pub handle: String,
    pub path: String,
    pub report: ImportReport,
}
