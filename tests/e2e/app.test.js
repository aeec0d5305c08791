// End to end: the real built desktop app under Xvfb, driven by tauri-driver and
// WebKitWebDriver, with the real keyring in the test D-Bus session and the fake Jira.
// Create a profile through the form (first with errors), see it in the list, check the
// token is in the keyring and not in profiles.json, edit the expiry, audit it, delete it.
// Screenshots go to target/e2e-screenshots/.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebDriver, ref, waitForDriver } from './webdriver.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targetDir = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
const appBin = process.env.CONNKEEPER_APP_BIN ?? join(targetDir, 'debug', 'connkeeper-desktop');
const fakeBin = join(targetDir, 'debug', 'fake-jira');
const shots = join(root, 'target', 'e2e-screenshots');
const tmp = mkdtempSync(join(tmpdir(), 'connkeeper-e2e-'));
const data = join(tmp, 'data');
const xdg = join(tmp, 'xdg');
const service = `connkeeper-e2e-${process.pid}`;
const port = 4700 + (process.pid % 200);

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
/** @type {WebDriver} */
let wd;
let fakeUrl = '';
let fakeEmail = '';
/** The fake Jira account's API token: what the form stores and the scans look for. */
let token = '';
/** The same account's second token (the rotation's new one), the demo organisation. */
let newToken = '';
let orgId = '';
let orgKey = '';

