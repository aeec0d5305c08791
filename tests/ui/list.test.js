// The connection list: status chips, default sort, sorting, search, empty state, delete.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, PROFILES, rowNames, isoIn } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

test('list shows status chips and sorts by expiry by default', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  assert.deepEqual(await rowNames(page), ['Gamma old', 'Beta restore', 'Epsilon', 'Acme backup', 'Delta no token']);
  const chips = await page.$$eval('table.profiles tbody tr[data-id]', (rows) => rows.map((r) => [
    r.querySelector('.cell-name')?.textContent, r.querySelector('.chip')?.getAttribute('data-status'), r.querySelector('.chip')?.textContent,
  ]));
  assert.deepEqual(chips, [
    ['Gamma old', 'expired', 'Expired'],
    ['Beta restore', 'expiring', 'Expiring'],
    ['Epsilon', 'permissions_missing', 'Permissions missing'],
    ['Acme backup', 'ok', 'OK'],
    ['Delta no token', 'token_missing', 'Token missing'],
  ]);
  assert.equal(await page.getAttribute('th.col-expires', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('th.col-name', 'aria-sort'), 'none');

  // Dates with days left, application display names, audit verdicts.
  const gamma = page.locator('tr[data-id="p-gamma"]');
  assert.match(await gamma.locator('.col-expires').innerText(), new RegExp(`${isoIn(-3)}\\s+expired 3 days ago`));
  assert.match(await page.locator('tr[data-id="p-beta"] .col-expires').innerText(), /in 12 days/);
  assert.equal(await gamma.locator('.col-app').innerText(), 'Jira Admin Settings');
  assert.equal(await page.locator('tr[data-id="p-beta"] .col-app').innerText(), 'Jira Service Management');
  assert.equal(await gamma.locator('.col-audit').innerText(), 'Never audited');
  const eps = await page.locator('tr[data-id="p-eps"] .col-audit .verdicts').innerText();
  assert.match(eps, /Backup\s*✓/);
  assert.match(eps, /Restore\s*✗/);

  // Sorting by a header toggles ascending/descending and sets aria-sort.
  await page.click('th.col-name .sort-btn');
  assert.equal(await page.getAttribute('th.col-name', 'aria-sort'), 'ascending');
  assert.equal(await page.getAttribute('th.col-expires', 'aria-sort'), 'none');
  assert.deepEqual(await rowNames(page), ['Acme backup', 'Beta restore', 'Delta no token', 'Epsilon', 'Gamma old']);
  await page.click('th.col-name .sort-btn');
  assert.equal(await page.getAttribute('th.col-name', 'aria-sort'), 'descending');
  assert.deepEqual(await rowNames(page), ['Gamma old', 'Epsilon', 'Delta no token', 'Beta restore', 'Acme backup']);
  await page.click('th.col-status .sort-btn');
  assert.deepEqual((await rowNames(page)).slice(0, 3), ['Delta no token', 'Epsilon', 'Gamma old']);
  await page.click('th.col-expires .sort-btn');
  assert.deepEqual((await rowNames(page))[0], 'Gamma old');

  // Search filters by name, host, email and description.
  const search = page.locator('#list-search');
  await search.fill('mirror');
  assert.deepEqual(await rowNames(page), ['Epsilon']);
  await search.fill('BETA');
  assert.deepEqual(await rowNames(page), ['Beta restore']);
  await search.fill('ops@delta');
  assert.deepEqual(await rowNames(page), ['Delta no token']);
  await search.fill('gamma.atlassian');
  assert.deepEqual(await rowNames(page), ['Gamma old']);
  assert.equal(await page.locator('.count-badge').innerText(), '1 of 5');
  await search.fill('zzz-nothing');
  assert.equal(await page.locator('table.profiles tbody tr[data-id]').count(), 0);
  assert.match(await page.locator('.no-match').innerText(), /No profile matches “zzz-nothing”/);
  await page.click('.no-match button');
  assert.equal(await page.locator('table.profiles tbody tr[data-id]').count(), 5);
  await app.assertClean();
  await app.close();
});

