// @ts-check
// The connection list: every profile with its expiry, status and last audit; search,
// sortable columns, multi-select delete, import and export. The table is virtualised:
// only the rows in view (and a few around them, never more than MAX_ROWS) are in the
// DOM, whatever the number of profiles; spacer rows stand for the others.

import * as api from '../api.js';
import { h, icon, keepFocus, asCommandError } from '../dom.js';
import { t, relDays, dateTime, num, appName } from '../i18n.js';
import { confirmDialog } from './dialogs.js';
import { TOKEN_PAGE } from './help.js';
import { PROFILE_STATES } from '../gen/codes.js';

/** Import and export load when first used. */
const transfer = () => import('./transfer.js');

/** @typedef {import('../api.js').Profile} Profile */
/** @typedef {import('../main.js').Ctx} Ctx */

/** What the chip says: the profile's worst current state (the core's ProfileState:
 *  the token, the last check or audit, then the date). @param {Profile} p */
export function effectiveStatus(p) {
  return p.state;
}
/** Most serious first, as the core orders them. */
const SEVERITY = Object.fromEntries(PROFILE_STATES.map((s, i) => [s, i]));
/** Each state's chip icon. @type {Record<import('../gen/ProfileState').ProfileState, string>} */
const STATE_ICON = {
  token_missing: 'key', token_rejected: 'x', token_blocked: 'x', permissions_missing: 'warning',
  unreachable: 'info', expired: 'x', expiring: 'clock', ok: 'check',
};
/** Rows kept in the DOM above and below the visible ones. */
const OVERSCAN = 6;
/** The most rows ever in the DOM. */
export const MAX_ROWS = 60;
/** A row's height until one has been measured (px), and the header's. */
const ESTIMATE = 54;
const HEAD_ESTIMATE = 40;

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

/** Ties sort by name, as localeCompare does, with one collator for every comparison. */
const byName = new Intl.Collator().compare;

const COLUMNS = [
  { key: 'name', label: 'list.col.name', cls: 'col-name' },
  { key: 'application', label: 'list.col.application', cls: 'col-app' },
  { key: 'host', label: 'list.col.host', cls: 'col-host' },
  { key: 'email', label: 'list.col.email', cls: 'col-email' },
  { key: 'expires', label: 'list.col.expires', cls: 'col-expires' },
  { key: 'status', label: 'list.col.status', cls: 'col-status' },
  { key: 'last_audit', label: 'list.col.audit', cls: 'col-audit' },
];

/** What else needs doing: an old token still to revoke, what Atlassian said of the token.
 *  @param {Profile} p */
export function notes(p) {
  const out = [];
  if (p.old_token_revoked === false) out.push(h('div', {}, h('span', { class: 'chip-note', dataset: { note: 'revoke' }, text: t('list.note.revoke') })));
  const st = p.atlassian?.state;
  if (st === 'revoked' || st === 'missing') out.push(h('div', {}, h('span', { class: 'chip-note is-bad', dataset: { note: st }, text: t(`list.note.${st}`) })));
  return out;
}

