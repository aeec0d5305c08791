//! What the desktop commands answer that no other module defines: plain data for a UI,
//! with no knowledge of Tauri. (Profiles, reports and errors are defined where they live.)

use serde::Serialize;

use crate::import::ImportReport;
use crate::jira::Progress;
use crate::requirements::{Advice, CallScopes, Requirement, ADVICE, AUDIT_SCOPES, REQUIREMENTS};

/// Where an export was written (shown to the user; the page never names a path).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exported {
    pub path: String,
    pub count: usize,
}

/// A file chosen for import: what importing it would do, and the one-shot handle that
/// applies exactly this content.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ImportPreview {
    pub handle: String,
    pub path: String,
    pub report: ImportReport,
}

/// What the help panel explains: the permission table, the advice beyond it and the
/// scopes a token with scopes needs.
#[derive(Debug, Clone, Copy, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequirementsView {
    pub permissions: &'static [Requirement],
    pub advice: &'static [Advice],
    pub scopes: &'static [CallScopes],
}

impl RequirementsView {
    /// The one table of [`crate::requirements`].
    pub const CURRENT: RequirementsView = RequirementsView {
        permissions: REQUIREMENTS,
        advice: ADVICE,
        scopes: AUDIT_SCOPES,
    };
}

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
