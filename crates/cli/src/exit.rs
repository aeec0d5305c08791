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
            eprintln!("error: {}", self.message);
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
                    msg.push_str(&format!("\n  --{}: {}", f.field.code(), f.message));
                }
                Failure::usage(msg)
            }
            Error::NotFound(_) | Error::BadFile(_) => Failure::usage(e.to_string()),
            Error::Secret(_) | Error::Store(_) | Error::Jira(_) => Failure::env(e.to_string()),
        }
    }
}
