// @ts-check
// The create/edit form of a connection profile, with the help panel beside it.
// The API token lives only in this view's memory while it is typed: it is sent with
// create/update/test and cleared after saving; the backend never sends it back.

import * as api from '../api.js';
import { h, icon, keepFocus, asCommandError, addDaysIso, todayIso, daysUntil } from '../dom.js';
import { t, tOr, relDays, appName } from '../i18n.js';
import { confirmDialog } from './dialogs.js';
import { createHelpPanel } from './help.js';
import { openAuditDialog } from './audit.js';
import { statusChip } from './list.js';
import { APPLICATIONS, PROFILE_FIELDS } from '../gen/codes.js';

/** @typedef {import('../api.js').Profile} Profile */
/** @typedef {import('../api.js').Draft} Draft */
/** @typedef {import('../main.js').Ctx} Ctx */
/** @typedef {import('../gen/codes.js').ProfileField} FieldName */

/** The fields in form order (the order the focus looks for the first invalid one). */
export const FIELDS = PROFILE_FIELDS;
const QUICK_DAYS = [30, 90, 365];

/** @returns {Record<FieldName, string>} */
function blank() {
  return { name: '', description: '', application: '', host: '', email: '', token: '', expires: '' };
}
/** @param {Profile} p @returns {Record<FieldName, string>} */
function fromProfile(p) {
  return { name: p.name, description: p.description ?? '', application: p.application, host: p.host, email: p.email, token: '', expires: p.expires };
}

/** A field message in the UI language: the backend's English text, or a translation of its code.
 *  @param {{field: string, code: string, message: string}} f */
export function fieldMessage(f) {
  return tOr(`err.${f.field}.${f.code}`, tOr(`err.any.${f.code}`, f.message));
}

