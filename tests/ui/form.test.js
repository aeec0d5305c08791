// The create/edit form: inline validation, create (the token never shown again; that no
// answer of the real backend carries it is checked end to end in tests/e2e),
// edit with a quick pick and no token, delete from the form, the tray's open-profile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, PROFILES, rowNames, isoIn } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

const TOKEN = 'ATATT3xFfGF0-very-secret-token-7c1d2e';

/**
 * The error shown for a field: aria-invalid and the text of the aria-describedby element
 * that is an error.
 * @param {import('playwright-core').Page} page @param {string} field
 */
function fieldError(page, field) {
  return page.evaluate((f) => {
    const el = document.getElementById(`f-${f}`);
    if (!el) return { missing: true };
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const err = ids.map((id) => document.getElementById(id)).find((n) => n?.classList.contains('field-error') && !n.hidden);
    return { invalid: el.getAttribute('aria-invalid'), error: err?.textContent ?? null, inField: !!err && !!el.closest('.field')?.contains(err) };
  }, field);
}

test('invalid input shows errors under the right fields and focuses the first', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.click('[data-action="new"]');
  await page.waitForSelector('#f-name');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name', 'a new form starts in the name field');
  await page.fill('#f-name', 'ACME BACKUP'); // duplicate, ignoring case
  await page.fill('#f-host', 'http://acme.atlassian.net');
  await page.fill('#f-email', 'not-an-email');
  await page.fill('#f-expires', isoIn(-2));
  await page.click('[data-action="save"]');
  await page.waitForSelector('.field-error:not([hidden])');

  const expect = {
    name: /already exists/,
    application: /Choose the application this profile connects to/,
    host: /Use https:\/\//,
    email: /is not an email address/,
    token: /Paste the API token/,
    expires: /is in the past/,
  };
  for (const [field, re] of Object.entries(expect)) {
    const e = await fieldError(page, field);
    assert.equal(e.invalid, 'true', `${field} has aria-invalid`);
    assert.match(e.error ?? '', re, `${field} error text`);
    assert.equal(e.inField, true, `${field} error sits in its field`);
  }
  assert.equal((await fieldError(page, 'description')).invalid, null);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-name', 'focus on the first invalid field');
  assert.match(await page.locator('#form-banner').innerText(), /Check the 6 highlighted fields/);
  assert.equal(await page.getAttribute('#form-banner', 'role'), 'alert');
  assert.equal((await app.callsOf('create_profile')).length, 1);

  // Fix the name: now the application is the first invalid field. A port and a far date.
  await page.fill('#f-name', 'Acme restore');
  await page.fill('#f-host', 'https://acme.atlassian.net:8443');
  await page.fill('#f-expires', isoIn(400));
  await page.click('[data-action="save"]');
  await page.waitForFunction(() => document.activeElement?.id === 'f-application');
  assert.equal((await fieldError(page, 'name')).invalid, null, 'the fixed field is no longer invalid');
  assert.match((await fieldError(page, 'host')).error ?? '', /Remove the port :8443/);
  assert.match((await fieldError(page, 'expires')).error ?? '', /at most 365 days/);

  // Leaving a field validates it on its own (validate_profile), without touching the others.
  await page.fill('#f-email', 'backup@acme.example');
  await page.focus('#f-email');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => document.getElementById('f-email')?.getAttribute('aria-invalid') === null);
  assert.ok((await app.callsOf('validate_profile')).length >= 1);
  assert.equal((await fieldError(page, 'host')).invalid, 'true');
  await app.assertClean();
  await app.close();
});

test('create: saved profile appears in the list and the token is nowhere in the page', async () => {
  const app = await env.open({ seed: { profiles: PROFILES.slice(0, 2) } });
  const { page } = app;
  await page.click('[data-action="new"]');
  await page.waitForSelector('#f-name');
  await page.fill('#f-name', 'Zeta backup');
  await page.fill('#f-description', 'Nightly backup of ZETA');
  await page.selectOption('#f-application', 'jsm');
  await page.fill('#f-host', 'https://zeta.atlassian.net/jira/your-work');
  await page.fill('#f-email', 'robot@zeta.example');
  await page.fill('#f-token', TOKEN);
  // show/hide toggle
  assert.equal(await page.getAttribute('#f-token', 'type'), 'password');
  await page.click('[data-action="toggle-token"]');
  assert.equal(await page.getAttribute('#f-token', 'type'), 'text');
  assert.equal(await page.getAttribute('[data-action="toggle-token"]', 'aria-pressed'), 'true');
  await page.click('[data-action="toggle-token"]');
  assert.equal(await page.getAttribute('#f-token', 'type'), 'password');
  await page.click('[data-quick="90"]');
  assert.equal(await page.inputValue('#f-expires'), isoIn(90));
  assert.match(await page.locator('#f-expires-rel').innerText(), /in 90 days/);
  await page.click('[data-action="save"]');
  await page.waitForSelector('#form-banner.banner-success');
  assert.match(await page.locator('#form-banner').innerText(), /Saved “Zeta backup”/);

  const created = await app.callsOf('create_profile');
  assert.equal(created.length, 1);
  assert.equal(created[0].args.draft.token, TOKEN, 'the token is sent once, to be stored');
  assert.equal(created[0].args.draft.application, 'jsm');
  assert.equal(created[0].args.draft.expires, isoIn(90));

  // After saving: the form is in edit mode with the token stored, no token input value anywhere.
  await page.waitForSelector('.token-stored');
  assert.match(await page.locator('.token-stored').innerText(), /A token is stored in the OS keyring — leave blank to keep it/);
  /** @param {string} where */
  const scan = async (where) => {
    const found = await page.evaluate((tok) => ({
      html: document.documentElement.outerHTML.includes(tok),
      inputs: [...document.querySelectorAll('input, textarea, select')].some((i) => /** @type {HTMLInputElement} */ (i).value.includes(tok)),
    }), TOKEN);
    assert.deepEqual(found, { html: false, inputs: false }, `token in the DOM (${where})`);
  };
  await scan('after save');
  // Replace token shows an empty input.
  await page.click('[data-action="replace-token"]');
  assert.equal(await page.inputValue('#f-token'), '');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-token');
  await page.click('[data-fk="keep-token"]');
  await scan('after replace/keep');

  await page.click('[data-fk="back"]');
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  const names = await rowNames(page);
  assert.ok(names.includes('Zeta backup'), names.join(','));
  const row = page.locator('tr', { hasText: 'Zeta backup' });
  assert.match(await row.innerText(), /zeta\.atlassian\.net/);
  assert.match(await row.innerText(), /Jira Service Management/);
  assert.equal(await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).closest('tr')?.textContent?.includes('Zeta backup')), true, 'focus returns to the saved row');
  await scan('in the list');
  await app.assertClean();
  await app.close();
});

