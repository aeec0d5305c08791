// English and Japanese: the catalogue is complete, the OS locale or the setting picks the
// language, and switching in Settings re-renders in place without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { setup, PROFILES, UI, CONTRACT } from './harness.js';

const i18n = await import(pathToFileURL(path.join(UI, 'js', 'i18n.js')).href);
const en = (await import(pathToFileURL(path.join(UI, 'js', 'i18n', 'en.js')).href)).default;
const ja = (await import(pathToFileURL(path.join(UI, 'js', 'i18n', 'ja.js')).href)).default;

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

test('every English key exists in Japanese, with the same placeholders', () => {
  const missing = Object.keys(en).filter((k) => !(k in ja));
  assert.deepEqual(missing, []);
  const ph = (/** @type {string} */ s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
  for (const k of Object.keys(en)) assert.equal(ph(ja[k]), ph(en[k]), `placeholders of ${k}`);
  for (const [k, v] of Object.entries(ja)) assert.ok(typeof v === 'string' && v.length > 0, `ja ${k} is empty`);
  // Keys only Japanese has are translations of backend texts, nothing else.
  const extra = Object.keys(ja).filter((k) => !(k in en));
  assert.deepEqual(extra.filter((k) => !/^(err|req\.why|audit\.warning|audit\.error)\./.test(k)), []);
});

// Jira's UI says "spaces" (スペース), "work items" (作業項目) and "work types" (作業タイプ)
// since 2025; texts use those words. Keys and {placeholders} are identifiers, not text.
const OLD_WORDS = /project|issue|プロジェクト|課題/i;

test('texts use Jira\'s current words: spaces and work items, never projects and issues', () => {
  /** @param {Record<string, string>} catalogue */
  const oldIn = (catalogue) => Object.entries(catalogue)
    .filter(([, v]) => OLD_WORDS.test(v.replace(/\{\w+\}/g, '')))
    .map(([k, v]) => `${k}: ${v}`);
  assert.deepEqual(oldIn(en), []);
  assert.deepEqual(oldIn(ja), []);
  // The permission table and its advice come from Rust (backend.json): names, why, fix.
  const req = CONTRACT.requirements;
  const texts = [...req.permissions, ...req.advice].flatMap((/** @type {any} */ r) => [r.name, r.why, r.fix ?? ''].map((t) => `${r.key}: ${t}`));
  assert.deepEqual(texts.filter((t) => OLD_WORDS.test(t.replace(/^\w+: /, ''))), []);
  const name = (/** @type {string} */ key) => req.permissions.find((/** @type {any} */ r) => r.key === key)?.name;
  assert.equal(name('BROWSE_PROJECTS'), 'Browse spaces');
  assert.equal(name('CREATE_ISSUES'), 'Create work items');
  // The check itself finds the old words.
  assert.ok(OLD_WORDS.test('3 Projects') && OLD_WORDS.test('Edit Issues') && OLD_WORDS.test('課題の復元'));
});

test('the language follows the setting, then the OS locale', async () => {
  assert.equal(i18n.resolveLanguage('auto', 'ja-JP'), 'ja');
  assert.equal(i18n.resolveLanguage('auto', 'ja_JP.UTF-8'), 'ja');
  assert.equal(i18n.resolveLanguage('auto', 'en-GB'), 'en');
  assert.equal(i18n.resolveLanguage('auto', 'de-DE'), 'en');
  assert.equal(i18n.resolveLanguage('en', 'ja-JP'), 'en');
  assert.equal(i18n.resolveLanguage('ja', 'en-US'), 'ja');
  await i18n.setLanguage('en');
  assert.equal(i18n.relDays(12), 'in 12 days');
  assert.equal(i18n.relDays(-3), 'expired 3 days ago');
  assert.equal(i18n.relDays(0), 'today');
  assert.equal(i18n.t('delete.doneMany', { n: 1 }), 'Deleted 1 profile.');
  await i18n.setLanguage('ja');
  assert.equal(i18n.relDays(12), 'あと 12 日');
  assert.equal(i18n.relDays(-3), '3 日前に期限切れ');
  assert.equal(i18n.relDays(0), '今日');
  await i18n.setLanguage('en');
});

test('an English start never loads the Japanese catalogue; choosing Japanese does', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, osLocale: 'en-US' } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  const loaded = () => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname));
  const before = await loaded();
  assert.ok(before.includes('/js/i18n/en.js'), before.join(' '));
  assert.ok(!before.includes('/js/i18n/ja.js'), before.join(' '));
  await page.evaluate(async () => { await (await import('/js/i18n.js')).setLanguage('ja'); });
  await page.waitForFunction(() => document.getElementById('list-title')?.textContent === '接続プロファイル');
  assert.ok((await loaded()).includes('/js/i18n/ja.js'));
  await app.assertClean();
  await app.close();
});

