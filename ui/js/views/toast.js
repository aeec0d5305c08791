// @ts-check
// Toasts: short confirmations in the role=status live region (#toasts); failures go to
// the role=alert region (#alerts). Both regions exist in index.html from the start so
// screen readers announce what is added to them.

import { h, icon } from '../dom.js';
import { t } from '../i18n.js';

/**
 * Shows a toast.
 * @param {string} message
 * @param {{kind?: 'ok'|'info'|'error', timeout?: number, action?: {label: string, run: () => void}}} [o]
 */
export function toast(message, o = {}) {
  const kind = o.kind ?? 'ok';
  const region = document.getElementById(kind === 'error' ? 'alerts' : 'toasts');
  if (!region) return;
  const close = h('button', { type: 'button', class: 'btn btn-icon toast-x', 'aria-label': t('common.dismiss') }, icon('x'));
  const el = h('div', { class: ['toast', `toast-${kind}`] },
    icon(kind === 'error' ? 'warning' : kind === 'ok' ? 'check' : 'info', 'toast-icon'),
    h('span', { class: 'toast-text', text: message }),
    o.action ? h('button', { type: 'button', class: 'btn btn-link toast-action', text: o.action.label, onclick: () => { o.action?.run(); dismiss(); } }) : null,
    close,
  );
  const dismiss = () => { el.classList.add('is-leaving'); setTimeout(() => el.remove(), 160); };
  close.addEventListener('click', dismiss);
  region.append(el);
  // Keep at most four on screen.
  while (region.children.length > 4) region.firstElementChild?.remove();
  const ms = o.timeout ?? (kind === 'error' ? 12000 : 6000);
  let timer = setTimeout(dismiss, ms);
  el.addEventListener('mouseenter', () => clearTimeout(timer));
  el.addEventListener('mouseleave', () => { timer = setTimeout(dismiss, ms / 2); });
  el.addEventListener('focusin', () => clearTimeout(timer));
  return el;
}
