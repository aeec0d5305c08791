//! What crosses the IPC boundary that the core does not already define: the progress
//! event. (Drafts arrive as `connkeeper_core::validate::Draft`; the token never leaves.)

use connkeeper_core::jira::Progress;
use serde::Serialize;

/// The `audit-progress` event.
#[derive(Debug, Clone, Serialize)]
pub struct ProgressEvent {
    pub run_id: String,
    #[serde(flatten)]
    pub progress: Progress,
}

/// The audit progress event.
pub const AUDIT_PROGRESS_EVENT: &str = "audit-progress";