test('an empty list explains the first steps', async () => {
  const app = await env.open({ seed: { profiles: [] } });
  const { page } = app;
  await page.waitForSelector('.empty');
  const text = await page.locator('.empty').innerText();
  assert.match(text, /No connection profiles yet/);
  assert.match(text, /Create an API token/);
  assert.match(text, /https:\/\/your-sub-domain\.atlassian\.net/);
  assert.match(text, /Grant the permissions/);
  assert.match(text, /New profile/);
  await page.click('.empty .steps .btn-link');
  const opened = await app.callsOf('open_external');
  assert.equal(opened.at(-1).args.url, 'https://id.atlassian.com/manage-profile/security/api-tokens');
  await page.click('[data-fk="new-empty"]');
  await page.waitForSelector('#f-name');
  await app.assertClean();
  await app.close();
});

test('delete asks with the profile name; multi-select deletes two rows', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');

  // One row, from the keyboard: the dialog names it; Cancel keeps it.
  await page.focus('tr[data-id="p-acme"]');
  await page.keyboard.press('Delete');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /“Acme backup” will be deleted/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await app.callsOf('delete_profiles')).length, 0);
  assert.equal(await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).dataset.id), 'p-acme');

  // Two rows by checkbox.
  assert.equal(await page.locator('[data-action="delete-selected"]').isDisabled(), true);
  await page.check('tr[data-id="p-beta"] input[type=checkbox]');
  await page.check('tr[data-id="p-gamma"] input[type=checkbox]');
  assert.match(await page.locator('[data-action="delete-selected"]').innerText(), /Delete selected \(2\)/);
  await page.click('[data-action="delete-selected"]');
  await dialog.waitFor();
  const text = await dialog.innerText();
  assert.match(text, /Delete 2 profiles\?/);
  assert.match(text, /Beta restore/);
  assert.match(text, /Gamma old/);
  await dialog.getByRole('button', { name: 'Delete 2 profiles' }).click();
  await page.waitForFunction(() => document.querySelectorAll('table.profiles tbody tr[data-id]').length === 3);
  const del = await app.callsOf('delete_profiles');
  assert.equal(del.length, 1);
  assert.deepEqual([...del[0].args.ids].sort(), ['p-beta', 'p-gamma']);
  assert.deepEqual(await rowNames(page), ['Epsilon', 'Acme backup', 'Delta no token']);
  assert.match(await page.locator('#toasts').innerText(), /Deleted 2 profiles/);

  // The select-all checkbox selects what is shown.
  await page.locator('#list-search').fill('acme');
  await page.check('th.col-check input');
  assert.match(await page.locator('[data-action="delete-selected"]').innerText(), /\(1\)/);
  await app.assertClean();
  await app.close();
});

test('export asks for a format, then a path, and reports the result', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.click('[data-action="export"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await dialog.getByText('Calendar (.ics)').click();
  await dialog.getByLabel('Include the last audit').check();
  await dialog.getByRole('button', { name: 'Export…' }).click();
  await dialog.waitFor({ state: 'detached' });
  const exp = await app.callsOf('export_profiles');
  assert.deepEqual(exp.at(-1).args, { format: 'ics', withAudit: true }, 'the page names no path');
  assert.match(await page.locator('#toasts').innerText(), /Exported 5 profiles to \/home\/admin\/connkeeper-profiles\.ics/);
  await app.assertClean();
  await app.close();
});

