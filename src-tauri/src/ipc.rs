//! What crosses the IPC boundary that the core does not already define: the draft as
//! the form sends it, and the progress event. The token arrives here and never leaves.

use connkeeper_core::jira::Progress;
use connkeeper_core::validate::Draft;
use connkeeper_core::SecretString;
use serde::{Deserialize, Serialize};

/// The form's values. `token` is only ever sent UI -> Rust.
#[derive(Deserialize)]
pub struct DraftIn {
    pub name: String,
    pub description: Option<String>,
    pub application: String,
    pub host: String,
    pub email: String,
    pub token: Option<SecretString>,
    pub expires: String,
}

impl std::fmt::Debug for DraftIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DraftIn")
            .field("name", &self.name)
            .field("host", &self.host)
            .finish_non_exhaustive()
    }
}

impl From<DraftIn> for Draft {
    fn from(d: DraftIn) -> Self {
        Draft {
            name: d.name,
            description: d.description,
            application: d.application,
            host: d.host,
            email: d.email,
            token: d.token,
            expires: d.expires,
        }
    }
}

/// The `audit-progress` event.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressEvent {
    pub run_id: String,
    #[serde(flatten)]
    pub progress: Progress,
}

/// The audit progress event.
pub const AUDIT_PROGRESS_EVENT: &str = "audit-progress";
