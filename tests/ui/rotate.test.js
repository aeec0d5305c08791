// Rotation (#/rotate/<id>) and the settings' Atlassian organisation section.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, PROFILES, isoIn } from './harness.js';

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env?.done(); });

const NEW_TOKEN = 'ATATT3xFfGF0-ui-rotation-new-token-01';

test('rotate: the plan, a rejected token, a worse one refused, then insisted on; the checklist records the revocation', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, rotation: { worse: true } } });
  const { page } = app;
  await page.click('[data-fk="rotate-p-eps"]');
  await page.waitForSelector('#rotate-title');
  assert.equal(await page.locator('[data-fk="rotate-label"]').innerText(), `connkeeper Epsilon ${isoIn(0)}`);
  assert.equal(await page.locator('[data-fk="rotate-expires"]').inputValue(), isoIn(365));

  // An empty token: the field says so, nothing was sent to verify.
  await page.click('[data-fk="rotate-run"]');
  await page.waitForSelector('[data-fk="rotate-token"][aria-invalid="true"]');

  // A token Jira rejects: refused, and no way to insist.
  await page.fill('[data-fk="rotate-token"]', 'rejected-ATATT3xFfGF0-0000000');
  await page.click('[data-fk="rotate-run"]');
  await page.waitForSelector('[data-fk="rotate-refused"]');
  assert.equal(await page.locator('[data-fk="rotate-force"]').count(), 0);
  assert.match(await page.locator('[data-fk="rotate-refused"]').innerText(), /cannot be used for this profile/);

  // A token that audits worse than the last audit: refused, with "Rotate anyway".
  await page.fill('[data-fk="rotate-token"]', NEW_TOKEN);
  await page.click('[data-fk="rotate-run"]');
  await page.waitForSelector('[data-fk="rotate-force"]');
  const refused = (await app.callsOf('rotate_token')).at(-1);
  assert.equal(refused.result.outcome, 'refused');
  assert.equal(refused.args.input.force, false);
  await page.click('[data-fk="rotate-force"]');
  await page.waitForSelector('.rotate-result .banner-success');
  const rotated = (await app.callsOf('rotate_token')).at(-1);
  assert.equal(rotated.args.input.force, true);
  assert.equal(rotated.result.outcome, 'rotated');
  assert.match(await page.locator('.rotate-result').innerText(), /You insisted/);
  // The token is gone from the page once saved.
  assert.ok(!(await page.content()).includes(NEW_TOKEN));

  await page.getByLabel(/Revoke the old token/).check();
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.calls.some((/** @type {any} */ c) => c.cmd === 'mark_old_token_revoked' && c.ok));
  assert.deepEqual((await app.callsOf('mark_old_token_revoked')).at(-1).args, { id: 'p-eps', revoked: true });
  await app.assertClean();
  await app.close();
});

test('rotate: a bad expiry is named under its field; the list shows an old token still to revoke', async () => {
  const pending = { ...PROFILES[0], life: { rotated_at: '2026-11-01T10:00:00Z', rotations: [], old_token_revoked: false, expires_source: 'manual', atlassian: null } };
  const app = await env.open({ seed: { profiles: [pending, ...PROFILES.slice(1)] } });
  const { page } = app;
  await page.waitForSelector('[data-note="revoke"]');
  await page.click('[data-fk="rotate-p-acme"]');
  await page.waitForSelector('[data-fk="rotate-pending"]');
  await page.fill('[data-fk="rotate-token"]', NEW_TOKEN);
  await page.fill('[data-fk="rotate-expires"]', isoIn(-2));
  await page.click('[data-fk="rotate-run"]');
  await page.waitForSelector('[data-fk="rotate-expires"][aria-invalid="true"]');
  assert.match(await page.locator('.view-rotate').innerText(), /in the past/);
  assert.equal((await app.callsOf('rotate_token')).at(-1).error.kind, 'validation');
  await app.assertClean();
  await app.close();
});

