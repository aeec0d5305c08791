// The audit view: progress from its own run's events, verdicts, 10,000 spaces without
// 10,000 DOM rows, grouping, filtering, paging, Fix links, cancel, auth errors, and the
// form's "Test connection and audit".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, PROFILES, isoIn } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

const N = 10000;
// The fake's gap pattern: Manage sprints every 7th, Edit work items every 11th, Browse spaces every 50th.
const gapCount = Array.from({ length: N }, (_, i) => i + 1).filter((i) => i % 7 === 0 || i % 11 === 0 || i % 50 === 0).length;

test('audit of 10,000 spaces: progress, verdicts, a small DOM, grouping, filter, Fix', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: N, holdAt: 'permissions' } } });
  const { page } = app;
  await page.click('tr[data-id="p-acme"] [data-act="audit"]');
  await page.waitForSelector('#audit-title');
  // Held in the permissions phase: the progress bar and its label show where it is.
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.held());
  await page.waitForFunction(() => document.querySelector('.progress-label')?.textContent === '6,000 of 10,000 spaces checked');
  assert.match(await page.locator('.progress-step').innerText(), /Step 3 of 3: Checking permissions/);
  const prog = await page.evaluate(() => {
    const p = /** @type {HTMLProgressElement} */ (document.querySelector('progress.progress'));
    return { value: p.value, max: p.max, label: document.querySelector('.progress-label')?.textContent };
  });
  assert.equal(prog.max, N);
  assert.equal(prog.value, 6000);
  assert.equal(prog.label, '6,000 of 10,000 spaces checked');
  assert.equal(await page.locator('[data-action="audit-cancel"]').isVisible(), true);

  // Events of another run are ignored.
  await page.evaluate(() => /** @type {any} */ (window).__FAKE__.emit('audit-progress', { run_id: 'someone-else', phase: 'permissions', checked: 1, total: 2 }));
  assert.equal(await page.locator('.progress-label').innerText(), '6,000 of 10,000 spaces checked');

  const auditCall = (await app.callsOf('audit_profile'))[0];
  assert.equal(auditCall.args.id, 'p-acme');
  assert.equal(auditCall.args.purpose, 'all');
  assert.match(auditCall.args.runId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  await page.evaluate(() => /** @type {any} */ (window).__FAKE__.releaseAudit());
  await page.waitForSelector('.verdict-card');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'audit-result-title');
  assert.equal(await page.getAttribute('[data-verdict="backup"]', 'data-state'), 'bad');
  assert.equal(await page.getAttribute('[data-verdict="restore"]', 'data-state'), 'bad');
  assert.match(await page.locator('[data-verdict="backup"]').innerText(), /Missing permissions/);
  assert.match(await page.locator('.account-line').innerText(), /Backup Robot · backup@acme\.example · type: atlassian · active/);
  assert.equal(await page.evaluate(() => /** @type {any} */ (window).__FAKE__.listenerCount('audit-progress')), 0, 'the progress listener is removed');

  // The DOM holds one page of spaces; the summary counts all of them.
  const rows = await page.locator('tr.project-row').count();
  assert.ok(rows > 0 && rows <= 100, `rendered ${rows} space rows`);
  assert.ok(await page.locator('tr').count() < 300);
  assert.equal(await page.getAttribute('#audit-projects-title .count-badge', 'data-gaps'), String(gapCount));
  assert.match(await page.locator('#audit-projects-title').innerText(), new RegExp(`${gapCount.toLocaleString('en-US')} of 10,000`));
  assert.match(await page.locator('[data-perm="MANAGE_SPRINTS_PERMISSION"]').innerText(), /1,428 spaces lack Manage sprints/);
  assert.match(await page.locator('[data-perm="EDIT_ISSUES"]').innerText(), /909 spaces lack Edit work items/);
  assert.match(await page.locator('.pager-status').innerText(), new RegExp(`1–100 of ${gapCount.toLocaleString('en-US')}`));
  assert.match(await page.locator('.audit-footer').innerText(), /10,000 spaces checked with \d[\d,]* requests in 2\.3 s/);

  // Paging keeps the DOM small.
  await page.click('[data-fk="page-next"]');
  assert.match(await page.locator('.pager-status').innerText(), /101–200 of/);
  assert.ok(await page.locator('tr.project-row').count() <= 100);

  // A permission group filters; so does the filter box.
  await page.click('[data-perm="EDIT_ISSUES"]');
  assert.equal(await page.getAttribute('[data-perm="EDIT_ISSUES"]', 'aria-pressed'), 'true');
  assert.match(await page.locator('.pager-status').innerText(), /1–100 of 909/);
  const allEdit = await page.$$eval('tr.project-row', (trs) => trs.every((tr) => [...tr.querySelectorAll('.tag')].some((t) => t.textContent === 'Edit work items')));
  assert.equal(allEdit, true);
  await page.click('[data-perm="EDIT_ISSUES"]');
  await page.fill('[data-fk="project-filter"]', 'P77');
  const keys = await page.$$eval('tr.project-row', (trs) => trs.map((tr) => tr.getAttribute('data-key')));
  assert.ok(keys.length > 0 && keys.every((k) => k?.startsWith('P77')), keys.join(','));
  assert.ok(keys.includes('P77'));
  assert.ok(keys.includes('P7700'));
  await page.fill('[data-fk="project-filter"]', 'no such space');
  assert.match(await page.locator('.project-list-host').innerText(), /No space matches the filter/);
  await page.fill('[data-fk="project-filter"]', 'P91');

  // Team-managed spaces carry the Access hint and link to the Access page.
  const team = page.locator('tr.project-row[data-key="P91"]');
  assert.match(await team.innerText(), /Team-managed/);
  assert.match(await team.innerText(), /Space settings › Access/);
  await team.locator('button[data-fix]').click();
  let open = (await app.callsOf('open_external')).at(-1);
  assert.equal(open.args.url, 'https://acme.atlassian.net/jira/software/projects/P91/settings/access');
  const p98 = page.locator('tr.project-row[data-key="P98"]');
  await page.fill('[data-fk="project-filter"]', 'P98');
  await p98.locator('button[data-fix]').click();
  open = (await app.callsOf('open_external')).at(-1);
  assert.equal(open.args.url, 'https://acme.atlassian.net/plugins/servlet/project-config/P98/permissions');

  // Global permissions: the missing one has a Fix button to the global permissions page.
  const missing = page.locator('.global-table tr[data-key="CREATE_SHARED_OBJECTS"]');
  assert.match(await missing.innerText(), /Missing/);
  assert.match(await page.locator('.global-table tr[data-key="ADMINISTER"]').innerText(), /Granted/);
  assert.equal(await page.locator('.global-table tr[data-key="ADMINISTER"] button[data-fix]').count(), 0);
  await missing.locator('button[data-fix]').click();
  open = (await app.callsOf('open_external')).at(-1);
  assert.equal(open.args.url, 'https://acme.atlassian.net/secure/admin/GlobalPermissions!default.jspa');
  assert.match(await page.locator('.warning-list').innerText(), /team-managed space/);

  // Back in the list, the last audit shows on the row.
  await page.click('[data-fk="back"]');
  await page.waitForSelector('tr[data-id="p-acme"]');
  assert.match(await page.locator('tr[data-id="p-acme"] .col-audit').textContent() ?? '', /Backup ✗.*Restore ✗/);
  await app.assertClean();
  await app.close();
});

