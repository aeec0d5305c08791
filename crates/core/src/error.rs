//! The core's error type and the typed shape errors take at the UI boundary.

use serde::Serialize;

use crate::jira::JiraError;
use crate::secrets::SecretError;
use crate::store::StoreError;
use crate::validate::FieldError;

/// Everything a profile operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more fields are invalid; nothing was changed.
    #[error("{}", summarize(.0))]
    Validation(Vec<FieldError>),
    /// No profile has this name or id.
    #[error("no profile named \"{0}\"; `connkeeper profile list` shows the names")]
    NotFound(String),
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A file to import cannot be read or is not in a known format.
    #[error("{0}")]
    BadFile(String),
    /// Talking to Jira failed (the kind says how).
    #[error(transparent)]
    Jira(#[from] JiraError),
    /// The profile has no token in the keyring.
    #[error("no API token is stored for \"{name}\"; edit the profile and enter one")]
    TokenMissing { name: String },
    /// The token would go to a host outside Atlassian's domains that the user has not
    /// confirmed yet; nothing was sent.
    #[error("{host} is not an Atlassian Cloud site (*.atlassian.net); ConnKeeper sends an API token there only after you confirm it is your Jira site. Nothing was sent")]
    ConfirmationRequired { host: String },
    /// The user cancelled (a dialog, Ctrl-C, the audit's Cancel button).
    #[error("{0}")]
    Cancelled(String),
    /// A setting is out of range; nothing was saved.
    #[error("invalid settings: {0}")]
    InvalidSettings(String),
}

impl From<crate::settings::SettingsError> for Error {
    fn from(e: crate::settings::SettingsError) -> Self {
        match e {
            crate::settings::SettingsError::Invalid(m) => Error::InvalidSettings(m),
            crate::settings::SettingsError::Store(s) => Error::Store(s),
        }
    }
}

fn summarize(errors: &[FieldError]) -> String {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    format!("invalid profile: {}", lines.join("; "))
}

impl Error {
    /// A stable machine code the UI and scripts branch on.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Validation(_) | Error::InvalidSettings(_) => "validation",
            Error::NotFound(_) => "not_found",
            Error::Secret(SecretError::Unavailable { .. }) => "keyring_unavailable",
            Error::Secret(SecretError::Refused { .. }) => "keyring_refused",
            Error::Store(StoreError::Locked { .. }) => "store_locked",
            Error::Store(_) => "store",
            Error::BadFile(_) => "bad_file",
            Error::Jira(e) => e.kind.code(),
            Error::TokenMissing { .. } => "token_missing",
            Error::ConfirmationRequired { .. } => "confirmation_required",
            Error::Cancelled(_) => "cancelled",
        }
    }

    /// The field errors, for a validation error; empty otherwise.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Validation(f) => f,
            _ => &[],
        }
    }

    /// The typed JSON shape for the UI: `{kind, message, fields}`.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            kind: self.kind().to_owned(),
            message: self.to_string(),
            fields: self.fields().to_vec(),
        }
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct ErrorPayload {
    pub kind: String,
    pub message: String,
    pub fields: Vec<FieldError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Field;

    #[test]
    fn payload_json_shape_is_pinned() {
        let e = Error::Validation(vec![FieldError {
            field: Field::Host,
            code: "port".into(),
            message: "Remove the port :8080.".into(),
        }]);
        let json = serde_json::to_value(e.payload()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "kind": "validation",
                "message": "invalid profile: Host URL: Remove the port :8080.",
                "fields": [{"field": "host", "code": "port", "message": "Remove the port :8080."}]
            })
        );
    }
}
