// @ts-check
// The connection list: every profile with its expiry, status and last audit; search,
// sortable columns, multi-select delete, import and export.

import * as api from '../api.js';
import { h, icon, keepFocus, asCommandError } from '../dom.js';
import { t, relDays, dateTime, num, appName } from '../i18n.js';
import { confirmDialog } from './dialogs.js';
import { openImport, openExport } from './transfer.js';
import { TOKEN_PAGE } from './help.js';

/** @typedef {import('../api.js').Profile} Profile */
/** @typedef {import('../main.js').Ctx} Ctx */

/** What the chip says: a missing token outranks the date. @param {Profile} p */
export function effectiveStatus(p) {
  return p.token_stored ? p.status : 'token_missing';
}
const SEVERITY = { token_missing: 0, expired: 1, expiring: 2, ok: 3 };
/** Runs `fn` after the next frame has been painted, so a chunk of work never delays it. @param {() => void} fn */
function later(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/** Rows built before the first paint, then per chunk. */
const FIRST_ROWS = 40;
const CHUNK_ROWS = 200;

/** @type {Record<string, (p: Profile) => string|number>} */
const SORT_VALUE = {
  name: (p) => p.name.toLocaleLowerCase(),
  application: (p) => appName(p.application).toLocaleLowerCase(),
  host: (p) => p.host.toLocaleLowerCase(),
  email: (p) => p.email.toLocaleLowerCase(),
  expires: (p) => p.expires,
  status: (p) => SEVERITY[effectiveStatus(p)] * 100000 + p.days_left,
  last_audit: (p) => p.last_audit?.at ?? '',
};

const COLUMNS = [
  { key: 'name', label: 'list.col.name', cls: 'col-name' },
  { key: 'application', label: 'list.col.application', cls: 'col-app' },
  { key: 'host', label: 'list.col.host', cls: 'col-host' },
  { key: 'email', label: 'list.col.email', cls: 'col-email' },
  { key: 'expires', label: 'list.col.expires', cls: 'col-expires' },
  { key: 'status', label: 'list.col.status', cls: 'col-status' },
  { key: 'last_audit', label: 'list.col.audit', cls: 'col-audit' },
];

/** @param {Profile} p */
export function statusChip(p) {
  const s = effectiveStatus(p);
  const ic = s === 'ok' ? 'check' : s === 'expiring' ? 'clock' : s === 'expired' ? 'x' : 'key';
  return h('span', { class: ['chip', `chip-${s}`], dataset: { status: s } }, icon(ic), t(`status.${s}`));
}

/** The "Backup ✓ Restore ✗" verdict of the last audit. @param {Profile} p */
function lastAudit(p) {
  const a = p.last_audit;
  if (!a) return h('span', { class: 'muted', text: t('list.neverAudited') });
  const purposes = a.purpose === 'backup' ? ['backup'] : a.purpose === 'restore' ? ['restore'] : ['backup', 'restore'];
  return h('div', { class: 'audit-cell' },
    h('div', { class: 'verdicts' }, purposes.map((k) => {
      const ok = k === 'backup' ? a.backup_ok : a.restore_ok;
      return h('span', { class: ['verdict-mini', ok ? 'is-ok' : 'is-bad'], title: t(ok ? 'audit.verdictOk' : 'audit.verdictMissing') },
        t(`audit.purpose.${k}`), ' ', h('span', { class: 'mark', 'aria-hidden': 'true', text: ok ? '✓' : '✗' }),
        h('span', { class: 'sr-only', text: t(ok ? 'audit.verdictOk' : 'audit.verdictMissing') }));
    })),
    h('div', { class: 'muted small', text: dateTime(a.at) }),
  );
}

/** @param {Ctx} ctx */
export function createListView(ctx) {
  const st = ctx.listState;
  /** @type {Profile[]|null} */
  let profiles = null;
  /** @type {{kind: string, message: string}|null} */
  let loadError = null;
  /** @type {Set<string>} */
  const selected = new Set();
  /** Bumped by every table render; a chunk of rows from an older render is dropped. */
  let renderBatch = 0;
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let searchTimer;

  const el = h('section', { class: 'view view-list', 'aria-labelledby': 'list-title' });
  /** @type {HTMLElement} */ let tableHost;
  /** @type {HTMLElement} */ let summaryHost;
  /** @type {HTMLButtonElement} */ let deleteBtn;
  /** @type {HTMLElement} */ let countEl;

  async function load() {
    try {
      const first = ctx.firstList;
      ctx.firstList = null;
      profiles = await (first ?? api.listProfiles());
      loadError = null;
    } catch (e) {
      loadError = asCommandError(e);
    }
    for (const id of [...selected]) if (!profiles?.some((p) => p.id === id)) selected.delete(id);
    render();
    const row = st.focusId ? el.querySelector(`tr[data-id="${CSS.escape(st.focusId)}"]`) : null;
    ctx.focusView(/** @type {HTMLElement|null} */ (row ?? el.querySelector('#list-title')));
  }

  function visible() {
    const q = st.query.trim().toLocaleLowerCase();
    const list = (profiles ?? []).filter((p) => !q || [p.name, p.host, p.email, p.description ?? '']
      .some((v) => v.toLocaleLowerCase().includes(q)));
    const val = SORT_VALUE[st.sort.key] ?? SORT_VALUE.expires;
    const dir = st.sort.dir === 'desc' ? -1 : 1;
    return list.sort((a, b) => {
      const x = val(a); const y = val(b);
      if (x < y) return -dir;
      if (x > y) return dir;
      return a.name.localeCompare(b.name);
    });
  }

  function render() {
    keepFocus(() => {
      el.replaceChildren();
      const head = h('div', { class: 'view-head' },
        h('div', { class: 'title-block' },
          h('h2', { id: 'list-title', tabindex: '-1', text: t('list.title') }),
          countEl = h('span', { class: 'count-badge' })),
        h('div', { class: 'toolbar', role: 'group', 'aria-label': t('list.toolbar') },
          h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'import', action: 'import' }, onclick: () => openImport(ctx, load) }, icon('import'), t('list.import')),
          h('button', { type: 'button', class: 'btn btn-secondary', disabled: !profiles?.length, dataset: { fk: 'export', action: 'export' }, onclick: () => openExport(ctx) }, icon('export'), t('list.export')),
          h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'settings', action: 'settings' }, onclick: () => ctx.openSettings() }, icon('settings'), t('list.settings')),
          h('button', { type: 'button', class: 'btn btn-primary', dataset: { fk: 'new', action: 'new' }, onclick: () => ctx.navigate('#/new') }, icon('plus'), t('list.new')),
        ),
      );
      el.append(head);

      if (loadError) {
        el.append(h('div', { class: 'banner banner-error', role: 'alert' },
          icon('warning'), h('div', {}, h('strong', { text: t('list.loadFailed') }), ' ', loadError.message),
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: load, text: t('common.retry') })));
        return;
      }
      if (!profiles) {
        el.append(h('p', { class: 'muted loading', role: 'status', text: t('common.loading') }));
        return;
      }
      if (profiles.length === 0) {
        el.append(emptyState());
        countEl.hidden = true;
        return;
      }

      const search = h('input', {
        type: 'search', class: 'input search-input', id: 'list-search', value: st.query,
        placeholder: t('list.searchPlaceholder'), 'aria-label': t('list.search'), autocomplete: 'off',
        spellcheck: 'false', dataset: { fk: 'search' },
      });
      search.addEventListener('input', () => {
        st.query = search.value;
        clearTimeout(searchTimer);
        // Typing in a long list waits for a pause; short lists filter at every key.
        const run = () => { pruneSelection(); renderTable(); };
        if ((profiles?.length ?? 0) > 300) searchTimer = setTimeout(run, 120); else run();
      });
      search.addEventListener('keydown', (e) => {
        if (e.key === 'Escape' && search.value) { e.preventDefault(); search.value = ''; st.query = ''; renderTable(); }
        if (e.key === 'ArrowDown') { e.preventDefault(); /** @type {HTMLElement|null} */ (tableHost.querySelector('tbody tr'))?.focus(); }
      });
      deleteBtn = h('button', { type: 'button', class: 'btn btn-danger-quiet', dataset: { fk: 'delete-selected', action: 'delete-selected' }, onclick: deleteSelected });
      summaryHost = h('div', { class: 'status-summary', 'aria-live': 'polite' });
      el.append(h('div', { class: 'filter-bar' },
        h('div', { class: 'search-wrap' }, icon('search', 'search-icon'), search),
        summaryHost,
        h('div', { class: 'spacer' }),
        deleteBtn));
      tableHost = h('div', { class: 'table-wrap' });
      el.append(tableHost);
      el.append(h('p', { class: 'hint small muted keys-hint', text: t('list.keysHint') }));
      renderTable();
    });
  }

  function pruneSelection() {
    const ids = new Set(visible().map((p) => p.id));
    for (const id of [...selected]) if (!ids.has(id)) selected.delete(id);
  }

  function renderTable() {
    const all = profiles;
    if (!all) return;
    keepFocus(() => {
      const rows = visible();
      countEl.hidden = false;
      countEl.textContent = rows.length === all.length
        ? num(all.length)
        : t('list.countFiltered', { shown: num(rows.length), total: num(all.length) });

      // Counts by status, over all profiles.
      /** @type {Record<string, number>} */
      const counts = { expired: 0, expiring: 0, token_missing: 0, ok: 0 };
      for (const p of all) counts[effectiveStatus(p)] += 1;
      summaryHost.replaceChildren(...['expired', 'expiring', 'token_missing', 'ok']
        .filter((k) => counts[k] > 0)
        .map((k) => h('span', { class: ['summary-item', `summary-${k}`] }, h('span', { class: 'dot', 'aria-hidden': 'true' }), t(`list.summary.${k}`, { n: counts[k] }))));

      deleteBtn.replaceChildren(icon('trash'), selected.size ? t('list.deleteSelectedN', { n: selected.size }) : t('list.deleteSelected'));
      deleteBtn.disabled = selected.size === 0;
      deleteBtn.hidden = selected.size === 0;

      if (rows.length === 0) {
        tableHost.replaceChildren(h('div', { class: 'no-match' },
          h('p', { text: t('list.noMatch', { q: st.query.trim() }) }),
          h('button', { type: 'button', class: 'btn btn-secondary', text: t('list.clearSearch'), onclick: () => {
            st.query = '';
            const s = /** @type {HTMLInputElement|null} */ (el.querySelector('#list-search'));
            if (s) { s.value = ''; s.focus(); }
            renderTable();
          } })));
        return;
      }

      const allSel = rows.every((p) => selected.has(p.id));
      const someSel = rows.some((p) => selected.has(p.id));
      const selAll = h('input', { type: 'checkbox', class: 'check', checked: allSel, indeterminate: someSel && !allSel, 'aria-label': t('list.selectAll'), dataset: { fk: 'select-all' } });
      selAll.addEventListener('change', () => {
        for (const p of rows) { if (selAll.checked) selected.add(p.id); else selected.delete(p.id); }
        renderTable();
      });

      const headRow = h('tr', {},
        h('th', { class: 'col-check', scope: 'col' }, selAll),
        COLUMNS.map((c) => {
          const active = st.sort.key === c.key;
          const dir = active ? st.sort.dir : null;
          return h('th', { scope: 'col', class: c.cls, 'aria-sort': active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none' },
            h('button', { type: 'button', class: ['sort-btn', active && 'is-active'], dataset: { fk: `sort-${c.key}`, sort: c.key }, onclick: () => {
              st.sort = { key: c.key, dir: active && dir === 'asc' ? 'desc' : 'asc' };
              renderTable();
            } }, t(c.label), icon(active ? (dir === 'asc' ? 'up' : 'down') : 'sort', 'sort-icon')));
        }),
        h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'sr-only', text: t('list.col.actions') })));

      const focusIndex = st.focusId ? rows.findIndex((p) => p.id === st.focusId) : -1;
      const focusId = focusIndex >= 0 ? rows[focusIndex].id : rows[0].id;
      // Long lists paint their first rows at once and the rest in chunks right after, so
      // the window shows something quickly even with a thousand profiles.
      const first = Math.max(FIRST_ROWS, focusIndex + 20);
      const tbody = h('tbody', {}, rows.slice(0, first).map((p) => row(p, p.id === focusId)));
      const batch = ++renderBatch;
      let next = first;
      const more = () => {
        if (batch !== renderBatch || next >= rows.length) return;
        const frag = document.createDocumentFragment();
        for (const p of rows.slice(next, next + CHUNK_ROWS)) frag.append(row(p, p.id === focusId));
        tbody.append(frag);
        next += CHUNK_ROWS;
        if (next < rows.length) later(more);
      };
      if (rows.length > first) later(more);
      tbody.addEventListener('keydown', onRowKey);
      tbody.addEventListener('click', onRowClick);
      const table = h('table', { class: 'grid profiles', 'aria-labelledby': 'list-title', 'aria-describedby': 'list-keys' },
        h('thead', {}, headRow), tbody);
      tableHost.replaceChildren(table);
      const hint = el.querySelector('.keys-hint');
      if (hint) hint.id = 'list-keys';
    });
  }

  /** @param {Profile} p @param {boolean} tabbable */
  function row(p, tabbable) {
    const check = h('input', { type: 'checkbox', class: 'check', checked: selected.has(p.id), 'aria-label': t('list.select', { name: p.name }), dataset: { fk: `sel-${p.id}` } });
    check.addEventListener('change', () => { if (check.checked) selected.add(p.id); else selected.delete(p.id); st.focusId = p.id; renderTable(); });
    const status = effectiveStatus(p);
    return h('tr', {
      tabindex: tabbable ? '0' : '-1', class: [selected.has(p.id) && 'is-selected', `row-${status}`],
      dataset: { id: p.id, fk: `row-${p.id}` }, 'aria-label': t('list.rowLabel', { name: p.name, status: t(`status.${status}`) }),
    },
    h('td', { class: 'col-check' }, check),
    h('td', { class: 'col-name' },
      h('div', { class: 'cell-name', text: p.name }),
      p.description ? h('div', { class: 'cell-sub muted', text: p.description, title: p.description }) : null,
      h('div', { class: 'cell-sub muted narrow-only', 'aria-hidden': 'true', text: appName(p.application) })),
    h('td', { class: 'col-app', text: appName(p.application) }),
    h('td', { class: 'col-host' },
      h('span', { class: 'truncate', title: p.host, text: p.host.replace(/^https:\/\//, '') }),
      h('span', { class: 'truncate muted small narrow-only', 'aria-hidden': 'true', title: p.email, text: p.email })),
    h('td', { class: 'col-email' }, h('span', { class: 'truncate', title: p.email, text: p.email })),
    h('td', { class: 'col-expires' },
      h('div', { class: 'date mono', text: p.expires }),
      h('div', { class: ['small', p.days_left < 0 ? 'text-bad' : p.days_left <= 30 ? 'text-warn' : 'muted'], text: relDays(p.days_left) })),
    h('td', { class: 'col-status' }, statusChip(p)),
    h('td', { class: 'col-audit' }, lastAudit(p)),
    h('td', { class: 'col-actions' },
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-icon', dataset: { act: 'audit', fk: `audit-${p.id}` }, 'aria-label': t('list.auditOf', { name: p.name }), title: t('list.audit') }, icon('shield')),
        h('button', { type: 'button', class: 'btn btn-icon', dataset: { act: 'edit', fk: `edit-${p.id}` }, 'aria-label': t('list.editOf', { name: p.name }), title: t('list.edit') }, icon('edit')))),
    );
  }

  /** @param {MouseEvent} e */
  function onRowClick(e) {
    const target = /** @type {HTMLElement} */ (e.target);
    const tr = /** @type {HTMLTableRowElement|null} */ (target.closest('tr[data-id]'));
    if (!tr) return;
    const id = /** @type {string} */ (tr.dataset.id);
    const act = /** @type {HTMLElement|null} */ (target.closest('[data-act]'))?.dataset.act;
    st.focusId = id;
    if (act === 'audit') ctx.navigate(`#/audit/${encodeURIComponent(id)}`);
    else if (act === 'edit') ctx.navigate(`#/edit/${encodeURIComponent(id)}`);
    else if (!target.closest('input, button, a, label') && !window.getSelection()?.toString()) ctx.navigate(`#/edit/${encodeURIComponent(id)}`);
  }

  /** @param {KeyboardEvent} e */
  function onRowKey(e) {
    const tr = /** @type {HTMLTableRowElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('tr[data-id]'));
    if (!tr || e.target !== tr) return;
    const id = /** @type {string} */ (tr.dataset.id);
    /** @param {Element|null} next */
    const move = (next) => {
      if (!(next instanceof HTMLTableRowElement)) return;
      e.preventDefault();
      tr.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
      st.focusId = next.dataset.id ?? null;
    };
    const body = tr.parentElement;
    switch (e.key) {
      case 'Enter': e.preventDefault(); st.focusId = id; ctx.navigate(`#/edit/${encodeURIComponent(id)}`); break;
      case ' ': e.preventDefault(); st.focusId = id; if (selected.has(id)) selected.delete(id); else selected.add(id); renderTable(); break;
      case 'ArrowDown': move(tr.nextElementSibling); break;
      case 'ArrowUp': if (tr.previousElementSibling) move(tr.previousElementSibling); else { e.preventDefault(); /** @type {HTMLElement|null} */ (el.querySelector('#list-search'))?.focus(); } break;
      case 'Home': move(body?.firstElementChild ?? null); break;
      case 'End': move(body?.lastElementChild ?? null); break;
      case 'Delete': e.preventDefault(); st.focusId = id; deleteIds([id]); break;
      default:
    }
  }

  async function deleteSelected() {
    const ids = visible().filter((p) => selected.has(p.id)).map((p) => p.id);
    if (ids.length) await deleteIds(ids);
  }

  /** @param {string[]} ids */
  async function deleteIds(ids) {
    const names = (profiles ?? []).filter((p) => ids.includes(p.id)).map((p) => p.name);
    const ok = await confirmDialog(ids.length === 1
      ? { title: t('delete.titleOne'), message: t('delete.messageOne', { name: names[0] }), confirmLabel: t('delete.confirm'), danger: true }
      : { title: t('delete.titleMany', { n: ids.length }), message: t('delete.messageMany', { n: ids.length }), details: names, confirmLabel: t('delete.confirmMany', { n: ids.length }), danger: true });
    if (!ok) return;
    try {
      const n = await api.deleteProfiles(ids);
      for (const id of ids) selected.delete(id);
      ctx.toast(n === 1 && names.length === 1 ? t('delete.doneOne', { name: names[0] }) : t('delete.doneMany', { n }));
      await load();
      /** @type {HTMLElement|null} */ (el.querySelector('tbody tr[tabindex="0"]') ?? el.querySelector('[data-fk="new"]'))?.focus();
    } catch (e) {
      ctx.toast(t('delete.failed', { message: asCommandError(e).message }), { kind: 'error' });
    }
  }

  function emptyState() {
    return h('div', { class: 'empty card' },
      h('div', { class: 'empty-icon', 'aria-hidden': 'true' }, icon('key')),
      h('h3', { text: t('empty.title') }),
      h('p', { class: 'muted', text: t('empty.lead') }),
      h('ol', { class: 'steps' },
        h('li', {},
          h('strong', { text: t('empty.step1.title') }), ' ', t('empty.step1.text'), ' ',
          h('button', { type: 'button', class: 'btn btn-link', onclick: () => ctx.openExternal(TOKEN_PAGE) }, t('help.token.open'), icon('external'))),
        h('li', {}, h('strong', { text: t('empty.step2.title') }), ' ', t('empty.step2.text'), ' ', h('code', { text: 'https://your-sub-domain.atlassian.net' })),
        h('li', {}, h('strong', { text: t('empty.step3.title') }), ' ', t('empty.step3.text')),
        h('li', {}, h('strong', { text: t('empty.step4.title') }), ' ', t('empty.step4.text'))),
      h('div', { class: 'empty-actions' },
        h('button', { type: 'button', class: 'btn btn-primary', dataset: { fk: 'new-empty' }, onclick: () => ctx.navigate('#/new') }, icon('plus'), t('list.new')),
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openImport(ctx, load) }, icon('import'), t('list.importFile'))));
  }

  render();
  load();
  return { el, render, destroy() { renderBatch += 1; clearTimeout(searchTimer); }, reload: load };
}

