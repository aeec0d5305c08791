//! Exit statuses, the contract scripts branch on (docs/cli.md, "Exit codes").

use std::process::ExitCode;

use connkeeper_core::validate::Field;
use connkeeper_core::{Error, ErrorKind};

/// How `connkeeper` ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// Done; the check found nothing.
    Ok = 0,
    /// The check ran and found problems (missing permissions, expiring tokens).
    Problems = 1,
    /// Usage or validation error; nothing changed.
    Usage = 2,
    /// Environment failure: keyring unavailable, store unreadable or locked, Jira
    /// unreachable.
    Env = 3,
    /// Interrupted by the user (Ctrl-C): 128 + SIGINT, as shells report it.
    Interrupted = 130,
    /// stdout's reader went away (`| head -1`): 128 + SIGPIPE, as shells report it.
    ClosedPipe = 141,
}

impl Exit {
    /// The process status.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> Self {
        ExitCode::from(e.code())
    }
}

/// A failed command: what to print on stderr and how to exit.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Usage,
            message: message.into(),
        }
    }

    pub fn env(message: impl Into<String>) -> Self {
        Self {
            exit: Exit::Env,
            message: message.into(),
        }
    }

    /// Prints the message on stderr and returns the exit status.
    pub fn report(self, io: &mut crate::io::Io) -> Exit {
        if !self.message.is_empty() {
            // Messages quote input and Jira's answers: escape all but our own line breaks.
            let _ = writeln!(
                io.err,
                "error: {}",
                connkeeper_core::text::escape_terminal_lines(&self.message)
            );
        }
        self.exit
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let kind = e.kind();
        let message = match &e {
            Error::Validation(fields) | Error::OrgValidation(fields) => {
                let what = if matches!(e, Error::OrgValidation(_)) {
                    "invalid organisation"
                } else {
                    "invalid profile"
                };
                let mut msg = format!("{what}; nothing was changed:");
                for f in fields {
                    msg.push_str(&format!("\n  --{}: {}", flag(f.field), f.message));
                }
                msg
            }
            _ => format!("{e}{}", hint(&e)),
        };
        Failure {
            exit: exit_for(kind),
            message,
        }
    }
}

/// The option that sets a field.
fn flag(field: Field) -> &'static str {
    match field {
        Field::Token => "token-stdin",
        Field::OrgId => "org-id",
        Field::OrgKey => "key-stdin",
        Field::OrgKeyExpires => "key-expires",
        other => other.code(),
    }
}

/// How the CLI ends on an error of this kind.
fn exit_for(kind: ErrorKind) -> Exit {
    match kind {
        ErrorKind::Validation
        | ErrorKind::InvalidSettings
        | ErrorKind::ProfileNotFound
        | ErrorKind::InvalidId
        | ErrorKind::OrgNotLinked
        | ErrorKind::OrgTokenNotFound
        | ErrorKind::ImportNotPending
        | ErrorKind::BadFile
        | ErrorKind::ConfirmationRequired
        | ErrorKind::Cancelled
        | ErrorKind::Conflict
        | ErrorKind::LinkRefused => Exit::Usage,
        ErrorKind::KeyringUnavailable
        | ErrorKind::KeyringRefused
        | ErrorKind::StoreLocked
        | ErrorKind::Store
        | ErrorKind::TokenMissing
        | ErrorKind::TokenBindingMismatch
        | ErrorKind::OrgKeyMissing
        | ErrorKind::Internal
        | ErrorKind::NotFound
        | ErrorKind::Forbidden
        | ErrorKind::Auth
        | ErrorKind::Network
        | ErrorKind::Tls
        | ErrorKind::Timeout
        | ErrorKind::RateLimited
        | ErrorKind::Server
        | ErrorKind::InvalidResponse
        | ErrorKind::MissingScope
        | ErrorKind::TokenBlocked
        | ErrorKind::IpNotAllowed => Exit::Env,
    }
}

/// The command or option that does what the core's message says, appended to it.
fn hint(e: &Error) -> String {
    match (e.kind(), e) {
        (ErrorKind::ProfileNotFound, _) => " (`connkeeper profile list`)".into(),
        (ErrorKind::OrgNotLinked | ErrorKind::OrgKeyMissing, _) => {
            ": `connkeeper org add --org-id ID --key-expires DATE`".into()
        }
        (ErrorKind::OrgTokenNotFound, _) => ": `connkeeper org sync --json` lists them".into(),
        (ErrorKind::ConfirmationRequired, _) => ". If it is, run again with --yes.".into(),
        (ErrorKind::TokenMissing, Error::TokenMissing { name })
        | (ErrorKind::TokenBindingMismatch, Error::TokenBindingMismatch { name, .. }) => format!(
            ": `connkeeper profile edit {} --token-stdin`.",
            crate::output::shell_word(name)
        ),
        _ => String::new(),
    }
}