test('cancel stops the audit of its own run id', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: 500, holdAt: 'projects' } }, hash: '#/audit/p-eps', waitFor: '#audit-title' });
  const { page } = app;
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.held());
  assert.match(await page.locator('.progress-step').innerText(), /Listing spaces/);
  await page.click('[data-action="audit-cancel"]');
  await page.waitForSelector('.banner-info');
  assert.match(await page.locator('.audit-panel').innerText(), /Audit cancelled/);
  const runId = (await app.callsOf('audit_profile'))[0].args.runId;
  const cancel = await app.callsOf('cancel_audit');
  assert.equal(cancel.length, 1);
  assert.equal(cancel[0].args.runId, runId);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-action')), 'audit-run');

  // Run again with another purpose: a new run id; restore-only leaves backup "Not checked".
  await page.click('.seg-item:has([data-fk="purpose-restore"]) label');
  assert.equal(await page.isChecked('[data-fk="purpose-restore"]'), true);
  await page.click('[data-action="audit-run"]');
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.held());
  await page.evaluate(() => /** @type {any} */ (window).__FAKE__.releaseAudit());
  await page.waitForSelector('.verdict-card');
  const second = (await app.callsOf('audit_profile'))[1];
  assert.notEqual(second.args.runId, runId);
  assert.equal(second.args.purpose, 'restore');
  assert.equal(await page.getAttribute('[data-verdict="backup"]', 'data-state'), 'skip');
  assert.match(await page.locator('[data-verdict="backup"]').innerText(), /Not checked/);
  await app.assertClean();
  await app.close();
});

test('an auth failure offers to create a new API token', async () => {
  const app = await env.open({
    seed: { profiles: PROFILES, audit: { error: { kind: 'auth', message: 'Jira rejected the email and API token (401).' } } },
    hash: '#/audit/p-acme', waitFor: '#audit-title',
  });
  const { page } = app;
  await page.waitForSelector('.audit-error');
  assert.equal(await page.getAttribute('.audit-error', 'role'), 'alert');
  assert.match(await page.locator('.audit-error').innerText(), /Jira rejected the email and API token \(401\)/);
  await page.click('[data-action="new-token"]');
  assert.equal((await app.callsOf('open_external')).at(-1).args.url, 'https://id.atlassian.com/manage-profile/security/api-tokens');
  await app.assertClean();
  await app.close();
});

