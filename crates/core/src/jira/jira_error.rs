//! The client's classified failures: [`JiraError`] and its [`JiraErrorKind`].

use serde::{Deserialize, Serialize};

/// The class of a failure; scripts and the UI branch on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JiraErrorKind {
    Auth,
    Forbidden,
    NotFound,
    Network,
    Tls,
    Timeout,
    RateLimited,
    Server,
    InvalidResponse,
    /// A token with scopes lacks a scope the call needs.
    MissingScope,
    /// An admin blocked the account's API tokens (external users' API token access, or
    /// an authentication policy's "User API tokens" setting).
    TokenBlocked,
    /// The site's IP allowlist does not include the caller's address.
    IpNotAllowed,
}

impl JiraErrorKind {
    pub fn code(self) -> &'static str {
        match self {
            JiraErrorKind::Auth => "auth",
            JiraErrorKind::Forbidden => "forbidden",
            JiraErrorKind::NotFound => "not_found",
            JiraErrorKind::Network => "network",
            JiraErrorKind::Tls => "tls",
            JiraErrorKind::Timeout => "timeout",
            JiraErrorKind::RateLimited => "rate_limited",
            JiraErrorKind::Server => "server",
            JiraErrorKind::InvalidResponse => "invalid_response",
            JiraErrorKind::MissingScope => "missing_scope",
            JiraErrorKind::TokenBlocked => "token_blocked",
            JiraErrorKind::IpNotAllowed => "ip_not_allowed",
        }
    }
}

/// A classified failure talking to Jira.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct JiraError {
    pub kind: JiraErrorKind,
    pub message: String,
    /// Jira answered 401 to the credentials (not a CAPTCHA, not a silent downgrade):
    /// the one case where the other base (site or gateway) is worth one try.
    pub(super) rejected_credentials: bool,
    /// What the server said, escaped and cut (`http::body_text`), for messages that
    /// combine several answers.
    pub(super) said: Option<String>,
}

impl JiraError {
    pub fn new(kind: JiraErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            rejected_credentials: false,
            said: None,
        }
    }
}