test('import previews the rows, then imports them', async () => {
  const app = await env.open({
    seed: {
      profiles: PROFILES.slice(0, 1),
      importRows: [
        { name: 'Imported one', outcome: 'created' },
        { name: 'Acme backup', outcome: 'skipped', reason: 'a profile with this name exists' },
        { name: 'Imported two', outcome: 'created' },
      ],
    },
  });
  const { page } = app;
  await page.click('[data-action="import"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  const text = await dialog.innerText();
  assert.match(text, /2 to create/);
  assert.match(text, /1 skipped/);
  assert.match(text, /a profile with this name exists/);
  assert.equal(await dialog.locator('tbody tr').count(), 3);
  assert.equal((await app.callsOf('import_apply')).length, 0, 'the preview writes nothing');
  const opened = (await app.callsOf('import_open')).at(-1);
  assert.deepEqual(opened.args ?? {}, {}, 'the page names no path');
  await dialog.getByRole('button', { name: 'Import 2 profiles' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.querySelectorAll('table.profiles tbody tr[data-id]').length === 3);
  assert.match(await page.locator('#toasts').innerText(), /Imported 2 profiles/);
  assert.equal(await page.locator('.chip[data-status="token_missing"]').count(), 2);
  assert.deepEqual((await app.callsOf('import_apply')).at(-1).args, { handle: opened.result.handle }, 'applies the previewed content by its one-shot handle');
  await app.assertClean();
  await app.close();
});

test('10,000 profiles: never more than 60 rows in the DOM, and every one reachable by scrolling, sorting, searching and the keyboard', async () => {
  const N = 10000;
  const profiles = Array.from({ length: N }, (_, i) => ({ id: `q${i}`, name: `Site ${String(i).padStart(5, '0')}`, host: `https://site${i}.atlassian.net`, email: `u${i}@x.example`, days: (i % 300) - 10, description: i % 4 ? null : 'Nightly' }));
  const app = await env.open({ seed: { profiles } });
  const { page } = app;
  const domRows = () => page.evaluate(() => document.querySelectorAll('table.profiles tbody tr[data-id]').length);
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  assert.equal(await page.locator('.count-badge').innerText(), '10,000');
  const capped = async (what) => {
    const n = await domRows();
    assert.ok(n > 0 && n <= 60, `${what}: ${n} rows in the DOM`);
  };
  await capped('first paint');
  assert.equal(await page.getAttribute('table.profiles', 'aria-rowcount'), String(N + 1));
  // The scrollbar spans every row: scrolling to the end shows the last one.
  await page.evaluate(() => { const s = /** @type {HTMLElement} */ (document.querySelector('.list-scroller')); s.scrollTop = s.scrollHeight; });
  await page.waitForFunction(() => [...document.querySelectorAll('table.profiles tbody tr[data-id]')].some((r) => r.getAttribute('aria-rowindex') === '10001'));
  await capped('scrolled to the end');
  // Sorting by name descending puts Site 09999 first.
  await page.evaluate(() => { /** @type {HTMLElement} */ (document.querySelector('.list-scroller')).scrollTop = 0; });
  await page.click('[data-fk="sort-name"]');
  await page.click('[data-fk="sort-name"]');
  await page.waitForFunction(() => document.querySelector('table.profiles tbody tr[data-id] .cell-name')?.textContent === 'Site 09999');
  await capped('sorted');
  // Keyboard: End reaches the last profile (Site 00000 in this order), Home the first.
  await page.locator('table.profiles tbody tr[data-id]').first().focus();
  await page.keyboard.press('End');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-id') === 'q0');
  await capped('after End');
  await page.keyboard.press('PageUp');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-id') === 'q9999');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-id') === 'q9998');
  // Searching filters all 10,000, not the rows in the DOM.
  await page.locator('#list-search').fill('Site 0001');
  await page.waitForFunction(() => document.querySelectorAll('table.profiles tbody tr[data-id]').length === 10);
  const names = await rowNames(page);
  assert.ok(names.every((n) => n?.startsWith('Site 0001')), names.join(','));
  await app.assertClean();
  await app.close();
});

test('the first screen loads only what it shows; the other views load when opened', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  const first = await loaded();
  for (const lazy of ['/js/views/form.js', '/js/views/audit.js', '/js/views/settings.js', '/js/views/org.js', '/js/views/rotate.js', '/js/views/transfer.js', '/js/i18n/ja.js']) {
    assert.ok(!first.includes(lazy), `${lazy} loaded with the list`);
  }
  await page.click('[data-action="settings"]');
  await page.locator('dialog[open]').waitFor();
  assert.ok((await loaded()).includes('/js/views/settings.js'));
  await page.keyboard.press('Escape');
  await page.click('[data-fk="audit-p-acme"]');
  await page.waitForSelector('#audit-title');
  assert.ok((await loaded()).includes('/js/views/audit.js'));
  await app.assertClean();
  await app.close();
});

test('a corrupt settings file is reported, not silently replaced by defaults', async () => {
  const app = await env.open({ seed: { profiles: PROFILES.slice(0, 1), settingsError: '/home/a/.config/connkeeper/settings.json is not valid ConnKeeper profile data (invalid JSON)' } });
  const { page } = app;
  await page.waitForFunction(() => (document.querySelector('#alerts')?.textContent ?? '').includes('Settings could not be read'));
  assert.match(await page.locator('#alerts').innerText(), /settings\.json is not valid/);
  await app.close();
});
