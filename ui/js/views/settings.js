// @ts-check
// The settings dialog: language, notifications, reminder thresholds, weekend shift,
// start at login, a new token's validity, the unused-token warning, and the link to an
// Atlassian organisation (views/org.js). A notice at the top names the gateway when it
// is not Atlassian's own (scoped tokens and the organisation key go there).

import * as api from '../api.js';
import { h, icon, asCommandError, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { showDialog } from './dialogs.js';
import { orgSection } from './org.js';
import { loadGatewayNotice, gatewayBanner } from './help.js';

/** @typedef {import('../api.js').Settings} Settings */

/**
 * Parses "30, 14, 7" (commas, spaces or Japanese commas) into distinct whole days 0..365,
 * largest first. Returns null when a part is not such a number.
 * @param {string} text @returns {number[]|null}
 */
export function parseThresholds(text) {
  const parts = text.split(/[\s,、，]+/).filter(Boolean);
  /** @type {Set<number>} */
  const out = new Set();
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 365) return null;
    out.add(n);
  }
  return [...out].sort((a, b) => b - a);
}

/**
 * Opens the settings dialog; resolves with the saved settings, or null when cancelled.
 * @param {Settings} current @returns {Promise<Settings|null>}
 */
export async function openSettings(current) {
  const id = nextId('settings');
  const lang = h('select', { id: `${id}-lang`, class: 'input', dataset: { fk: 'set-lang' } },
    h('option', { value: 'auto', text: t('settings.langAuto') }),
    h('option', { value: 'en', text: 'English' }),
    h('option', { value: 'ja', text: '日本語' }));
  lang.value = current.language;
  const notif = h('input', { type: 'checkbox', class: 'check', id: `${id}-notif`, checked: current.notifications });
  const thr = h('input', {
    type: 'text', class: 'input', id: `${id}-thr`, value: current.thresholds.join(', '), inputmode: 'numeric',
    'aria-describedby': `${id}-thr-hint`, spellcheck: 'false', autocomplete: 'off',
  });
  const thrErr = h('p', { class: 'field-error', id: `${id}-thr-err`, hidden: true }, icon('warning'), h('span', { class: 'msg', text: t('settings.thresholdsInvalid') }));
  const shift = h('input', { type: 'checkbox', class: 'check', id: `${id}-shift`, checked: current.working_day_shift });
  const login = h('input', { type: 'checkbox', class: 'check', id: `${id}-login`, checked: current.start_at_login });
  const validity = h('input', { type: 'number', class: 'input input-days', id: `${id}-validity`, min: '1', max: '365', step: '1', value: String(current.token_validity_days), dataset: { fk: 'set-validity' } });
  const unused = h('input', { type: 'number', class: 'input input-days', id: `${id}-unused`, min: '1', max: '365', step: '1', value: String(current.unused_warning_days), dataset: { fk: 'set-unused' } });
  const errorEl = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const syncNotif = () => { thr.disabled = !notif.checked; shift.disabled = !notif.checked; };
  notif.addEventListener('change', syncNotif);
  syncNotif();

  const about = h('p', { class: 'field-hint', dataset: { fk: 'app-version' }, hidden: true });
  api.call('app_version', {}).then((version) => {
    about.textContent = t('settings.about', { version });
    about.hidden = false;
  }, () => {});

  const body = h('div', { class: 'settings-form' },
    h('div', { class: 'field' }, h('label', { class: 'label', for: lang.id, text: t('settings.language') }), lang),
    h('div', { class: 'check-row' }, notif, h('label', { for: notif.id, text: t('settings.notifications') })),
    h('div', { class: 'field indent' },
      h('label', { class: 'label', for: thr.id, text: t('settings.thresholds') }), thr,
      h('p', { class: 'field-hint', id: `${id}-thr-hint`, text: t('settings.thresholdsHint') }), thrErr),
    h('div', { class: 'check-row indent' }, shift, h('label', { for: shift.id, text: t('settings.shift') })),
    h('div', { class: 'check-row' }, login, h('label', { for: login.id, text: t('settings.login') })),
    h('div', { class: 'field' }, h('label', { class: 'label', for: validity.id, text: t('settings.validity') }), validity,
      h('p', { class: 'field-hint', text: t('settings.validityHint') })),
    h('div', { class: 'field' }, h('label', { class: 'label', for: unused.id, text: t('settings.unused') }), unused),
    errorEl,
    orgSection(),
    about);

  loadGatewayNotice().then((g) => { if (g) body.prepend(gatewayBanner(g)); });

  const d = showDialog({
    title: t('settings.title'),
    body,
    actions: [
      { label: t('common.cancel'), variant: 'secondary', value: null },
      {
        label: t('settings.save'), variant: 'primary', fk: 'settings-save',
        run: async (dlg) => {
          const thresholds = parseThresholds(thr.value);
          thrErr.hidden = thresholds !== null;
          if (thresholds === null) {
            thr.setAttribute('aria-invalid', 'true');
            thr.setAttribute('aria-describedby', `${id}-thr-hint ${id}-thr-err`);
            thr.focus();
            return;
          }
          thr.removeAttribute('aria-invalid');
          thr.setAttribute('aria-describedby', `${id}-thr-hint`);
          /** @type {Settings} */
          const next = {
            language: /** @type {Settings['language']} */ (lang.value),
            notifications: notif.checked,
            thresholds,
            working_day_shift: shift.checked,
            start_at_login: login.checked,
            token_validity_days: Number(validity.value),
            unused_warning_days: Number(unused.value),
          };
          dlg.setBusy(true);
          try {
            const saved = await api.call('save_settings', { settings: next });
            dlg.setBusy(false);
            dlg.close(saved ?? next);
          } catch (e) {
            dlg.setBusy(false);
            errorEl.replaceChildren(icon('warning'), h('span', { text: asCommandError(e).message }));
            errorEl.hidden = false;
          }
        },
      },
    ],
  });
  return d.result;
}
