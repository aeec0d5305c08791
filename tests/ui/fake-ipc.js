// @ts-check
// An in-page fake of the desktop app's commands, injected with page.addInitScript before
// the page's own scripts. It cannot drift from the app:
// - `tsc` checks it against ui/js/gen/commands.ts (generated from
//   src-tauri/src/command_list.rs and the Rust types): each command it answers, its
//   arguments, its answer and every error kind (a command it does not answer is refused
//   like an undeclared one, so a test of a view using it fails);
// - what Rust decides comes from tests/ui/gen/backend.json (make gen), injected before
//   this script as window.__CONTRACT__: the requirement table, the settings defaults,
//   the validation limits; its validation is a port of crates/core/src/validate.rs that
//   contract.test.js holds to the vectors the real validate() answered.
// It defines window.__TAURI__ = {core: {invoke}, event: {listen}} and keeps profiles,
// tokens (apart, like the OS keyring), settings and audits in memory. Seed it with
// window.__FAKE_SEED__ (an earlier init script) or ?seed=<JSON> in the page URL:
//   {profiles: [{name, application, host, email, days | expires, token_stored, description, last_audit}],
//    settings: {...}, settingsError, osLocale: 'ja-JP', appVersion: '1.2.3', gateway: 'https://gw.example' (gateway_notice; null by default),
//    audit: {projects, holdAt, error: {kind, message}, stepDelayMs, softwareAccess: false, softwareDenied: 403 | null},
//    org: {org_id, key_expires, tokens: {<profile name>: {...}}, skippedDomains: [{name, status}], holdSync: true},
//    exportPath: '/tmp/x.csv' | null, importPath: '/tmp/in.csv' | null, importRows: [...]}
// Tests read window.__FAKE__: calls (every invoke with its args and result), emit(event,
// payload), releaseAudit(), violations (CSP), validateDraft(draft, rules).
(() => {
  /**
   * @typedef {import('../../ui/js/gen/commands').Commands} Commands
   * @typedef {{[K in keyof Commands]?: (args: Commands[K]['args']) => Commands[K]['ok'] | Promise<Commands[K]['ok']>}} Handlers
   * @typedef {import('../../ui/js/gen/ErrorPayload').ErrorPayload} ErrorPayload
   * @typedef {import('../../ui/js/gen/ErrorKind').ErrorKind} ErrorKind
   * @typedef {import('../../ui/js/gen/FieldError').FieldError} FieldError
   * @typedef {import('../../ui/js/gen/Field').Field} Field
   * @typedef {import('../../ui/js/gen/FieldCode').FieldCode} FieldCode
   * @typedef {import('../../ui/js/gen/Draft').Draft} Draft
   * @typedef {import('../../ui/js/gen/ProfileView').ProfileView} ProfileView
   * @typedef {import('../../ui/js/gen/AuditReport').AuditReport} AuditReport
   * @typedef {import('../../ui/js/gen/AuditPurpose').AuditPurpose} AuditPurpose
   * @typedef {import('../../ui/js/gen/AuditSummary').AuditSummary} AuditSummary
   * @typedef {import('../../ui/js/gen/Application').Application} Application
   * @typedef {import('../../ui/js/gen/Requirement').Requirement} Requirement
   * @typedef {import('../../ui/js/gen/Settings').Settings} Settings
   * @typedef {import('../../ui/js/gen/ImportReport').ImportReport} ImportReport
   * @typedef {import('../../ui/js/gen/Warning').Warning} Warning
   * @typedef {import('../../ui/js/gen/ProgressEvent').ProgressEvent} ProgressEvent
   * @typedef {{name_max: number, description_max: number, token_min: number, token_max: number, max_token_lifetime_days: number}} Limits
   * @typedef {{commands: {name: string, args: {name: string, optional: boolean}[]}[], labels: Record<Field, string>,
   *   requirements: import('../../ui/js/gen/RequirementsView').RequirementsView, defaults: Settings, limits: Limits}} Contract
   * @typedef {{id: string, name: string, description: string|null, application: Application, host: string, email: string,
   *   expires: string, created_at: string, updated_at: string, last_audit: AuditSummary|null, token_kind: 'classic'|'scoped'|null,
   *   life?: {rotated_at: string|null, rotations: import('../../ui/js/gen/RotationRecord').RotationRecord[], old_token_revoked: boolean|null,
   *     expires_source: 'manual'|'atlassian', atlassian: import('../../ui/js/gen/OrgTokenInfo').OrgTokenInfo|null}}} Stored
   * @typedef {{today: string, mode: 'create'|'edit', stored_expires: string|null, other_names: string[],
   *   bound_to: {host: string, email: string}|null}} Rules
   * @typedef {{name: string, description: string|null, application: Application, host: string, email: string,
   *   token_given: boolean, expires: string, warnings: FieldError[]}} Valid
   */
  const w = /** @type {any} */ (window);
  /** @type {Contract} */
  const CONTRACT = w.__CONTRACT__;
  if (!CONTRACT) throw new Error('fake-ipc.js needs window.__CONTRACT__ (tests/ui/gen/backend.json)');
  const LIMITS = CONTRACT.limits;
  /** @type {any} */
  const seed = (() => {
    if (w.__FAKE_SEED__) return w.__FAKE_SEED__;
    try {
      const q = new URLSearchParams(location.search).get('seed');
      return q ? JSON.parse(q) : {};
    } catch { return {}; }
  })();

  // Dates as YYYY-MM-DD, computed in UTC so no time zone or DST shifts a day.
  const DAY = 86400000;
  /** @param {string} s @returns {number|null} ms at UTC midnight, or null for no such date */
  const parseIso = (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
    if (!m) return null;
    const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return new Date(t).getUTCDate() === Number(m[3]) && new Date(t).getUTCMonth() === Number(m[2]) - 1 ? t : null;
  };
  /** @param {number} t */
  const isoOf = (t) => new Date(t).toISOString().slice(0, 10);
  /** @param {string} iso @param {number} n */
  const plusDays = (iso, n) => isoOf(/** @type {number} */ (parseIso(iso)) + n * DAY);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  /** Today in the machine's local time, as the app counts expiry days. */
  const localToday = () => { const n = new Date(); return `${n.getFullYear()}-${pad(n.getMonth() + 1)}-${pad(n.getDate())}`; };
  /** @param {number} n */
  const addDays = (n) => plusDays(localToday(), n);
  /** @param {string} iso */
  const daysLeft = (iso) => Math.round((/** @type {number} */ (parseIso(iso)) - /** @type {number} */ (parseIso(localToday()))) / DAY);
  const byName = new Intl.Collator().compare;
  /** @template T @param {T} v @returns {T} */
  const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  let idSeq = 0;
  const newId = () => `p-${(++idSeq).toString().padStart(4, '0')}`;
  const nowIso = () => new Date().toISOString();

  /** @param {ErrorKind} kind @param {string} message @param {FieldError[]} [fields] @returns {ErrorPayload} */
  const fail = (kind, message, fields = []) => ({ kind, message, fields });

  // ---- Validation: a port of crates/core/src/validate.rs, held to backend.json's vectors.

  const EXAMPLE_HOST = 'https://your-sub-domain.atlassian.net';
  const EXAMPLE_EMAIL = 'e.g. backup-admin@example.com';
  /** @type {Record<Application, string>} */
  const APP_NAMES = { jira: 'Jira', 'jira-admin': 'Jira Admin Settings', jsm: 'Jira Service Management' };
  // Rust's char::is_whitespace (Unicode White_Space) and char::is_control (Cc).
  const WHITESPACE = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
  const CONTROL = /\p{Cc}/u;
  const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;
  const UUID = /^(?:urn:uuid:)?(?:[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\})$/i;
  /** Rust's str::trim: Unicode White_Space at both ends. @param {string} s */
  const trim = (s) => s.replace(new RegExp(`^${WHITESPACE.source}+|${WHITESPACE.source}+$`, 'g'), '');
  /** @param {string} s */
  const chars = (s) => [...s].length;
  /** @param {string} s */
  const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  /** @param {string} s */
  const shorten = (s) => (chars(s) <= 60 ? s : `${[...s].slice(0, 60).join('')}…`);

  /** @param {Field} field @param {FieldCode} code @param {string} message @returns {FieldError} */
  const fe = (field, code, message) => ({ field, code, message });

  /** @param {string} raw @param {string[]} others */
  function vName(raw, others) {
    const name = trim(raw);
    if (!name) return fe('name', 'required', 'Enter a profile name, e.g. "Acme backup".');
    const len = chars(name);
    if (len > LIMITS.name_max) return fe('name', 'too_long', `Use at most ${LIMITS.name_max} characters (this one has ${len}).`);
    if (CONTROL.test(name)) return fe('name', 'control_character', 'Remove line breaks, tabs and other control characters from the name.');
    if (BIDI.test(name)) return fe('name', 'bidi_control', 'Remove the invisible text-direction characters (U+202A to U+202E, U+2066 to U+2069) from the name; they can make it read differently than it is.');
    if (UUID.test(name)) return fe('name', 'looks_like_id', 'A name cannot be a profile id (a UUID); profiles are found by id first. Choose a readable name.');
    const folded = name.toLowerCase();
    if (others.some((o) => trim(o).toLowerCase() === folded)) return fe('name', 'duplicate', `A profile named "${name}" already exists; choose another name.`);
    return name;
  }

  /** @param {string|null} raw */
  function vDescription(raw) {
    const text = raw == null ? '' : trim(raw);
    if (!text) return null;
    const len = chars(text);
    if (len > LIMITS.description_max) return fe('description', 'too_long', `Use at most ${LIMITS.description_max} characters (this one has ${len}).`);
    if ([...text].some((c) => CONTROL.test(c) && c !== '\n' && c !== '\r' && c !== '\t')) {
      return fe('description', 'control_character', 'Remove control characters; line breaks and tabs are fine.');
    }
    return text.replaceAll('\r\n', '\n');
  }

  /** @param {string} raw @returns {Application|FieldError} */
  function vApplication(raw) {
    const t = trim(raw);
    if (!t) return fe('application', 'required', 'Choose the application: jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).');
    const found = /** @type {Application[]} */ (Object.keys(APP_NAMES)).find((a) => asciiLower(t) === a || asciiLower(t) === asciiLower(APP_NAMES[a]));
    return found ?? fe('application', 'invalid', `"${shorten(t)}" is not an application; choose jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).`);
  }

  /** @param {string} raw @returns {{host: string, warning: FieldError|null}|FieldError} */
  function vHost(raw) {
    const text = trim(raw);
    if (!text) return fe('host', 'required', `Enter your Jira site's address, e.g. ${EXAMPLE_HOST} (copy it from the browser's address bar).`);
    if (WHITESPACE.test(text)) return fe('host', 'invalid', `Remove the spaces; the address looks like ${EXAMPLE_HOST}.`);
    const withScheme = text.includes('://') ? text : `https://${text}`;
    /** @type {URL} */
    let url;
    try { url = new URL(withScheme); } catch { return fe('host', 'invalid', `"${shorten(text)}" is not a web address; use the form ${EXAMPLE_HOST}.`); }
    if (url.username || url.password) return fe('host', 'userinfo', 'Remove the user name or password from the address; the email and API token go in their own fields.');
    if (url.protocol === 'http:') return fe('host', 'insecure_scheme', `Use https://; Jira Cloud is only reached over HTTPS (${EXAMPLE_HOST}).`);
    if (url.protocol !== 'https:') return fe('host', 'unsupported_scheme', `"${url.protocol}" is not supported; use an https:// address like ${EXAMPLE_HOST}.`);
    if (url.port) return fe('host', 'port', `Remove the port :${url.port}; Jira Cloud answers on the standard HTTPS port.`);
    if (url.hostname.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(url.hostname)) {
      return fe('host', 'ip_address', `Use the site's name, not an IP address, e.g. ${EXAMPLE_HOST}.`);
    }
    const domain = url.hostname.replace(/\.+$/, '');
    const labelsOk = domain.split('.').every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-') && /^[A-Za-z0-9-]+$/.test(l));
    if (domain.length > 253 || !labelsOk || !domain.includes('.')) {
      return fe('host', 'invalid', `"${shorten(domain)}" is not a valid site name; use the form ${EXAMPLE_HOST}.`);
    }
    const atlassian = domain.endsWith('.atlassian.net');
    if (atlassian && domain.split('.').some((l) => l.startsWith('xn--'))) {
      return fe('host', 'invalid', `Atlassian site names use only letters, digits and hyphens; use the form ${EXAMPLE_HOST}.`);
    }
    const warning = atlassian ? null : fe('host', 'custom_domain', `${domain} is not an *.atlassian.net site; fine for a custom domain, otherwise check the address.`);
    return { host: `https://${domain}`, warning };
  }

  /** @param {string} raw */
  function vEmail(raw) {
    const email = trim(raw);
    if (!email) return fe('email', 'required', `Enter the email of the Jira account that owns the API token (${EXAMPLE_EMAIL}).`);
    const bad = (/** @type {string} */ why) => fe('email', 'invalid', `"${shorten(email)}" is not an email address: ${why} (${EXAMPLE_EMAIL}).`);
    if (chars(email) > 254) return fe('email', 'too_long', 'Use an email address of at most 254 characters.');
    if (WHITESPACE.test(email) || CONTROL.test(email)) return bad('remove the spaces');
    const parts = email.split('@');
    if (parts.length !== 2) return bad('it needs exactly one @');
    const [local, domain] = parts;
    if (!local) return bad('the part before @ is empty');
    if (chars(local) > 64) return bad('the part before @ has more than 64 characters');
    if (!domain.includes('.') || domain.split('.').some((p) => !p)) return bad('the part after @ needs a domain with a dot');
    return email;
  }

  /** @param {string|null} raw @param {'create'|'edit'} mode @returns {{token: string|null}|FieldError} */
  function vToken(raw, mode) {
    const text = raw == null ? '' : trim(raw);
    if (!text) {
      return mode === 'create'
        ? fe('token', 'required', 'Paste the API token. Create one at https://id.atlassian.com/manage-profile/security/api-tokens (Atlassian shows it only once).')
        : { token: null };
    }
    if (WHITESPACE.test(text)) return fe('token', 'whitespace', "The token contains spaces or line breaks; copy it again with Atlassian's Copy button.");
    const len = chars(text);
    if (len < LIMITS.token_min) return fe('token', 'too_short', `An Atlassian API token has at least ${LIMITS.token_min} characters; copy the whole token.`);
    if (len > LIMITS.token_max) return fe('token', 'too_long', `An API token has at most ${LIMITS.token_max} characters; check that only the token was pasted.`);
    return { token: text };
  }

  /** @param {string} raw @param {Rules} rules @returns {{date: string, warning: FieldError|null}|FieldError} */
  function vExpires(raw, rules) {
    const t = trim(raw);
    if (!t) return fe('expires', 'required', "Enter the token's expiration date as YYYY-MM-DD (Atlassian shows it on the API tokens page).");
    if (parseIso(t) === null) return fe('expires', 'invalid', `"${shorten(t)}" is not a date; use YYYY-MM-DD, e.g. ${plusDays(rules.today, 90)}.`);
    const changed = rules.mode === 'create' || rules.stored_expires !== t;
    if (changed && t < rules.today) return fe('expires', 'in_past', `${t} is in the past; a token that has expired no longer works. Create a new token and enter its date.`);
    const latest = plusDays(rules.today, LIMITS.max_token_lifetime_days);
    if (changed && t > latest) return fe('expires', 'too_far', `Atlassian API tokens last at most ${LIMITS.max_token_lifetime_days} days; choose a date on or before ${latest}.`);
    const warning = t === rules.today ? fe('expires', 'expires_today', 'The token expires today; create a new one soon.') : null;
    return { date: t, warning };
  }

  /** @param {{host: string, email: string}} bound */
  const movedError = (bound) => fe('token', 'required_for_new_target', `The stored API token belongs to ${bound.email} at ${bound.host}; it is never sent anywhere else. Paste the token for the new host or email.`);

  /** @param {unknown} v @returns {v is FieldError} */
  const isError = (v) => typeof v === 'object' && v !== null && 'code' in v && 'field' in v;

  /** Every field at once, like validate::validate. @param {Draft} draft @param {Rules} rules
   *  @returns {{ok: Valid}|{errors: FieldError[]}} */
  function validateDraft(draft, rules) {
    /** @type {FieldError[]} */
    const errors = [];
    /** @type {FieldError[]} */
    const warnings = [];
    /** @template T @param {T|FieldError} r @returns {T|null} */
    const take = (r) => { if (isError(r)) { errors.push(r); return null; } return r; };
    const name = take(vName(draft.name, rules.other_names));
    const description = take(vDescription(draft.description));
    const application = take(vApplication(draft.application));
    const host = take(vHost(draft.host));
    if (host?.warning) warnings.push(host.warning);
    const email = take(vEmail(draft.email));
    const token = take(vToken(draft.token, rules.mode));
    if (rules.bound_to && token && token.token === null && host && email !== null) {
      if (!(rules.bound_to.host === host.host && asciiLower(rules.bound_to.email) === asciiLower(email))) errors.push(movedError(rules.bound_to));
    }
    const expires = take(vExpires(draft.expires, rules));
    if (expires?.warning) warnings.push(expires.warning);
    if (errors.length || name === null || application === null || !host || email === null || !token || !expires) return { errors };
    return { ok: { name, description: description ?? null, application, host: host.host, email, token_given: token.token !== null, expires: expires.date, warnings } };
  }

  // ---- State.

  /** @type {Map<string, Stored>} */
  const profiles = new Map();
  /** The "keyring": id -> token. Never part of any answer. @type {Map<string, string>} */
  const keyring = new Map();
  /** @type {Settings} */
  let settings = { ...clone(CONTRACT.defaults), ...(seed.settings || {}) };
  /** @type {Map<string, Map<number, (e: {event: string, id: number, payload: unknown}) => void>>} */
  const listeners = new Map();
  let listenerSeq = 0;
  /** @type {{cmd: string, args: any, ok: boolean|null, result?: any, resultJson?: string, error?: any}[]} */
  const calls = [];
  /** @type {{directive: string, blocked: string, sample: string}[]} */
  const violations = [];
  /** @type {Map<string, {cancelled: boolean, release?: () => void}>} */
  const audits = new Map();
  /** @type {(() => void)|null} */
  let release = null;
  /** @type {string|null} */
  let pendingImport = null;

  /** @param {Stored} p @returns {ProfileView} */
  const view = (p) => {
    const d = daysLeft(p.expires);
    // A shallow copy: every answer is copied once more as it crosses (see invoke).
    const { life, ...stored } = { ...p };
    const l = life ?? { rotated_at: null, rotations: [], old_token_revoked: null, expires_source: 'manual', atlassian: null };
    const status = d < 0 ? 'expired' : d <= 30 ? 'expiring' : 'ok';
    // The worst current state, like ProfileView::with_failure (the fake's audits do not fail).
    const state = !keyring.has(p.id) ? 'token_missing' : p.last_audit && !p.last_audit.ok ? 'permissions_missing' : status;
    return {
      ...stored, days_left: d, status, state,
      token_stored: keyring.has(p.id), token_kind: p.token_kind ?? null, host_confirmed: true,
      rotated_at: l.rotated_at, rotations: l.rotations, old_token_revoked: l.old_token_revoked,
      expires_source: l.expires_source, last_active: l.atlassian?.last_active ?? null, atlassian: l.atlassian,
    };
  };

  for (const s of seed.profiles || []) {
    const id = s.id || newId();
    profiles.set(id, {
      id,
      name: s.name,
      description: s.description ?? null,
      application: s.application || 'jira',
      host: s.host || 'https://acme.atlassian.net',
      email: s.email || 'backup@acme.example',
      expires: s.expires || addDays(s.days ?? 90),
      created_at: s.created_at || nowIso(),
      updated_at: s.updated_at || nowIso(),
      last_audit: s.last_audit ?? null,
      token_kind: s.token_kind ?? null,
      life: s.life,
    });
    if (s.token_stored !== false) keyring.set(id, s.token || 'seeded-token-0123456789');
  }

  /** @param {FieldError[]} fields @returns {ErrorPayload} */
  const validationError = (fields) => fail('validation', `invalid profile: ${fields.map((f) => `${CONTRACT.labels[f.field]}: ${f.message}`).join('; ')}`, fields);

  /** Validates against the stored profiles, as Profiles::check does.
   *  @param {Draft} draft @param {string|null} id the profile being edited @returns {Valid} */
  function check(draft, id) {
    const editing = id ? profiles.get(id) : undefined;
    if (id && !editing) throw notFound(id);
    const result = validateDraft(draft, {
      today: localToday(),
      mode: editing ? 'edit' : 'create',
      stored_expires: editing?.expires ?? null,
      other_names: [...profiles.values()].filter((p) => p.id !== id).map((p) => p.name),
      bound_to: editing ? { host: editing.host, email: editing.email } : null,
    });
    if ('errors' in result) throw validationError(result.errors);
    return result.ok;
  }

  /** @param {string} id */
  const notFound = (id) => fail('profile_not_found', `no profile is named "${id}" or has that id; the profile list shows the names`);

  const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
  /** @param {string} event @param {unknown} payload */
  function emit(event, payload) {
    for (const cb of [...(listeners.get(event)?.values() || [])]) cb({ event, id: 0, payload });
  }
  /** @param {ProgressEvent} p */
  const progress = (p) => emit('audit-progress', p);

  // ---- Audits: a report shaped by the Rust types, from the real requirement table.

  /** @param {string} host @param {Application} application @param {AuditPurpose} purpose @param {string} email @param {number} n
   *  @returns {AuditReport} */
  function buildReport(host, application, purpose, email, n) {
    const covers = (/** @type {Requirement} */ r) => purpose === 'all' || r.required_for.includes(purpose);
    const cfg = seed.audit || {};
    const missingGlobal = new Set(cfg.missingGlobal || ['CREATE_SHARED_OBJECTS']);
    const table = CONTRACT.requirements.permissions;
    const global = table.filter((r) => r.scope === 'global' && covers(r)).map((r) => ({
      key: r.key, name: r.name, required_for: r.required_for, granted: !missingGlobal.has(r.key), why: r.why,
      fix_url: `${host}/secure/admin/GlobalPermissions!default.jspa`,
    }));
    const byKey = Object.fromEntries(table.filter((r) => r.scope === 'project' && covers(r)).map((r) => [r.key, r]));
    /** @type {AuditReport['projects']} */
    const projects = [];
    for (let i = 1; i <= n; i++) {
      const key = `P${i}`;
      const team = i % 13 === 0;
      /** @type {Requirement[]} */
      const miss = [];
      if (i % 7 === 0 && byKey.MANAGE_SPRINTS_PERMISSION) miss.push(byKey.MANAGE_SPRINTS_PERMISSION);
      if (i % 11 === 0 && byKey.EDIT_ISSUES) miss.push(byKey.EDIT_ISSUES);
      if (i % 50 === 0 && byKey.BROWSE_PROJECTS) miss.push(byKey.BROWSE_PROJECTS);
      projects.push({
        id: 10000 + i, key, name: `Space ${i}`, type: i % 14 === 0 ? 'business' : 'software', team_managed: team,
        missing: miss.map((r) => ({ key: r.key, name: r.name, required_for: r.required_for })),
        fix_url: team ? `${host}/jira/software/projects/${key}/settings/access` : `${host}/plugins/servlet/project-config/${key}/permissions`,
      });
    }
    /** @param {'backup'|'restore'} p */
    const okFor = (p) => global.filter((g) => g.required_for.includes(p)).every((g) => g.granted)
      && projects.every((pr) => pr.missing.every((m) => !m.required_for.includes(p)));
    const backup_ok = purpose === 'restore' ? false : okFor('backup');
    const restore_ok = purpose === 'backup' ? false : okFor('restore');
    /** @type {Warning[]} */
    const warnings = clone(cfg.warnings || []);
    const teamGaps = projects.filter((p) => p.team_managed && p.missing.length).length;
    if (teamGaps) {
      warnings.push({ code: 'team_managed', message: `${teamGaps === 1 ? '1 team-managed space has' : `${teamGaps} team-managed spaces have`} gaps: Team-managed space: permission schemes do not apply. Open Space settings > Access and add the account with a role that grants these permissions (e.g. Administrator).` });
    }
    if (cfg.softwareAccess === false) {
      // Like evaluate.rs: the boards API's answer is named only when there was one.
      const denied = cfg.softwareDenied === undefined ? 403 : cfg.softwareDenied;
      const answered = denied === null ? '' : ` (the boards API answered ${denied})`;
      warnings.push({ code: 'no_software_access', message: `The account has no Jira Software access${answered}: boards and sprints cannot be backed up. Give the account a Jira Software licence (product access), or check that the site has Jira Software.` });
    }
    const ok = purpose === 'backup' ? backup_ok : purpose === 'restore' ? restore_ok : backup_ok && restore_ok;
    // Like evaluate.rs: the spaces lacking each space permission, in requirement order.
    const gaps = table.filter((r) => r.scope === 'project')
      .map((r) => ({ key: r.key, name: r.name, projects: projects.filter((p) => p.missing.some((m) => m.key === r.key)).map((p) => p.key) }))
      .filter((g) => g.projects.length > 0);
    const root_cause = warnings.some((w) => w.code === 'no_product_access') ? 'no_product_access' : null;
    return {
      host, application, purpose, token_kind: cfg.tokenKind || 'classic',
      account: { account_id: '5b10ac8d82e05b22cc7d4ef5', display_name: 'Backup Robot', email, account_type: cfg.serviceAccount ? 'app' : 'atlassian', active: true, service_account: !!cfg.serviceAccount, products: ['jira-software'] },
      ok, backup_ok, restore_ok, global, projects, archived_projects: clone(cfg.archived || []),
      coverage: {
        projects_total: n,
        projects_ok_backup: projects.filter((p) => !p.missing.some((m) => m.required_for.includes('backup'))).length,
        projects_ok_restore: projects.filter((p) => !p.missing.some((m) => m.required_for.includes('restore'))).length,
        complete: !missingGlobal.has('ADMINISTER'),
      },
      gaps,
      service_desks: application === 'jsm' ? 2 : null,
      software_access: cfg.softwareAccess !== false,
      root_cause,
      warnings,
      requests: 4 + Math.ceil(n / 50) * 2,
      duration_ms: 2345,
      finished_at: nowIso(),
    };
  }

  /** @param {string} runId @param {string} host @param {Application} application @param {AuditPurpose} purpose
   *  @param {string} email @param {string|null} profileId @returns {Promise<AuditReport>} */
  async function runAudit(runId, host, application, purpose, email, profileId) {
    const cfg = seed.audit || {};
    const n = cfg.projects ?? 25;
    const step = cfg.stepDelayMs ?? 5;
    /** @type {{cancelled: boolean, release?: () => void}} */
    const run = { cancelled: false };
    audits.set(runId, run);
    const check = () => { if (run.cancelled) throw fail('cancelled', 'The audit was cancelled.'); };
    const hold = async (/** @type {string} */ phase) => {
      if (cfg.holdAt === phase) {
        await new Promise((r) => { release = () => r(undefined); run.release = release; });
      }
      check();
    };
    try {
      await sleep(step);
      progress({ run_id: runId, phase: 'credentials' });
      await hold('credentials');
      if (cfg.error) throw fail(cfg.error.kind, cfg.error.message, cfg.error.fields);
      const chunks = 5;
      for (let i = 1; i <= chunks; i++) {
        await sleep(step);
        check();
        progress({ run_id: runId, phase: 'projects', scanned: Math.round((n * i) / chunks), total: n });
        if (i === 2) await hold('projects');
      }
      for (let i = 1; i <= chunks; i++) {
        await sleep(step);
        check();
        progress({ run_id: runId, phase: 'permissions', checked: Math.round((n * i) / chunks), total: n });
        if (i === 3) await hold('permissions');
      }
      progress({ run_id: runId, phase: 'done' });
      const report = buildReport(host, application, purpose, email, n);
      const p = profileId ? profiles.get(profileId) : undefined;
      if (p) {
        p.last_audit = {
          at: report.finished_at, purpose, ok: report.ok, backup_ok: report.backup_ok, restore_ok: report.restore_ok,
          missing_global: report.global.filter((g) => !g.granted).map((g) => g.key),
          projects_total: report.projects.length,
          projects_with_gaps: report.projects.filter((pr) => pr.missing.length).length,
          coverage_complete: report.coverage.complete, warnings: report.warnings.length,
        };
        p.token_kind = report.token_kind;
      }
      return report;
    } finally {
      audits.delete(runId);
    }
  }

  /** @param {boolean} dry @returns {ImportReport} */
  function importReport(dry) {
    /** @type {ImportReport['rows']} */
    const rows = (seed.importRows || []).map((/** @type {any} */ r, /** @type {number} */ i) => ({ row: i + 1, name: r.name, outcome: r.outcome || 'created', reason: r.reason ?? null }));
    const created = rows.filter((r) => r.outcome === 'created').length;
    const invalid = rows.filter((r) => r.outcome === 'invalid').length;
    return {
      rows, created, skipped: rows.filter((r) => r.outcome === 'skipped').length, invalid,
      dry_run: dry, applied: !dry && invalid === 0,
    };
  }

  // ---- Rotation and the organisation (crates/core/src/rotation.rs, org.rs). A token
  // starting with "rejected" is one Jira refuses; seed.rotation.worse makes the new
  // token audit worse than the last audit.

  /** @param {Stored} p */
  const lifeOf = (p) => (p.life ??= { rotated_at: null, rotations: [], old_token_revoked: null, expires_source: 'manual', atlassian: null });
  /** @type {import('../../ui/js/gen/OrgView').OrgView|null} */
  let org = seed.org?.org_id ? { org_id: seed.org.org_id, key_expires: seed.org.key_expires || addDays(200), added_at: nowIso(), last_sync: null, key_days_left: 200, key_stored: true } : null;
  /** @param {AuditSummary|null} s @returns {import('../../ui/js/gen/Verdict').Verdict|null} */
  const verdictOf = (s) => (s ? { purpose: s.purpose, ok: s.ok, backup_ok: s.backup_ok, restore_ok: s.restore_ok, missing_global: s.missing_global.length, projects_with_gaps: s.projects_with_gaps, projects_total: s.projects_total, coverage_complete: s.coverage_complete } : null);

  /** @type {Pick<Handlers, 'rotation_plan'|'rotate_token'|'mark_old_token_revoked'|'org_status'|'org_link'|'org_unlink'|'org_sync'|'accept_atlassian_expiry'>} */
  const lifeCommands = {
    rotation_plan: ({ id }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      return {
        id, name: p.name, description: p.description, application: p.application, host: p.host, email: p.email, expires: p.expires,
        token_page: 'https://id.atlassian.com/manage-profile/security/api-tokens', label: `connkeeper ${p.name} ${localToday()}`,
        suggested_expires: addDays(settings.token_validity_days), latest_expires: addDays(LIMITS.max_token_lifetime_days),
        purpose: p.last_audit?.purpose ?? 'all', last_audit: p.last_audit, old_token_pending: lifeOf(p).old_token_revoked === false,
        pending_old_expires: lifeOf(p).old_token_revoked === false ? (lifeOf(p).rotations[0]?.old_expires ?? null) : null,
      };
    },
    rotate_token: async ({ id, runId, input }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      /** @type {FieldError[]} */
      const errors = [];
      const tok = vToken(input.token, 'create');
      if (isError(tok)) errors.push(tok);
      const exp = validateDraft({ name: 'x', description: null, application: 'jira', host: 'x.atlassian.net', email: 'a@b.example', token: 'placeholder-token-0123456789', expires: input.expires },
        { today: localToday(), mode: 'create', stored_expires: null, other_names: [], bound_to: null });
      if ('errors' in exp) errors.push(...exp.errors.filter((e) => e.field === 'expires'));
      if (errors.length) throw validationError(errors);
      const before = verdictOf(p.last_audit);
      if (String(input.token).startsWith('rejected')) {
        await sleep(5);
        return { outcome: 'refused', refusals: [{ code: 'rejected', message: 'Jira did not accept the API token for this email.' }], before, after: null, error: { kind: 'auth', message: 'Jira did not accept the API token for this email.', fields: [] }, can_insist: false };
      }
      const report = await runAudit(runId, p.host, p.application, p.last_audit?.purpose ?? 'all', p.email, null);
      /** @type {import('../../ui/js/gen/Verdict').Verdict} */
      const after = { purpose: report.purpose, ok: report.ok && !seed.rotation?.worse, backup_ok: report.backup_ok, restore_ok: report.restore_ok,
        missing_global: report.global.filter((g) => !g.granted).length, projects_with_gaps: report.projects.filter((x) => x.missing.length).length + (seed.rotation?.worse ? 5 : 0),
        projects_total: report.projects.length, coverage_complete: report.coverage.complete };
      const worse = before && (after.projects_with_gaps > before.projects_with_gaps || (before.ok && !after.ok));
      if (worse && !input.force) {
        return { outcome: 'refused', refusals: [{ code: 'worse', message: 'The new token reaches less than the old one.' }], before, after, error: null, can_insist: true };
      }
      const record = { at: nowIso(), old_expires: p.expires, new_expires: input.expires, before, after, forced: !!worse };
      keyring.set(id, trim(input.token));
      const l = lifeOf(p);
      p.expires = input.expires;
      l.rotated_at = record.at;
      l.rotations.unshift(record);
      l.old_token_revoked = false;
      l.atlassian = null;
      return { outcome: 'rotated', profile: view(p), record };
    },
    mark_old_token_revoked: ({ id, revoked }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      const l = lifeOf(p);
      if (l.old_token_revoked !== null) l.old_token_revoked = revoked;
      return view(p);
    },
    org_status: () => clone(org),
    org_link: ({ draft }) => {
      // Every field at once, like org::link (crates/core/src/org.rs).
      /** @type {FieldError[]} */
      const errors = [];
      if (!/^[A-Za-z0-9-]{1,100}$/.test(draft.org_id.trim())) errors.push({ field: 'org_id', code: draft.org_id.trim() ? 'invalid' : 'required', message: 'Copy it from admin.atlassian.com (Settings > API keys shows it with the key); letters, digits and dashes only.' });
      const k = String(draft.key).trim();
      if (k.length < 16 || k.length > 4096 || /\s/.test(k)) errors.push({ field: 'org_key', code: k ? 'too_short' : 'required', message: 'Paste the whole key as Atlassian showed it (one word, no spaces).' });
      const exp = vExpires(draft.key_expires, { today: localToday(), mode: 'create', stored_expires: null, other_names: [], bound_to: null });
      if (isError(exp)) errors.push({ ...exp, field: 'org_key_expires' });
      if (errors.length) throw fail('validation', `invalid organisation: ${errors.map((e) => e.message).join(' ')}`, errors);
      org = { org_id: draft.org_id.trim(), key_expires: draft.key_expires, added_at: nowIso(), last_sync: null, key_days_left: daysLeft(draft.key_expires), key_stored: true };
      return clone(org);
    },
    org_unlink: () => { const had = !!org; org = null; return had; },
    org_sync: async ({ runId }) => {
      if (!org) throw fail('org_not_linked', 'no Atlassian organisation is linked; link one with its organisation id and API key first');
      // Cancellable with cancel_audit(runId) like an audit; seed.org.holdSync holds it
      // until releaseAudit() or the cancel. A cancelled sync changes nothing.
      /** @type {{cancelled: boolean, release?: () => void}} */
      const run = { cancelled: false };
      audits.set(runId, run);
      try {
        await sleep(5);
        if (seed.org?.holdSync && !run.cancelled) await new Promise((r) => { release = () => r(undefined); run.release = release; });
        if (run.cancelled) throw fail('cancelled', 'The organisation sync was cancelled.');
      } finally {
        audits.delete(runId);
      }
      org.last_sync = nowIso();
      const found = seed.org?.tokens || {};
      const out = [...profiles.values()].map((p) => {
        const f = found[p.name] || { state: 'unmanaged' };
        lifeOf(p).atlassian = { synced_at: nowIso(), state: f.state, label: f.label ?? null, token_id: f.token_id ?? null, expires: f.expires ?? null, last_active: f.last_active ?? null };
        return { id: p.id, name: p.name, email: p.email, state: f.state, label: f.label ?? null, token_id: f.token_id ?? null, expires: p.expires,
          atlassian_expires: f.expires ?? null, expiry_differs: !!f.expires && f.expires !== p.expires, last_active: f.last_active ?? null,
          unused: !!f.unused, other_active: 0, old_token_revoked_now: false, message: f.message || 'In order.' };
      });
      /** @type {import('../../ui/js/gen/OrgSync').OrgSync['skipped_domains']} */
      const skipped = clone(seed.org?.skippedDomains || []);
      return { synced_at: nowIso(), org_id: org.org_id, key_days_left: org.key_days_left, tokens_listed: Object.keys(found).length, requests: 2, profiles: out, skipped_domains: skipped };
    },
    accept_atlassian_expiry: ({ id, expires }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      if (lifeOf(p).atlassian?.expires !== expires) throw fail('conflict', `Atlassian's expiry for "${p.name}" is not ${expires} any more; sync again.`);
      p.expires = expires;
      lifeOf(p).expires_source = 'atlassian';
      return view(p);
    },
  };

  // ---- The commands of src-tauri/src/command_list.rs.

  /** @type {Handlers} */
  const commands = {
    ...lifeCommands,
    list_profiles: () => [...profiles.values()].map(view).sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : byName(a.name, b.name))),
    get_profile: ({ id }) => { const p = profiles.get(id); if (!p) throw notFound(id); return view(p); },
    create_profile: ({ draft }) => {
      const v = check(draft, null);
      const id = newId();
      const at = nowIso();
      profiles.set(id, { id, name: v.name, description: v.description, application: v.application, host: v.host, email: v.email, expires: v.expires, created_at: at, updated_at: at, last_audit: null, token_kind: null });
      keyring.set(id, /** @type {string} */ (trim(draft.token ?? '')));
      return { profile: view(/** @type {Stored} */ (profiles.get(id))), warnings: v.warnings };
    },
    update_profile: ({ id, draft }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      const v = check(draft, id);
      Object.assign(p, { name: v.name, description: v.description, application: v.application, host: v.host, email: v.email, expires: v.expires, updated_at: nowIso() });
      if (v.token_given) { keyring.set(id, trim(draft.token ?? '')); p.token_kind = null; }
      return { profile: view(p), warnings: v.warnings };
    },
    delete_profiles: ({ ids }) => { let n = 0; for (const id of ids) { if (profiles.delete(id)) n++; keyring.delete(id); } return n; },
    validate_profile: ({ draft, id }) => check(draft, id ?? null).warnings,
    audit_profile: ({ id, runId, purpose }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      if (!keyring.has(id)) throw fail('token_missing', `no API token is stored for "${p.name}"; edit the profile and enter one`);
      return runAudit(runId, p.host, p.application, purpose, p.email, id);
    },
    test_connection: ({ draft, runId, purpose, id }) => {
      // Like Profiles::test_input: host, email and application; a typed token, or the
      // stored token of `id`, which goes only to that profile's own host and email.
      /** @type {FieldError[]} */
      const errors = [];
      const host = vHost(draft.host);
      const email = vEmail(draft.email);
      const application = vApplication(draft.application);
      for (const r of [host, email, application]) if (isError(r)) errors.push(r);
      if (errors.length || isError(host) || isError(email) || isError(application)) throw validationError(errors);
      const typed = vToken(draft.token, 'edit');
      if (isError(typed)) throw validationError([typed]);
      if (typed.token === null) {
        const saved = id ? profiles.get(id) : undefined;
        if (!saved) throw validationError([/** @type {FieldError} */ (vToken(null, 'create'))]);
        if (!(saved.host === host.host && asciiLower(saved.email) === asciiLower(email))) throw validationError([movedError(saved)]);
        if (!keyring.has(saved.id)) throw fail('token_missing', `no API token is stored for "${saved.name}"; edit the profile and enter one`);
      }
      return runAudit(runId, host.host, application, purpose, email, null);
    },
    cancel_audit: ({ runId }) => {
      const run = audits.get(runId);
      if (run) { run.cancelled = true; if (run.release === release) release = null; run.release?.(); }
      return null;
    },
    open_external: () => null,
    requirements: () => clone(CONTRACT.requirements),
    get_settings: () => {
      if (seed.settingsError) throw fail('store', seed.settingsError);
      return clone(settings);
    },
    save_settings: ({ settings: s }) => { settings = clone(s); return clone(settings); },
    os_locale: () => seed.osLocale || 'en-US',
    app_version: () => seed.appVersion || '0.1.0-test',
    gateway_notice: () => (typeof seed.gateway === 'string' ? seed.gateway : null),
    // Like the app: the save dialog belongs to the backend; the page names no path.
    export_profiles: ({ format }) => (seed.exportPath === null ? null : { path: seed.exportPath || `/home/admin/connkeeper-profiles.${format}`, count: profiles.size }),
    import_open: () => {
      if (seed.importPath === null) return null;
      pendingImport = `h-${++idSeq}`;
      return { handle: pendingImport, path: seed.importPath || '/home/admin/profiles.csv', report: importReport(true) };
    },
    import_apply: ({ handle }) => {
      if (!handle || handle !== pendingImport) throw fail('import_not_pending', 'This import is no longer pending; choose the file again.');
      pendingImport = null;
      const r = importReport(false);
      if (r.invalid) throw fail('validation', 'the file has invalid rows; nothing was imported');
      for (const row of seed.importRows || []) {
        if (row.outcome && row.outcome !== 'created') continue;
        const id = newId();
        profiles.set(id, { id, name: row.name, description: null, application: 'jira', host: row.host || 'https://imported.atlassian.net', email: row.email || 'import@acme.example', expires: addDays(row.days ?? 60), created_at: nowIso(), updated_at: nowIso(), last_audit: null, token_kind: null });
      }
      return r;
    },
  };

  const SUMMARISED = new Set(['audit_profile', 'test_connection']);

  /** @param {string} cmd @param {any} [args] */
  async function invoke(cmd, args = {}) {
    /** @type {typeof calls[number]} */
    const entry = { cmd, args: clone(args), ok: null };
    calls.push(entry);
    const fn = /** @type {((a: any) => any)|undefined} */ (/** @type {any} */ (commands)[cmd]);
    try {
      // The app refuses what command_list.rs does not declare, before any command runs.
      if (!fn) throw `${cmd} not allowed. Command not found`;
      const declared = CONTRACT.commands.find((c) => c.name === cmd)?.args ?? [];
      for (const a of declared) {
        if (!a.optional && !(a.name in (args || {}))) throw `invalid args \`${a.name}\` for command \`${cmd}\`: command ${cmd} missing required key ${a.name}`;
      }
      await Promise.resolve();
      // Like Tauri's IPC, the page gets its own copy of the answer, parsed from JSON once.
      const json = JSON.stringify((await fn(args || {})) ?? null);
      const result = JSON.parse(json);
      entry.ok = true;
      if (SUMMARISED.has(cmd)) {
        entry.result = { projects: result.projects.length };
        entry.resultJson = JSON.stringify({ ...result, projects: result.projects.slice(0, 3) });
      } else if (Array.isArray(result) && result.length > 1000) {
        // A long list is recorded by its size: the tests never read it back.
        entry.result = { count: result.length };
        entry.resultJson = '';
      } else {
        entry.result = JSON.parse(json);
        entry.resultJson = json;
      }
      return result;
    } catch (e) {
      entry.ok = false;
      entry.error = clone(e);
      throw e;
    }
  }

  /** @param {string} event @param {(e: {event: string, id: number, payload: unknown}) => void} cb */
  async function listen(event, cb) {
    const id = ++listenerSeq;
    if (!listeners.has(event)) listeners.set(event, new Map());
    listeners.get(event)?.set(id, cb);
    return () => { listeners.get(event)?.delete(id); };
  }

  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  w.__TAURI__ = { core: { invoke }, event: { listen } };
  // The desktop window runs with tauri.conf.json's "freezePrototype": true.
  if (seed.freezePrototype !== false) Object.freeze(Object.prototype);
  w.__FAKE__ = {
    calls,
    violations,
    emit,
    releaseAudit: () => { const r = release; release = null; r?.(); },
    /** Whether an audit waits at seed.audit.holdAt for releaseAudit(). */
    held: () => release !== null,
    listenerCount: (/** @type {string} */ event) => listeners.get(event)?.size || 0,
    keyringHas: (/** @type {string} */ id) => keyring.has(id),
    profileIds: () => [...profiles.keys()],
    addDays,
    validateDraft,
  };
})();
