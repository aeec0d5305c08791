// @ts-check
// The only module that knows the desktop app's command names. Every function wraps one
// Tauri command; errors reject with the typed shape {kind, message, fields}.
// The UI tests replace window.__TAURI__ with an in-page fake that keeps this contract.

/**
 * @typedef {'jira'|'jira-admin'|'jsm'} Application
 * @typedef {{field: string, code: string, message: string}} FieldError
 * @typedef {{kind: string, message: string, fields: FieldError[]}} CommandError
 * @typedef {{at: string, purpose: string, ok: boolean, backup_ok: boolean, restore_ok: boolean,
 *   missing_global: string[], projects_total: number, projects_with_gaps: number,
 *   coverage_complete: boolean, warnings: number}} AuditSummary
 * @typedef {{id: string, name: string, description: string|null, application: Application,
 *   host: string, email: string, expires: string, days_left: number,
 *   status: 'expired'|'expiring'|'ok', token_stored: boolean, token_kind: 'classic'|'scoped'|null, host_confirmed: boolean, created_at: string,
 *   updated_at: string, last_audit: AuditSummary|null}} Profile
 * @typedef {{name: string, description: string|null, application: string, host: string,
 *   email: string, token: string|null, expires: string}} Draft
 *   `token` null or "" keeps the stored token on update.
 * @typedef {{profile: Profile, warnings: FieldError[]}} Saved
 * @typedef {{key: string, name: string, scope: 'global'|'project', required_for: string[],
 *   why: string, fix: string, project_types: string[], applications: Application[]}} Requirement
 * @typedef {{key: string, name: string, purpose: string, code: string, why: string}} Advice
 * @typedef {{call: string, path: string, classic: string[], granular: string[], granular_only: boolean, applications: Application[]}} CallScopes
 * @typedef {{permissions: Requirement[], advice: Advice[], scopes: CallScopes[]}} RequirementsView
 * @typedef {{key: string, name: string, required_for: string[]}} Missing
 * @typedef {{host: string, application: Application, purpose: 'backup'|'restore'|'all', token_kind: 'classic'|'scoped',
 *   account: {account_id: string, display_name: string|null, email: string|null, account_type: string|null, active: boolean,
 *     service_account: boolean, products: string[]|null},
 *   ok: boolean, backup_ok: boolean, restore_ok: boolean,
 *   global: {key: string, name: string, required_for: string[], granted: boolean, why: string, fix_url: string}[],
 *   projects: {id: number, key: string, name: string, type: string, team_managed: boolean, missing: Missing[], fix_url: string}[],
 *   archived_projects: {id: number, key: string, name: string}[],
 *   coverage: {projects_total: number, projects_ok_backup: number, projects_ok_restore: number, complete: boolean},
 *   service_desks: number|null, software_access: boolean, warnings: {code: string, message: string}[],
 *   requests: number, duration_ms: number, finished_at: string}} AuditReport
 * @typedef {{run_id: string, phase: 'credentials'|'projects'|'permissions'|'done',
 *   scanned?: number, total?: number|null, checked?: number}} AuditProgress
 * @typedef {{language: 'auto'|'en'|'ja', notifications: boolean, thresholds: number[],
 *   working_day_shift: boolean, start_at_login: boolean}} Settings
 */

/** @returns {{core: {invoke: (cmd: string, args?: object) => Promise<any>}, event: {listen: (name: string, cb: (e: {payload: any}) => void) => Promise<() => void>}}} */
function tauri() {
  const t = /** @type {any} */ (window).__TAURI__;
  if (!t?.core?.invoke) throw new Error('ConnKeeper must run inside its desktop window');
  return t;
}

/** @param {string} cmd @param {object} [args] */
function call(cmd, args) {
  return tauri().core.invoke(cmd, args);
}

/** @returns {Promise<Profile[]>} every profile, most urgent expiry first */
export const listProfiles = () => call('list_profiles');
/** @param {string} id @returns {Promise<Profile>} */
export const getProfile = (id) => call('get_profile', { id });
/** @param {Draft} draft @returns {Promise<Saved>} */
export const createProfile = (draft) => call('create_profile', { draft });
/** @param {string} id @param {Draft} draft @returns {Promise<Saved>} */
export const updateProfile = (id, draft) => call('update_profile', { id, draft });
/** @param {string[]} ids @returns {Promise<number>} how many were deleted */
export const deleteProfiles = (ids) => call('delete_profiles', { ids });
/** Validates without saving. @param {Draft} draft @param {string|null} id the profile being edited
 *  @returns {Promise<FieldError[]>} warnings; rejects with kind "validation" and fields */
export const validateProfile = (draft, id) => call('validate_profile', { draft, id });
/** Audits a saved profile. @param {string} id @param {string} runId @param {'backup'|'restore'|'all'} purpose
 *  @returns {Promise<AuditReport>} */
export const auditProfile = (id, runId, purpose) => call('audit_profile', { id, runId, purpose });
/** Audits unsaved form values. Without a token in the draft, `id` names the saved profile
 *  whose stored token to use (editing the host or email before saving).
 *  @param {Draft} draft @param {string} runId @param {'backup'|'restore'|'all'} purpose
 *  @param {string|null} [id] @returns {Promise<AuditReport>} */
export const testConnection = (draft, runId, purpose, id = null) => call('test_connection', { draft, runId, purpose, id });
/** @param {string} runId */
export const cancelAudit = (runId) => call('cancel_audit', { runId });
/** Opens an allow-listed link (Atlassian token page, the profile host's admin pages) in the browser.
 *  @param {string} url */
export const openExternal = (url) => call('open_external', { url });
/** @returns {Promise<RequirementsView>} the permission requirements, advice and token scopes */
export const requirements = () => call('requirements');
/** @returns {Promise<Settings>} */
export const getSettings = () => call('get_settings');
/** @param {Settings} settings @returns {Promise<Settings>} */
export const saveSettings = (settings) => call('save_settings', { settings });
/** @returns {Promise<string>} the OS locale, e.g. "ja-JP" */
export const osLocale = () => call('os_locale');

/** @param {(p: AuditProgress) => void} cb @returns {Promise<() => void>} unlisten */
export const onAuditProgress = (cb) => tauri().event.listen('audit-progress', (e) => cb(e.payload));
/** Fired when the tray asks to open a profile's edit form. @param {(id: string) => void} cb */
export const onOpenProfile = (cb) => tauri().event.listen('open-profile', (e) => cb(e.payload));

/**
 * @typedef {'csv'|'json'|'md'|'ics'} ExportFormat
 * @typedef {{row: number, name: string, outcome: 'created'|'skipped'|'invalid', reason: string|null}} ImportRow
 * @typedef {{rows: ImportRow[], created: number, skipped: number, invalid: number, dry_run: boolean, applied: boolean}} ImportReport
 * @typedef {{handle: string, path: string, report: ImportReport}} ImportPreview
 */

/** Asks for a destination with the native save dialog and writes the export there (the page
 *  never names a path). @param {ExportFormat} format @param {boolean} withAudit
 *  @returns {Promise<{path: string, count: number}|null>} null when cancelled */
export const exportProfiles = (format, withAudit) => call('export_profiles', { format, withAudit });
/** Asks for a file with the native open dialog and previews its import, writing nothing.
 *  @returns {Promise<ImportPreview|null>} null when cancelled */
export const importOpen = () => call('import_open');
/** Imports, all or nothing, what the preview with this one-shot handle showed.
 *  @param {string} handle @returns {Promise<ImportReport>} */
export const importApply = (handle) => call('import_apply', { handle });
