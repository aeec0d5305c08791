//! The command-line contract (documented in docs/cli.md; scripts rely on it).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use connkeeper_core::export::Format;
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::model::Application;

#[derive(Debug, Parser)]
#[command(
    name = "connkeeper",
    version,
    about = "Keep Jira Cloud connection profiles valid: tokens, expiry, permissions."
)]
pub struct Cli {
    /// Folder holding profiles.json (default: the platform's config folder).
    #[arg(long, global = true, value_name = "DIR", env = "CONNKEEPER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Accept http://127.0.0.1:PORT and http://localhost:PORT hosts (local test servers only;
    /// CONNKEEPER_ALLOW_LOOPBACK_HTTP=1 does the same, as for the desktop app).
    #[arg(long, global = true)]
    pub allow_loopback_http: bool,
    /// Atlassian's API gateway, where tokens with scopes are sent [default: https://api.atlassian.com].
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "CONNKEEPER_GATEWAY_URL"
    )]
    pub gateway: Option<String>,
    /// More log output on stderr (-vv for all); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create, list, show, edit and delete connection profiles.
    #[command(subcommand)]
    Profile(ProfileCmd),
    /// Audit an account's Jira permissions against what backup and restore need.
    /// Exit 0: all granted; 1: something is missing; 3: the audit could not run.
    Audit(AuditArgs),
    /// Export profile summaries (never tokens) as CSV, JSON, Markdown or iCalendar.
    Export {
        /// The file format.
        #[arg(long, value_enum)]
        format: Format,
        /// Write to FILE (atomically) instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Add each profile's last full audit report as dated evidence.
        #[arg(long)]
        with_audit: bool,
    },
    /// Import profiles from a JSON export or a CSV with the same columns (without tokens).
    /// All or nothing: any invalid row stops the import (exit 2).
    Import {
        /// The file to read.
        file: PathBuf,
        /// Report what would happen; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The report as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Profiles whose token has expired or expires within DAYS days, most urgent first.
    /// Exit 1 when there is any, 0 when none (for cron and CI).
    Expiring {
        /// The window in days (days_left <= DAYS).
        #[arg(long, default_value_t = 30, value_name = "DAYS")]
        within: i64,
        /// Machine-readable JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Rotate a profile's API token, make before break: the new token is verified and
    /// audited before it replaces the old one (exit 0 rotated, 1 refused, 2 usage, 3
    /// environment).
    Rotate(RotateArgs),
    /// The optional link to Atlassian Administration: real expiry, revoked tokens, last
    /// use, from the organisation's admin API.
    #[command(subcommand)]
    Org(OrgCmd),
    /// Health checks for cron and timers: audit profiles and compare each with its
    /// baseline (the last accepted result; the first check sets it). Exit 0: every
    /// profile healthy and unchanged; 1: something changed or a check failed; 3: the
    /// keyring or the data folder stopped a check.
    Check(CheckArgs),
    /// A profile's health checks, newest first, and its baseline.
    History {
        /// The profile (name or id).
        name: String,
        /// The history as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("which").required(true).args(["names", "all"]))]
pub struct CheckArgs {
    /// The profiles to check (names or ids).
    pub names: Vec<String>,
    /// Check every profile.
    #[arg(long, conflicts_with = "names")]
    pub all: bool,
    /// The checks as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Make each result the profile's new baseline (a deliberate change, such as
    /// restore permissions removed on purpose).
    #[arg(long)]
    pub accept: bool,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["profile", "host"]))]
pub struct AuditArgs {
    /// A saved profile (its token comes from the OS keyring).
    pub profile: Option<String>,
    /// Audit unsaved credentials: the site URL (needs --email and --token-stdin).
    #[arg(long, requires = "email", conflicts_with = "profile")]
    pub host: Option<String>,
    /// With --host: the account's email.
    #[arg(long, requires = "host")]
    pub email: Option<String>,
    /// With --host: read the API token from stdin.
    #[arg(long, requires = "host")]
    pub token_stdin: bool,
    /// With --host: the application.
    #[arg(long, requires = "host", value_enum, default_value_t = Application::Jira)]
    pub application: Application,
    /// What the account is for.
    #[arg(long, value_enum, default_value_t = AuditPurpose::All)]
    pub purpose: AuditPurpose,
    /// Machine-readable report on stdout (documented in docs/cli.md).
    #[arg(long)]
    pub json: bool,
    /// Confirm sending the API token to a host outside *.atlassian.net (a custom domain);
    /// a saved profile remembers the confirmation.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Give up when the whole audit takes longer than SECS seconds.
    #[arg(long, default_value_t = 600, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub deadline: u64,
    /// Requests in flight at once against the site.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=16))]
    pub max_in_flight: u16,
    /// Per-request timeout in seconds.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
    /// First retry delay in milliseconds when Jira gives no Retry-After (doubles, capped at 30 s).
    #[arg(long, default_value_t = 5000, hide = true)]
    pub retry_base_ms: u64,
}

#[derive(Debug, Subcommand)]
pub enum ProfileCmd {
    /// Create a profile; the API token is read from stdin (--token-stdin) or a hidden prompt.
    Add(AddArgs),
    /// List profiles, most urgent expiry first.
    List(JsonFlag),
    /// Show one profile.
    Show {
        /// Profile name (or id).
        name: String,
        #[command(flatten)]
        json: JsonFlag,
    },
    /// Change a profile; only the given fields change. --token-stdin replaces the token.
    Edit(EditArgs),
    /// Delete a profile and its token.
    Delete {
        /// Profile name (or id).
        name: String,
        /// Do not ask for confirmation (required when not on a terminal).
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Machine-readable JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Profile name, unique (1 to 64 characters).
    #[arg(long, allow_hyphen_values = true)]
    pub name: String,
    /// The application the backup service connects to.
    #[arg(long, value_enum)]
    pub application: Application,
    /// Site URL, e.g. https://your-sub-domain.atlassian.net (a pasted Jira page URL works).
    #[arg(long)]
    pub host: String,
    /// Email of the Jira account that owns the token.
    #[arg(long)]
    pub email: String,
    /// The token's expiration date, YYYY-MM-DD.
    #[arg(long)]
    pub expires: String,
    /// Optional note (at most 500 characters).
    #[arg(long, allow_hyphen_values = true)]
    pub description: Option<String>,
    /// Read the API token from stdin (one trailing newline is stripped).
    #[arg(long)]
    pub token_stdin: bool,
    /// Print the created profile as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The profile to change (name or id).
    pub profile: String,
    #[arg(long, allow_hyphen_values = true)]
    pub name: Option<String>,
    /// New description ("" clears it).
    #[arg(long, allow_hyphen_values = true)]
    pub description: Option<String>,
    #[arg(long, value_enum)]
    pub application: Option<Application>,
    /// A new site URL; the stored token stays with the old one, so --token-stdin is required.
    #[arg(long)]
    pub host: Option<String>,
    /// A new account email; like --host, it needs the new account's token (--token-stdin).
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub expires: Option<String>,
    /// Replace the stored API token with one read from stdin.
    #[arg(long)]
    pub token_stdin: bool,
    /// Print the updated profile as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The profile's name or id.
    pub profile: String,
    /// Read the new API token from stdin (else a hidden prompt on a terminal).
    #[arg(long)]
    pub token_stdin: bool,
    /// The new token's expiration date, YYYY-MM-DD (asked on a terminal; the settings'
    /// validity is suggested).
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Send the token to a custom (non-Atlassian) host without asking.
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// Put the new token in place although it audits worse than the old one or could not
    /// be verified (never a token Jira rejects).
    #[arg(long)]
    pub force: bool,
    /// Only record that the old token of the last rotation was revoked.
    #[arg(long, conflicts_with_all = ["token_stdin", "expires", "force"])]
    pub old_token_revoked: bool,
    /// Print the outcome as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum OrgCmd {
    /// Link an organisation: its id and admin API key (read from a hidden prompt or
    /// stdin, kept in the keyring only) and the key's expiry.
    Add {
        /// The organisation id (admin.atlassian.com > Settings > API keys).
        #[arg(long)]
        org_id: String,
        /// When the API key expires, YYYY-MM-DD (Atlassian shows it when creating it).
        #[arg(long, value_name = "DATE")]
        key_expires: String,
        /// Read the API key from stdin.
        #[arg(long)]
        key_stdin: bool,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show the linked organisation and its key's expiry.
    Show {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read the organisation's API tokens and report, per profile, the token's state,
    /// real expiry and last use (exit 1 when something needs attention). Read-only.
    Sync {
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// Take Atlassian's expiry wherever it differs, without asking.
        #[arg(long)]
        accept_expiry: bool,
    },
    /// Revoke one API token of a profile's account at Atlassian (an old one, after a
    /// rotation); asks first unless --yes.
    Revoke {
        /// The profile whose account holds the token.
        profile: String,
        /// The token's id, as `org sync --json` lists it.
        #[arg(long)]
        token_id: String,
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Unlink the organisation (its key leaves the keyring).
    Remove,
}