test('OS locale ja-JP shows Japanese; Settings switches to English without a reload', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, osLocale: 'ja-JP' } });
  const { page } = app;
  await page.waitForSelector('table.profiles tbody tr[data-id]');
  assert.equal(await page.locator('#list-title').innerText(), '接続プロファイル');
  assert.match(await page.locator('[data-action="new"]').innerText(), /新規プロファイル/);
  assert.match(await page.locator('[data-action="settings"]').innerText(), /設定/);
  assert.equal(await page.getAttribute('html', 'lang'), 'ja');
  assert.match(await page.locator('tr[data-id="p-gamma"] .col-expires').innerText(), /3 日前に期限切れ/);
  assert.equal(await page.locator('tr[data-id="p-gamma"] .chip').innerText(), '期限切れ');
  assert.equal(await page.locator('th.col-name').innerText(), '名前');

  await page.evaluate(() => { /** @type {any} */ (window).__noReload = true; });
  await page.click('[data-action="settings"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  assert.match(await dialog.locator('h2').innerText(), /設定/);
  const about = dialog.locator('[data-fk="app-version"]:not([hidden])');
  await about.waitFor();
  assert.equal(await about.innerText(), 'ConnKeeper バージョン 0.1.0-test');
  await dialog.locator('select').selectOption('en');
  await dialog.getByRole('button', { name: '保存' }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.waitForFunction(() => document.getElementById('list-title')?.textContent === 'Connection profiles');
  assert.match(await page.locator('[data-action="new"]').innerText(), /New profile/);
  assert.match(await page.locator('tr[data-id="p-gamma"] .col-expires').innerText(), /expired 3 days ago/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__noReload), true, 'no reload');
  assert.equal(await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).dataset.action), 'settings', 'focus back on Settings');
  const saved = (await app.callsOf('save_settings')).at(-1);
  assert.equal(saved.args.settings.language, 'en');
  assert.deepEqual(saved.args.settings.thresholds, [30, 14, 7, 3, 1, 0]);
  await app.assertClean();
  await app.close();
});

test('language setting ja wins over an English OS; the form keeps its values across a switch', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, osLocale: 'en-US', settings: { language: 'ja' } }, hash: '#/new', waitFor: '#f-name' });
  const { page } = app;
  assert.equal(await page.locator('#form-title').innerText(), '新しい接続プロファイル');
  assert.equal(await page.locator('label[for="f-name"]').innerText(), 'プロファイル名');
  assert.match(await page.locator('[data-action="save"]').innerText(), /保存/);
  assert.match(await page.locator('.help').innerText(), /API トークンを作成/);
  await page.fill('#f-name', '保存前の名前');
  await page.click('[data-action="save"]');
  await page.waitForSelector('#f-host-err:not([hidden])');
  assert.match(await page.locator('#f-host-err').innerText(), /Jira サイトのアドレスを入力してください/);
  // Switch to English through the API the Settings dialog uses.
  await page.evaluate(async () => {
    const m = await import('/js/i18n.js');
    await m.setLanguage('en');
  });
  await page.waitForFunction(() => document.getElementById('form-title')?.textContent === 'New connection profile');
  assert.equal(await page.inputValue('#f-name'), '保存前の名前');
  assert.equal(await page.locator('label[for="f-name"]').innerText(), 'Profile name');
  await app.assertClean();
  await app.close();
});

