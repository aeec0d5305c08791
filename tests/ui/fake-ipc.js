// An in-page fake of the desktop app's command contract (ui/js/api.js), injected with
// page.addInitScript before the page's own scripts. It defines
//   window.__TAURI__ = {core: {invoke}, event: {listen}}
// and keeps profiles, tokens (separately, like the OS keyring), settings and audits in
// memory. Seed it by setting window.__FAKE_SEED__ (an earlier init script) or with
// ?seed=<JSON> in the page URL:
//   {profiles: [{name, application, host, email, days | expires, token_stored, description, last_audit}],
//    settings: {...}, osLocale: 'ja-JP', audit: {projects, holdAt, error: {kind, message}, stepDelayMs},
//    exportPath: '/tmp/x.csv' | null, importPath: '/tmp/in.csv' | null, importRows: [...]}
// Tests read window.__FAKE__: calls (every invoke with its args and result), emit(event,
// payload), releaseAudit(), violations (CSP), state.
(() => {
  const DAY = 86400000;
  const seed = (() => {
    if (window.__FAKE_SEED__) return window.__FAKE_SEED__;
    try {
      const q = new URLSearchParams(location.search).get('seed');
      return q ? JSON.parse(q) : {};
    } catch { return {}; }
  })();

  const pad = (n) => String(n).padStart(2, '0');
  const iso = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const today = () => { const n = new Date(); return new Date(n.getFullYear(), n.getMonth(), n.getDate()); };
  const addDays = (n) => iso(new Date(today().getTime() + n * DAY + 3600000));
  const parseDate = (s) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(s).trim());
    if (!m) return null;
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    return d.getMonth() === Number(m[2]) - 1 ? d : null;
  };
  const daysLeft = (s) => Math.round((parseDate(s).getTime() - today().getTime()) / DAY);
  const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  let idSeq = 0;
  const newId = () => `p-${(++idSeq).toString().padStart(4, '0')}`;

  const APPS = { jira: 'Jira', 'jira-admin': 'Jira Admin Settings', jsm: 'Jira Service Management' };
  const B = ['backup', 'restore'];
  const R = ['restore'];
  const FIX_GLOBAL = 'Settings > System > Global permissions: grant it to a group the account belongs to (global permissions can only be granted to groups).';
  const FIX_PROJECT = "Space settings > Permissions > Edit permissions > Grant permissions, in each space's permission scheme (team-managed spaces: Space settings > Access).";
  // The same table as crates/core/src/requirements.rs (a test checks they agree).
  const REQUIREMENTS = [
    ['ADMINISTER', 'Administer Jira', 'global', B, 'Scan all projects; back up and restore projects, field configuration schemes, work type schemes, work type screen schemes, priority schemes, notification schemes, permission schemes and workflow schemes.'],
    ['USER_PICKER', 'Browse users and groups', 'global', B, 'Backup: scan all projects and back up project avatars. Restore: check whether users and groups exist.'],
    ['CREATE_SHARED_OBJECTS', 'Share dashboards and filters', 'global', R, 'Restore boards.'],
    ['CREATE_PROJECT', 'Create team-managed spaces', 'global', R, 'Restore projects.'],
    ['ADMINISTER_PROJECTS', 'Administer Projects', 'project', B, 'Backup: projects, notification schemes, permission schemes, components. Restore: projects, work type schemes, project avatars, notification schemes, components, project roles.'],
    ['BROWSE_PROJECTS', 'Browse Projects', 'project', B, 'Backup: projects, boards, sprints, issues, attachments. Restore: boards and emails.'],
    ['MANAGE_SPRINTS_PERMISSION', 'Manage Sprints', 'project', B, 'Back up and restore sprints.', ['software'], []],
    ['SERVICEDESK_AGENT', 'Service Desk Agent', 'project', B, 'Jira Service Management: only agents read and restore requests, queues and SLAs of a service space; a portal customer is not an agent.', ['service_desk'], ['jsm']],
    ['ASSIGN_ISSUES', 'Assign Issues', 'project', R, 'Restore issue assignees.'],
    ['CREATE_ISSUES', 'Create Issues', 'project', R, 'Restore issues.'],
    ['EDIT_ISSUES', 'Edit Issues', 'project', R, 'Restore issues.'],
    ['LINK_ISSUES', 'Link Issues', 'project', R, 'Restore issue links.'],
    ['MODIFY_REPORTER', 'Modify Reporter', 'project', R, 'Restore issue reporters.'],
    ['RESOLVE_ISSUES', 'Resolve Issues', 'project', R, 'Restore issue fix versions.'],
    ['SCHEDULE_ISSUES', 'Schedule Issues', 'project', R, 'Restore issue due dates.'],
    ['TRANSITION_ISSUES', 'Transition Issues', 'project', R, 'Restore issue statuses.'],
    ['MANAGE_WATCHERS', 'Manage Watchers', 'project', R, 'Restore issue watchers.'],
    ['ADD_COMMENTS', 'Add Comments', 'project', R, 'Restore issue comments.'],
    ['CREATE_ATTACHMENTS', 'Create Attachments', 'project', R, 'Restore attachments.'],
    ['WORK_ON_ISSUES', 'Work on Issues', 'project', R, 'Restore issue work logs.'],
  ].map(([key, name, scope, required_for, why, project_types = [], applications = []]) => ({ key, name, scope, required_for, why, fix: scope === 'global' ? FIX_GLOBAL : FIX_PROJECT, project_types, applications }));
  const SCOPES = [
    { call: 'GET /rest/api/3/myself', path: '/rest/api/3/myself', classic: ['read:jira-user'], granular: ['read:application-role:jira', 'read:group:jira', 'read:user:jira', 'read:avatar:jira'], granular_only: false, applications: [] },
    { call: 'GET /rest/api/3/permissions', path: '/rest/api/3/permissions', classic: ['manage:jira-configuration'], granular: ['read:permission:jira'], granular_only: false, applications: [] },
    { call: 'GET /rest/agile/1.0/board', path: '/rest/agile/1.0/board', classic: [], granular: ['read:board-scope:jira-software', 'read:project:jira'], granular_only: true, applications: [] },
    { call: 'GET /rest/servicedeskapi/servicedesk', path: '/rest/servicedeskapi/servicedesk', classic: ['read:servicedesk-request'], granular: ['read:servicedesk:jira-service-management'], granular_only: false, applications: ['jsm'] },
  ];

  /** @type {Map<string, any>} */
  const profiles = new Map();
  /** The "keyring": id -> token. Never part of any answer. */
  const keyring = new Map();
  let settings = { language: 'auto', notifications: true, thresholds: [30, 14, 7, 3, 1, 0], working_day_shift: true, start_at_login: false, ...(seed.settings || {}) };
  const listeners = new Map(); // event -> Map(id, cb)
  let listenerSeq = 0;
  const calls = [];
  const violations = [];
  const audits = new Map(); // runId -> {cancelled, reject}
  let release = null;
  let pendingImport = null;

  const view = (p) => {
    const d = daysLeft(p.expires);
    return { ...clone(p), days_left: d, status: d < 0 ? 'expired' : d <= 30 ? 'expiring' : 'ok', token_stored: keyring.has(p.id), token_kind: p.token_kind ?? null, host_confirmed: true };
  };
  const nowIso = () => new Date().toISOString();

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
    });
    if (s.token_stored !== false) keyring.set(id, s.token || 'seeded-token-0123456789');
  }

  const fieldError = (field, code, message) => ({ field, code, message });
  const validationError = (fields) => ({
    kind: 'validation',
    message: `invalid profile: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
    fields,
  });

  const movedError = (p) => fieldError('token', 'required_for_new_target', `The stored API token belongs to ${p.email} at ${p.host}; it is never sent anywhere else. Paste the token for the new host or email.`);

  /** Mirrors crates/core/src/validate.rs closely enough for the UI. */
  function validate(draft, mode, id) {
    const errors = [];
    const warnings = [];
    const name = String(draft?.name ?? '').trim();
    if (!name) errors.push(fieldError('name', 'required', 'Enter a profile name, e.g. "Acme backup".'));
    else if ([...name].length > 64) errors.push(fieldError('name', 'too_long', `Use at most 64 characters (this one has ${[...name].length}).`));
    else if ([...profiles.values()].some((p) => p.id !== id && p.name.trim().toLowerCase() === name.toLowerCase())) {
      errors.push(fieldError('name', 'duplicate', `A profile named "${name}" already exists; choose another name.`));
    }
    const desc = draft?.description == null ? '' : String(draft.description).trim();
    if ([...desc].length > 500) errors.push(fieldError('description', 'too_long', `Use at most 500 characters (this one has ${[...desc].length}).`));
    const app = String(draft?.application ?? '').trim();
    if (!app) errors.push(fieldError('application', 'required', 'Choose the application: jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).'));
    else if (!(app in APPS)) errors.push(fieldError('application', 'invalid', `"${app}" is not an application; choose jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).`));
    let host = String(draft?.host ?? '').trim();
    const example = 'https://your-sub-domain.atlassian.net';
    let normalHost = null;
    if (!host) errors.push(fieldError('host', 'required', `Enter your Jira site's address, e.g. ${example} (copy it from the browser's address bar).`));
    else {
      if (!host.includes('://')) host = `https://${host}`;
      let url = null;
      try { url = new URL(host); } catch { url = null; }
      if (!url || /\s/.test(host)) errors.push(fieldError('host', 'invalid', `"${host}" is not a web address; use the form ${example}.`));
      else if (url.protocol === 'http:') errors.push(fieldError('host', 'insecure_scheme', `Use https://; Jira Cloud is only reached over HTTPS (${example}).`));
      else if (url.protocol !== 'https:') errors.push(fieldError('host', 'unsupported_scheme', `"${url.protocol}" is not supported; use an https:// address like ${example}.`));
      else if (url.port) errors.push(fieldError('host', 'port', `Remove the port :${url.port}; Jira Cloud answers on the standard HTTPS port.`));
      else if (!url.hostname.includes('.')) errors.push(fieldError('host', 'invalid', `"${url.hostname}" is not a valid site name; use the form ${example}.`));
      else {
        normalHost = `https://${url.hostname}`;
        if (!url.hostname.endsWith('.atlassian.net')) warnings.push(fieldError('host', 'custom_domain', `${url.hostname} is not an *.atlassian.net site; fine for a custom domain, otherwise check the address.`));
      }
    }
    const email = String(draft?.email ?? '').trim();
    if (!email) errors.push(fieldError('email', 'required', 'Enter the email of the Jira account that owns the API token (e.g. backup-admin@example.com).'));
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@.]+$/.test(email)) errors.push(fieldError('email', 'invalid', `"${email}" is not an email address: it needs exactly one @ and a domain with a dot (e.g. backup-admin@example.com).`));
    const token = draft?.token == null ? '' : String(draft.token).trim();
    if (!token) {
      if (mode === 'create') errors.push(fieldError('token', 'required', 'Paste the API token. Create one at https://id.atlassian.com/manage-profile/security/api-tokens (Atlassian shows it only once).'));
    } else if (/\s/.test(token)) errors.push(fieldError('token', 'whitespace', 'The token contains spaces or line breaks; copy it again with Atlassian\'s Copy button.'));
    else if (token.length < 16) errors.push(fieldError('token', 'too_short', 'An Atlassian API token has at least 16 characters; copy the whole token.'));
    const expires = String(draft?.expires ?? '').trim();
    if (!expires) errors.push(fieldError('expires', 'required', 'Enter the token\'s expiration date as YYYY-MM-DD (Atlassian shows it on the API tokens page).'));
    else if (!parseDate(expires)) errors.push(fieldError('expires', 'invalid', `"${expires}" is not a date; use YYYY-MM-DD, e.g. ${addDays(90)}.`));
    else {
      const stored = mode === 'edit' ? profiles.get(id)?.expires : null;
      const changed = mode !== 'edit' || stored !== expires;
      const d = daysLeft(expires);
      if (changed && d < 0) errors.push(fieldError('expires', 'in_past', `${expires} is in the past; a token that has expired no longer works. Create a new token and enter its date.`));
      else if (changed && d > 365) errors.push(fieldError('expires', 'too_far', `Atlassian API tokens last at most 365 days; choose a date on or before ${addDays(365)}.`));
      else if (d === 0) warnings.push(fieldError('expires', 'expires_today', 'The token expires today; create a new one soon.'));
    }
    if (mode === 'edit' && !token && normalHost && profiles.has(id)) {
      const p = profiles.get(id);
      if (normalHost !== p.host || email.toLowerCase() !== p.email.toLowerCase()) errors.push(movedError(p));
    }
    if (errors.length) throw validationError(errors);
    return { name, description: desc || null, application: app, host: normalHost, email, token: token || null, expires, warnings };
  }

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  function emit(event, payload) {
    for (const cb of [...(listeners.get(event)?.values() || [])]) cb({ event, id: 0, payload });
  }

  function buildReport(host, application, purpose, email, n) {
    const covers = (r) => purpose === 'all' || r.required_for.includes(purpose);
    const cfg = seed.audit || {};
    const missingGlobal = new Set(cfg.missingGlobal || ['CREATE_SHARED_OBJECTS']);
    const global = REQUIREMENTS.filter((r) => r.scope === 'global' && covers(r)).map((r) => ({
      key: r.key, name: r.name, required_for: r.required_for, granted: !missingGlobal.has(r.key), why: r.why,
      fix_url: `${host}/secure/admin/GlobalPermissions!default.jspa`,
    }));
    const projReqs = REQUIREMENTS.filter((r) => r.scope === 'project' && covers(r));
    const byKey = Object.fromEntries(projReqs.map((r) => [r.key, r]));
    const projects = [];
    for (let i = 1; i <= n; i++) {
      const key = `P${i}`;
      const team = i % 13 === 0;
      const miss = [];
      if (i % 7 === 0 && byKey.MANAGE_SPRINTS_PERMISSION) miss.push(byKey.MANAGE_SPRINTS_PERMISSION);
      if (i % 11 === 0 && byKey.EDIT_ISSUES) miss.push(byKey.EDIT_ISSUES);
      if (i % 50 === 0 && byKey.BROWSE_PROJECTS) miss.push(byKey.BROWSE_PROJECTS);
      projects.push({
        id: 10000 + i, key, name: `Project ${i}`, type: i % 14 === 0 ? 'business' : 'software', team_managed: team,
        missing: miss.map((r) => ({ key: r.key, name: r.name, required_for: r.required_for })),
        fix_url: team ? `${host}/jira/software/projects/${key}/settings/access` : `${host}/plugins/servlet/project-config/${key}/permissions`,
      });
    }
    const okFor = (p) => global.filter((g) => g.required_for.includes(p)).every((g) => g.granted)
      && projects.every((pr) => pr.missing.every((m) => !m.required_for.includes(p)));
    const backup_ok = purpose === 'restore' ? false : okFor('backup');
    const restore_ok = purpose === 'backup' ? false : okFor('restore');
    const warnings = clone(cfg.warnings || []);
    if (projects.some((p) => p.team_managed && p.missing.length)) {
      warnings.push({ code: 'team_managed', message: `${projects.filter((p) => p.team_managed && p.missing.length).length} team-managed space(s) have gaps: Team-managed space: permission schemes do not apply. Open Space settings > Access and add the account with a role that grants these permissions (e.g. Administrator).` });
    }
    if (cfg.softwareAccess === false) warnings.push({ code: 'no_software_access', message: 'The account has no Jira Software access (the boards API answered 403): boards and sprints cannot be backed up. Give the account a Jira Software licence (product access).' });
    const ok = (purpose === 'backup' ? backup_ok : purpose === 'restore' ? restore_ok : backup_ok && restore_ok);
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
      service_desks: application === 'jsm' ? 2 : null,
      software_access: cfg.softwareAccess !== false,
      warnings,
      requests: 4 + Math.ceil(n / 50) * 2,
      duration_ms: 2345,
      finished_at: nowIso(),
    };
  }

  async function runAudit(runId, host, application, purpose, email, profileId) {
    const cfg = seed.audit || {};
    const n = cfg.projects ?? 25;
    const step = cfg.stepDelayMs ?? 5;
    const run = { cancelled: false };
    audits.set(runId, run);
    const check = () => { if (run.cancelled) throw { kind: 'cancelled', message: 'The audit was cancelled.', fields: [] }; };
    const hold = async (phase) => {
      if (cfg.holdAt === phase) {
        await new Promise((r) => { release = r; run.release = r; });
      }
      check();
    };
    try {
      await sleep(step);
      emit('audit-progress', { run_id: runId, phase: 'credentials' });
      await hold('credentials');
      if (cfg.error) throw { fields: [], ...cfg.error };
      const chunks = 5;
      for (let i = 1; i <= chunks; i++) {
        await sleep(step);
        check();
        emit('audit-progress', { run_id: runId, phase: 'projects', scanned: Math.round((n * i) / chunks), total: n });
        if (i === 2) await hold('projects');
      }
      for (let i = 1; i <= chunks; i++) {
        await sleep(step);
        check();
        emit('audit-progress', { run_id: runId, phase: 'permissions', checked: Math.round((n * i) / chunks), total: n });
        if (i === 3) await hold('permissions');
      }
      emit('audit-progress', { run_id: runId, phase: 'done' });
      const report = buildReport(host, application, purpose, email, n);
      if (profileId && profiles.has(profileId)) {
        profiles.get(profileId).last_audit = {
          at: report.finished_at, purpose, ok: report.ok, backup_ok: report.backup_ok, restore_ok: report.restore_ok,
          missing_global: report.global.filter((g) => !g.granted).map((g) => g.key),
          projects_total: report.projects.length,
          projects_with_gaps: report.projects.filter((p) => p.missing.length).length,
          coverage_complete: report.coverage.complete, warnings: report.warnings.length,
        };
      }
      return report;
    } finally {
      audits.delete(runId);
    }
  }

  const notFound = (id) => ({ kind: 'not_found', message: `no profile named "${id}"; \`connkeeper profile list\` shows the names`, fields: [] });

  const commands = {
    list_profiles: () => [...profiles.values()].map(view).sort((a, b) => (a.expires < b.expires ? -1 : a.expires > b.expires ? 1 : a.name.localeCompare(b.name))),
    get_profile: ({ id }) => { const p = profiles.get(id); if (!p) throw notFound(id); return view(p); },
    create_profile: ({ draft }) => {
      const v = validate(draft, 'create', null);
      const id = newId();
      const at = nowIso();
      profiles.set(id, { id, name: v.name, description: v.description, application: v.application, host: v.host, email: v.email, expires: v.expires, created_at: at, updated_at: at, last_audit: null });
      keyring.set(id, v.token);
      return { profile: view(profiles.get(id)), warnings: v.warnings };
    },
    update_profile: ({ id, draft }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      const v = validate(draft, 'edit', id);
      Object.assign(p, { name: v.name, description: v.description, application: v.application, host: v.host, email: v.email, expires: v.expires, updated_at: nowIso() });
      if (v.token) keyring.set(id, v.token);
      return { profile: view(p), warnings: v.warnings };
    },
    delete_profiles: ({ ids }) => { let n = 0; for (const id of ids) { if (profiles.delete(id)) n++; keyring.delete(id); } return n; },
    validate_profile: ({ draft, id }) => validate(draft, id ? 'edit' : 'create', id).warnings,
    audit_profile: ({ id, runId, purpose }) => {
      const p = profiles.get(id);
      if (!p) throw notFound(id);
      if (!keyring.has(id)) throw { kind: 'token_missing', message: `no API token is stored for "${p.name}"; edit the profile and enter one`, fields: [] };
      return runAudit(runId, p.host, p.application, purpose, p.email, id);
    },
    test_connection: ({ draft, runId, purpose, id }) => {
      // Like the backend: only host, email, application and token are checked; without a
      // token, `id` names the saved profile whose stored token is used.
      const stored = id && !(draft.token ?? '').trim() && profiles.has(id);
      if (stored) {
        // The stored token goes only to its own host and email.
        const p = profiles.get(id);
        const v = validate({ ...draft, name: p.name, expires: p.expires }, 'edit', id);
        if (v.host !== p.host || v.email.toLowerCase() !== p.email.toLowerCase()) throw validationError([movedError(p)]);
      }
      const probe = { ...draft, name: `test connection ${runId}`, description: null, expires: addDays(30), token: stored ? 'stored-token-placeholder' : draft.token };
      const v = validate(probe, 'create', null);
      return runAudit(runId, v.host, v.application, purpose, v.email, null);
    },
    cancel_audit: ({ runId }) => {
      const run = audits.get(runId);
      if (run) { run.cancelled = true; if (run.release === release) release = null; run.release?.(); }
      return null;
    },
    open_external: ({ url }) => null,
    requirements: () => ({ permissions: clone(REQUIREMENTS), advice: [], scopes: clone(SCOPES) }),
    get_settings: () => {
      if (seed.settingsError) throw { kind: 'store', message: seed.settingsError, fields: [] };
      return clone(settings);
    },
    save_settings: ({ settings: s }) => { settings = clone(s); return clone(settings); },
    os_locale: () => seed.osLocale || 'en-US',
    // Like the app: the save dialog belongs to the backend; the page names no path.
    export_profiles: ({ format, withAudit }) => (seed.exportPath === null ? null : { path: seed.exportPath || `/home/admin/connkeeper-profiles.${format}`, count: profiles.size }),
    import_open: () => {
      if (seed.importPath === null) return null;
      pendingImport = `h-${++idSeq}`;
      return { handle: pendingImport, path: seed.importPath || '/home/admin/profiles.csv', report: importReport(true) };
    },
    import_apply: ({ handle }) => {
      if (!handle || handle !== pendingImport) throw { kind: 'not_found', message: 'This import is no longer pending; choose the file again.', fields: [] };
      pendingImport = null;
      const r = importReport(false);
      if (r.invalid) throw { kind: 'validation', message: 'the file has invalid rows; nothing was imported', fields: [] };
      for (const row of seed.importRows || []) {
        if (row.outcome !== 'created') continue;
        const id = newId();
        profiles.set(id, { id, name: row.name, description: null, application: 'jira', host: row.host || 'https://imported.atlassian.net', email: row.email || 'import@acme.example', expires: addDays(row.days ?? 60), created_at: nowIso(), updated_at: nowIso(), last_audit: null });
      }
      return r;
    },
  };

  function importReport(dry) {
    const rows = (seed.importRows || []).map((r, i) => ({ row: i + 2, name: r.name, outcome: r.outcome || 'created', reason: r.reason ?? null }));
    return {
      rows,
      created: rows.filter((r) => r.outcome === 'created').length,
      skipped: rows.filter((r) => r.outcome === 'skipped').length,
      invalid: rows.filter((r) => r.outcome === 'invalid').length,
      dry_run: dry,
    };
  }

  async function invoke(cmd, args = {}) {
    const entry = { cmd, args: clone(args), ok: null, result: undefined, error: undefined };
    calls.push(entry);
    const fn = commands[cmd];
    try {
      if (!fn) throw { kind: 'internal', message: `unknown command ${cmd}`, fields: [] };
      await Promise.resolve();
      const result = await fn(args || {});
      entry.ok = true;
      entry.result = cmd === 'audit_profile' || cmd === 'test_connection' ? { projects: result.projects.length } : clone(result);
      entry.resultJson = cmd === 'audit_profile' || cmd === 'test_connection' ? JSON.stringify({ ...result, projects: result.projects.slice(0, 3) }) : JSON.stringify(result ?? null);
      return result;
    } catch (e) {
      entry.ok = false;
      entry.error = clone(e);
      throw e;
    }
  }

  async function listen(event, cb) {
    const id = ++listenerSeq;
    if (!listeners.has(event)) listeners.set(event, new Map());
    listeners.get(event).set(id, cb);
    return () => listeners.get(event)?.delete(id);
  }

  document.addEventListener('securitypolicyviolation', (e) => {
    violations.push({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
  });

  window.__TAURI__ = { core: { invoke }, event: { listen } };
  // The desktop window runs with tauri.conf.json's "freezePrototype": true.
  if (seed.freezePrototype !== false) Object.freeze(Object.prototype);
  window.__FAKE__ = {
    calls,
    violations,
    emit,
    releaseAudit: () => { const r = release; release = null; r?.(); },
    /** Whether an audit waits at seed.audit.holdAt for releaseAudit(). */
    held: () => release !== null,
    listenerCount: (event) => listeners.get(event)?.size || 0,
    keyringHas: (id) => keyring.has(id),
    profileIds: () => [...profiles.keys()],
    addDays,
    requirements: REQUIREMENTS,
  };
})();
