// @ts-check
// Export (format choice, "include last audit", native save dialog) and import (native
// open dialog, a dry-run preview, then all-or-nothing apply).

import * as api from '../api.js';
import { h, icon, asCommandError, nextId } from '../dom.js';
import { t } from '../i18n.js';
import { showDialog } from './dialogs.js';
import { EXPORT_FORMATS } from '../gen/codes.js';

/** @typedef {import('../main.js').Ctx} Ctx */
/** @typedef {import('../api.js').ExportFormat} ExportFormat */


/** @param {Ctx} ctx */
export function openExport(ctx) {
  /** @type {ExportFormat} */
  let format = ctx.exportPrefs.format;
  let withAudit = ctx.exportPrefs.withAudit;
  const group = nextId('fmt');
  const errorEl = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const withAuditBox = h('input', { type: 'checkbox', id: `${group}-audit`, checked: withAudit, class: 'check' });
  withAuditBox.addEventListener('change', () => { withAudit = withAuditBox.checked; });
  const body = [
    h('fieldset', { class: 'radio-cards' },
      h('legend', { class: 'label', text: t('export.format') }),
      EXPORT_FORMATS.map((f) => {
        const input = h('input', { type: 'radio', name: group, id: `${group}-${f}`, value: f, checked: f === format });
        input.addEventListener('change', () => { if (input.checked) format = f; });
        return h('div', { class: 'radio-card' }, input,
          h('label', { for: `${group}-${f}` },
            h('span', { class: 'radio-title', text: t(`export.fmt.${f}`) }),
            h('span', { class: 'small muted', text: t(`export.fmtHint.${f}`) })));
      })),
    h('div', { class: 'check-row' }, withAuditBox, h('label', { for: `${group}-audit`, text: t('export.withAudit') })),
    h('p', { class: 'small muted', text: t('export.noTokens') }),
    errorEl,
  ];
  const d = showDialog({
    title: t('export.title'),
    body,
    actions: [
      { label: t('common.cancel'), variant: 'secondary', value: null },
      {
        label: t('export.go'), variant: 'primary', fk: 'export-go',
        run: async (dlg) => {
          dlg.setBusy(true);
          errorEl.hidden = true;
          ctx.exportPrefs.format = format;
          ctx.exportPrefs.withAudit = withAudit;
          try {
            const res = await api.call('export_profiles', { format, withAudit });
            if (!res) { dlg.setBusy(false); return; }
            dlg.setBusy(false);
            dlg.close(res);
            ctx.toast(t('export.done', { n: res.count, path: res.path }));
          } catch (e) {
            dlg.setBusy(false);
            errorEl.replaceChildren(icon('warning'), h('span', { text: asCommandError(e).message }));
            errorEl.hidden = false;
          }
        },
      },
    ],
  });
  return d;
}

/** @param {Ctx} ctx @param {() => Promise<void>} refresh */
export async function openImport(ctx, refresh) {
  /** @type {import('../api.js').ImportPreview|null} */
  let opened;
  try {
    opened = await api.call('import_open', {});
  } catch (e) {
    ctx.toast(t('import.failed', { message: asCommandError(e).message }), { kind: 'error' });
    return;
  }
  if (!opened) return;
  const preview = opened.report;
  const chosen = opened.path;
  const handle = opened.handle;
  const errorEl = h('div', { class: 'banner banner-error', role: 'alert', hidden: true });
  const body = /** @type {HTMLElement[]} */ ([
    h('p', { class: 'small muted path', text: chosen }),
    h('div', { class: 'import-counts' },
      h('span', { class: 'summary-item summary-ok' }, h('span', { class: 'dot' }), t('import.willCreate', { n: preview.created })),
      h('span', { class: 'summary-item summary-expiring' }, h('span', { class: 'dot' }), t('import.willSkip', { n: preview.skipped })),
      h('span', { class: 'summary-item summary-expired' }, h('span', { class: 'dot' }), t('import.invalid', { n: preview.invalid }))),
    h('div', { class: 'table-wrap import-table-wrap' },
      h('table', { class: 'grid import-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col', text: t('import.col.row') }),
          h('th', { scope: 'col', text: t('import.col.name') }),
          h('th', { scope: 'col', text: t('import.col.outcome') }),
          h('th', { scope: 'col', text: t('import.col.reason') }))),
        h('tbody', {}, preview.rows.map((r) => h('tr', { dataset: { outcome: r.outcome } },
          h('td', { class: 'mono', text: String(r.row) }),
          h('td', { text: r.name }),
          h('td', {}, h('span', { class: ['chip', r.outcome === 'created' ? 'chip-ok' : r.outcome === 'skipped' ? 'chip-expiring' : 'chip-expired'], text: t(`import.outcome.${r.outcome}`) })),
          h('td', { class: 'small', text: r.reason ?? '' })))))),
    preview.invalid > 0 ? h('p', { class: 'small text-warn', text: t('import.invalidNote') }) : null,
    h('p', { class: 'small muted', text: t('import.tokenNote') }),
    errorEl,
  ].filter((x) => x !== null));
  const d = showDialog({
    title: t('import.title'),
    body,
    wide: true,
    actions: [
      { label: t('common.cancel'), variant: 'secondary', value: null },
      {
        label: t('import.go', { n: preview.created }), variant: 'primary', disabled: preview.created === 0 || preview.invalid > 0, fk: 'import-go',
        run: async (dlg) => {
          dlg.setBusy(true);
          try {
            const res = await api.call('import_apply', { handle });
            dlg.setBusy(false);
            dlg.close(res);
            ctx.toast(t('import.done', { n: res.created }));
            await refresh();
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

