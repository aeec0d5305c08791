// @ts-check
// Generated from Rust by src-tauri/src/contract_tests.rs (make gen): do not edit.

/** The settings a fresh install starts with (Settings::default()).
 *  @type {Readonly<import('./Settings').Settings>} */
export const DEFAULT_SETTINGS = Object.freeze({
  "language": "auto",
  "notifications": true,
  "thresholds": [
    30,
    14,
    7,
    3,
    1,
    0
  ],
  "working_day_shift": false,
  "start_at_login": false,
  "token_validity_days": 365,
  "unused_warning_days": 7
});

/** The audit progress event; its payload is a ProgressEvent. */
export const AUDIT_PROGRESS_EVENT = "audit-progress";
/** The event asking the UI to open a profile's edit form; its payload is the id. */
export const OPEN_PROFILE_EVENT = "open-profile";
/** The event asking the UI to start a profile's token rotation; its payload is the id. */
export const OPEN_ROTATION_EVENT = "open-rotation";
