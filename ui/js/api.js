// @ts-check
// The only module that talks to the desktop app. The views call its commands through
// `call(name, args)`: `tsc` checks each call's name, arguments and answer against
// ./gen/commands.ts, ts-rs's export of the command list (src-tauri/src/command_list.rs,
// make gen). Errors reject with the typed shape {kind, message, fields}.
// The UI tests replace window.__TAURI__ with an in-page fake typed by the same file.

import { AUDIT_PROGRESS_EVENT, OPEN_PROFILE_EVENT, OPEN_ROTATION_EVENT } from './gen/defaults.js';

/**
 * The types crossing from Rust, under the names the views use.
 * @typedef {import('./gen/commands').Commands} Commands
 * @typedef {import('./gen/Application').Application} Application
 * @typedef {import('./gen/FieldError').FieldError} FieldError
 * @typedef {import('./gen/ErrorPayload').ErrorPayload} CommandError
 * @typedef {import('./gen/ErrorKind').ErrorKind} ErrorKind
 * @typedef {import('./gen/AuditSummary').AuditSummary} AuditSummary
 * @typedef {import('./gen/ProfileView').ProfileView} Profile
 * @typedef {import('./gen/Draft').Draft} Draft `token` null or "" keeps the stored token on update.
 * @typedef {import('./gen/Saved').Saved} Saved
 * @typedef {import('./gen/Requirement').Requirement} Requirement
 * @typedef {import('./gen/RequirementsView').RequirementsView} RequirementsView
 * @typedef {import('./gen/AuditReport').AuditReport} AuditReport
 * @typedef {import('./gen/AuditPurpose').AuditPurpose} AuditPurpose
 * @typedef {import('./gen/ProgressEvent').ProgressEvent} AuditProgress
 * @typedef {import('./gen/Settings').Settings} Settings
 * @typedef {import('./gen/Format').Format} ExportFormat
 * @typedef {import('./gen/Exported').Exported} Exported
 * @typedef {import('./gen/ImportReport').ImportReport} ImportReport
 * @typedef {import('./gen/ImportPreview').ImportPreview} ImportPreview
 */

/** @returns {{core: {invoke: (cmd: string, args?: object) => Promise<any>}, event: {listen: (name: string, cb: (e: {payload: any}) => void) => Promise<() => void>}}} */
function tauri() {
  const t = /** @type {any} */ (window).__TAURI__;
  if (!t?.core?.invoke) throw new Error('ConnKeeper must run inside its desktop window');
  return t;
}

/**
 * Calls a command with exactly its declared arguments (camelCase, `{}` for none);
 * answers its declared type.
 * @template {keyof Commands} K
 * @param {K} cmd @param {Commands[K]['args']} args
 * @returns {Promise<Commands[K]['ok']>}
 */
export function call(cmd, args) {
  return tauri().core.invoke(cmd, args);
}

/** @param {(p: AuditProgress) => void} cb @returns {Promise<() => void>} unlisten */
export const onAuditProgress = (cb) => tauri().event.listen(AUDIT_PROGRESS_EVENT, (e) => cb(e.payload));
/** Fired when the tray asks to open a profile's edit form. @param {(id: string) => void} cb */
export const onOpenProfile = (cb) => tauri().event.listen(OPEN_PROFILE_EVENT, (e) => cb(e.payload));
/** Fired when the tray asks to rotate a profile's token. @param {(id: string) => void} cb */
export const onOpenRotation = (cb) => tauri().event.listen(OPEN_ROTATION_EVENT, (e) => cb(e.payload));
