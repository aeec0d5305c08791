// Screenshots for people to look at, in target/ui-screenshots/: the list (light and dark),
// the form with errors (wide and at 800x600), the audit view and the Japanese list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setup, PROFILES, SHOTS } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); fs.mkdirSync(SHOTS, { recursive: true }); });
after(async () => { await env?.done(); });

/** @param {import('playwright-core').Page} page @param {string} name */
async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 5000, `${name}.png looks empty`);
}

test('screenshots of the list, the form with errors and the audit view', async () => {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: 2000, softwareAccess: false } }, colorScheme: scheme });
    const { page } = app;
    await page.waitForSelector('table.profiles tbody tr[data-id]');
    await page.check('tr[data-id="p-beta"] input[type=checkbox]');
    await page.focus('tr[data-id="p-eps"]');
    await shot(page, `list-${scheme}`);

    await page.click('[data-action="new"]');
    await page.waitForSelector('#f-name');
    await page.fill('#f-name', 'acme BACKUP');
    await page.fill('#f-host', 'http://acme.atlassian.net:8080');
    await page.fill('#f-email', 'robot@acme');
    await page.click('[data-action="save"]');
    await page.waitForSelector('.field-error:not([hidden])');
    await shot(page, `form-errors-${scheme}`);

    await page.evaluate(() => { location.hash = '#/audit/p-acme'; });
    await page.waitForSelector('.verdict-card');
    await page.evaluate(() => /** @type {Element} */ (document.querySelector('main')).scrollTo(0, 0));
    await shot(page, `audit-${scheme}`);
    await page.evaluate(() => /** @type {Element} */ (document.querySelector('.projects-section')).scrollIntoView());
    await shot(page, `audit-projects-${scheme}`);
    await app.assertClean();
    await app.close();
  }

  const small = await env.open({ seed: { profiles: PROFILES }, viewport: { width: 800, height: 600 } });
  await small.page.waitForSelector('table.profiles tbody tr[data-id]');
  await shot(small.page, 'list-800x600');
  await small.page.click('[data-action="edit"], tr[data-id="p-acme"] [data-act="edit"]');
  await small.page.waitForSelector('#form-title');
  await shot(small.page, 'form-edit-800x600');
  await small.close();

  const ja = await env.open({ seed: { profiles: PROFILES, osLocale: 'ja-JP' } });
  await ja.page.waitForSelector('table.profiles tbody tr[data-id]');
  await shot(ja.page, 'list-ja');
  await ja.page.click('[data-action="new"]');
  await ja.page.waitForSelector('#f-name');
  await shot(ja.page, 'form-ja');
  await ja.close();

  const dialogs = await env.open({ seed: { profiles: PROFILES, importRows: [
    { name: 'Imported one', outcome: 'created' },
    { name: 'Acme backup', outcome: 'skipped', reason: 'a profile with this name exists' },
    { name: 'Broken row', outcome: 'invalid', reason: 'host: Use https://; Jira Cloud is only reached over HTTPS' },
  ] } });
  await dialogs.page.click('[data-action="settings"]');
  await dialogs.page.waitForSelector('dialog[open]');
  await shot(dialogs.page, 'dialog-settings');
  await dialogs.page.keyboard.press('Escape');
  await dialogs.page.click('[data-action="export"]');
  await dialogs.page.waitForSelector('dialog[open]');
  await shot(dialogs.page, 'dialog-export');
  await dialogs.page.keyboard.press('Escape');
  await dialogs.page.click('[data-action="import"]');
  await dialogs.page.waitForSelector('dialog[open]');
  await shot(dialogs.page, 'dialog-import');
  await dialogs.page.keyboard.press('Escape');
  await dialogs.page.check('tr[data-id="p-beta"] input[type=checkbox]');
  await dialogs.page.check('tr[data-id="p-gamma"] input[type=checkbox]');
  await dialogs.page.click('[data-action="delete-selected"]');
  await dialogs.page.waitForSelector('dialog[open]');
  await shot(dialogs.page, 'dialog-delete');
  await dialogs.close();

  const empty = await env.open({ seed: { profiles: [] }, waitFor: '.empty' });
  await shot(empty.page, 'list-empty');
  await empty.close();
});
