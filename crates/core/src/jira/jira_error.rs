//! The client's classified failures: [`JiraError`], whose kind is one of the core's
//! [`ErrorKind`]s (`auth`, `network`, `timeout`, ...).

pub use crate::codes::ErrorKind;

/// A classified failure talking to Jira.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct JiraError {
    /// One of the Jira kinds of [`ErrorKind`] (`auth` .. `ip_not_allowed`).
    pub kind: ErrorKind,
    pub message: String,
    /// Jira answered 401 to the credentials (not a CAPTCHA, not a silent downgrade):
    /// the one case where the other base (site or gateway) is worth one try.
    pub(super) rejected_credentials: bool,
    /// What the server said, escaped and cut (`http::body_text`), for messages that
    /// combine several answers.
    pub(super) said: Option<String>,
}

impl JiraError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            rejected_credentials: false,
            said: None,
        }
    }
}