test('settings validates the reminder thresholds and saves every field', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, appVersion: '2.3.4' } });
  const { page } = app;
  await page.click('[data-action="settings"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  const about = dialog.locator('[data-fk="app-version"]:not([hidden])');
  await about.waitFor();
  assert.equal(await about.innerText(), 'ConnKeeper 2.3.4');
  await dialog.getByLabel('Remind this many days before expiry').fill('30, 7, banana');
  await dialog.getByRole('button', { name: 'Save' }).click();
  assert.match(await dialog.innerText(), /Use whole numbers of days from 0 to 365/);
  assert.equal(await dialog.getByLabel('Remind this many days before expiry').getAttribute('aria-invalid'), 'true');
  assert.equal((await app.callsOf('save_settings')).length, 0);
  await dialog.getByLabel('Remind this many days before expiry').fill('7, 30 , 1, 7');
  await dialog.getByLabel('Shift weekend reminders to Friday').uncheck();
  await dialog.getByLabel('Start at login').check();
  await dialog.getByLabel('A new token should last (days)').fill('90');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'detached' });
  const saved = (await app.callsOf('save_settings')).at(-1).args.settings;
  assert.deepEqual(saved, { language: 'auto', notifications: true, thresholds: [30, 7, 1], working_day_shift: false, start_at_login: true, token_validity_days: 90, unused_warning_days: 7 });
  assert.match(await page.locator('#toasts').innerText(), /Settings saved/);
  await app.assertClean();
  await app.close();
});

test('the error kinds of blocked tokens, IP allowlists and keyring items bound elsewhere have texts in both languages', () => {
  const kinds = fs.readFileSync(path.join(UI, 'js', 'gen', 'ErrorKind.ts'), 'utf8');
  for (const kind of ['token_blocked', 'ip_not_allowed', 'token_binding_mismatch']) {
    assert.ok(kinds.includes(`"${kind}"`), `${kind} is an ErrorKind of the core`);
    for (const key of [`audit.error.${kind}`, `audit.hint.${kind}`]) {
      assert.ok(en[key], `en ${key}`);
      assert.ok(ja[key], `ja ${key}`);
      assert.notEqual(ja[key], en[key], `ja ${key} is translated`);
      assert.match(ja[key], /[\u3040-\u30ff]/, `ja ${key} is Japanese`);
    }
  }
});

test('Settings names a gateway that replaces Atlassian’s, and says nothing without one', async () => {
  for (const [osLocale, text] of /** @type {const} */ ([
    ['en-US', /Atlassian’s API gateway is replaced by https:\/\/gw\.proxy\.example: tokens with scopes, classic tokens the site rejects and the organisation API key are sent there\./],
    ['ja-JP', /Atlassian の API ゲートウェイが https:\/\/gw\.proxy\.example に置き換えられています/],
  ])) {
    const app = await env.open({ seed: { profiles: PROFILES, osLocale, gateway: 'https://gw.proxy.example' } });
    await app.page.click('[data-action="settings"]');
    const notice = app.page.locator('dialog[open] [data-fk="gateway-notice"]');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('role'), 'note');
    assert.match(await notice.innerText(), text);
    await app.assertClean();
    await app.close();
  }

  const plain = await env.open({ seed: { profiles: PROFILES } });
  await plain.page.click('[data-action="settings"]');
  await plain.page.locator('dialog[open]').waitFor();
  await plain.page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.calls.some((/** @type {any} */ c) => c.cmd === 'gateway_notice' && c.ok));
  assert.equal((await plain.callsOf('gateway_notice')).at(-1).result, null);
  assert.equal(await plain.page.locator('[data-fk="gateway-notice"]').count(), 0);
  await plain.assertClean();
  await plain.close();
});