/** @param {Profile} p */
export function statusChip(p) {
  const s = effectiveStatus(p);
  return h('span', { class: ['chip', `chip-${s}`], dataset: { status: s } }, icon(STATE_ICON[s]), t(`status.${s}`));
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
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let searchTimer;
  // The virtual table: the sorted, filtered rows, their measured heights and offsets,
  // and the window of rows in the DOM.
  /** @type {Profile[]} */
  let rows = [];
  /** @type {Map<string, number>} */
  const indexOf = new Map();
  /** @type {Map<string, number>} */
  const heights = new Map();
  let rowHeight = ESTIMATE;
  /** offsets[i]: the top of row i inside the tbody; offsets[rows.length]: its height. */
  let offsets = new Float64Array(1);
  let win = { start: 0, end: 0 };
  /** @type {HTMLTableSectionElement|null} */
  let tbody = null;
  /** @type {Map<string, HTMLTableRowElement>} */
  let rendered = new Map();
  /** The spacer rows standing for the rows above and below the window. Their height is
   *  the cell's `height` attribute: the CSP allows no inline style, and a change of it
   *  restyles that cell alone. */
  let padTop = padRow('top');
  let padBottom = padRow('bottom');
  let scrollFrame = 0;
  /** The focused row left the DOM (scrolled away) with the focus. */
  let focusLost = false;
  /** A new size (the view attached, the window resized) changes how many rows show. */
  const resized = new ResizeObserver(() => onScroll());

  const el = h('section', { class: 'view view-list', 'aria-labelledby': 'list-title' });
  /** @type {HTMLElement} */ let tableHost;
  /** @type {HTMLElement} */ let summaryHost;
  /** @type {HTMLButtonElement} */ let deleteBtn;
  /** @type {HTMLElement} */ let countEl;

  async function load() {
    try {
      const first = ctx.firstList;
      ctx.firstList = null;
      profiles = await (first ?? api.call('list_profiles', {}));
      loadError = null;
    } catch (e) {
      loadError = asCommandError(e);
    }
    for (const id of [...selected]) if (!profiles?.some((p) => p.id === id)) selected.delete(id);
    render();
    performance.mark('connkeeper:list-rendered');
    const row = st.focusId ? el.querySelector(`tr[data-id="${CSS.escape(st.focusId)}"]`) : null;
    ctx.focusView(/** @type {HTMLElement|null} */ (row ?? el.querySelector('#list-title')));
  }

  function visible() {
    const q = st.query.trim().toLocaleLowerCase();
    const list = (profiles ?? []).filter((p) => !q || [p.name, p.host, p.email, p.description ?? '']
      .some((v) => v.toLocaleLowerCase().includes(q)));
    const val = SORT_VALUE[st.sort.key] ?? SORT_VALUE.expires;
    const dir = st.sort.dir === 'desc' ? -1 : 1;
    // Each key computed once, not at every comparison (10,000 profiles sort in a few ms).
    const keyed = list.map((p) => ({ p, k: val(p) }));
    keyed.sort((a, b) => {
      if (a.k < b.k) return -dir;
      if (a.k > b.k) return dir;
      return byName(a.p.name, b.p.name);
    });
    return keyed.map((x) => x.p);
  }

  function render() {
    keepFocus(() => {
      el.replaceChildren();
      const head = h('div', { class: 'view-head' },
        h('div', { class: 'title-block' },
          h('h2', { id: 'list-title', tabindex: '-1', text: t('list.title') }),
          countEl = h('span', { class: 'count-badge' })),
        h('div', { class: 'toolbar', role: 'group', 'aria-label': t('list.toolbar') },
          h('button', { type: 'button', class: 'btn btn-secondary', dataset: { fk: 'import', action: 'import' }, onclick: () => openImportDialog() }, icon('import'), t('list.import')),
          h('button', { type: 'button', class: 'btn btn-secondary', disabled: !profiles?.length, dataset: { fk: 'export', action: 'export' }, onclick: () => { transfer().then((m) => m.openExport(ctx)); } }, icon('export'), t('list.export')),
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
        if (e.key === 'ArrowDown' && rows.length) { e.preventDefault(); focusIndex(0); }
      });
      deleteBtn = h('button', { type: 'button', class: 'btn btn-danger-quiet', dataset: { fk: 'delete-selected', action: 'delete-selected' }, onclick: deleteSelected });
      summaryHost = h('div', { class: 'status-summary', 'aria-live': 'polite' });
      el.append(h('div', { class: 'filter-bar' },
        h('div', { class: 'search-wrap' }, icon('search', 'search-icon'), search),
        summaryHost,
        h('div', { class: 'spacer' }),
        deleteBtn));
      tableHost = h('div', { class: 'table-wrap list-scroller' });
      tableHost.addEventListener('scroll', onScroll, { passive: true });
      resized.disconnect();
      resized.observe(tableHost);
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
      setRows(visible());
      countEl.hidden = false;
      countEl.textContent = rows.length === all.length
        ? num(all.length)
        : t('list.countFiltered', { shown: num(rows.length), total: num(all.length) });

      // Counts by status, over all profiles.
      /** @type {Record<string, number>} */
      const counts = Object.fromEntries(PROFILE_STATES.map((s) => [s, 0]));
      for (const p of all) counts[effectiveStatus(p)] += 1;
      summaryHost.replaceChildren(...PROFILE_STATES
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

      tbody = h('tbody', {});
      tbody.addEventListener('keydown', onRowKey);
      tbody.addEventListener('click', onRowClick);
      const table = h('table', {
        class: 'grid profiles', 'aria-labelledby': 'list-title', 'aria-describedby': 'list-keys',
        'aria-rowcount': String(rows.length + 1),
      }, h('thead', {}, headRow), tbody);
      rendered = new Map();
      win = { start: 0, end: 0 };
      padTop = padRow('top');
      padBottom = padRow('bottom');
      tableHost.replaceChildren(table);
      const hint = el.querySelector('.keys-hint');
      if (hint) hint.id = 'list-keys';
      // Keep the focused profile in view after a sort or a filter.
      const at = st.focusId ? indexOf.get(st.focusId) : undefined;
      if (at !== undefined && at > 0) {
        scrollToIndex(at);
        renderWindow();
      } else {
        tableHost.scrollTop = 0;
        // The first rows go in without asking the layout anything (that would lay the
        // page out twice before its first paint); real heights are learnt after it.
        renderWindow(true);
      }
      afterPaint(() => { if (measure()) setPads(); });
    });
  }

  /** The sorted, filtered rows and their offsets. @param {Profile[]} list */
  function setRows(list) {
    rows = list;
    indexOf.clear();
    rows.forEach((p, i) => indexOf.set(p.id, i));
    computeOffsets();
  }

  function computeOffsets() {
    offsets = new Float64Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i] + (heights.get(rows[i].id) ?? rowHeight);
  }

  /** The index of the row at `y` px from the top of the tbody. @param {number} y */
  function indexAt(y) {
    let lo = 0; let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (offsets[mid + 1] <= y) lo = mid + 1; else hi = mid;
    }
    return Math.min(lo, Math.max(0, rows.length - 1));
  }

  /** The tbody's top inside the scroller's content, and the header's height. */
  function geometry() {
    const head = /** @type {HTMLElement|null} */ (tableHost.querySelector('thead'));
    return { top: head?.offsetHeight ?? 0, head: head?.offsetHeight ?? 0 };
  }

  function onScroll() {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => { scrollFrame = 0; renderWindow(); });
  }

  /** Puts the rows in view (and OVERSCAN around them) in the DOM, reusing the rows that
   *  stay, so focus and hover survive scrolling. `fresh`: a new table at the top, whose
   *  geometry is estimated instead of measured. */
  function renderWindow(fresh = false) {
    if (!tbody) return;
    const g = fresh ? { top: HEAD_ESTIMATE, head: HEAD_ESTIMATE } : geometry();
    const viewTop = fresh ? 0 : Math.max(0, tableHost.scrollTop - g.top);
    // The scroller grows with its rows until the window stops it: before the first rows
    // are in, the window's height bounds what can show.
    const room = fresh ? window.innerHeight : Math.max(tableHost.clientHeight, window.innerHeight - Math.max(0, tableHost.getBoundingClientRect().top));
    const viewBottom = viewTop + Math.max(room - g.head, ESTIMATE);
    let start = Math.max(0, indexAt(viewTop) - OVERSCAN);
    let end = Math.min(rows.length, indexAt(viewBottom) + 1 + OVERSCAN);
    // The focused row stays in the DOM while it is near, so keyboard focus is not lost.
    if (end - start > MAX_ROWS) end = start + MAX_ROWS;
    if (start === win.start && end === win.end && rendered.size === end - start) { setPads(); return; }
    win = { start, end };
    const tabbableId = st.focusId && indexOf.has(st.focusId) ? st.focusId : rows[start]?.id;
    /** @type {Map<string, HTMLTableRowElement>} */
    const next = new Map();
    /** @type {Node[]} */
    const nodes = [padTop];
    for (let i = start; i < end; i++) {
      const p = rows[i];
      const tr = rendered.get(p.id) ?? row(p);
      tr.tabIndex = p.id === tabbableId ? 0 : -1;
      tr.setAttribute('aria-rowindex', String(i + 2));
      next.set(p.id, tr);
      nodes.push(tr);
    }
    nodes.push(padBottom);
    // Moving a node blurs it: a focused row that stays is focused again, and one that left
    // hands focus to the focused profile's row.
    const focused = document.activeElement;
    const hadFocus = focused instanceof HTMLElement && tbody.contains(focused);
    tbody.replaceChildren(...nodes);
    rendered = next;
    // A focused row scrolled out of the DOM takes the focus back when it returns.
    if (hadFocus && !focused.isConnected && st.focusId && !rendered.has(st.focusId)) focusLost = true;
    const active = document.activeElement;
    const idle = !active || active === document.body;
    if ((hadFocus || (focusLost && idle)) && document.activeElement !== focused) {
      const target = hadFocus && focused.isConnected ? focused : (st.focusId ? rendered.get(st.focusId) : undefined);
      if (target) { target.focus({ preventScroll: true }); focusLost = false; }
    }
    if (!fresh) measure();
    setPads();
  }

  /** Learns the real heights of the rows in the DOM; whether any changed. */
  function measure() {
    let changed = false;
    for (const [id, tr] of rendered) {
      const hgt = tr.offsetHeight;
      if (hgt > 0 && heights.get(id) !== hgt) { heights.set(id, hgt); changed = true; }
    }
    if (!changed) return false;
    let sum = 0;
    for (const v of heights.values()) sum += v;
    rowHeight = sum / heights.size;
    computeOffsets();
    return true;
  }

  function setPads() {
    const top = String(Math.round(offsets[win.start] ?? 0));
    const bottom = String(Math.round((offsets[rows.length] ?? 0) - (offsets[win.end] ?? 0)));
    const [t, b] = [padTop.firstElementChild, padBottom.firstElementChild];
    if (t && t.getAttribute('height') !== top) t.setAttribute('height', top);
    if (b && b.getAttribute('height') !== bottom) b.setAttribute('height', bottom);
  }

  /** @param {'top'|'bottom'} which */
  function padRow(which) {
    return h('tr', { class: ['list-pad', `list-pad-${which}`], 'aria-hidden': 'true' }, h('td', { colspan: String(COLUMNS.length + 2), height: '0' }));
  }

  /** Runs `fn` once the next frame has been painted. @param {() => void} fn */
  function afterPaint(fn) {
    requestAnimationFrame(() => setTimeout(() => { if (tbody) fn(); }, 0));
  }

  /** Scrolls the least needed to show row `i` below the sticky header. @param {number} i */
  function scrollToIndex(i) {
    const g = geometry();
    const top = g.top + offsets[i];
    const bottom = g.top + offsets[i + 1];
    if (top - g.head < tableHost.scrollTop) tableHost.scrollTop = top - g.head;
    else if (bottom > tableHost.scrollTop + tableHost.clientHeight) tableHost.scrollTop = bottom - tableHost.clientHeight;
  }

  /** Moves keyboard focus to row `i`, bringing it into the DOM first. @param {number} i */
  function focusIndex(i) {
    const j = Math.max(0, Math.min(rows.length - 1, i));
    const p = rows[j];
    if (!p) return;
    st.focusId = p.id;
    // Rendering learns real row heights, which moves the rows: scroll again with them.
    for (let pass = 0; pass < 3; pass++) {
      scrollToIndex(j);
      renderWindow();
      if (rendered.has(p.id) && pass > 0) break;
    }
    for (const [id, tr] of rendered) tr.tabIndex = id === p.id ? 0 : -1;
    rendered.get(p.id)?.focus({ preventScroll: true });
  }

  /** @param {Profile} p */
  function row(p) {
    const check = h('input', { type: 'checkbox', class: 'check', checked: selected.has(p.id), 'aria-label': t('list.select', { name: p.name }), dataset: { fk: `sel-${p.id}` } });
    check.addEventListener('change', () => { if (check.checked) selected.add(p.id); else selected.delete(p.id); st.focusId = p.id; renderTable(); });
    const status = effectiveStatus(p);
    return h('tr', {
      tabindex: '-1', class: [selected.has(p.id) && 'is-selected', `row-${status}`],
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
    h('td', { class: 'col-status' }, statusChip(p), notes(p)),
    h('td', { class: 'col-audit' }, lastAudit(p)),
    h('td', { class: 'col-actions' },
      h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-icon', dataset: { act: 'audit', fk: `audit-${p.id}` }, 'aria-label': t('list.auditOf', { name: p.name }), title: t('list.audit') }, icon('shield')),
        h('button', { type: 'button', class: 'btn btn-icon', dataset: { act: 'rotate', fk: `rotate-${p.id}` }, 'aria-label': t('list.rotateOf', { name: p.name }), title: t('list.rotate') }, icon('key')),
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
    else if (act === 'rotate') ctx.navigate(`#/rotate/${encodeURIComponent(id)}`);
    else if (act === 'edit') ctx.navigate(`#/edit/${encodeURIComponent(id)}`);
    else if (!target.closest('input, button, a, label') && !window.getSelection()?.toString()) ctx.navigate(`#/edit/${encodeURIComponent(id)}`);
  }

  /** @param {KeyboardEvent} e */
  function onRowKey(e) {
    const tr = /** @type {HTMLTableRowElement|null} */ (/** @type {HTMLElement} */ (e.target).closest('tr[data-id]'));
    if (!tr || e.target !== tr) return;
    const id = /** @type {string} */ (tr.dataset.id);
    const i = indexOf.get(id) ?? 0;
    /** @param {number} j */
    const move = (j) => { e.preventDefault(); focusIndex(j); };
    const page = Math.max(1, Math.floor(tableHost.clientHeight / rowHeight) - 1);
    switch (e.key) {
      case 'Enter': e.preventDefault(); st.focusId = id; ctx.navigate(`#/edit/${encodeURIComponent(id)}`); break;
      case ' ': e.preventDefault(); st.focusId = id; if (selected.has(id)) selected.delete(id); else selected.add(id); renderTable(); break;
      case 'ArrowDown': if (i + 1 < rows.length) move(i + 1); else e.preventDefault(); break;
      case 'ArrowUp': if (i > 0) move(i - 1); else { e.preventDefault(); /** @type {HTMLElement|null} */ (el.querySelector('#list-search'))?.focus(); } break;
      case 'PageDown': move(i + page); break;
      case 'PageUp': move(i - page); break;
      case 'Home': move(0); break;
      case 'End': move(rows.length - 1); break;
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
      const n = await api.call('delete_profiles', { ids });
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
        h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => openImportDialog() }, icon('import'), t('list.importFile'))));
  }

  async function openImportDialog() {
    (await transfer()).openImport(ctx, load);
  }

  render();
  load();
  return { el, render, destroy() { clearTimeout(searchTimer); cancelAnimationFrame(scrollFrame); resized.disconnect(); tbody = null; }, reload: load };
}

