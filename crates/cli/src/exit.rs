//! Exit statuses, the contract scripts branch on (docs/cli.md, "Exit codes").

use std::process::ExitCode;

use connkeeper_core::Error;

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
            Error::TokenBindingMismatch { name, .. } => Failure::env(format!(
                "{e}: `connkeeper profile edit {} --token-stdin`.",
                crate::output::shell_word(name)
            )),
            Error::NotFound(_)
            | Error::BadFile(_)
            | Error::InvalidSettings(_)
            | Error::ImportNotPending
            | Error::LinkRefused
            | Error::Cancelled(_) => Failure::usage(e.to_string()),
            Error::Secret(_)
            | Error::Store(_)
            | Error::Jira(_)
            | Error::TokenMissing { .. }
            | Error::Internal(_) => Failure::env(e.to_string()),
        }
    }
}
