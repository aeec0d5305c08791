// The commands the UI may call, declared once: each entry's arguments (Rust names in
// snake_case; Tauri expects them from the UI in camelCase, `run_id` as `runId`) and
// answer are the command's signature. From this list:
// - build.rs includes it to declare the commands to Tauri's permission system;
// - lib.rs generates the `#[tauri::command]` entry points (calling `commands::<name>`
//   with exactly these arguments, so the compiler holds the list to the code), registers
//   them and, in tests, derives the TypeScript schema `schema::Commands`;
// - `make gen` (contract_tests.rs) writes `capabilities/default.json` and
//   `ui/js/gen/commands.ts` (ts-rs's export of that schema) from it; `ui/js/api.js`'s
//   `call(name, args)` and the UI tests' fake backend are type-checked against the latter.
// ARCHITECTURE.md, "How to add a command", has the steps.
commands! {
    /// Every profile, most urgent expiry first.
    list_profiles() -> Vec<ProfileView>;
    /// One profile by id.
    get_profile(id: String) -> ProfileView;
    /// Creates a profile; the token goes to the OS keyring.
    create_profile(draft: Draft) -> Saved;
    /// Changes a profile; a null or empty token keeps the stored one.
    update_profile(id: String, draft: Draft) -> Saved;
    /// Deletes profiles and their tokens; answers how many were deleted.
    delete_profiles(ids: Vec<String>) -> usize;
    /// Validates without saving; answers the warnings, rejects with the field errors.
    /// `id` names the profile being edited.
    validate_profile(draft: Draft, id: Option<String>) -> Vec<FieldError>;
    /// The permission requirements, the advice beyond them and the token scopes.
    requirements() -> RequirementsView;
    get_settings() -> Settings;
    save_settings(settings: Settings) -> Settings;
    /// The OS locale, e.g. "ja-JP".
    os_locale() -> String;
    /// Opens an allow-listed link (Atlassian's token page, a profile host's admin pages).
    open_external(url: String) -> ();
    /// Audits a saved profile with its stored token, against its own host and email.
    audit_profile(id: String, run_id: String, purpose: AuditPurpose) -> AuditReport;
    /// Audits unsaved form values. Without a token in the draft, `id` names the saved
    /// profile whose stored token is used (only ever with that profile's host and email).
    test_connection(draft: Draft, run_id: String, purpose: AuditPurpose, id: Option<String>) -> AuditReport;
    /// Cancels a running audit.
    cancel_audit(run_id: String) -> ();
    /// Asks where to save with the native dialog and writes the export there; the page
    /// never names a path. Null when the dialog was cancelled.
    export_profiles(format: Format, with_audit: bool) -> Option<Exported>;
    /// Asks for a file with the native dialog and previews its import, writing nothing.
    /// Null when the dialog was cancelled.
    import_open() -> Option<ImportPreview>;
    /// Imports, all or nothing, what the preview with this one-shot handle showed.
    import_apply(handle: String) -> ImportReport;
    /// What a rotation of this profile involves: the token page, the label and expiry
    /// to choose, the old token's verdict to match.
    rotation_plan(id: String) -> RotationPlan;
    /// Verifies and audits the new token (a task cancellable by `run_id`, with progress
    /// events), then swaps it in, or answers why not; the old token stays until then.
    rotate_token(id: String, run_id: String, input: RotateRequest) -> RotationOutcome;
    /// Records whether the old token of the last rotation was revoked.
    mark_old_token_revoked(id: String, revoked: bool) -> ProfileView;
    /// The linked Atlassian organisation, if any.
    org_status() -> Option<OrgView>;
    /// Links the organisation: its id, its admin API key (to the keyring) and the key's expiry.
    org_link(draft: OrgDraft) -> OrgView;
    /// Unlinks the organisation; answers whether one was linked.
    org_unlink() -> bool;
    /// Reads the organisation's API tokens (read-only) and records what they say on the
    /// profiles; a task cancellable by `run_id` (`cancel_audit`).
    org_sync(run_id: String) -> OrgSync;
    /// The gateway's origin when it is not Atlassian's own (`CONNKEEPER_GATEWAY_URL`):
    /// where tokens with scopes, classic tokens after a 401 and the organisation key go.
    /// Null for Atlassian's gateway.
    gateway_notice() -> Option<String>;
    /// Takes Atlassian's expiry (the date the last sync reported) for a profile.
    accept_atlassian_expiry(id: String, expires: String) -> ProfileView;
    /// The app's version, e.g. "0.1.0".
    app_version() -> String;
}