function day(offset) {
  const d = new Date();
  d.setDate(d.getDate() + offset);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A screenshot of the X screen (WebKitWebDriver's own cannot capture the app's
 *  shared-memory renderer, which it uses without a GPU). */
async function shot(name) {
  mkdirSync(shots, { recursive: true });
  execFileSync('import', ['-window', 'root', join(shots, name)]);
}

function profilesFile() {
  return JSON.parse(readFileSync(join(data, 'profiles.json'), 'utf8'));
}

/** The secret of keyring item `id` as secret-tool reads it: the `secret` of its record
 *  (a record says what the item is for: a profile token's host and email, or the
 *  organisation key's organisation). */
function keyring(id) {
  let raw;
  try {
    raw = execFileSync('secret-tool', ['lookup', 'service', service, 'username', id]).toString();
  } catch {
    return null;
  }
  const record = JSON.parse(raw);
  assert.equal(record.connkeeper, 1, 'a versioned record');
  assert.ok(['profile_token', 'org_key'].includes(record.kind), record.kind);
  return record.secret;
}

/** Everything the app logged so far. */
function appLog() {
  const dir = join(xdg, 'connkeeper', 'logs');
  let all = '';
  try {
    for (const name of readdirSync(dir)) all += readFileSync(join(dir, name), 'utf8');
  } catch {
    // no log yet
  }
  return all;
}

/** X windows whose title contains `name` (xdotool exits 1 when there are none). */
function windowsNamed(name) {
  try {
    return execFileSync('xdotool', ['search', '--onlyvisible', '--name', name]).toString().split('\n').filter(Boolean);
  } catch (e) {
    if (e.status === 1) return [];
    throw e;
  }
}

/** Waits for the native dialog titled `name` (owned by Rust, outside the webview). */
async function nativeDialog(name) {
  let found = [];
  await wd.until(`the native dialog "${name}"`, async () => (found = windowsNamed(name)).length > 0, 30000);
  return found[0];
}

/** Presses a key in a native window as a person would (focus it, then type). */
function pressIn(win, key) {
  execFileSync('xdotool', ['windowfocus', '--sync', win]);
  execFileSync('xdotool', ['key', key]);
}

/** Types text into the focused field of a native window. */
function typeIn(win, text) {
  execFileSync('xdotool', ['windowfocus', '--sync', win]);
  execFileSync('xdotool', ['type', '--delay', '20', text]);
}

/** Sets a form control's value as a person would, firing input and change. */
async function setValue(css, value) {
  await wd.exec(
    `const el = document.querySelector(arguments[0]); el.focus(); el.value = arguments[1];
     el.dispatchEvent(new Event('input', {bubbles: true})); el.dispatchEvent(new Event('change', {bubbles: true}));`,
    [css, value],
  );
}

async function typeInto(css, text) {
  const el = await wd.waitFor(css);
  await wd.clear(el);
  if (text) await wd.type(el, text);
}

/** Clicks like a person: the element scrolled into view, retried while an overlay
 *  (a toast, a closing dialog) still covers it. */
async function clickOn(css) {
  await wd.until(`a click on ${css}`, async () => {
    const el = await wd.waitFor(css);
    await wd.exec("arguments[0].scrollIntoView({block: 'center'})", [ref(el)]);
    try {
      await wd.click(el);
      return true;
    } catch (e) {
      if (/intercepted|stale/.test(String(e))) return false;
      throw e;
    }
  }, 10000);
  step(`clicked ${css}`);
}

/** Back to the connection list, wherever we are. */
async function toList() {
  // Wait for either the list or a page with a way back (a view may still be rendering).
  let onList = false;
  await wd.until('the list or a back button', async () => {
    onList = (await wd.findAll('tbody tr[data-id]')).length > 0;
    return onList || (await wd.findAll('[data-fk="back"]')).length > 0;
  }, 20000);
  if (onList) return;
  await clickOn('[data-fk="back"]');
  await wd.waitFor('tbody tr[data-id]');
}

function step(what) {
  process.stderr.write(`e2e: ${what}\n`);
}

before(async () => {
  assert.ok(process.env.CONNKEEPER_IN_SESSION, 'run inside tests/with-session.sh (make test)');
  assert.ok(process.env.CONNKEEPER_TAURI_DRIVER, 'CONNKEEPER_TAURI_DRIVER names tauri-driver (tests/setup-tools.sh)');
  const fake = spawn(fakeBin, ['--projects', '60', '--scenario', 'demo', '--org-expiry', day(30), '--org-spare-expiry', day(200)], { stdio: ['ignore', 'pipe', 'ignore'] });
  children.push(fake);
  const banner = await new Promise((resolve, reject) => {
    let out = '';
    fake.stdout.on('data', (b) => {
      out += b;
      if (/org: .*\n/.test(out)) resolve(out);
    });
    fake.on('exit', () => reject(new Error(`fake-jira exited: ${out}`)));
  });
  fakeUrl = /listening on (\S+)/.exec(banner)[1];
  [, fakeEmail, token] = /account: (\S+) token: (\S+)/.exec(banner);
  [, orgId, orgKey, newToken] = /org: (\S+) key: (\S+) second token: (\S+)/.exec(banner);
  const driver = spawn(process.env.CONNKEEPER_TAURI_DRIVER, ['--port', String(port), '--native-port', String(port + 1)], {
    env: {
      ...process.env,
      CONNKEEPER_DATA_DIR: data,
      CONNKEEPER_KEYRING_SERVICE: service,
      CONNKEEPER_ALLOW_LOOPBACK_HTTP: '1',
      // The fake serves Atlassian's gateway and admin API paths too.
      CONNKEEPER_GATEWAY_URL: fakeUrl,
      CONNKEEPER_NO_TRAY: '1',
      XDG_DATA_HOME: xdg,
    },
    stdio: 'ignore',
  });
  children.push(driver);
  await waitForDriver(`http://127.0.0.1:${port}`);
  wd = await WebDriver.connect(`http://127.0.0.1:${port}`, { browserName: 'wry', 'tauri:options': { application: appBin } });
});

after(async () => {
  await wd?.quit().catch(() => {});
  for (const c of children) c.kill();
});

test('create with errors, list, keyring, edit, audit, export, import, delete', async () => {
  try {
    await scenario();
  } catch (e) {
    await shot('failure.png').catch(() => {});
    throw e;
  }
});

async function scenario() {
  // Record every answer the real backend gives the page: none may ever carry a token.
  // (Tauri freezes its modules; api.js reads window.__TAURI__ on every call, so a
  // wrapping copy of it sees every answer.)
  await wd.exec(`
    window.__answers = [];
    const tauri = window.__TAURI__;
    const invoke = tauri.core.invoke;
    window.__TAURI__ = { ...tauri, core: { ...tauri.core, invoke: async (cmd, args, options) => {
      try {
        const r = await invoke(cmd, args, options);
        window.__answers.push(cmd + ' ' + JSON.stringify(r ?? null));
        return r;
      } catch (e) {
        window.__answers.push(cmd + ' error ' + JSON.stringify(e ?? null));
        throw e;
      }
    } } };`);

  // First run: the empty state invites the first profile.
  await clickOn('[data-fk="new-empty"], [data-fk="new"]');
  await wd.waitFor('#f-name');

  // Invalid values: inline errors from the core's validation, focus on the first.
  await typeInto('#f-name', '');
  await typeInto('#f-host', 'http://acme.atlassian.net:8080');
  await typeInto('#f-email', 'not-an-email');
  await typeInto('#f-token', 'tok-zz9');
  await setValue('#f-expires', day(-3));
  await clickOn('[data-fk="save"]');
  await wd.until('inline errors', async () => (await wd.text(await wd.find('#f-host-err'))).length > 0);
  for (const field of ['name', 'host', 'email', 'token', 'expires']) {
    const err = await wd.text(await wd.find(`#f-${field}-err`));
    assert.ok(err.length > 0, `${field} shows an error`);
    assert.equal(await wd.exec(`return document.getElementById('f-${field}').getAttribute('aria-invalid')`), 'true', field);
  }
  assert.equal(await wd.exec('return document.activeElement && document.activeElement.id'), 'f-name', 'focus on the first invalid field');
  assert.equal(await wd.exec("return document.documentElement.outerHTML.includes('tok-zz9')"), false, 'the typed token is not echoed into the DOM');
  await shot('form-errors.png');
  assert.throws(() => readFileSync(join(data, 'profiles.json')), 'nothing written');

  // Valid values, pointed at the fake Jira.
  await typeInto('#f-name', 'Acme backup');
  await typeInto('#f-description', 'Nightly backup of every project');
  await setValue('#f-application', 'jira');
  await typeInto('#f-host', fakeUrl);
  await typeInto('#f-email', fakeEmail);
  await typeInto('#f-token', token);
  await clickOn('[data-fk="quick-90"]');
  await clickOn('[data-fk="save"]');
  await wd.waitFor('#form-banner.banner-success');
  assert.equal(profilesFile().profiles.length, 1);
  await toList();
  const row = await wd.waitFor('tbody tr[data-id]');
  const id = await wd.exec('return document.querySelector("tbody tr[data-id]").dataset.id');
  assert.match(await wd.text(row), /Acme backup/);
  assert.equal(await wd.exec('return document.documentElement.outerHTML.includes(arguments[0])', [token]), false, 'no token in the DOM');
  await shot('list.png');

  // The token is in the OS keyring (seen by libsecret from outside), not in the file.
  assert.equal(keyring(id), token);
  const file = readFileSync(join(data, 'profiles.json'), 'utf8');
  assert.ok(!file.includes(token), 'profiles.json has no token');
  assert.equal(profilesFile().profiles[0].expires, day(90));

  // Edit the expiry; the stored token is kept.
  await clickOn(`[data-fk="edit-${id}"]`);
  await wd.waitFor('#f-name');
  const tokenValue = await wd.exec("const el = document.getElementById('f-token'); return el ? el.value : ''");
  assert.equal(tokenValue, '', 'the token never comes back to the form');
  await wd.waitFor('#f-token-stored');
  await clickOn('[data-fk="quick-30"]');
  await clickOn('[data-fk="save"]');
  await wd.waitFor('#form-banner.banner-success');
  assert.equal(profilesFile().profiles[0].expires, day(30));
  await toList();
  assert.equal(keyring(id), token, 'edit without a token keeps it');

  // Audit against the fake Jira: verdicts and gaps.
  await clickOn(`[data-fk="audit-${id}"]`);
  // The audit starts by itself and streams progress until the verdicts show.
  await wd.waitFor('#audit-result-title', 60000);
  await wd.until('the recorded audit', async () => profilesFile().profiles[0].last_audit);
  const audit = profilesFile().profiles[0].last_audit;
  assert.equal(audit.projects_total, 60);
  assert.ok(audit.projects_with_gaps > 0, 'the demo site has gaps');
  await shot('audit.png');

  // The page cannot leave the app: a navigation elsewhere is refused and logged
  // without its query.
  await wd.exec("window.location.href = 'https://example.invalid/phish?token=nav-secret-123'");
  await wd.until('the refused navigation in the log', async () => appLog().includes('refused a navigation away from the app'));
  assert.match(appLog(), /url=https:\/\/example\.invalid\/phish(\s|$)/m);
  assert.ok(!appLog().includes('nav-secret-123'), 'the query is not logged');
  assert.match(String(await wd.exec('return location.href')), /^(tauri:\/\/localhost|https?:\/\/tauri\.localhost)[/#]/);
  await wd.waitFor('#audit-result-title');

  // The gateway is the fake, not Atlassian's: the audit view says so, and the log has
  // its origin.
  const notice = await wd.until('the gateway notice in the audit view', async () =>
    String(await wd.exec(`return document.querySelector('[data-fk="gateway-notice"]')?.textContent || ''`)) || null);
  assert.ok(notice.includes(fakeUrl), notice);
  assert.match(appLog(), new RegExp(`gateway=${fakeUrl.replace(/[.]/g, '\\.')}(\\s|$)`, 'm'));

  // The Atlassian organisation (settings): linked with its admin key (to the keyring
  // only), synced read-only: the profile's token is found by its expiry date.
  await toList();
  await clickOn('[data-action="settings"]');
  await typeInto('[data-fk="org-id"]', orgId);
  await typeInto('[data-fk="org-key"]', orgKey);
  await setValue('[data-fk="org-key-expires"]', day(300));
  await clickOn('[data-fk="org-link"]');
  await clickOn('[data-fk="org-sync"]');
  await wd.waitFor('[data-fk="org-findings"] li[data-state="active"]', 30000);
  assert.equal(profilesFile().profiles[0].life.atlassian.token_id, 'demo-token-1');
  assert.equal(keyring('636f6e6e-6b65-0000-8000-0000006f7267'), orgKey, 'the key is in the keyring');
  assert.ok(!readFileSync(join(data, 'org.json'), 'utf8').includes(orgKey), 'org.json holds no key');
  await shot('org-sync.png');
  await clickOn('dialog[open] .dialog-foot .btn-secondary');
  await wd.until('the settings dialog to close', async () => (await wd.findAll('dialog[open]')).length === 0);

  // Rotation, make before break: the new token is verified and audited against the
  // site, swapped in, and the old one stays "to revoke" until ticked.
  await clickOn(`[data-fk="rotate-${id}"]`);
  await wd.waitFor('[data-fk="rotate-label"]');
  assert.match(await wd.text(await wd.find('[data-fk="rotate-label"]')), /^connkeeper Acme backup \d{4}-\d{2}-\d{2}$/);
  await typeInto('[data-fk="rotate-token"]', newToken);
  await setValue('[data-fk="rotate-expires"]', day(200));
  await clickOn('[data-fk="rotate-run"]');
  await wd.waitFor('.rotate-result .banner-success', 60000);
  assert.equal(keyring(id), newToken, 'the new token is in the keyring');
  let rotatedProfile = profilesFile().profiles[0];
  assert.equal(rotatedProfile.expires, day(200));
  assert.equal(rotatedProfile.life.old_token_revoked, false);
  assert.equal(rotatedProfile.life.rotations.length, 1);
  await shot('rotated.png');
  await clickOn('[data-fk="rotate-revoked"]');
  await wd.until('the revocation recorded', async () => profilesFile().profiles[0].life.old_token_revoked === true);
  rotatedProfile = profilesFile().profiles[0];
  assert.ok(!JSON.stringify(rotatedProfile).includes(newToken) && !JSON.stringify(rotatedProfile).includes(token));

  // A custom domain: the token goes there only after the user confirms in a dialog that
  // Rust owns (the page cannot answer it); cancelling sends nothing and is not remembered.
  await toList();
  await clickOn('[data-fk="new"]');
  await typeInto('#f-name', 'Custom domain');
  await setValue('#f-application', 'jira');
  await typeInto('#f-host', 'jira.acme-corp.invalid');
  await typeInto('#f-email', fakeEmail);
  await typeInto('#f-token', `${token}0`);
  await clickOn('[data-fk="quick-90"]');
  await clickOn('[data-fk="save"]');
  await wd.waitFor('#form-banner.banner-success');
  await toList();
  const customId = profilesFile().profiles.find((p) => p.name === 'Custom domain').id;
  await clickOn(`[data-fk="audit-${customId}"]`);
  let dialog = await nativeDialog('Send the API token to this host?');
  execFileSync('import', ['-window', 'root', join(shots, 'confirm-host.png')]);
  pressIn(dialog, 'Escape');
  await wd.until('the cancelled audit', async () => (await wd.exec("return document.body.innerText.includes('Audit cancelled.')")) === true);
  assert.equal(profilesFile().profiles.find((p) => p.id === customId).confirmed_host, undefined, 'a cancel is not remembered');
  await wd.until('the dialog to close', async () => windowsNamed('Send the API token to this host?').length === 0);
  // Confirm: the audit runs (the .invalid name then fails to resolve), and it is remembered.
  await clickOn('[data-fk="audit-run"]');
  dialog = await nativeDialog('Send the API token to this host?');
  pressIn(dialog, 'Return');
  await wd.until('the network error', async () => (await wd.findAll('.audit-error[data-kind="network"]')).length > 0, 60000);
  assert.equal(profilesFile().profiles.find((p) => p.id === customId).confirmed_host, 'https://jira.acme-corp.invalid');
  // Remembered: the next audit asks nothing.
  await clickOn('[data-fk="audit-run"]');
  await wd.until('the network error again', async () => (await wd.findAll('.audit-error[data-kind="network"]')).length > 0, 60000);
  assert.equal(windowsNamed('Send the API token to this host?').length, 0);
  await toList();
  await clickOn(`[data-fk="edit-${customId}"]`);
  await clickOn('[data-fk="delete"]');
  await clickOn('.dialog-confirm .btn-danger');
  await wd.until('the custom profile gone', async () => profilesFile().profiles.length === 1);

  // Export through the native save dialog (GTK, owned by Rust): the page chooses a
  // format, the person chooses the file.
  await toList();
  const exported = join(tmp, 'exported', 'connkeeper.csv');
  mkdirSync(dirname(exported), { recursive: true });
  await clickOn('[data-fk="export"]');
  await clickOn('[data-fk="export-go"]');
  const save = await nativeDialog('Export ConnKeeper profiles');
  pressIn(save, 'ctrl+a');
  typeIn(save, exported);
  pressIn(save, 'Return');
  await wd.until('the exported file', async () => existsSync(exported) && readFileSync(exported, 'utf8').includes('Acme backup'), 30000);
  const csv = readFileSync(exported, 'utf8');
  assert.match(csv.split('\n')[0], /^id,name,description,application,host,email,expires/);
  assert.ok(!csv.includes(token), 'the export holds no token');
  await wd.until('the export toast', async () => (await wd.exec('return document.body.innerText.includes(arguments[0])', [exported])) === true);
  await wd.until('the export dialog to close', async () => windowsNamed('Export ConnKeeper profiles').length === 0);

  // Import through the native open dialog: a preview first, then all or nothing.
  const incoming = join(tmp, 'incoming.csv');
  writeFileSync(incoming, `name,application,host,email,expires\nImported site,jira,imported.atlassian.net,ops@imported.example,${day(60)}\nAcme backup,jira,other.atlassian.net,x@other.example,${day(60)}\n`);
  await clickOn('[data-fk="import"]');
  const open = await nativeDialog('Import profiles');
  // The location field opens holding the current folder: replace it with the path.
  pressIn(open, 'ctrl+l');
  pressIn(open, 'ctrl+a');
  typeIn(open, incoming);
  execFileSync('import', ['-window', 'root', join(shots, 'import-dialog.png')]);
  pressIn(open, 'Return');
  await wd.waitFor('[data-fk="import-go"]', 30000);
  assert.match(String(await wd.exec('return document.querySelector("dialog[open]").innerText')), /Imported site[\s\S]*Acme backup/);
  assert.equal(profilesFile().profiles.length, 1, 'the preview writes nothing');
  await shot('import-preview.png');
  await clickOn('[data-fk="import-go"]');
  await wd.until('the imported profile', async () => profilesFile().profiles.some((p) => p.name === 'Imported site'));
  const imported = profilesFile().profiles.find((p) => p.name === 'Imported site');
  assert.equal(profilesFile().profiles.length, 2, 'the duplicate name was skipped');
  assert.equal(keyring(imported.id), null, 'an imported profile has no token');
  await wd.waitFor(`tbody tr[data-id="${imported.id}"]`);

  // Delete with confirmation: file and keyring are both cleared.
  await toList();
  await clickOn(`[data-fk="edit-${id}"]`);
  await clickOn('[data-fk="delete"]');
  await clickOn('.dialog-confirm .btn-danger');
  await wd.until('the profile gone', async () => !profilesFile().profiles.some((p) => p.id === id));
  assert.equal(keyring(id), null, 'token removed from the keyring');

  // No answer of the real backend ever carried a token.
  const answers = /** @type {string[]} */ (await wd.exec('return window.__answers'));
  assert.ok(answers.length > 10, `the recorder saw the answers (${answers.length})`);
  assert.ok(answers.some((a) => a.startsWith('get_profile ')), 'the recorder saw the edit form load');
  for (const a of answers) {
    for (const secret of [token, newToken, orgKey]) assert.ok(!a.includes(secret), `an answer carried a secret: ${a.slice(0, 80)}`);
  }

  // The scan: no token in the data folder or the app's logs.
  const scan = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) scan(p);
      else {
        const text = readFileSync(p, 'utf8');
        for (const secret of [token, newToken, orgKey]) assert.ok(!text.includes(secret), `a secret leaked into ${p}`);
      }
    }
  };
  scan(data);
  scan(xdg);
}
