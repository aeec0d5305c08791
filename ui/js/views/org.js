// @ts-check
// The settings' "Atlassian organisation" section: link an organisation (its id, its
// admin API key, which goes to the OS keyring, and the key's expiry), sync (read-only at
// Atlassian: each profile's token state, real expiry and last use), take Atlassian's
// expiry where it differs (the user confirms each), unlink. A sync can be cancelled
// (cancel_audit with its run id; a cancelled sync changes nothing), and lists the
// organisation's domains that are not verified, whose accounts it does not manage.

import * as api from '../api.js';
import { h, icon, asCommandError, nextId, keepFocus, uuid } from '../dom.js';
import { t, dateTime } from '../i18n.js';
import { fieldMessage } from './form.js';

/** @typedef {import('../gen/OrgView').OrgView} OrgView */
/** @typedef {import('../gen/OrgSync').OrgSync} OrgSync */

/** The section, loading its state. @param {{onChanged?: () => void}} [o] */
export function orgSection(o = {}) {
  const id = nextId('org');
  /** @type {OrgView|null|undefined} undefined while loading */
  let org;
  /** @type {OrgSync|null} */
  let sync = null;
  /** @type {string|null} */
  let error = null;
  let busy = false;
  /** The run id of the sync under way. @type {string|null} */
  let syncRun = null;
  let cancelling = false;
  let syncCancelled = false;
  /** @type {Set<string>} */
  const accepted = new Set();
  const el = h('section', { class: 'org-section', 'aria-labelledby': `${id}-title` });
  const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

  const orgId = /** @type {HTMLInputElement} */ (h('input', { type: 'text', class: 'input mono', id: `${id}-id`, autocomplete: 'off', spellcheck: 'false', dataset: { fk: 'org-id' } }));
  const key = /** @type {HTMLInputElement} */ (h('input', { type: 'password', class: 'input mono', id: `${id}-key`, autocomplete: 'off', spellcheck: 'false', dataset: { fk: 'org-key' } }));
  const keyExpires = /** @type {HTMLInputElement} */ (h('input', { type: 'date', class: 'input', id: `${id}-exp`, dataset: { fk: 'org-key-expires' } }));

  /** The link form's inputs by the field codes the core's errors name. */
  const inputs = /** @type {const} */ ({ org_id: orgId, org_key: key, org_key_expires: keyExpires });
  /** Each link form field's error, by field code. @type {Partial<Record<keyof typeof inputs, string>>} */
  let fieldErrors = {};

  /** @param {() => Promise<void>} work */
  async function act(work) {
    if (busy) return;
    busy = true;
    error = null;
    fieldErrors = {};
    render();
    try { await work(); } catch (e) {
      const ce = asCommandError(e);
      for (const f of ce.kind === 'validation' ? ce.fields : []) {
        if (f.field in inputs) {
          const k = /** @type {keyof typeof inputs} */ (f.field);
          fieldErrors[k] = fieldErrors[k] ? `${fieldErrors[k]} ${fieldMessage(f)}` : fieldMessage(f);
        }
      }
      const n = Object.keys(fieldErrors).length;
      error = n ? t('form.fixFields', { n }) : ce.message;
    }
    busy = false;
    render();
    // The focus goes to the first field to fix.
    const first = /** @type {(keyof typeof inputs)[]} */ (Object.keys(inputs)).find((k) => fieldErrors[k]);
    if (first) inputs[first].focus();
  }

  const link = () => act(async () => {
    org = await api.call('org_link', { draft: { org_id: orgId.value, key: key.value, key_expires: keyExpires.value } });
    key.value = '';
    live.textContent = t('org.linked');
  });

  /** A link form field: its label, input, hint and error (described by both).
   *  @param {keyof typeof inputs} code @param {string} label @param {string} [hint] */
  function linkField(code, label, hint) {
    const input = inputs[code];
    const err = fieldErrors[code];
    const hintId = `${input.id}-hint`;
    const errId = `${input.id}-err`;
    input.setAttribute('aria-invalid', err ? 'true' : 'false');
    const described = [hint ? hintId : null, err ? errId : null].filter(Boolean).join(' ');
    if (described) input.setAttribute('aria-describedby', described); else input.removeAttribute('aria-describedby');
    return h('div', { class: ['field', err ? 'has-error' : null], dataset: { field: code } },
      h('label', { class: 'label', for: input.id, text: label }), input,
      hint ? h('p', { class: 'field-hint', id: hintId, text: hint }) : null,
      err ? h('p', { class: 'field-error', id: errId, dataset: { fk: `${code}-error` } }, icon('warning'), h('span', { class: 'msg', text: err })) : null);
  }
  const unlink = () => act(async () => {
    await api.call('org_unlink', {});
    org = null;
    sync = null;
    live.textContent = t('org.unlinked');
  });
  /** @param {string} fk */
  const focusFk = (fk) => /** @type {HTMLElement|null} */ (el.querySelector(`[data-fk="${fk}"]`))?.focus();

  async function doSync() {
    if (busy) return;
    const myRun = uuid();
    syncRun = myRun;
    busy = true;
    cancelling = false;
    syncCancelled = false;
    error = null;
    render();
    // The Sync button is disabled while it runs: keyboard focus goes to Cancel.
    focusFk('org-sync-cancel');
    live.textContent = t('org.syncing');
    let done = false;
    try {
      sync = await api.call('org_sync', { runId: myRun });
      accepted.clear();
      done = true;
      org = await api.call('org_status', {});
      live.textContent = t('org.synced', { n: sync.profiles.length });
      o.onChanged?.();
    } catch (e) {
      const ce = asCommandError(e);
      if (ce.kind === 'cancelled' && !done) {
        syncCancelled = true;
        live.textContent = t('org.syncCancelled');
      } else error = ce.message;
    }
    syncRun = null;
    busy = false;
    cancelling = false;
    const hadFocus = el.contains(document.activeElement);
    render();
    if (hadFocus && !el.contains(document.activeElement)) focusFk('org-sync');
    if (done) requestAnimationFrame(() => el.querySelector('[data-fk="org-findings"], [data-fk="org-skipped"]')?.scrollIntoView({ block: 'nearest' }));
  }

  function cancelSync() {
    if (!syncRun || cancelling) return;
    cancelling = true;
    // The sync answers "cancelled" (nothing changed) or, when it had already finished,
    // its result: doSync shows whichever comes.
    api.call('cancel_audit', { runId: syncRun }).catch(() => {});
    render();
  }
  /** @param {string} pid @param {string} date */
  const accept = (pid, date) => act(async () => {
    await api.call('accept_atlassian_expiry', { id: pid, expires: date });
    accepted.add(pid);
    o.onChanged?.();
  });

  function render() {
    keepFocus(() => {
      el.replaceChildren(h('h3', { id: `${id}-title`, text: t('org.title') }), live);
      if (org === undefined) { el.append(h('p', { class: 'muted', text: t('common.loading') })); return; }
      if (error) el.append(h('div', { class: 'banner banner-error', role: 'alert' }, icon('warning'), h('span', { text: error })));
      if (!org) {
        el.append(
          h('p', { class: 'field-hint', text: t('org.lead') }),
          linkField('org_id', t('org.id')),
          linkField('org_key', t('org.key'), t('org.keyHint')),
          linkField('org_key_expires', t('org.keyExpires')),
          h('button', { type: 'button', class: 'btn btn-secondary', disabled: busy, dataset: { fk: 'org-link' }, onclick: link }, t('org.link')));
        return;
      }
      const v = org;
      el.append(
        h('p', { dataset: { fk: 'org-status' } }, t('org.status', { id: v.org_id, date: v.key_expires, n: v.key_days_left }),
          v.key_days_left <= 30 ? h('span', { class: 'text-warn', text: ` ${t('org.keySoon')}` }) : null),
        h('p', { class: 'muted small', text: v.last_sync ? t('org.lastSync', { at: dateTime(v.last_sync) }) : t('org.neverSynced') }),
        h('div', { class: 'toolbar' },
          h('button', { type: 'button', class: 'btn btn-secondary', disabled: busy, dataset: { fk: 'org-sync' }, onclick: doSync }, syncRun ? t('org.syncRunning') : t('org.sync')),
          syncRun ? h('button', { type: 'button', class: 'btn btn-secondary', 'aria-disabled': cancelling ? 'true' : null, dataset: { fk: 'org-sync-cancel' }, onclick: cancelSync }, icon('x'), t('org.syncCancel')) : null,
          h('button', { type: 'button', class: 'btn btn-danger-quiet', disabled: busy, dataset: { fk: 'org-unlink' }, onclick: unlink }, t('org.unlink'))));
      if (syncCancelled) {
        el.append(h('div', { class: 'banner banner-info', role: 'status', dataset: { fk: 'org-sync-cancelled' } }, icon('info'), h('span', { text: t('org.syncCancelled') })));
      }
      if (sync && sync.skipped_domains.length) {
        el.append(h('div', { class: 'banner banner-info org-skipped', dataset: { fk: 'org-skipped' } }, icon('info'),
          h('div', { class: 'banner-text' },
            h('strong', { text: t('org.skippedTitle', { n: sync.skipped_domains.length }) }),
            h('span', { class: 'small', text: t('org.skippedText') }),
            h('ul', { class: 'small' }, sync.skipped_domains.map((d) => h('li', { dataset: { domain: d.name, status: d.status } },
              h('span', { class: 'mono', text: d.name }), ' ', h('span', { class: 'chip-note', text: d.status })))))));
      }
      if (sync) {
        el.append(h('ul', { class: 'org-findings', dataset: { fk: 'org-findings' } }, sync.profiles.map((f) => h('li', { dataset: { state: f.state, id: f.id } },
          h('strong', { text: f.name }), ' ', h('span', { class: ['chip-note', (f.state === 'revoked' || f.state === 'missing') && 'is-bad'], text: t(`org.state.${f.state}`) }),
          h('div', { class: 'small', text: f.message }),
          f.expiry_differs && f.atlassian_expires && !accepted.has(f.id)
            ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fk: `org-accept-${f.id}` }, onclick: () => accept(f.id, /** @type {string} */ (f.atlassian_expires)) },
              t('org.accept', { date: f.atlassian_expires }))
            : null))));
      }
    });
  }

  api.call('org_status', {}).then((v) => { org = v; render(); }, (e) => { org = null; error = asCommandError(e).message; render(); });
  render();
  return el;
}
