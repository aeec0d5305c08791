// @ts-check
// The permission audit: runs audit_profile (a saved profile) or test_connection (form
// values), shows progress from `audit-progress` events of its own run id, then the
// verdicts, the account, the global permissions, the projects with gaps (paged: never
// more than PAGE rows in the DOM, however many projects the site has) and the warnings.
// A notice names the gateway when it is not Atlassian's own.

import * as api from '../api.js';
import { h, icon, append, asCommandError, uuid, keepFocus } from '../dom.js';
import { t, tOr, num, dateTime, onLanguageChange, appName } from '../i18n.js';
import { showDialog } from './dialogs.js';
import { purposeBadges, TOKEN_PAGE, loadGatewayNotice, gatewayBanner } from './help.js';
import { AUDIT_PURPOSES } from '../gen/codes.js';

/** @typedef {import('../api.js').AuditReport} AuditReport */
/** @typedef {import('../api.js').AuditProgress} AuditProgress */
/** @typedef {import('../main.js').Ctx} Ctx */
/** @typedef {{kind: 'profile', id: string}|{kind: 'draft', draft: import('../api.js').Draft, id?: string|null}} AuditSource */
/** @typedef {import('../api.js').AuditPurpose} Purpose */

/** Project rows shown at once. */
export const PAGE = 100;
/** Error kinds with a line on what to do (audit.hint.<kind>). */
const HINTED = new Set(['token_blocked', 'ip_not_allowed', 'token_binding_mismatch']);

/**
 * The audit panel, usable in a view or a dialog.
 * @param {Ctx} ctx
 * @param {{source: AuditSource, note?: string|null}} o
 */
