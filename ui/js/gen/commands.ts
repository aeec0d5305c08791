// Generated from src-tauri/src/command_list.rs by src-tauri/src/contract_tests.rs (make gen): do not edit.
import type { AuditPurpose } from "./AuditPurpose";
import type { AuditReport } from "./AuditReport";
import type { Draft } from "./Draft";
import type { Exported } from "./Exported";
import type { FieldError } from "./FieldError";
import type { Format } from "./Format";
import type { ImportPreview } from "./ImportPreview";
import type { ImportReport } from "./ImportReport";
import type { OrgDraft } from "./OrgDraft";
import type { OrgSync } from "./OrgSync";
import type { OrgView } from "./OrgView";
import type { ProfileView } from "./ProfileView";
import type { RequirementsView } from "./RequirementsView";
import type { RotateRequest } from "./RotateRequest";
import type { RotationOutcome } from "./RotationOutcome";
import type { RotationPlan } from "./RotationPlan";
import type { Saved } from "./Saved";
import type { Settings } from "./Settings";

/** Every command the UI may call: its arguments as the UI passes them, and its answer. */
export type Commands = {
  /** Every profile, most urgent expiry first. */
  list_profiles: { args: Record<string, never>; ok: Array<ProfileView> };
  /** One profile by id. */
  get_profile: { args: { id: string }; ok: ProfileView };
  /** Creates a profile; the token goes to the OS keyring. */
  create_profile: { args: { draft: Draft }; ok: Saved };
  /** Changes a profile; a null or empty token keeps the stored one. */
  update_profile: { args: { id: string; draft: Draft }; ok: Saved };
  /** Deletes profiles and their tokens; answers how many were deleted. */
  delete_profiles: { args: { ids: Array<string> }; ok: number };
  /** Validates without saving; answers the warnings, rejects with the field errors. `id` names the profile being edited. */
  validate_profile: { args: { draft: Draft; id?: string | null }; ok: Array<FieldError> };
  /** The permission requirements, the advice beyond them and the token scopes. */
  requirements: { args: Record<string, never>; ok: RequirementsView };
  get_settings: { args: Record<string, never>; ok: Settings };
  save_settings: { args: { settings: Settings }; ok: Settings };
  /** The OS locale, e.g. "ja-JP". */
  os_locale: { args: Record<string, never>; ok: string };
  /** Opens an allow-listed link (Atlassian's token page, a profile host's admin pages). */
  open_external: { args: { url: string }; ok: null };
  /** Audits a saved profile with its stored token, against its own host and email. */
  audit_profile: { args: { id: string; runId: string; purpose: AuditPurpose }; ok: AuditReport };
  /** Audits unsaved form values. Without a token in the draft, `id` names the saved profile whose stored token is used (only ever with that profile's host and email). */
  test_connection: { args: { draft: Draft; runId: string; purpose: AuditPurpose; id?: string | null }; ok: AuditReport };
  /** Cancels a running audit. */
  cancel_audit: { args: { runId: string }; ok: null };
  /** Asks where to save with the native dialog and writes the export there; the page never names a path. Null when the dialog was cancelled. */
  export_profiles: { args: { format: Format; withAudit: boolean }; ok: Exported | null };
  /** Asks for a file with the native dialog and previews its import, writing nothing. Null when the dialog was cancelled. */
  import_open: { args: Record<string, never>; ok: ImportPreview | null };
  /** Imports, all or nothing, what the preview with this one-shot handle showed. */
  import_apply: { args: { handle: string }; ok: ImportReport };
  /** What a rotation of this profile involves: the token page, the label and expiry to choose, the old token's verdict to match. */
  rotation_plan: { args: { id: string }; ok: RotationPlan };
  /** Verifies and audits the new token (a task cancellable by `run_id`, with progress events), then swaps it in, or answers why not; the old token stays until then. */
  rotate_token: { args: { id: string; runId: string; input: RotateRequest }; ok: RotationOutcome };
  /** Records whether the old token of the last rotation was revoked. */
  mark_old_token_revoked: { args: { id: string; revoked: boolean }; ok: ProfileView };
  /** The linked Atlassian organisation, if any. */
  org_status: { args: Record<string, never>; ok: OrgView | null };
  /** Links the organisation: its id, its admin API key (to the keyring) and the key's expiry. */
  org_link: { args: { draft: OrgDraft }; ok: OrgView };
  /** Unlinks the organisation; answers whether one was linked. */
  org_unlink: { args: Record<string, never>; ok: boolean };
  /** Reads the organisation's API tokens (read-only) and records what they say on the profiles; a task cancellable by `run_id` (`cancel_audit`). */
  org_sync: { args: { runId: string }; ok: OrgSync };
  /** The gateway's origin when it is not Atlassian's own (`CONNKEEPER_GATEWAY_URL`): where tokens with scopes, classic tokens after a 401 and the organisation key go. Null for Atlassian's gateway. */
  gateway_notice: { args: Record<string, never>; ok: string | null };
  /** Takes Atlassian's expiry (the date the last sync reported) for a profile. */
  accept_atlassian_expiry: { args: { id: string; expires: string }; ok: ProfileView };
};
