// Keyboard use and the 800x600 minimum window: Tab order, row navigation, dialogs that
// trap the focus, close on Escape and give the focus back; no horizontal page scroll.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, PROFILES } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

/** What has the focus, described. @param {import('playwright-core').Page} page */
const focused = (page) => page.evaluate(() => {
  const a = /** @type {HTMLElement} */ (document.activeElement);
  return { tag: a.tagName, id: a.id, action: a.dataset.action ?? null, row: a.dataset.id ?? null, visible: a.matches(':focus-visible') };
});

test('Tab reaches New profile and the search box; arrows and Enter work the rows', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  /** @type {string[]} */
  const seen = [];
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    seen.push(f.action ?? f.id ?? f.tag);
    if (f.action === 'new') assert.equal(f.visible, true, 'focus ring shows');
    if (f.id === 'list-search') break;
  }
  assert.ok(seen.includes('new'), seen.join(' → '));
  assert.ok(seen.includes('list-search'), seen.join(' → '));
  assert.ok(seen.indexOf('new') < seen.indexOf('list-search'));
  // Into the table: ArrowDown from the search box, then row by row.
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).row, 'p-gamma');
  await page.keyboard.press('ArrowDown');
  assert.equal((await focused(page)).row, 'p-beta');
  await page.keyboard.press('End');
  assert.equal((await focused(page)).row, 'p-delta');
  await page.keyboard.press('Home');
  assert.equal((await focused(page)).row, 'p-gamma');
  const outline = await page.evaluate(() => getComputedStyle(/** @type {Element} */ (document.activeElement)).outlineStyle);
  assert.equal(outline, 'solid', 'rows show a focus ring');
  // Only one row is in the Tab order (roving tabindex).
  assert.equal(await page.locator('table.profiles tbody tr[tabindex="0"]').count(), 1);
  await page.keyboard.press(' ');
  assert.equal(await page.isChecked('tr[data-id="p-gamma"] input[type=checkbox]'), true, 'Space selects');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#form-title');
  assert.equal(await page.inputValue('#f-name'), 'Beta restore');
  assert.equal((await focused(page)).id, 'form-title', 'focus moves to the view heading');
  // Cancel (nothing changed) goes back with the focus on the same row.
  await page.click('[data-action="cancel"]');
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  await page.waitForFunction(() => /** @type {HTMLElement} */ (document.activeElement).dataset.id === 'p-beta');
  await app.assertClean();
  await app.close();
});

test('dialogs trap the focus, close on Escape and return the focus', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.focus('[data-action="settings"]');
  await page.keyboard.press('Enter');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => !!document.activeElement?.closest('dialog')), true, 'focus moves into the dialog');
  for (let i = 0; i < 15; i++) {
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]')), true, `Tab ${i + 1} stays in the dialog`);
  }
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]')), true, `Shift+Tab ${i + 1} stays in the dialog`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await focused(page)).action, 'settings');
  assert.equal((await app.callsOf('save_settings')).length, 0, 'Escape saves nothing');

  // A confirmation: Cancel has the focus; Escape keeps the profile.
  await page.check('tr[data-id="p-acme"] input[type=checkbox]');
  await page.click('[data-action="delete-selected"]');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Cancel');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal((await app.callsOf('delete_profiles')).length, 0);
  assert.equal((await focused(page)).action, 'delete-selected');
  await app.assertClean();
  await app.close();
});

test('at 800x600 the page never scrolls sideways; the form and help stack', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: 400 } }, viewport: { width: 800, height: 600 } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  const width = () => page.evaluate(() => /** @type {Element} */ (document.scrollingElement).scrollWidth);
  assert.ok(await width() <= 800, `list: ${await width()}`);
  // The table scrolls inside its own box instead.
  const wrap = await page.evaluate(() => {
    const w = /** @type {HTMLElement} */ (document.querySelector('.table-wrap'));
    return { client: w.clientWidth, scroll: w.scrollWidth };
  });
  assert.ok(wrap.client <= 800);

  await page.click('[data-action="new"]');
  await page.waitForSelector('#f-name');
  await page.click('[data-action="save"]');
  await page.waitForSelector('.field-error:not([hidden])');
  assert.ok(await width() <= 800, `form: ${await width()}`);
  const stacked = await page.evaluate(() => {
    const f = /** @type {Element} */ (document.querySelector('.profile-form')).getBoundingClientRect();
    const h = /** @type {Element} */ (document.querySelector('.help')).getBoundingClientRect();
    return h.top >= f.bottom - 1;
  });
  assert.equal(stacked, true, 'the help panel sits under the form');

  await page.evaluate(() => { location.hash = '#/audit/p-acme'; });
  await page.waitForSelector('.verdict-card');
  assert.ok(await width() <= 800, `audit: ${await width()}`);
  await app.assertClean();
  await app.close();
});