export function createAuditPanel(ctx, o) {
  /** @type {Purpose} */
  let purpose = ctx.auditPurpose;
  let running = false;
  /** @type {string|null} */
  let runId = null;
  /** @type {AuditProgress|null} */
  let progress = null;
  /** @type {AuditReport|null} */
  let report = null;
  /** @type {{kind: string, message: string}|null} */
  let error = null;
  let cancelled = false;
  let filter = '';
  /** @type {string|null} */
  let permFilter = null;
  let page = 0;
  /** @type {AuditReport['projects']} */
  let gaps = [];
  /** @type {{key: string, name: string, count: number}[]} */
  let groups = [];
  /** @type {(() => void)|null} */
  let unlisten = null;
  let destroyed = false;
  /** The gateway replacing Atlassian's, when there is one. @type {string|null} */
  let gateway = null;

  const el = h('div', { class: 'audit-panel' });
  /** @type {HTMLElement|null} */ let progressHost = null;
  /** @type {HTMLElement|null} */ let listHost = null;
  const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });

  /** The spaces with gaps, and the report's grouping of them by missing permission. */
  function readGaps() {
    if (!report) { gaps = []; groups = []; return; }
    gaps = report.projects.filter((p) => p.missing.length > 0);
    groups = report.gaps.map((g) => ({ key: g.key, name: g.name, count: g.projects.length }));
  }

  function filtered() {
    const q = filter.trim().toLocaleLowerCase();
    return gaps.filter((p) => (!permFilter || p.missing.some((x) => x.key === permFilter))
      && (!q || p.key.toLocaleLowerCase().includes(q) || p.name.toLocaleLowerCase().includes(q)
        || p.missing.some((x) => x.name.toLocaleLowerCase().includes(q) || x.key.toLocaleLowerCase().includes(q))));
  }

  async function start() {
    if (running || destroyed) return;
    const myRun = uuid();
    runId = myRun;
    running = true;
    report = null;
    error = null;
    cancelled = false;
    progress = { run_id: myRun, phase: 'credentials' };
    filter = '';
    permFilter = null;
    page = 0;
    ctx.auditPurpose = purpose;
    render();
    announce(t('audit.phase.credentials'));
    try {
      unlisten = await api.onAuditProgress((p) => { if (p.run_id === myRun && runId === myRun) onProgress(p); });
    } catch { unlisten = null; }
    try {
      const r = o.source.kind === 'profile'
        ? await api.call('audit_profile', { id: o.source.id, runId: myRun, purpose })
        : await api.call('test_connection', { draft: o.source.draft, runId: myRun, purpose, id: o.source.id ?? null });
      if (runId !== myRun || destroyed) return;
      report = r;
      readGaps();
    } catch (e) {
      if (runId !== myRun || destroyed) return;
      const ce = asCommandError(e);
      if (ce.kind === 'cancelled') cancelled = true; else error = ce;
    } finally {
      if (unlisten) { unlisten(); unlisten = null; }
    }
    if (runId !== myRun || destroyed) return;
    running = false;
    render();
    announce(error ? t('audit.failed') : report ? (report.ok ? t('audit.doneOk') : t('audit.doneGaps')) : t('audit.cancelled'));
    const focusTarget = /** @type {HTMLElement|null} */ (el.querySelector('#audit-result-title, .audit-error'));
    focusTarget?.focus({ preventScroll: false });
    ctx.onAudited?.();
  }

  function cancel() {
    if (!running || !runId) return;
    const id = runId;
    api.call('cancel_audit', { runId: id }).catch(() => {});
    // Whatever the command answers later belongs to a run nobody waits for any more.
    runId = null;
    running = false;
    cancelled = true;
    if (unlisten) { unlisten(); unlisten = null; }
    render();
    announce(t('audit.cancelled'));
    /** @type {HTMLElement|null} */ (el.querySelector('[data-fk="audit-run"]'))?.focus();
  }

  /** @param {string} s */
  function announce(s) { live.textContent = s; }

  /** @param {AuditProgress} p */
  function onProgress(p) {
    const phaseChanged = progress?.phase !== p.phase;
    progress = p;
    syncProgress();
    if (phaseChanged && p.phase !== 'done') announce(t(`audit.phase.${p.phase}`));
  }

  function phaseText() {
    const p = progress;
    if (!p) return '';
    if (p.phase === 'projects') {
      return p.total ? t('audit.progress.projectsOf', { n: num(p.scanned ?? 0), total: num(p.total) }) : t('audit.progress.projects', { n: num(p.scanned ?? 0) });
    }
    if (p.phase === 'permissions') return t('audit.progress.permissions', { n: num(p.checked ?? 0), total: num(p.total ?? 0) });
    return t(`audit.phase.${p.phase}`);
  }

  function syncProgress() {
    if (!progressHost || !progress) return;
    const bar = /** @type {HTMLProgressElement} */ (progressHost.querySelector('progress'));
    const label = /** @type {HTMLElement} */ (progressHost.querySelector('.progress-label'));
    const step = /** @type {HTMLElement} */ (progressHost.querySelector('.progress-step'));
    const p = progress;
    const stepNo = p.phase === 'credentials' ? 1 : p.phase === 'projects' ? 2 : 3;
    step.textContent = t('audit.step', { n: stepNo, total: 3, phase: t(`audit.phase.${p.phase}`) });
    label.textContent = phaseText();
    let value = null; let max = 1;
    if (p.phase === 'projects' && p.total) { value = Math.min(p.scanned ?? 0, p.total); max = p.total; }
    if (p.phase === 'permissions' && p.total) { value = Math.min(p.checked ?? 0, p.total); max = p.total; }
    if (p.phase === 'done') { value = 1; max = 1; }
    if (value === null) { bar.removeAttribute('value'); bar.setAttribute('aria-valuetext', phaseText()); }
    else { bar.max = max; bar.value = value; bar.setAttribute('aria-valuetext', phaseText()); }
  }

  function render() {
    keepFocus(() => {
      el.replaceChildren(live);
      if (gateway) el.append(gatewayBanner(gateway));
      el.append(controls());
      if (o.note) el.append(h('div', { class: 'banner banner-info' }, icon('info'), h('span', { text: o.note })));
      if (running) {
        progressHost = h('div', { class: 'progress-card card', 'aria-busy': 'true' },
          h('div', { class: 'progress-top' }, h('span', { class: 'progress-step' }), h('span', { class: 'spinner', 'aria-hidden': 'true' })),
          h('progress', { class: 'progress', 'aria-label': t('audit.progressLabel') }),
          h('div', { class: 'progress-label small muted' }));
        el.append(progressHost);
        syncProgress();
        return;
      }
      progressHost = null;
      if (cancelled) {
        el.append(h('div', { class: 'banner banner-info' }, icon('info'), h('span', { text: t('audit.cancelled') })));
        return;
      }
      if (error) { el.append(errorView(error)); return; }
      if (report) el.append(...reportView(report));
    });
  }

  function controls() {
    const name = `purpose-${Math.random().toString(36).slice(2, 8)}`;
    const seg = h('fieldset', { class: 'segmented', disabled: running },
      h('legend', { class: 'seg-legend', text: t('audit.purpose') }),
      h('div', { class: 'seg-options' }, AUDIT_PURPOSES.map((p) => {
        const id = `${name}-${p}`;
        const input = h('input', { type: 'radio', name, id, value: p, checked: purpose === p, dataset: { fk: `purpose-${p}` } });
        input.addEventListener('change', () => { if (input.checked) purpose = /** @type {Purpose} */ (p); });
        return h('span', { class: 'seg-item' }, input, h('label', { for: id, text: t(`audit.purpose.${p}`) }));
      })));
    return h('div', { class: 'audit-controls' }, seg,
      h('span', { class: 'spacer' }),
      running
        ? h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'audit-cancel', action: 'audit-cancel' }, onclick: cancel }, icon('x'), t('audit.cancel'))
        : h('button', { type: 'button', class: 'btn btn-primary', dataset: { fk: 'audit-run', action: 'audit-run' }, onclick: start }, icon('shield'), report || error || cancelled ? t('audit.runAgain') : t('audit.run')));
  }

  /** @param {{kind: string, message: string}} e */
  function errorView(e) {
    return h('div', { class: 'banner banner-error audit-error', role: 'alert', tabindex: '-1', dataset: { kind: e.kind } },
      icon('warning'),
      h('div', { class: 'banner-text' },
        h('strong', { text: tOr(`audit.error.${e.kind}`, t('audit.failed')) }),
        h('p', { text: e.message }),
        e.kind === 'auth' ? h('p', { class: 'small', text: t('audit.authHint') }) : null,
        HINTED.has(e.kind) ? h('p', { class: 'small', dataset: { fk: 'error-hint' }, text: t(`audit.hint.${e.kind}`) }) : null,
        e.kind === 'auth' ? h('div', { class: 'banner-actions' },
          h('button', { type: 'button', class: 'btn btn-primary btn-sm', dataset: { action: 'new-token' }, onclick: () => ctx.openExternal(TOKEN_PAGE) }, icon('key'), t('audit.newToken'), icon('external', 'trail'))) : null));
  }

  /** @param {AuditReport} r */
  function reportView(r) {
    const checked = r.purpose === 'all' ? ['backup', 'restore'] : [r.purpose];
    /** @param {'backup'|'restore'} k */
    const verdict = (k) => {
      const on = checked.includes(k);
      const ok = k === 'backup' ? r.backup_ok : r.restore_ok;
      const state = !on ? 'skip' : ok ? 'ok' : 'bad';
      /** @type {string[]} */
      const detail = [];
      if (state === 'bad') {
        const g = r.global.filter((x) => !x.granted && x.required_for.includes(k)).length;
        const p = r.projects.filter((x) => x.missing.some((m) => m.required_for.includes(k))).length;
        if (g) detail.push(t('audit.detail.global', { n: g }));
        if (p) detail.push(t('audit.detail.projects', { n: p === 1 ? 1 : num(p) }));
      } else if (state === 'ok') detail.push(t('audit.detail.ok', { n: num(r.projects.length) }));
      return h('div', { class: ['verdict-card', `is-${state}`], dataset: { verdict: k, state } },
        h('div', { class: 'verdict-icon', 'aria-hidden': 'true' }, icon(state === 'ok' ? 'check' : state === 'bad' ? 'x' : 'minus')),
        h('div', {},
          h('div', { class: 'verdict-title', text: t(`audit.purpose.${k}`) }),
          h('div', { class: 'verdict-text', text: state === 'ok' ? t('audit.verdictOk') : state === 'bad' ? t('audit.verdictMissing') : t('audit.verdictSkipped') }),
          detail.length ? h('div', { class: 'verdict-detail small muted', text: detail.join(' · ') }) : null));
    };
    const a = r.account;
    const acct = h('div', { class: 'account-line' },
      icon('info'),
      h('span', {}, h('span', { class: 'muted', text: `${t('audit.account')}: ` }),
        a.service_account ? h('span', { class: 'badge badge-service', dataset: { fk: 'service-account' }, text: t('audit.serviceAccount') }) : null,
        a.service_account ? ' ' : null,
        h('strong', { text: a.display_name ?? a.account_id }),
        a.email ? h('span', { text: ` · ${a.email}` }) : null,
        h('span', { text: ` · ${t('audit.accountType')}: ${a.account_type ?? '—'}` }),
        h('span', { class: a.active ? 'text-ok' : 'text-bad', text: ` · ${a.active ? t('audit.active') : t('audit.inactive')}` }),
        r.service_desks !== null && r.service_desks !== undefined ? h('span', { text: ` · ${t('audit.serviceDesks', { n: r.service_desks === 1 ? 1 : num(r.service_desks) })}` }) : null,
        h('span', { dataset: { fk: 'token-kind' }, text: ` · ${t(`audit.tokenKind.${r.token_kind}`)}` })),
      h('span', { class: 'muted small', text: `${r.host} · ${appName(r.application)}` }));

    // The report's root cause (no product access) comes first: per-space gaps follow from it.
    const root = r.root_cause ? r.warnings.find((w) => w.code === r.root_cause) : undefined;
    /** @type {HTMLElement[]} */
    const out = [
      h('h3', { id: 'audit-result-title', class: 'result-title', tabindex: '-1', text: t('audit.resultsTitle') }),
      root ? h('div', { class: 'banner banner-error root-cause', role: 'alert', dataset: { code: root.code } }, icon('warning'),
        h('div', { class: 'banner-text' }, h('strong', { text: t('audit.rootCause') }), h('p', { text: tOr(`audit.warning.${root.code}`, root.message) }))) : null,
      h('div', { class: 'verdicts-row' }, verdict('backup'), verdict('restore')),
      acct,
    ].filter((x) => x !== null);
    if (r.warnings.length) {
      out.push(h('section', { class: 'audit-section', 'aria-labelledby': 'audit-warn-title' },
        h('h4', { id: 'audit-warn-title', text: t('audit.warnings', { n: r.warnings.length }) }),
        h('ul', { class: 'warning-list' }, r.warnings.map((w) => h('li', { class: 'warning-item', dataset: { code: w.code } },
          icon('warning'), h('span', { text: tOr(`audit.warning.${w.code}`, w.message) }))))));
    }
    out.push(h('section', { class: 'audit-section', 'aria-labelledby': 'audit-global-title' },
      h('h4', { id: 'audit-global-title', text: t('audit.global') }),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid global-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('audit.col.permission') }),
          h('th', { scope: 'col', text: t('audit.col.neededFor') }),
          h('th', { scope: 'col', text: t('audit.col.status') }),
          h('th', { scope: 'col', text: t('audit.col.why') }),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only', text: t('audit.col.fix') })))),
        h('tbody', {}, r.global.map((g) => h('tr', { class: g.granted ? '' : 'row-bad', dataset: { key: g.key } },
          h('td', {}, h('div', { class: 'cell-name', text: g.name }), h('div', { class: 'mono small muted', text: g.key })),
          h('td', {}, purposeBadges(g.required_for)),
          h('td', {}, g.granted
            ? h('span', { class: 'chip chip-ok' }, icon('check'), t('audit.granted'))
            : h('span', { class: 'chip chip-expired' }, icon('x'), t('audit.missing'))),
          h('td', { class: 'small why', text: tOr(`req.why.${g.key}`, g.why) }),
          h('td', { class: 'col-actions' }, g.granted ? null : h('button', {
            type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fix: g.fix_url }, 'aria-label': t('audit.fixOf', { name: g.name }),
            onclick: () => ctx.openExternal(g.fix_url),
          }, t('audit.fix'), icon('external', 'trail'))))))))));
    out.push(projectsSection(r));
    if (r.archived_projects.length) {
      out.push(h('section', { class: 'audit-section archived-section', 'aria-labelledby': 'audit-archived-title' },
        h('h4', { id: 'audit-archived-title', text: t('audit.archivedTitle', { n: num(r.archived_projects.length) }) }),
        h('p', { class: 'small muted', text: t('audit.archivedText') }),
        h('ul', { class: 'tags archived-list' }, r.archived_projects.slice(0, 200).map((p) => h('li', { class: 'tag', dataset: { key: p.key }, title: p.name, text: p.key }))),
        r.archived_projects.length > 200 ? h('p', { class: 'small muted', text: t('audit.archivedMore', { n: num(r.archived_projects.length - 200) }) }) : null));
    }
    out.push(h('p', { class: 'audit-footer small muted' },
      t('audit.footer', { n: num(r.coverage.projects_total), m: num(r.requests), s: (r.duration_ms / 1000).toFixed(1) }),
      ' · ', t('audit.finished', { at: dateTime(r.finished_at) })));
    return out;
  }

  /** @param {AuditReport} r */
  function projectsSection(r) {
    const sec = h('section', { class: 'audit-section projects-section', 'aria-labelledby': 'audit-projects-title' });
    sec.append(h('h4', { id: 'audit-projects-title' }, t('audit.projectsTitle'), ' ',
      h('span', { class: 'count-badge', dataset: { gaps: String(gaps.length) }, text: t('audit.projectsCount', { n: num(gaps.length), total: num(r.projects.length) }) })));
    if (!r.coverage.complete) {
      sec.append(h('p', { class: 'small text-warn', text: t('audit.partial') }));
    }
    if (gaps.length === 0) {
      sec.append(h('p', { class: 'all-good' }, icon('check'), t('audit.noGaps', { n: num(r.projects.length) })));
      return sec;
    }
    sec.append(h('div', { class: 'gap-groups', role: 'group', 'aria-label': t('audit.groupsLabel') },
      groups.map((g) => h('button', {
        type: 'button', class: ['gap-group', permFilter === g.key && 'is-active'], 'aria-pressed': String(permFilter === g.key),
        dataset: { perm: g.key, fk: `group-${g.key}` },
        onclick: () => { permFilter = permFilter === g.key ? null : g.key; page = 0; renderList(); syncGroups(sec); },
      }, h('strong', { text: num(g.count) }), ' ', t('audit.groupText', { n: g.count, name: g.name })))));
    if (gaps.some((p) => p.team_managed)) {
      sec.append(h('p', { class: 'small hint-team' }, h('span', { class: 'badge badge-team', text: t('audit.teamManaged') }), ' ', t('audit.teamHint')));
    }
    const input = h('input', {
      type: 'search', class: 'input', value: filter, placeholder: t('audit.filterPlaceholder'), 'aria-label': t('audit.filter'),
      dataset: { fk: 'project-filter' }, autocomplete: 'off', spellcheck: 'false',
    });
    input.addEventListener('input', () => { filter = input.value; page = 0; renderList(); });
    sec.append(h('div', { class: 'search-wrap' }, icon('search', 'search-icon'), input));
    listHost = h('div', { class: 'project-list-host' });
    sec.append(listHost);
    renderList();
    return sec;
  }

  /** @param {HTMLElement} sec */
  function syncGroups(sec) {
    for (const b of sec.querySelectorAll('.gap-group')) {
      const on = /** @type {HTMLElement} */ (b).dataset.perm === permFilter;
      b.classList.toggle('is-active', on);
      b.setAttribute('aria-pressed', String(on));
    }
  }

  function renderList() {
    if (!listHost) return;
    const host = listHost;
    keepFocus(() => {
      const rows = filtered();
      const pages = Math.max(1, Math.ceil(rows.length / PAGE));
      page = Math.min(page, pages - 1);
      const from = page * PAGE;
      const slice = rows.slice(from, from + PAGE);
      const status = rows.length
        ? t('audit.showing', { from: num(from + 1), to: num(from + slice.length), total: num(rows.length) })
        : t('audit.noProjectMatch');
      /** @param {string} where */
      const buttons = (where) => [
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page === 0, dataset: { fk: `page-prev${where}` }, onclick: () => { page -= 1; renderList(); } }, icon('back'), t('audit.prev')),
        h('span', { class: 'small', text: t('audit.page', { n: num(page + 1), total: num(pages) }) }),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', disabled: page >= pages - 1, dataset: { fk: `page-next${where}` }, onclick: () => { page += 1; renderList(); } }, t('audit.next'), icon('next')),
      ];
      const pager = h('div', { class: 'pager' },
        h('span', { class: 'small muted pager-status', role: 'status', text: status }),
        h('span', { class: 'spacer' }),
        pages > 1 ? buttons('') : null);
      // After a page of rows, the same buttons again (scrolling back up is a chore).
      const pagerBottom = pages > 1 ? h('div', { class: 'pager pager-bottom' }, h('span', { class: 'spacer' }), buttons('-bottom')) : null;
      const table = h('table', { class: 'grid project-table', 'aria-labelledby': 'audit-projects-title' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('audit.col.project') }),
          h('th', { scope: 'col', text: t('audit.col.missing') }),
          h('th', { scope: 'col' }, h('span', { class: 'sr-only', text: t('audit.col.fix') })))),
        h('tbody', {}, slice.map((p) => h('tr', { class: 'project-row', dataset: { key: p.key } },
          h('td', { class: 'col-project' },
            h('div', {}, h('span', { class: 'mono proj-key', text: p.key }), ' ', h('span', { text: p.name }),
              p.type && p.type !== 'software' ? [' ', h('span', { class: 'badge badge-type', dataset: { type: p.type }, text: t(`projectType.${p.type}`) })] : null),
            p.team_managed ? h('div', { class: 'small' }, h('span', { class: 'badge badge-team', title: t('audit.teamHint'), text: t('audit.teamManaged') }), ' ', h('span', { class: 'muted', text: t('audit.teamShort') })) : null),
          h('td', { class: 'col-missing' }, h('ul', { class: 'tags' }, p.missing.map((m) => h('li', { class: ['tag', m.key === permFilter && 'is-hl'], title: m.key, text: m.name })))),
          h('td', { class: 'col-actions' }, h('button', {
            type: 'button', class: 'btn btn-secondary btn-sm', dataset: { fix: p.fix_url, fk: `fix-${p.key}` }, 'aria-label': t('audit.fixOf', { name: p.key }),
            onclick: () => ctx.openExternal(p.fix_url),
          }, t('audit.fix'), icon('external', 'trail')))))));
      host.replaceChildren(pager, rows.length ? table : h('p', { class: 'muted no-match', text: t('audit.noProjectMatch') }));
      if (pagerBottom) host.append(pagerBottom);
    });
  }

  const offLang = onLanguageChange(() => render());
  loadGatewayNotice().then((g) => { if (g && !destroyed) { gateway = g; render(); } });
  render();
  return {
    el,
    render,
    start,
    /** @param {string|null} note */
    setNote(note) { o.note = note; render(); },
    destroy() {
      destroyed = true;
      offLang();
      if (running) cancel();
      if (unlisten) { unlisten(); unlisten = null; }
    },
  };
}

