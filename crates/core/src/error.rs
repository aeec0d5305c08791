//! The core's error type and the typed shape errors take at the UI boundary.

use serde::Serialize;

pub use crate::codes::ErrorKind;
use crate::jira::JiraError;
use crate::secrets::SecretError;
use crate::store::StoreError;
use crate::validate::FieldError;

/// Everything a profile operation can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more fields of a profile (or of a date sent for one) are invalid; nothing
    /// was changed.
    #[error("{}", summarize("invalid profile", .0))]
    Validation(Vec<FieldError>),
    /// One or more fields of the organisation form (id, API key, key expiry) are
    /// invalid; nothing was changed.
    #[error("{}", summarize("invalid organisation", .0))]
    OrgValidation(Vec<FieldError>),
    /// No profile has this name or id.
    #[error(
        "no profile is named \"{name_or_id}\" or has that id; the profile list shows the names"
    )]
    ProfileNotFound { name_or_id: String },
    /// Text that should be a profile id is not one.
    #[error("\"{0}\" is not a profile id")]
    InvalidId(String),
    /// No Atlassian organisation is linked.
    #[error(
        "no Atlassian organisation is linked; link one with its organisation id and API key first"
    )]
    OrgNotLinked,
    /// The organisation is linked but its API key is not in the keyring.
    #[error(
        "no API key is stored for organisation {org_id}; link the organisation again with its key"
    )]
    OrgKeyMissing { org_id: String },
    /// The organisation lists no such API token for the profile's account.
    #[error("Atlassian lists no API token {token_id} for {email}; sync the organisation to see its tokens")]
    OrgTokenNotFound { token_id: String, email: String },
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
    /// The keyring item is not bound to what the profile (or organisation) names now:
    /// another host or email, or another kind of secret. Nothing was sent.
    #[error("the API token stored for \"{name}\" was saved for another site or account than the profile names now ({host}); the profile data was changed outside ConnKeeper, so nothing was sent. Enter the token again for this profile if {host} is really its site")]
    TokenBindingMismatch { name: String, host: String },
    /// The token would go to a host outside Atlassian's domains that the user has not
    /// confirmed yet; nothing was sent.
    #[error("{host} is not an Atlassian Cloud site (*.atlassian.net); ConnKeeper sends an API token there only after you confirm it is your Jira site. Nothing was sent")]
    ConfirmationRequired { host: String },
    /// The user cancelled (a dialog, Ctrl-C, the audit's Cancel button).
    #[error("{0}")]
    Cancelled(String),
    /// What the request rests on changed meanwhile (the profile was edited, a sync is
    /// stale) or forbids it (the token is the one in use); nothing changed. The message
    /// says what to do.
    #[error("{0}")]
    Conflict(String),
    /// A setting is out of range; nothing was saved.
    #[error("invalid settings: {0}")]
    InvalidSettings(String),
    /// The previewed import behind a one-shot handle was applied or replaced already.
    #[error("This import is no longer pending; choose the file again.")]
    ImportNotPending,
    /// A link outside the allow-list of [`crate::links`].
    #[error("ConnKeeper only opens Atlassian's API token page and your sites' admin pages.")]
    LinkRefused,
    /// A fault of ConnKeeper itself (a background task that panicked, a dialog that failed).
    #[error("{0}")]
    Internal(String),
}

impl From<crate::settings::SettingsError> for Error {
    fn from(e: crate::settings::SettingsError) -> Self {
        match e {
            crate::settings::SettingsError::Invalid(m) => Error::InvalidSettings(m),
            crate::settings::SettingsError::Store(s) => Error::Store(s),
        }
    }
}

fn summarize(what: &str, errors: &[FieldError]) -> String {
    format!("{what}: {}", crate::validate::sentences(errors))
}

impl Error {
    /// A stable machine code the UI and scripts branch on.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Validation(_) | Error::OrgValidation(_) => ErrorKind::Validation,
            Error::InvalidSettings(_) => ErrorKind::InvalidSettings,
            Error::ProfileNotFound { .. } => ErrorKind::ProfileNotFound,
            Error::InvalidId(_) => ErrorKind::InvalidId,
            Error::OrgNotLinked => ErrorKind::OrgNotLinked,
            Error::OrgKeyMissing { .. } => ErrorKind::OrgKeyMissing,
            Error::OrgTokenNotFound { .. } => ErrorKind::OrgTokenNotFound,
            Error::ImportNotPending => ErrorKind::ImportNotPending,
            Error::Secret(SecretError::Unavailable { .. }) => ErrorKind::KeyringUnavailable,
            Error::Secret(SecretError::Refused { .. }) => ErrorKind::KeyringRefused,
            Error::Store(StoreError::Locked { .. }) => ErrorKind::StoreLocked,
            Error::Store(_) => ErrorKind::Store,
            Error::BadFile(_) => ErrorKind::BadFile,
            Error::Jira(e) => e.kind,
            Error::TokenMissing { .. } => ErrorKind::TokenMissing,
            Error::TokenBindingMismatch { .. } => ErrorKind::TokenBindingMismatch,
            Error::ConfirmationRequired { .. } => ErrorKind::ConfirmationRequired,
            Error::Cancelled(_) => ErrorKind::Cancelled,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::LinkRefused => ErrorKind::LinkRefused,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// The field errors, for a validation error; empty otherwise.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            Error::Validation(f) | Error::OrgValidation(f) => f,
            _ => &[],
        }
    }

    /// The typed JSON shape for the UI: `{kind, message, fields}`.
    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            kind: self.kind(),
            message: self.to_string(),
            fields: self.fields().to_vec(),
        }
    }
}

/// An error as the UI receives it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ErrorPayload {
    pub kind: ErrorKind,
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
            code: crate::validate::FieldCode::Port,
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
