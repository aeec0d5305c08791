// @ts-check
// Rotating a profile's token, make before break (route #/rotate/<id>): 1. create the new
// token on Atlassian's page (the label and expiry to choose), 2. paste it: Rust verifies
// and audits it while the old one stays in place, then swaps them or says why not (with
// "Rotate anyway" where insisting is allowed), 3. the checklist of what follows, whose
// last step, revoking the old token, stays on the profile until it is ticked.

import * as api from '../api.js';
import { h, icon, append, asCommandError, uuid, keepFocus, nextId } from '../dom.js';
import { t, appName, onLanguageChange } from '../i18n.js';

/** @typedef {import('../main.js').Ctx} Ctx */
/** @typedef {import('../gen/RotationPlan').RotationPlan} RotationPlan */
/** @typedef {import('../gen/RotationOutcome').RotationOutcome} RotationOutcome */
/** @typedef {import('../gen/Verdict').Verdict} Verdict */
/** @typedef {import('../api.js').AuditProgress} AuditProgress */

/** @param {Ctx} ctx @param {{id: string}} params */
export function createRotateView(ctx, params) {
  const id = nextId('rotate');
  const el = h('section', { class: 'view view-rotate', 'aria-labelledby': 'rotate-title' });
  /** @type {RotationPlan|null} */
  let plan = null;
  /** @type {{kind: string, message: string, fields?: import('../api.js').FieldError[]}|null} */
  let error = null;
  /** @type {RotationOutcome|null} */
  let outcome = null;
  let running = false;
  /** @type {string|null} */
  let runId = null;
  /** @type {AuditProgress|null} */
  let progress = null;
  let revoked = false;
  let destroyed = false;
  const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

  const token = /** @type {HTMLInputElement} */ (h('input', {
    type: 'password', class: 'input mono', id: `${id}-token`, autocomplete: 'off', spellcheck: 'false',
    dataset: { fk: 'rotate-token' }, 'aria-describedby': `${id}-token-hint`,
  }));
  const expires = /** @type {HTMLInputElement} */ (h('input', { type: 'date', class: 'input', id: `${id}-expires`, dataset: { fk: 'rotate-expires' } }));

  /** @param {boolean} force */
  async function run(force) {
    if (running || !plan) return;
    const myRun = uuid();
    runId = myRun;
    running = true;
    error = null;
    outcome = null;
    progress = { run_id: myRun, phase: 'credentials' };
    render();
    live.textContent = t('rotate.verifying');
    /** @type {(() => void)|null} */
    let unlisten = null;
    try { unlisten = await api.onAuditProgress((p) => { if (p.run_id === myRun) { progress = p; renderProgress(); } }); } catch { unlisten = null; }
    try {
      const o = await api.call('rotate_token', { id: plan.id, runId: myRun, input: { token: token.value, expires: expires.value, force } });
      if (destroyed || runId !== myRun) return;
      outcome = o;
      if (o.outcome === 'rotated') {
        token.value = '';
        revoked = false;
      }
    } catch (e) {
      if (destroyed || runId !== myRun) return;
      error = asCommandError(e);
    } finally {
      if (unlisten) unlisten();
    }
    running = false;
    runId = null;
    render();
    live.textContent = outcome?.outcome === 'rotated' ? t('rotate.done') : outcome ? t('rotate.refused') : (error?.message ?? '');
    /** @type {HTMLElement|null} */ (el.querySelector('.rotate-result [tabindex="-1"], .banner[tabindex="-1"]'))?.focus();
  }

  function cancel() {
    if (!runId) return;
    api.call('cancel_audit', { runId }).catch(() => {});
    runId = null;
    running = false;
    render();
  }

  /** @param {boolean} value */
  async function setRevoked(value) {
    if (!plan) return;
    try {
      await api.call('mark_old_token_revoked', { id: plan.id, revoked: value });
      revoked = value;
      if (plan) plan.old_token_pending = !value;
      live.textContent = value ? t('rotate.revokedSaved') : '';
    } catch (e) {
      ctx.toast(asCommandError(e).message, { kind: 'error' });
    }
    render();
  }

  /** @param {Verdict|null} v */
  function verdict(v) {
    if (!v) return h('span', { class: 'muted', text: t('rotate.verdict.unknown') });
    return h('span', { class: v.ok ? 'text-ok' : 'text-bad' },
      v.ok ? t('rotate.verdict.ok') : t('rotate.verdict.gaps', { global: v.missing_global, projects: v.projects_with_gaps }));
  }

  function renderProgress() {
    const host = el.querySelector('.rotate-progress');
    if (!host || !progress) return;
    const p = progress;
    host.textContent = p.phase === 'projects' ? `${t('audit.phase.projects')} (${p.scanned})`
      : p.phase === 'permissions' ? `${t('audit.phase.permissions')} (${p.checked}/${p.total})`
        : t('audit.phase.credentials');
  }

  /** The fields' errors, under their fields. @param {string} field */
  function fieldError(field) {
    const f = error?.fields?.find((x) => x.field === field);
    return f ? h('p', { class: 'field-error', id: `${id}-${field}-err` }, icon('warning'), h('span', { class: 'msg', text: f.message })) : null;
  }

  /** @param {RotationPlan} p @param {string|null} oldExpires the old token's expiry */
  function checklist(p, oldExpires) {
    const service = p.description ? `${appName(p.application)} (${p.description})` : appName(p.application);
    const step = (/** @type {string} */ key, /** @type {HTMLElement|string} */ text, /** @type {HTMLElement|null} */ extra = null) => {
      const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', class: 'check', id: `${id}-${key}`, dataset: { fk: `rotate-${key}` } }));
      return { box, row: h('li', { class: 'check-row' }, box, h('label', { for: box.id }, text), extra) };
    };
    const a = step('updated', t('rotate.step.update', { service }));
    const b = step('verified', t('rotate.step.verify'));
    const c = step('revoked', oldExpires ? t('rotate.step.revoke', { date: oldExpires }) : t('rotate.step.revokeOld'),
      h('button', { type: 'button', class: 'btn btn-secondary btn-sm', onclick: () => ctx.openExternal(p.token_page) }, t('rotate.openTokenPage'), icon('external', 'trail')));
    c.box.checked = revoked;
    c.box.addEventListener('change', () => setRevoked(c.box.checked));
    return h('ol', { class: 'checklist' }, a.row, b.row, c.row);
  }

  function render() {
    keepFocus(() => {
      const head = h('div', { class: 'view-head' }, h('div', { class: 'title-block' },
        h('button', { type: 'button', class: 'btn btn-ghost back-btn', dataset: { fk: 'back' }, onclick: () => ctx.navigate('#/') }, icon('back'), t('common.backToList')),
        h('h2', { id: 'rotate-title', tabindex: '-1', text: t('rotate.title') }),
        plan ? h('span', { class: 'subtitle', text: `${plan.name} · ${plan.host}` }) : null));
      el.replaceChildren(head, live);
      if (!plan) {
        el.append(error
          ? h('div', { class: 'banner banner-error', role: 'alert' }, icon('warning'), h('span', { text: error.kind === 'profile_not_found' ? t('form.notFound') : error.message }))
          : h('p', { class: 'muted loading', role: 'status', text: t('common.loading') }));
        return;
      }
      const p = plan;
      if (outcome?.outcome === 'rotated') {
        el.append(h('div', { class: 'card rotate-result' },
          h('div', { class: 'banner banner-success', tabindex: '-1' }, icon('check'),
            h('span', { text: t('rotate.rotated', { date: outcome.record.new_expires }) })),
          outcome.record.forced ? h('p', { class: 'text-warn', text: t('rotate.forcedNote') }) : null,
          h('h3', { text: t('rotate.nextTitle') }), checklist(p, outcome.record.old_expires)));
        return;
      }
      if (p.old_token_pending) {
        el.append(h('div', { class: 'banner banner-info', dataset: { fk: 'rotate-pending' } }, icon('warning'),
          h('div', {}, h('p', { text: t('rotate.pending') }), checklist(p, p.pending_old_expires))));
      }
      append(el, [
        h('div', { class: 'card rotate-step' },
          h('h3', { text: t('rotate.step1') }),
          h('p', { text: t('rotate.step1Text', { email: p.email }) }),
          h('dl', { class: 'facts' },
            h('dt', { text: t('rotate.label') }),
            h('dd', {}, h('code', { class: 'mono', dataset: { fk: 'rotate-label' }, text: p.label }), ' ',
              h('button', { type: 'button', class: 'btn btn-ghost btn-sm', dataset: { fk: 'rotate-copy' }, onclick: () => {
                navigator.clipboard?.writeText(p.label).then(() => ctx.toast(t('rotate.copied')), () => {});
              } }, t('rotate.copy'))),
            h('dt', { text: t('rotate.expiry') }),
            h('dd', { text: t('rotate.expiryText', { date: p.suggested_expires, latest: p.latest_expires }) })),
          h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'rotate-open' }, onclick: () => ctx.openExternal(p.token_page) }, t('rotate.openTokenPage'), icon('external', 'trail'))),
        h('div', { class: 'card rotate-step' },
          h('h3', { text: t('rotate.step2') }),
          h('p', { class: 'muted', text: t('rotate.step2Text', { host: p.host }) }),
          h('div', { class: 'field' }, h('label', { class: 'label', for: token.id, text: t('rotate.newToken') }), token,
            h('p', { class: 'field-hint', id: `${id}-token-hint`, text: t('rotate.tokenHint') }), fieldError('token')),
          h('div', { class: 'field' }, h('label', { class: 'label', for: expires.id, text: t('rotate.newExpiry') }), expires, fieldError('expires')),
          running
            ? h('div', { class: 'progress-card' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { class: 'rotate-progress' }),
              h('button', { type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fk: 'rotate-cancel' }, onclick: cancel }, t('common.cancel')))
            : h('button', { type: 'button', class: 'btn btn-primary', dataset: { fk: 'rotate-run' }, onclick: () => run(false) }, icon('shield'), t('rotate.run'))),
      ]);
      renderProgress();
      token.setAttribute('aria-invalid', String(!!error?.fields?.some((f) => f.field === 'token')));
      expires.setAttribute('aria-invalid', String(!!error?.fields?.some((f) => f.field === 'expires')));
      if (error && !error.fields?.length) {
        el.append(h('div', { class: 'banner banner-error', role: 'alert', tabindex: '-1' }, icon('warning'), h('span', { text: error.message })));
      }
      if (outcome?.outcome === 'refused') {
        const o = outcome;
        el.append(h('div', { class: 'card rotate-result rotate-refused', dataset: { fk: 'rotate-refused' } },
          h('div', { class: 'banner banner-error', role: 'alert', tabindex: '-1' }, icon('warning'), h('span', { text: t('rotate.refusedTitle') })),
          h('ul', { class: 'refusals' }, o.refusals.map((r) => h('li', { dataset: { code: r.code }, text: r.message }))),
          h('dl', { class: 'facts' },
            h('dt', { text: t('rotate.before') }), h('dd', {}, verdict(o.before)),
            h('dt', { text: t('rotate.after') }), h('dd', {}, verdict(o.after))),
          o.can_insist
            ? h('button', { type: 'button', class: 'btn btn-danger', dataset: { fk: 'rotate-force' }, onclick: () => run(true) }, t('rotate.force'))
            : h('p', { class: 'muted', text: t('rotate.cannotInsist') })));
      }
    });
  }

  api.call('rotation_plan', { id: params.id }).then((p) => {
    if (destroyed) return;
    plan = p;
    expires.value = p.suggested_expires;
    expires.max = p.latest_expires;
    render();
    ctx.focusView(/** @type {HTMLElement|null} */ (el.querySelector('#rotate-title')));
  }, (e) => { error = asCommandError(e); render(); });
  const offLang = onLanguageChange(() => render());
  render();
  return {
    el,
    render,
    destroy() {
      destroyed = true;
      offLang();
      if (running) cancel();
    },
  };
}