/** The audit page of a saved profile (route #/audit/<id>); starts at once.
 *  @param {Ctx} ctx @param {{id: string}} params */
export function createAuditView(ctx, params) {
  const el = h('section', { class: 'view view-audit', 'aria-labelledby': 'audit-title' });
  const panel = createAuditPanel(ctx, { source: { kind: 'profile', id: params.id } });
  /** @type {import('../api.js').Profile|null} */
  let profile = null;
  /** @type {{kind: string, message: string}|null} */
  let loadError = null;
  const head = h('div', { class: 'view-head' });

  function renderHead() {
    keepFocus(() => {
      head.replaceChildren();
      append(head, [h('div', { class: 'title-block' },
        h('button', { type: 'button', class: 'btn btn-ghost back-btn', dataset: { fk: 'back' }, onclick: () => ctx.navigate('#/') }, icon('back'), t('common.backToList')),
        h('h2', { id: 'audit-title', tabindex: '-1', text: t('audit.title') }),
        profile ? h('span', { class: 'subtitle', text: `${profile.name} · ${profile.host}` }) : null),
      profile ? h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'audit-edit' }, onclick: () => ctx.navigate(`#/edit/${encodeURIComponent(params.id)}`) }, icon('edit'), t('audit.editProfile'))) : null]);
    });
  }

  function render() {
    renderHead();
    if (loadError) {
      el.replaceChildren(head, h('div', { class: 'banner banner-error', role: 'alert' }, icon('warning'),
        h('span', { text: loadError.kind === 'profile_not_found' ? t('form.notFound') : loadError.message })));
      return;
    }
    if (!el.contains(panel.el)) el.replaceChildren(head, h('div', { class: 'card audit-card' }, panel.el));
  }

  api.call('get_profile', { id: params.id }).then((p) => {
    profile = p;
    render();
    ctx.focusView(/** @type {HTMLElement|null} */ (el.querySelector('#audit-title')));
    // Without a token there is nothing to audit with: say so instead of failing.
    if (p.token_stored) panel.start();
    else panel.setNote(t('audit.noToken'));
  }, (e) => { loadError = asCommandError(e); render(); });
  render();
  return {
    el,
    render() { render(); panel.render(); },
    destroy() { panel.destroy(); },
  };
}

/**
 * Runs an audit in a wide dialog (from the profile form, so the form keeps its values).
 * @param {Ctx} ctx @param {{source: AuditSource, title: string, note?: string|null}} o
 */
export function openAuditDialog(ctx, o) {
  const panel = createAuditPanel(ctx, { source: o.source, note: o.note });
  const d = showDialog({
    title: t('audit.dialogTitle', { name: o.title }),
    body: panel.el,
    wide: true,
    className: 'dialog-audit',
    onClose: () => panel.destroy(),
    actions: [{ label: t('common.close'), variant: 'secondary', value: null }],
  });
  panel.start();
  return d;
}