test('warnings after save are non-blocking notes', async () => {
  const app = await env.open({ seed: { profiles: [] }, waitFor: '.empty' });
  const { page } = app;
  await page.click('[data-fk="new"]');
  await page.waitForSelector('#f-name');
  await page.fill('#f-name', 'Custom domain');
  await page.selectOption('#f-application', 'jira');
  await page.fill('#f-host', 'https://jira.acme.example');
  await page.fill('#f-email', 'robot@acme.example');
  await page.fill('#f-token', TOKEN);
  await page.fill('#f-expires', isoIn(0));
  await page.click('[data-action="save"]');
  await page.waitForSelector('#form-banner.banner-success');
  assert.match(await page.locator('#form-banner').innerText(), /with 2 notes below/);
  assert.match(await page.locator('#f-host-warn').innerText(), /not an \*\.atlassian\.net site/);
  assert.match(await page.locator('#f-expires-warn').innerText(), /expires today/);
  assert.equal(await page.getAttribute('#f-host', 'aria-invalid'), null);
  await app.assertClean();
  await app.close();
});

test('edit: a quick pick and no token sends token null; the list shows the new date', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.click('tr[data-id="p-gamma"] .col-host');
  await page.waitForSelector('#form-title');
  assert.equal(await page.inputValue('#f-name'), 'Gamma old');
  assert.equal(await page.inputValue('#f-expires'), isoIn(-3));
  assert.equal(await page.inputValue('#f-application'), 'jira-admin');
  assert.equal(await page.locator('#f-token').count(), 0, 'token input is collapsed behind "Replace token"');
  await page.click('[data-quick="365"]');
  assert.equal(await page.getAttribute('[data-quick="365"]', 'aria-pressed'), 'true');
  await page.click('[data-action="save"]');
  await page.waitForSelector('#form-banner.banner-success');
  const upd = await app.callsOf('update_profile');
  assert.equal(upd.length, 1);
  assert.equal(upd[0].args.id, 'p-gamma');
  assert.ok(upd[0].args.draft.token === null || upd[0].args.draft.token === '', 'no token keeps the stored one');
  assert.equal(upd[0].args.draft.expires, isoIn(365));
  assert.equal(upd[0].args.draft.name, 'Gamma old');
  await page.click('[data-fk="back"]');
  await page.waitForSelector('tr[data-id="p-gamma"]');
  assert.match(await page.locator('tr[data-id="p-gamma"] .col-expires').innerText(), new RegExp(`${isoIn(365)}\\s+in 365 days`));
  assert.equal(await page.locator('tr[data-id="p-gamma"] .chip').getAttribute('data-status'), 'ok');
  assert.equal((await rowNames(page)).at(-1), 'Gamma old', 're-sorted by expiry');
  await app.assertClean();
  await app.close();
});

test('edit without a stored token says so; delete from the form names the profile', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.focus('tr[data-id="p-delta"]');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#f-token');
  assert.match(await page.locator('[data-field="token"]').innerText(), /No token stored — enter one/);
  await page.click('[data-action="delete"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /“Delta no token” will be deleted/);
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  assert.deepEqual((await app.callsOf('delete_profiles')).at(-1).args.ids, ['p-delta']);
  assert.ok(!(await rowNames(page)).includes('Delta no token'));
  assert.match(await page.locator('#toasts').innerText(), /Deleted “Delta no token”/);
  await app.assertClean();
  await app.close();
});

test('the tray event open-profile opens that profile; other errors show in a banner', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.evaluate(() => /** @type {any} */ (window).__FAKE__.emit('open-profile', 'p-beta'));
  await page.waitForSelector('#form-title');
  assert.equal(await page.inputValue('#f-name'), 'Beta restore');
  assert.match(page.url(), /#\/edit\/p-beta$/);
  // A non-validation error: the profile was deleted behind the form's back.
  await page.evaluate(() => /** @type {any} */ (window).__TAURI__.core.invoke('delete_profiles', { ids: ['p-beta'] }));
  await page.click('[data-action="save"]');
  await page.waitForSelector('#form-banner.banner-error');
  assert.match(await page.locator('#form-banner').innerText(), /no profile is named "p-beta"/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'form-banner');
  await app.assertClean();
  await app.close();
});