/** @param {Ctx} ctx @param {{id: string|null}} params */
export function createFormView(ctx, params) {
  /** @type {'new'|'edit'} */
  let mode = params.id ? 'edit' : 'new';
  /** @type {Profile|null} */
  let profile = null;
  /** @type {{kind: string, message: string}|null} */
  let loadError = null;
  let values = blank();
  let initial = blank();
  /** @type {Partial<Record<FieldName, string>>} */
  let errors = {};
  /** @type {Partial<Record<FieldName, string>>} */
  let warnings = {};
  /** @type {{kind: 'error'|'success'|'info', message: string, details?: string[]}|null} */
  let banner = null;
  let replacing = false;
  let showToken = false;
  /** Whether the token error says the stored token cannot follow an edited host or email. */
  let movedToken = false;
  let busy = false;
  let seq = 0;
  const help = createHelpPanel(ctx);
  const el = h('section', { class: 'view view-form', 'aria-labelledby': 'form-title' });

  // Blur validation must not move the button the user is pressing: a message that
  // appears or disappears between mousedown and mouseup would turn the click into a miss.
  // While a pointer is down, field updates wait until it is released.
  let pointerDown = false;
  /** @type {Set<FieldName>} */
  const pendingSync = new Set();
  const onPointerDown = () => { pointerDown = true; };
  const onPointerUp = () => {
    pointerDown = false;
    setTimeout(() => { for (const f of pendingSync) syncField(f); pendingSync.clear(); }, 0);
  };
  document.addEventListener('pointerdown', onPointerDown, true);
  document.addEventListener('pointerup', onPointerUp, true);
  document.addEventListener('pointercancel', onPointerUp, true);

  async function load() {
    if (!params.id) { render(); ctx.focusView(/** @type {HTMLElement|null} */ (el.querySelector('#f-name'))); return; }
    try {
      profile = await api.call('get_profile', { id: params.id });
      values = fromProfile(profile);
      initial = { ...values };
      loadError = null;
    } catch (e) {
      loadError = asCommandError(e);
    }
    render();
    ctx.focusView(/** @type {HTMLElement|null} */ (el.querySelector(mode === 'new' ? '#f-name' : '#form-title')));
  }

  function isDirty() {
    return FIELDS.some((f) => (f === 'token' ? values.token.trim() !== '' : values[f] !== initial[f]));
  }

  /** @param {boolean} withToken @returns {Draft} */
  function draft(withToken = true) {
    return {
      name: values.name,
      description: values.description.trim() ? values.description : null,
      application: values.application,
      host: values.host,
      email: values.email,
      token: withToken && values.token.trim() ? values.token : null,
      expires: values.expires,
    };
  }

  /** Keeps one field's messages and ARIA in step with `errors`/`warnings`. @param {FieldName} name */
  function syncField(name) {
    const wrap = el.querySelector(`[data-field="${name}"]`);
    if (!wrap) return;
    const control = /** @type {HTMLElement|null} */ (wrap.querySelector(`#f-${name}`));
    const err = /** @type {HTMLElement} */ (wrap.querySelector('.field-error'));
    const warn = /** @type {HTMLElement} */ (wrap.querySelector('.field-warning'));
    const hint = wrap.querySelector('.field-hint');
    err.hidden = !errors[name];
    /** @type {HTMLElement} */ (err.querySelector('.msg')).textContent = errors[name] ?? '';
    warn.hidden = !warnings[name];
    /** @type {HTMLElement} */ (warn.querySelector('.msg')).textContent = warnings[name] ?? '';
    wrap.classList.toggle('has-error', !!errors[name]);
    if (control) {
      if (errors[name]) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
      const ids = [hint?.id, errors[name] ? err.id : null, warnings[name] ? warn.id : null].filter(Boolean).join(' ');
      if (ids) control.setAttribute('aria-describedby', ids); else control.removeAttribute('aria-describedby');
    }
  }

  /**
   * One labelled field with its hint, error and warning lines.
   * @param {FieldName} name @param {string} label @param {HTMLElement} control
   * @param {{hint?: string|null, hintClass?: string, extra?: Node|null, labelFor?: boolean}} [o]
   */
  function field(name, label, control, o = {}) {
    const labelEl = o.labelFor === false
      ? h('span', { class: 'label', id: `f-${name}-label`, text: label })
      : h('label', { class: 'label', for: `f-${name}`, text: label });
    const wrap = h('div', { class: ['field', `field-${name}`], dataset: { field: name } },
      labelEl,
      o.extra ?? control,
      o.hint ? h('p', { class: ['field-hint', o.hintClass], id: `f-${name}-hint`, text: o.hint }) : null,
      h('p', { class: 'field-error', id: `f-${name}-err`, hidden: true }, icon('warning'), h('span', { class: 'msg' })),
      h('p', { class: 'field-warning', id: `f-${name}-warn`, hidden: true }, icon('info'), h('span', { class: 'msg' })));
    return wrap;
  }

  /** @param {FieldName} name @param {Record<string, any>} attrs @param {'input'|'textarea'|'select'} [tag] */
  function control(name, attrs, tag = 'input') {
    const c = /** @type {HTMLInputElement} */ (h(/** @type {any} */ (tag), { id: `f-${name}`, name, class: 'input', dataset: { fk: `f-${name}` }, ...attrs }));
    if (tag !== 'select') c.value = values[name];
    c.addEventListener('input', () => { values[name] = c.value; if (name === 'expires') syncExpiryPreview(); });
    c.addEventListener('change', () => { values[name] = c.value; if (name === 'expires') syncExpiryPreview(); });
    c.addEventListener('blur', () => validateOnBlur(name));
    return c;
  }

  function syncExpiryPreview() {
    const out = el.querySelector('#f-expires-rel');
    const n = daysUntil(values.expires);
    if (out) {
      out.textContent = n === null ? '' : relDays(n);
      out.className = ['rel', n !== null && n < 0 ? 'text-bad' : n !== null && n <= 30 ? 'text-warn' : 'muted'].join(' ');
    }
    for (const b of el.querySelectorAll('[data-quick]')) {
      b.setAttribute('aria-pressed', String(values.expires === addDaysIso(Number(/** @type {HTMLElement} */ (b).dataset.quick))));
    }
  }

  /** Checks one field with the backend when the user leaves it. @param {FieldName} name */
  async function validateOnBlur(name) {
    if (busy) return;
    const had = !!errors[name];
    if (!values[name].trim() && !had) return;
    const mySeq = ++seq;
    try {
      const warns = await api.call('validate_profile', { draft: draft(name === 'token'), id: mode === 'edit' && profile ? profile.id : null });
      if (mySeq !== seq) return;
      delete errors[name];
      const w = (warns ?? []).find((x) => x.field === name);
      if (w) warnings[name] = fieldMessage(w); else delete warnings[name];
      if (name === 'host' || name === 'email') clearMovedToken();
    } catch (e) {
      if (mySeq !== seq) return;
      const ce = asCommandError(e);
      if (ce.kind !== 'validation') return;
      const f = ce.fields.find((x) => x.field === name);
      if (f) errors[name] = fieldMessage(f); else delete errors[name];
      if (name === 'host' || name === 'email') {
        // The stored token never follows a new host or email: ask for the new one now.
        const moved = ce.fields.find((x) => x.field === 'token' && x.code === 'required_for_new_target');
        if (moved && !values.token.trim()) { errors.token = t('form.tokenForNewTarget'); movedToken = true; syncLater('token'); } else clearMovedToken();
      }
    }
    syncLater(name);
  }

  /** Syncs a field now, or when the pointer is released (see `pointerDown`). @param {FieldName} name */
  function syncLater(name) {
    if (pointerDown) pendingSync.add(name); else syncField(name);
  }

  function clearMovedToken() {
    if (!movedToken) return;
    movedToken = false;
    delete errors.token;
    syncLater('token');
  }

  /** Whether the form moves a saved profile to another host or email. */
  function movesTarget() {
    return mode === 'edit' && (values.host.trim() !== initial.host.trim() || values.email.trim().toLowerCase() !== initial.email.trim().toLowerCase());
  }

  function render() {
    keepFocus(() => {
      el.replaceChildren();
      const back = h('button', { type: 'button', class: 'btn btn-ghost back-btn', dataset: { fk: 'back' }, onclick: leave }, icon('back'), t('common.backToList'));
      if (loadError) {
        el.append(back, h('div', { class: 'banner banner-error', role: 'alert' }, icon('warning'),
          h('span', { text: loadError.kind === 'profile_not_found' ? t('form.notFound') : loadError.message })));
        return;
      }
      if (mode === 'edit' && !profile) {
        el.append(back, h('p', { class: 'muted', role: 'status', text: t('common.loading') }));
        return;
      }
      const title = mode === 'new' ? t('form.titleNew') : t('form.titleEdit');
      el.append(h('div', { class: 'view-head' },
        h('div', { class: 'title-block' },
          back,
          h('h2', { id: 'form-title', tabindex: '-1', text: title }),
          profile ? h('span', { class: 'subtitle', text: profile.name }) : null,
          profile ? statusChip(profile) : null)));

      const form = h('form', { class: 'profile-form card', novalidate: true, 'aria-labelledby': 'form-title', 'aria-busy': String(busy) });
      form.addEventListener('submit', (e) => { e.preventDefault(); save(); });

      if (banner) {
        form.append(h('div', {
          class: ['banner', `banner-${banner.kind}`], role: banner.kind === 'error' ? 'alert' : 'status', id: 'form-banner', tabindex: '-1',
        },
        icon(banner.kind === 'error' ? 'warning' : banner.kind === 'success' ? 'check' : 'info'),
        h('div', { class: 'banner-text' },
          h('span', { text: banner.message }),
          banner.details?.length ? h('ul', {}, banner.details.map((d) => h('li', { text: d }))) : null),
        banner.kind === 'success' ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', text: t('common.backToList'), onclick: () => ctx.navigate('#/') }) : null));
      }

      const name = control('name', { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-required': 'true', placeholder: t('form.namePlaceholder') });
      const desc = control('description', { rows: '2', placeholder: t('form.descriptionPlaceholder') }, 'textarea');
      const app = control('application', { required: true, 'aria-required': 'true' }, 'select');
      app.append(h('option', { value: '', text: t('form.chooseApplication'), disabled: true }),
        ...APPLICATIONS.map((a) => h('option', { value: a, text: appName(a) })));
      app.value = values.application;
      const host = control('host', { type: 'text', inputmode: 'url', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-required': 'true', placeholder: 'https://your-sub-domain.atlassian.net' });
      const email = control('email', { type: 'email', autocomplete: 'off', spellcheck: 'false', required: true, 'aria-required': 'true', placeholder: t('form.emailPlaceholder') });

      form.append(h('div', { class: 'form-grid' },
        field('name', t('form.name'), name, { hint: null }),
        field('application', t('form.application'), app),
        h('div', { class: 'span-2' }, field('description', t('form.description'), desc)),
        h('div', { class: 'span-2' }, field('host', t('form.host'), host, { hint: t('form.hostHint') })),
        h('div', { class: 'span-2' }, field('email', t('form.email'), email, { hint: t('form.emailHint') })),
        h('div', { class: 'span-2' }, tokenField()),
        h('div', { class: 'span-2' }, expiresField()),
      ));

      const actions = h('div', { class: 'form-actions' },
        h('button', { type: 'submit', class: 'btn btn-primary', disabled: busy, dataset: { fk: 'save', action: 'save' } }, icon('check'), t('form.save')),
        h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'cancel', action: 'cancel' }, onclick: leave, text: t('common.cancel') }),
        h('span', { class: 'spacer' }),
        h('button', { type: 'button', class: 'btn btn-secondary', disabled: busy, dataset: { fk: 'test', action: 'test' }, onclick: testAndAudit }, icon('shield'), t('form.test')),
        mode === 'edit' ? h('button', { type: 'button', class: 'btn btn-danger-quiet', disabled: busy, dataset: { fk: 'delete', action: 'delete' }, onclick: remove }, icon('trash'), t('form.delete')) : null);
      form.append(actions);

      el.append(h('div', { class: 'form-layout' }, form, help.el));
      for (const f of FIELDS) syncField(f);
      syncExpiryPreview();
    });
    help.render();
  }

  function tokenField() {
    const stored = mode === 'edit' && !!profile?.token_stored;
    if (stored && !replacing) {
      const replace = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fk: 'replace-token', action: 'replace-token' }, 'aria-describedby': 'f-token-stored', onclick: () => {
        replacing = true;
        render();
        /** @type {HTMLElement|null} */ (el.querySelector('#f-token'))?.focus();
      } }, icon('key'), t('form.replaceToken'));
      // Rotation verifies the new token before the old one goes: the way to renew it.
      const rotate = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fk: 'rotate-token', action: 'rotate-token' }, onclick: () => {
        ctx.navigate(`#/rotate/${encodeURIComponent(/** @type {string} */ (params.id))}`);
      } }, t('form.rotateToken'));
      const kind = profile?.token_kind;
      const box = h('div', { class: 'token-stored', role: 'group', 'aria-labelledby': 'f-token-label' },
        icon('key', 'lead'), h('span', { id: 'f-token-stored', text: t('form.tokenStored') }),
        kind ? h('span', { class: 'small muted token-kind', dataset: { fk: 'token-kind' }, text: t(`audit.tokenKind.${kind}`) }) : null,
        rotate, replace);
      return field('token', t('form.token'), box, { labelFor: false });
    }
    const input = control('token', {
      type: showToken ? 'text' : 'password', autocomplete: 'new-password', spellcheck: 'false', autocapitalize: 'off',
      'aria-required': mode === 'new' ? 'true' : null, placeholder: stored ? t('form.tokenReplacePlaceholder') : t('form.tokenPlaceholder'), class: 'input mono',
    });
    const toggle = h('button', {
      type: 'button', class: 'btn btn-icon input-addon', 'aria-controls': 'f-token', 'aria-pressed': String(showToken),
      'aria-label': showToken ? t('form.hideToken') : t('form.showToken'), title: showToken ? t('form.hideToken') : t('form.showToken'), dataset: { fk: 'toggle-token', action: 'toggle-token' },
      onclick: () => {
        showToken = !showToken;
        input.type = showToken ? 'text' : 'password';
        toggle.setAttribute('aria-pressed', String(showToken));
        toggle.setAttribute('aria-label', showToken ? t('form.hideToken') : t('form.showToken'));
        toggle.title = showToken ? t('form.hideToken') : t('form.showToken');
        toggle.replaceChildren(icon(showToken ? 'eyeoff' : 'eye'));
      },
    }, icon(showToken ? 'eyeoff' : 'eye'));
    const group = h('div', { class: 'input-group' }, input, toggle,
      stored ? h('button', { type: 'button', class: 'btn btn-ghost btn-sm', dataset: { fk: 'keep-token' }, onclick: () => {
        replacing = false; values.token = ''; delete errors.token; showToken = false; render();
        /** @type {HTMLElement|null} */ (el.querySelector('[data-fk="replace-token"]'))?.focus();
      }, text: t('form.keepToken') }) : null);
    let hint = t('form.tokenHintNew');
    let hintClass = '';
    if (mode === 'edit' && !stored) { hint = t('form.tokenMissing'); hintClass = 'is-warn'; }
    else if (stored) hint = t('form.tokenHintReplace');
    return field('token', t('form.token'), input, { extra: group, hint, hintClass });
  }

  function expiresField() {
    const input = control('expires', { type: 'date', required: true, 'aria-required': 'true', max: addDaysIso(365), class: 'input input-date' });
    const picks = h('div', { class: 'quick-picks', role: 'group', 'aria-label': t('form.quickPicks') },
      h('span', { class: 'small muted', 'aria-hidden': 'true', text: t('form.quickPicksShort') }),
      QUICK_DAYS.map((d) => h('button', {
        type: 'button', class: 'btn btn-chip', dataset: { quick: String(d), fk: `quick-${d}` }, 'aria-pressed': 'false',
        'aria-label': t('form.quickPickLabel', { n: d }),
        onclick: () => {
          values.expires = addDaysIso(d);
          input.value = values.expires;
          delete errors.expires;
          syncField('expires');
          syncExpiryPreview();
        },
      }, t('form.quickPick', { n: d }))));
    const row = h('div', { class: 'date-row' }, input, h('span', { id: 'f-expires-rel', class: 'rel muted', 'aria-live': 'polite' }), picks);
    return field('expires', t('form.expires'), input, { extra: row, hint: t('form.expiresHint', { today: todayIso() }) });
  }

  /** Puts the validation errors on their fields and the focus on the first. @param {{field: string, code: string, message: string}[]} fields */
  function showFieldErrors(fields) {
    errors = {};
    /** @type {string[]} */
    const other = [];
    for (const f of fields) {
      if (FIELDS.includes(/** @type {FieldName} */ (f.field))) {
        const k = /** @type {FieldName} */ (f.field);
        errors[k] = errors[k] ? `${errors[k]} ${fieldMessage(f)}` : fieldMessage(f);
      } else other.push(f.message);
    }
    if (errors.token && mode === 'edit') replacing = true;
    const n = Object.keys(errors).length + other.length;
    banner = { kind: 'error', message: t('form.fixFields', { n }), details: other };
    render();
    const first = FIELDS.find((f) => errors[f]);
    const target = /** @type {HTMLElement|null} */ (first ? el.querySelector(`#f-${first}`) : el.querySelector('#form-banner'));
    target?.focus();
  }

  async function save() {
    if (busy) return;
    busy = true;
    seq += 1; // drop blur validations in flight
    const d = draft();
    setBusyUi(true);
    try {
      const saved = mode === 'new' ? await api.call('create_profile', { draft: d }) : await api.call('update_profile', { id: /** @type {Profile} */ (profile).id, draft: d });
      d.token = null;
      profile = saved.profile;
      mode = 'edit';
      values = fromProfile(saved.profile);
      initial = { ...values };
      errors = {};
      warnings = {};
      for (const w of saved.warnings ?? []) {
        if (FIELDS.includes(/** @type {FieldName} */ (w.field))) warnings[/** @type {FieldName} */ (w.field)] = fieldMessage(w);
      }
      replacing = false;
      showToken = false;
      const nw = (saved.warnings ?? []).length;
      banner = { kind: 'success', message: nw ? t('form.savedWithNotes', { name: saved.profile.name, n: nw }) : t('form.saved', { name: saved.profile.name }) };
      ctx.listState.focusId = saved.profile.id;
      ctx.replaceRoute(`#/edit/${encodeURIComponent(saved.profile.id)}`);
      busy = false;
      render();
      const tokenInput = /** @type {HTMLInputElement|null} */ (el.querySelector('#f-token'));
      if (tokenInput) tokenInput.value = '';
    } catch (e) {
      busy = false;
      const ce = asCommandError(e);
      if (ce.kind === 'validation' && ce.fields.length) showFieldErrors(ce.fields);
      else {
        banner = { kind: 'error', message: ce.message };
        render();
        /** @type {HTMLElement|null} */ (el.querySelector('#form-banner'))?.focus();
      }
    } finally {
      busy = false;
      setBusyUi(false);
    }
  }

  /** @param {boolean} b */
  function setBusyUi(b) {
    const form = el.querySelector('form');
    form?.setAttribute('aria-busy', String(b));
    for (const k of ['save', 'test', 'delete']) {
      const btn = /** @type {HTMLButtonElement|null} */ (el.querySelector(`[data-fk="${k}"]`));
      if (btn) btn.disabled = b;
    }
  }

  async function testAndAudit() {
    const withToken = values.token.trim() !== '';
    if (mode === 'new' && !withToken) {
      errors.token = t('form.testNeedsToken');
      syncField('token');
      /** @type {HTMLElement|null} */ (el.querySelector('#f-token'))?.focus();
      return;
    }
    if (withToken) {
      // The form's values are checked first so typos show on their fields, not as a failed audit.
      try {
        await api.call('validate_profile', { draft: draft(), id: mode === 'edit' && profile ? profile.id : null });
      } catch (e) {
        const ce = asCommandError(e);
        if (ce.kind === 'validation' && ce.fields.length) { showFieldErrors(ce.fields); return; }
      }
      openAuditDialog(ctx, { source: { kind: 'draft', draft: draft() }, title: values.name.trim() || values.host.trim() });
      return;
    }
    const p = /** @type {Profile} */ (profile);
    if (movesTarget()) {
      // The stored token is only ever sent to the saved host and email.
      errors.token = t('form.tokenForNewTarget');
      movedToken = true;
      replacing = true;
      render();
      /** @type {HTMLElement|null} */ (el.querySelector('#f-token'))?.focus();
      return;
    }
    const unsaved = values.application !== initial.application;
    if (unsaved) {
      // An unsaved application with the stored token: audit the form's values.
      openAuditDialog(ctx, { source: { kind: 'draft', draft: draft(), id: p.id }, title: p.name });
      return;
    }
    await openAuditDialog(ctx, { source: { kind: 'profile', id: p.id }, title: p.name }).result;
  }

  async function remove() {
    if (!profile) return;
    const p = profile;
    const ok = await confirmDialog({ title: t('delete.titleOne'), message: t('delete.messageOne', { name: p.name }), confirmLabel: t('delete.confirm'), danger: true });
    if (!ok) return;
    try {
      await api.call('delete_profiles', { ids: [p.id] });
      ctx.toast(t('delete.doneOne', { name: p.name }));
      ctx.listState.focusId = null;
      ctx.navigate('#/');
    } catch (e) {
      banner = { kind: 'error', message: asCommandError(e).message };
      render();
    }
  }

  async function leave() {
    if (isDirty()) {
      const ok = await confirmDialog({ title: t('form.discardTitle'), message: t('form.discardText'), confirmLabel: t('form.discard'), danger: true });
      if (!ok) return;
    }
    values.token = '';
    ctx.navigate('#/');
  }

  render();
  load();
  return {
    el,
    render,
    destroy() {
      values.token = '';
      seq += 1;
      document.removeEventListener('pointerdown', onPointerDown, true);
      document.removeEventListener('pointerup', onPointerUp, true);
      document.removeEventListener('pointercancel', onPointerUp, true);
    },
  };
}