test('settings link an organisation, sync it, and take Atlassian’s expiry on request', async () => {
  const app = await env.open({ seed: {
    profiles: PROFILES,
    org: { tokens: { 'Acme backup': { state: 'active', token_id: 't1', label: 'BackupCo', expires: isoIn(100), message: 'Atlassian says otherwise.' }, 'Gamma old': { state: 'revoked', message: 'The token is revoked.' } } },
  } });
  const { page } = app;
  await page.click('[data-action="settings"]');
  const dialog = page.locator('dialog[open]');
  await dialog.waitFor();
  await dialog.locator('[data-fk="org-id"]').fill('not an id!');
  await dialog.locator('[data-fk="org-key"]').fill('ATCTT3xFfGN0-ui-org-key-000000001');
  await dialog.locator('[data-fk="org-key-expires"]').fill(isoIn(200));
  await dialog.locator('[data-fk="org-link"]').click();
  // The error sits on its field, which takes the focus; the banner counts the fields.
  await dialog.locator('[data-fk="org_id-error"]').getByText('letters, digits and dashes only').waitFor();
  assert.equal(await dialog.locator('[data-fk="org-id"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await dialog.locator('[data-fk="org-key"]').getAttribute('aria-invalid'), 'false');
  assert.ok(await dialog.locator('[data-fk="org-id"]').evaluate((e) => e === document.activeElement));
  assert.match(await dialog.locator('.org-section .banner-error').innerText(), /Check the highlighted field/);
  await dialog.locator('[data-fk="org-id"]').fill('2f1e0c3a-8b7d-4e6f-9a10-5c4b3a291807');
  await dialog.locator('[data-fk="org-key"]').fill('ATCTT3xFfGN0-ui-org-key-000000001');
  await dialog.locator('[data-fk="org-link"]').click();
  await dialog.locator('[data-fk="org-sync"]').click();
  await dialog.locator('[data-fk="org-findings"]').waitFor();
  assert.equal(await dialog.locator('[data-state="revoked"]').count(), 1);
  await dialog.locator('[data-fk="org-accept-p-acme"]').click();
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.calls.some((/** @type {any} */ c) => c.cmd === 'accept_atlassian_expiry' && c.ok));
  assert.deepEqual((await app.callsOf('accept_atlassian_expiry')).at(-1).args, { id: 'p-acme', expires: isoIn(100) });
  // The key never comes back to the page.
  assert.ok(!(await page.content()).includes('ui-org-key'));
  await app.assertClean();
  await app.close();
});

test('an organisation sync can be cancelled from the keyboard; a finished one lists the unverified domains', async () => {
  const app = await env.open({ seed: {
    profiles: PROFILES,
    org: {
      org_id: '2f1e0c3a-8b7d-4e6f-9a10-5c4b3a291807', holdSync: true,
      tokens: { 'Acme backup': { state: 'active', token_id: 't1', label: 'BackupCo' } },
      skippedDomains: [{ name: 'beta.example', status: 'unverified' }, { name: 'old-acme.example', status: 'superseded' }],
    },
  } });
  const { page } = app;
  await page.click('[data-action="settings"]');
  const dialog = page.locator('dialog[open]');
  await dialog.locator('[data-fk="org-sync"]').waitFor();
  await dialog.locator('[data-fk="org-sync"]').click();
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.held());
  // While it runs: Sync is disabled, Cancel has the focus and Enter presses it.
  const cancel = dialog.locator('[data-fk="org-sync-cancel"]');
  assert.equal(await cancel.isVisible(), true);
  assert.equal(await dialog.locator('[data-fk="org-sync"]').isDisabled(), true);
  assert.equal(await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).dataset.fk), 'org-sync-cancel');
  await page.keyboard.press('Enter');
  await dialog.locator('[data-fk="org-sync-cancelled"]').waitFor();
  assert.equal(await dialog.locator('[data-fk="org-sync-cancelled"]').innerText(), 'Sync cancelled; nothing changed.');
  assert.equal(await dialog.locator('.org-section [role="alert"], .org-section .banner-error').count(), 0, 'a cancelled sync is no error');
  assert.equal(await cancel.count(), 0);
  assert.equal(await page.evaluate(() => /** @type {HTMLElement} */ (document.activeElement).dataset.fk), 'org-sync', 'focus back on Sync');
  const runId = (await app.callsOf('org_sync'))[0].args.runId;
  assert.match(runId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual((await app.callsOf('cancel_audit')).map((c) => c.args), [{ runId }]);
  assert.equal((await app.callsOf('org_sync'))[0].error.kind, 'cancelled');
  assert.equal(await dialog.locator('[data-fk="org-findings"]').count(), 0, 'nothing was synced');

  // Again, to the end: a new run id, the findings and the skipped domains.
  await dialog.locator('[data-fk="org-sync"]').click();
  await page.waitForFunction(() => /** @type {any} */ (window).__FAKE__.held());
  await page.evaluate(() => /** @type {any} */ (window).__FAKE__.releaseAudit());
  await dialog.locator('[data-fk="org-findings"]').waitFor();
  const second = (await app.callsOf('org_sync'))[1];
  assert.notEqual(second.args.runId, runId);
  assert.equal(second.ok, true);
  assert.equal(await dialog.locator('[data-fk="org-sync-cancelled"]').count(), 0);
  const skipped = dialog.locator('[data-fk="org-skipped"]');
  const text = await skipped.innerText();
  assert.match(text, /2 domains of the organisation are not verified/);
  assert.match(text, /Accounts on unverified domains are not managed, so their tokens are not listed\. Verify the domain in admin\.atlassian\.com > Settings > Domains\./);
  assert.deepEqual(await skipped.locator('li').evaluateAll((els) => els.map((e) => e.textContent)), ['beta.example unverified', 'old-acme.example superseded']);
  await app.assertClean();
  await app.close();
});

test('a sync without unverified domains lists none', async () => {
  const app = await env.open({ seed: { profiles: PROFILES, osLocale: 'ja-JP', org: { org_id: 'acme-org', tokens: {} } } });
  const { page } = app;
  await page.click('[data-action="settings"]');
  const dialog = page.locator('dialog[open]');
  await dialog.locator('[data-fk="org-sync"]').click();
  await dialog.locator('[data-fk="org-findings"]').waitFor();
  assert.deepEqual((await app.callsOf('org_sync'))[0].result.skipped_domains, []);
  assert.equal(await dialog.locator('[data-fk="org-skipped"]').count(), 0);
  await app.assertClean();
  await app.close();
});
