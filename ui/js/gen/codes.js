// @ts-check
// Generated from Rust by src-tauri/src/contract_tests.rs (make gen): do not edit.

/** Every application, in the order the UI offers them (Application::ALL).
 *  @type {ReadonlyArray<import('./Application').Application>} */
export const APPLICATIONS = Object.freeze(["jira","jira-admin","jsm"]);

/** The purposes an audit checks for, in the order the UI offers them.
 *  @type {ReadonlyArray<import('./AuditPurpose').AuditPurpose>} */
export const AUDIT_PURPOSES = Object.freeze(["backup","restore","all"]);

/** The export formats, in the order the UI offers them.
 *  @type {ReadonlyArray<import('./Format').Format>} */
export const EXPORT_FORMATS = Object.freeze(["csv","json","md","ics"]);

/** @typedef {"name" | "description" | "application" | "host" | "email" | "token" | "expires"} ProfileField A profile's field (Field::PROFILE). */

/** A profile's fields, in the form's order (Field::PROFILE).
 *  @type {ReadonlyArray<ProfileField>} */
export const PROFILE_FIELDS = Object.freeze(["name","description","application","host","email","token","expires"]);

/** A profile's states, most serious first (ProfileState::ALL).
 *  @type {ReadonlyArray<import('./ProfileState').ProfileState>} */
export const PROFILE_STATES = Object.freeze(["token_missing","token_rejected","token_blocked","permissions_missing","unreachable","expired","expiring","ok"]);