test('a profile without a stored token is not audited; the view says why', async () => {
  const app = await env.open({ seed: { profiles: PROFILES }, hash: '#/audit/p-delta', waitFor: '#audit-title' });
  const { page } = app;
  await page.waitForSelector('.audit-panel .banner-info');
  assert.match(await page.locator('.audit-panel').innerText(), /No API token is stored for this profile/);
  assert.equal((await app.callsOf('audit_profile')).length, 0);
  await page.click('[data-fk="audit-edit"]');
  await page.waitForSelector('#f-token');
  await app.assertClean();
  await app.close();
});

test('Test connection and audit from the form uses the form values; Escape closes it', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, audit: { projects: 30 } } });
  const { page } = app;
  await page.click('[data-action="new"]');
  await page.waitForSelector('#f-name');
  // Without a token a new profile cannot be tested.
  await page.click('[data-action="test"]');
  assert.match(await page.locator('#f-token-err').innerText(), /Enter the API token to test the connection/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-token');
  await page.fill('#f-name', 'Trial');
  await page.selectOption('#f-application', 'jira');
  await page.fill('#f-host', 'https://trial.atlassian.net');
  await page.fill('#f-email', 'trial@acme.example');
  await page.fill('#f-token', 'ATATT-trial-token-0123456789');
  await page.click('[data-quick="30"]');
  await page.click('[data-action="test"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await dialog.locator('.verdict-card').first().waitFor();
  const tc = (await app.callsOf('test_connection'))[0];
  assert.equal(tc.args.draft.host, 'https://trial.atlassian.net');
  assert.equal(tc.args.draft.token, 'ATATT-trial-token-0123456789');
  assert.equal(tc.args.draft.expires, isoIn(30));
  assert.match(await dialog.innerText(), /Test connection and audit: Trial/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-action')), 'test', 'focus returns to the button');
  assert.equal(await page.inputValue('#f-name'), 'Trial', 'the form keeps its values');

  // A saved profile with no new token audits the saved profile.
  await page.evaluate(() => { location.hash = '#/edit/p-beta'; });
  await page.waitForSelector('.token-stored');
  await page.click('[data-action="test"]');
  await dialog.waitFor();
  await dialog.locator('.verdict-card').first().waitFor();
  assert.equal((await app.callsOf('audit_profile')).at(-1).args.id, 'p-beta');
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await dialog.waitFor({ state: 'detached' });

  // An unsaved host never gets the stored token: the form asks for the new site's token.
  const before = (await app.callsOf('test_connection')).length;
  await page.fill('#f-host', 'https://moved.atlassian.net');
  await page.click('[data-action="test"]');
  await page.waitForSelector('#f-token-err:not([hidden])');
  assert.match(await page.locator('#f-token-err').innerText(), /stored API token stays with the saved host and email/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'f-token');
  assert.equal((await app.callsOf('test_connection')).length, before, 'nothing was sent');
  // With the new token typed, the form's values are tested with it.
  await page.fill('#f-token', 'ATATT-moved-site-token-0123456789');
  await page.click('[data-action="test"]');
  await dialog.waitFor();
  await dialog.locator('.verdict-card').first().waitFor();
  const moved = (await app.callsOf('test_connection')).at(-1).args;
  assert.equal(moved.draft.host, 'https://moved.atlassian.net');
  assert.equal(moved.draft.token, 'ATATT-moved-site-token-0123456789');
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await dialog.waitFor({ state: 'detached' });
  await app.assertClean();
  await app.close();
});

test('real sites: a root cause first, the token kind, a service account, archived spaces', async () => {
  const app = await env.open({
    seed: {
      profiles: PROFILES,
      audit: {
        projects: 20,
        tokenKind: 'scoped',
        serviceAccount: true,
        archived: [{ id: 10900, key: 'OLD', name: 'Old' }, { id: 10901, key: 'OLDER', name: 'Older' }],
        warnings: [
          { code: 'no_product_access', message: 'The account has no Jira product access, so it holds no space permission anywhere. Grant it product access in Atlassian Administration.' },
          { code: 'archived_projects', message: '2 archived spaces are read-only and not audited.' },
        ],
      },
    },
  });
  const { page } = app;
  await page.click('tr[data-id="p-acme"] [data-act="audit"]');
  await page.waitForSelector('.verdict-card');
  const order = await page.evaluate(() => {
    const root = document.querySelector('.root-cause');
    const verdicts = document.querySelector('.verdicts-row');
    return root && verdicts ? root.compareDocumentPosition(verdicts) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
  });
  assert.ok(order, 'the root cause is shown before the verdicts');
  assert.match(await page.locator('.root-cause').innerText(), /no Jira product access/);
  assert.match(await page.locator('[data-fk="token-kind"]').innerText(), /API token with scopes/);
  assert.equal(await page.locator('[data-fk="service-account"]').innerText(), 'Service account');
  assert.deepEqual(await page.locator('.archived-list li').allInnerTexts(), ['OLD', 'OLDER']);
  assert.ok(await page.locator('.badge-type[data-type="business"]').count() > 0, 'non-software spaces show their type');
  await app.assertClean();
  await app.close();
});

test('the help panel lists the scopes a token with scopes needs', async () => {
  const app = await env.open({ seed: { profiles: PROFILES } });
  const { page } = app;
  await page.click('[data-action="new"]');
  await page.waitForSelector('[data-fk="help-scopes"]');
  await page.click('[data-fk="help-scopes"] summary');
  const text = await page.locator('[data-fk="help-scopes"]').innerText();
  assert.match(text, /read:jira-user/);
  assert.match(text, /manage:jira-configuration/);
  assert.match(text, /GET \/rest\/agile\/1\.0\/board\s+classic: none works \(granular only\) · granular: read:board-scope:jira-software, read:project:jira/);
  assert.match(await page.locator('.req[data-key="SERVICEDESK_AGENT"]').innerText(), /Only in Service spaces, for Jira Service Management/);
  await app.assertClean();
  await app.close();
});

/** Waits until the page has its answer to gateway_notice. @param {import('playwright-core').Page} page */
const gatewayAsked = (page) => page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.calls.some((/** @type {any} */ c) => c.cmd === 'gateway_notice' && c.ok));

