//! What the desktop app tells its page unasked: the events' names and payloads.

use serde::Serialize;

use crate::jira::Progress;

/// The `audit-progress` event: which run, and where it is.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProgressEvent {
    pub run_id: String,
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(flatten))]
    pub progress: Progress,
}

/// The name of the audit progress event.
pub const AUDIT_PROGRESS_EVENT: &str = "audit-progress";
/// The name of the event asking the UI to open a profile's edit form (its payload: the id).
pub const OPEN_PROFILE_EVENT: &str = "open-profile";

/// The event asking the UI to start a rotation of a profile's token; its payload is the id.
pub const OPEN_ROTATION_EVENT: &str = "open-rotation";
