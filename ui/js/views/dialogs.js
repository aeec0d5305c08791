// @ts-check
// Modal dialogs on the native <dialog> element: the rest of the page is inert while one is
// open, Tab and Shift+Tab wrap inside it, Escape closes it, and the focus goes back to
// the element that opened it (found again by its data-fk when the view was re-rendered).

import { h, icon, nextId, focusables } from '../dom.js';
import { t } from '../i18n.js';

/**
 * @typedef {{label: string, variant?: 'primary'|'danger'|'secondary'|'ghost', value?: any,
 *   run?: (d: DialogHandle) => any, autofocus?: boolean, disabled?: boolean, fk?: string}} DialogAction
 * @typedef {{dialog: HTMLDialogElement, body: HTMLElement, result: Promise<any>,
 *   close: (value?: any) => void, setBusy: (busy: boolean) => void,
 *   setActions: (actions: DialogAction[]) => void, isOpen: () => boolean}} DialogHandle
 */

/**
 * Opens a modal dialog.
 * @param {{title: string, body: Node|Node[], actions?: DialogAction[], wide?: boolean,
 *   className?: string, initialFocus?: HTMLElement|null, onClose?: () => void,
 *   describedBy?: string}} opts
 * @returns {DialogHandle}
 */
export function showDialog(opts) {
  const opener = /** @type {HTMLElement|null} */ (document.activeElement);
  const openerKey = opener?.dataset?.fk;
  const titleId = nextId('dialog-title');
  const dialog = h('dialog', {
    class: ['dialog', opts.wide && 'dialog-wide', opts.className],
    'aria-labelledby': titleId,
    'aria-describedby': opts.describedBy,
  });
  const closeBtn = h('button', { type: 'button', class: 'btn btn-icon dialog-x', 'aria-label': t('common.close') }, icon('x'));
  const body = h('div', { class: 'dialog-body' });
  const foot = h('footer', { class: 'dialog-foot' });
  dialog.append(
    h('header', { class: 'dialog-head' }, h('h2', { id: titleId, text: opts.title }), closeBtn),
    body,
    foot,
  );
  for (const n of Array.isArray(opts.body) ? opts.body : [opts.body]) body.append(n);

  let busy = false;
  let open = true;
  /** @type {(v: any) => void} */
  let resolve = () => {};
  const result = new Promise((r) => { resolve = r; });

  /** @type {DialogHandle} */
  const handle = {
    dialog,
    body,
    result,
    close(value = null) {
      if (!open) return;
      open = false;
      if (dialog.open) dialog.close();
      dialog.remove();
      opts.onClose?.();
      restoreFocus();
      resolve(value);
    },
    setBusy(b) {
      busy = b;
      dialog.classList.toggle('is-busy', b);
      dialog.setAttribute('aria-busy', String(b));
      for (const btn of foot.querySelectorAll('button')) /** @type {HTMLButtonElement} */ (btn).disabled = b || btn.dataset.disabled === 'true';
    },
    setActions(actions) {
      foot.replaceChildren(...actions.map((a) => {
        const b = h('button', {
          type: 'button',
          class: ['btn', `btn-${a.variant ?? 'secondary'}`],
          disabled: a.disabled,
          dataset: { disabled: String(!!a.disabled), ...(a.fk ? { fk: a.fk } : {}) },
          text: a.label,
        });
        b.addEventListener('click', async () => {
          if (busy) return;
          if (a.run) await a.run(handle);
          else handle.close(a.value ?? null);
        });
        if (a.autofocus) b.dataset.autofocus = 'true';
        return b;
      }));
    },
    isOpen: () => open,
  };

  function restoreFocus() {
    let target = opener && opener.isConnected ? opener : null;
    if (!target && openerKey) target = /** @type {HTMLElement|null} */ (document.querySelector(`[data-fk="${CSS.escape(openerKey)}"]`));
    if (!target) target = /** @type {HTMLElement|null} */ (document.querySelector('main h2[tabindex="-1"]'));
    target?.focus();
  }

  handle.setActions(opts.actions ?? []);
  closeBtn.addEventListener('click', () => { if (!busy) handle.close(null); });
  // Escape fires `cancel`; we close ourselves so the result and focus are handled once.
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    if (!busy) handle.close(null);
  });
  // A dialog closed by the browser anyway (repeated Escape) still settles.
  dialog.addEventListener('close', () => { if (open) handle.close(null); });
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = focusables(dialog);
    if (items.length === 0) { e.preventDefault(); return; }
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (e.shiftKey && (active === first || !dialog.contains(active))) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && (active === last || !dialog.contains(active))) { e.preventDefault(); first.focus(); }
  });

  document.body.append(dialog);
  dialog.showModal();
  const auto = opts.initialFocus
    ?? /** @type {HTMLElement|null} */ (foot.querySelector('[data-autofocus="true"]'))
    ?? focusables(body)[0]
    ?? /** @type {HTMLElement|null} */ (foot.querySelector('button'));
  (auto ?? closeBtn).focus();
  return handle;
}

/**
 * Asks a yes/no question. The safe choice (Cancel) has the focus.
 * @param {{title: string, message: string|Node, details?: string[], confirmLabel: string, danger?: boolean}} o
 * @returns {Promise<boolean>}
 */
export async function confirmDialog(o) {
  const descId = nextId('confirm-desc');
  /** @type {HTMLElement[]} */
  const body = [h('p', { id: descId, class: 'dialog-message' }, o.message)];
  if (o.details?.length) {
    body.push(h('ul', { class: 'dialog-list' }, o.details.map((d) => h('li', { text: d }))));
  }
  const d = showDialog({
    title: o.title,
    body,
    describedBy: descId,
    className: 'dialog-confirm',
    actions: [
      { label: t('common.cancel'), variant: 'secondary', value: false, autofocus: true },
      { label: o.confirmLabel, variant: o.danger ? 'danger' : 'primary', value: true },
    ],
  });
  return (await d.result) === true;
}