test('the audit view names a gateway that replaces Atlassian’s, and says nothing without one', async () => {
  const gw = await env.open({ seed: { profiles: PROFILES, gateway: 'https://gw.proxy.example' }, hash: '#/audit/p-acme', waitFor: '#audit-title' });
  const notice = gw.page.locator('.audit-panel [data-fk="gateway-notice"]');
  await notice.waitFor();
  assert.equal(await notice.getAttribute('role'), 'note');
  assert.match(await notice.innerText(), /Atlassian’s API gateway is replaced by https:\/\/gw\.proxy\.example: tokens with scopes, classic tokens the site rejects and the organisation API key are sent there\./);
  // It stays through the audit and its result.
  await gw.page.waitForSelector('.verdict-card');
  assert.equal(await notice.isVisible(), true);
  await gw.assertClean();
  await gw.close();

  const plain = await env.open({ seed: { profiles: PROFILES }, hash: '#/audit/p-acme', waitFor: '#audit-title' });
  await gatewayAsked(plain.page);
  await plain.page.waitForSelector('.verdict-card');
  assert.equal((await plain.callsOf('gateway_notice')).at(-1).result, null);
  assert.equal(await plain.page.locator('[data-fk="gateway-notice"]').count(), 0);
  await plain.assertClean();
  await plain.close();
});

// Errors the core names with their own kinds: a title, the core's message and what to do.
const KIND_TEXTS = [
  { kind: 'token_blocked', message: 'An admin blocked API token access for backup@acme.example.', en: /An admin blocked API token access.*External users › API token access/s, ja: /API トークンアクセスをブロック.*外部ユーザー/s },
  { kind: 'ip_not_allowed', message: 'The IP allowlist of acme.atlassian.net refused this computer.', en: /IP allowlist refused this computer.*outgoing addresses must be on the allowlist too/s, ja: /IP 許可リスト.*送信元アドレス/s },
  { kind: 'token_binding_mismatch', message: 'The keyring item of "Acme backup" was saved for another site or account; nothing was sent.', en: /another site or account.*changed outside ConnKeeper.*enter the token again/s, ja: /別のサイトまたはアカウント.*ConnKeeper の外部で変更.*もう一度入力/s },
];

for (const { kind, message, en, ja } of KIND_TEXTS) {
  test(`an audit failing with ${kind} explains it, in English and Japanese`, async () => {
    for (const [osLocale, text] of /** @type {const} */ ([['en-US', en], ['ja-JP', ja]])) {
      const app = await env.open({ seed: { profiles: PROFILES, osLocale, audit: { error: { kind, message } } }, hash: '#/audit/p-acme', waitFor: '#audit-title' });
      const { page } = app;
      const err = page.locator(`.audit-error[data-kind="${kind}"]`);
      await err.waitFor();
      assert.equal(await err.getAttribute('role'), 'alert');
      const shown = await err.innerText();
      assert.match(shown, text);
      assert.ok(shown.includes(message), 'the core’s own message is shown too');
      assert.doesNotMatch(shown, /The audit could not finish|監査を完了できませんでした/, 'not the generic title');
      await app.assertClean();
      await app.close();
    }
  });
}
