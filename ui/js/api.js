// @ts-check
// The only module that knows the desktop app's command names. Every function wraps one
// Tauri command of src-tauri/src/command_list.rs; `tsc` checks each call's name,
// arguments and answer against ./gen/commands.ts, generated from that list and the
// Rust types (make gen). Errors reject with the typed shape {kind, message, fields}.
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
 * Calls a command with exactly its declared arguments; answers its declared type.
 * @template {keyof Commands} K
 * @param {K} cmd @param {Commands[K]['args']} args
 * @returns {Promise<Commands[K]['ok']>}
 */
function call(cmd, args) {
  return tauri().core.invoke(cmd, args);
}

/** Every profile, most urgent expiry first. */
export const listProfiles = () => call('list_profiles', {});
/** @param {string} id */
export const getProfile = (id) => call('get_profile', { id });
/** @param {Draft} draft */
export const createProfile = (draft) => call('create_profile', { draft });
/** @param {string} id @param {Draft} draft */
export const updateProfile = (id, draft) => call('update_profile', { id, draft });
/** @param {string[]} ids answers how many were deleted */
export const deleteProfiles = (ids) => call('delete_profiles', { ids });
/** Validates without saving: answers the warnings; rejects with kind "validation" and
 *  fields. @param {Draft} draft @param {string|null} id the profile being edited */
export const validateProfile = (draft, id) => call('validate_profile', { draft, id });
/** Audits a saved profile. @param {string} id @param {string} runId @param {AuditPurpose} purpose */
export const auditProfile = (id, runId, purpose) => call('audit_profile', { id, runId, purpose });
/** Audits unsaved form values. Without a token in the draft, `id` names the saved profile
 *  whose stored token to use (editing the host or email before saving).
 *  @param {Draft} draft @param {string} runId @param {AuditPurpose} purpose @param {string|null} [id] */
export const testConnection = (draft, runId, purpose, id = null) => call('test_connection', { draft, runId, purpose, id });
/** @param {string} runId */
export const cancelAudit = (runId) => call('cancel_audit', { runId });
/** Opens an allow-listed link (Atlassian token page, the profile host's admin pages) in the browser.
 *  @param {string} url */
export const openExternal = (url) => call('open_external', { url });
/** The permission requirements, advice and token scopes. */
export const requirements = () => call('requirements', {});
export const getSettings = () => call('get_settings', {});
/** @param {Settings} settings */
export const saveSettings = (settings) => call('save_settings', { settings });
/** The gateway's origin when scoped tokens and the organisation key go somewhere other
 *  than Atlassian's own https://api.atlassian.com, else null. */
export const gatewayNotice = () => call('gateway_notice', {});
/** The OS locale, e.g. "ja-JP". */
export const osLocale = () => call('os_locale', {});
/** Asks for a destination with the native save dialog and writes the export there (the
 *  page never names a path); null when cancelled. @param {ExportFormat} format @param {boolean} withAudit */
export const exportProfiles = (format, withAudit) => call('export_profiles', { format, withAudit });
/** Asks for a file with the native open dialog and previews its import, writing nothing;
 *  null when cancelled. */
export const importOpen = () => call('import_open', {});
/** Imports, all or nothing, what the preview with this one-shot handle showed.
 *  @param {string} handle */
export const importApply = (handle) => call('import_apply', { handle });

/** What a rotation of this profile involves. @param {string} id */
export const rotationPlan = (id) => call('rotation_plan', { id });
/** Verifies and audits the new token, then swaps it in or answers why not (progress
 *  events carry `runId`; cancelAudit(runId) cancels). @param {string} id @param {string} runId
 *  @param {import('./gen/RotateRequest').RotateRequest} input */
export const rotateToken = (id, runId, input) => call('rotate_token', { id, runId, input });
/** @param {string} id @param {boolean} revoked */
export const markOldTokenRevoked = (id, revoked) => call('mark_old_token_revoked', { id, revoked });
/** The linked Atlassian organisation, or null. */
export const orgStatus = () => call('org_status', {});
/** @param {import('./gen/OrgDraft').OrgDraft} draft */
export const orgLink = (draft) => call('org_link', { draft });
export const orgUnlink = () => call('org_unlink', {});
/** Reads the organisation's API tokens (read-only at Atlassian); cancelAudit(runId)
 *  cancels it (the sync then rejects with kind "cancelled" and changes nothing).
 *  @param {string} runId */
export const orgSync = (runId) => call('org_sync', { runId });
/** Takes Atlassian's expiry for a profile. @param {string} id @param {string} expires */
export const acceptAtlassianExpiry = (id, expires) => call('accept_atlassian_expiry', { id, expires });

/** @param {(p: AuditProgress) => void} cb @returns {Promise<() => void>} unlisten */
export const onAuditProgress = (cb) => tauri().event.listen(AUDIT_PROGRESS_EVENT, (e) => cb(e.payload));
/** Fired when the tray asks to open a profile's edit form. @param {(id: string) => void} cb */
export const onOpenProfile = (cb) => tauri().event.listen(OPEN_PROFILE_EVENT, (e) => cb(e.payload));
/** Fired when the tray asks to rotate a profile's token. @param {(id: string) => void} cb */
export const onOpenRotation = (cb) => tauri().event.listen(OPEN_ROTATION_EVENT, (e) => cb(e.payload));
