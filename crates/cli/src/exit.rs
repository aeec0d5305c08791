//! Exit codes: 0 success; 1 the check found problems; 2 usage or validation error
//! (nothing changed); 3 environment failure (keyring unavailable, store unreadable or locked).

use std::process::ExitCode;

use connkeeper_core::Error;

/// The check ran and found problems.
pub const PROBLEMS: u8 = 1;
/// Usage or validation error.
pub const USAGE: u8 = 2;
/// Environment failure.
pub const ENV: u8 = 3;
/// Interrupted by the user (Ctrl-C): 128 + SIGINT, as shells report it.
pub const INTERRUPTED: u8 = 130;

/// A failed command: what to print on stderr and the exit code.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: USAGE,
            message: message.into(),
        }
    }

    pub fn env(message: impl Into<String>) -> Self {
        Self {
            code: ENV,
            message: message.into(),
        }
    }

    /// Prints the message and returns the exit code.
    pub fn report(self) -> ExitCode {
        if !self.message.is_empty() {
            // Messages quote input and Jira's answers: escape all but our own line breaks.
            eprintln!(
                "error: {}",
                connkeeper_core::text::escape_terminal_lines(&self.message)
            );
        }
        ExitCode::from(self.code)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match &e {
            Error::Validation(fields) => {
                let mut msg = String::from("invalid profile; nothing was changed:");
                for f in fields {
                    let flag = match f.field {
                        connkeeper_core::validate::Field::Token => "token-stdin",
                        other => other.code(),
                    };
                    msg.push_str(&format!("\n  --{flag}: {}", f.message));
                }
                Failure::usage(msg)
            }
            Error::ConfirmationRequired { .. } => {
                Failure::usage(format!("{e}. If it is, run again with --yes."))
            }
            Error::NotFound(_)
            | Error::BadFile(_)
            | Error::InvalidSettings(_)
            | Error::Cancelled(_) => Failure::usage(e.to_string()),
            Error::Secret(_) | Error::Store(_) | Error::Jira(_) | Error::TokenMissing { .. } => {
                Failure::env(e.to_string())
            }
        }
    }
}
