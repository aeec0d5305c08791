// Screenshots for people to look at, in target/ui-screenshots/: the list (light and dark),
// the form with errors (wide and at 800x600), the audit view (English and Japanese), the
// Japanese list and the dialogs. The light list, form errors and audit views, and the
// Japanese audit view, also go to docs/screenshot-*.png (the README shows them); the
// profiles name realistic Atlassian sites, as a reader's own would.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setup, PROFILES, SHOTS, ROOT } from './harness.js';

const DOCS = path.join(ROOT, 'docs');
/** The size of the README's pictures. */
const DOCS_VIEWPORT = { width: 1100, height: 760 };

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); fs.mkdirSync(SHOTS, { recursive: true }); });
after(async () => { await env?.done(); });

/** @param {import('playwright-core').Page} page @param {string} name @param {string|null} [docs] also docs/screenshot-<docs>.png */
async function shot(page, name, docs = null) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  assert.ok(fs.statSync(file).size > 5000, `${name}.png looks empty`);
  if (docs) fs.copyFileSync(file, path.join(DOCS, `screenshot-${docs}.png`));
}

/** The audit of Acme backup, scrolled to the top. @param {import('playwright-core').Page} page */
async function openAudit(page) {
  await page.evaluate(() => { location.hash = '#/audit/p-acme'; });
  await page.waitForSelector('.verdict-card');
  await page.evaluate(() => /** @type {Element} */ (document.querySelector('main')).scrollTo(0, 0));
}

/** For the README: as tall as it takes to show the verdicts down to the spaces' gap
 *  groups ("40 spaces lack Browse spaces"), then back to the usual size.
 *  @param {import('playwright-core').Page} page @param {string} name @param {string} docs */
async function tallShot(page, name, docs) {
  const bottom = await page.evaluate(() => {
    const main = /** @type {Element} */ (document.querySelector('main'));
    return /** @type {Element} */ (document.querySelector('.gap-groups')).getBoundingClientRect().bottom + main.scrollTop;
  });
  await page.setViewportSize({ width: DOCS_VIEWPORT.width, height: Math.min(2000, Math.max(DOCS_VIEWPORT.height, Math.ceil(bottom) + 24)) });
  await page.evaluate(() => /** @type {Element} */ (document.querySelector('main')).scrollTo(0, 0));
  await shot(page, name, docs);
  await page.setViewportSize(DOCS_VIEWPORT);
}

test('the profiles in screenshots name real Atlassian sites, not this machine', () => {
  for (const p of PROFILES) assert.match(p.host, /^https:\/\/[a-z0-9-]+\.atlassian\.net$/, p.name);
});

test('screenshots of the list, the form with errors and the audit view', async () => {
  for (const scheme of /** @type {const} */ (['light', 'dark'])) {
    const docs = (/** @type {string} */ name) => (scheme === 'light' ? name : null);
    const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: 2000, softwareAccess: false } }, colorScheme: scheme, viewport: DOCS_VIEWPORT });
    const { page } = app;
    await page.waitForSelector('table.profiles tbody tr[data-id]');
    await page.check('tr[data-id="p-beta"] input[type=checkbox]');
    await page.focus('tr[data-id="p-eps"]');
    await shot(page, `list-${scheme}`, docs('list'));

    await page.click('[data-action="new"]');
    await page.waitForSelector('#f-name');
    await page.fill('#f-name', 'acme BACKUP');
    await page.fill('#f-host', 'http://acme.atlassian.net:8080');
    await page.fill('#f-email', 'robot@acme');
    await page.click('[data-action="save"]');
    await page.waitForSelector('.field-error:not([hidden])');
    await shot(page, `form-errors-${scheme}`, docs('form-errors'));

    await openAudit(page);
    assert.match(await page.locator('.view-audit .subtitle').innerText(), /https:\/\/acme\.atlassian\.net/);
    assert.match(await page.locator('[data-verdict="backup"]').innerText(), /spaces with gaps/);
    await shot(page, `audit-${scheme}`);
    if (scheme === 'light') await tallShot(page, 'audit-docs', 'audit');
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

  const jaAudit = await env.open({ seed: { profiles: PROFILES, osLocale: 'ja-JP', audit: { projects: 2000, softwareAccess: false } }, viewport: DOCS_VIEWPORT });
  await jaAudit.page.waitForSelector('table.profiles tbody tr[data-id]');
  await openAudit(jaAudit.page);
  assert.match(await jaAudit.page.locator('#audit-title').innerText(), /権限の監査/);
  assert.match(await jaAudit.page.locator('[data-verdict="backup"]').innerText(), /スペース/);
  await shot(jaAudit.page, 'audit-ja');
  await tallShot(jaAudit.page, 'audit-docs-ja', 'audit-ja');
  await jaAudit.assertClean();
  await jaAudit.close();

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
