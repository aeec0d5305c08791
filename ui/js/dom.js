// @ts-check
// Small DOM helpers. Everything is built as nodes; text always goes through text nodes
// (never innerHTML), so profile data can never become markup. Nothing here sets inline
// styles: the CSP (style-src 'self') forbids them, so state is expressed with classes,
// the `hidden` attribute and native elements such as <progress>.

/**
 * @typedef {Node|string|number|null|undefined|false} Child
 * @typedef {Record<string, any>} Attrs
 */

/** Appends children (strings become text nodes; null/false are skipped; arrays flatten).
 *  @param {Element|DocumentFragment} el @param {(Child|Child[])[]} children */
export function append(el, children) {
  for (const c of children) {
    if (Array.isArray(c)) append(el, c);
    else if (c === null || c === undefined || c === false) continue;
    else if (typeof c === 'string' || typeof c === 'number') el.append(document.createTextNode(String(c)));
    else el.append(c);
  }
  return el;
}

const PROPS = new Set(['value', 'checked', 'indeterminate', 'selected', 'defaultValue']);

/**
 * Creates an element.
 * attrs: `class` (string or array), `text` (textContent), `dataset` (object), `on<event>`
 * (listener), `value`/`checked`/`indeterminate`/`selected` (set as properties), `true`
 * becomes an empty attribute, `false`/`null`/`undefined` are left out, anything else is
 * set with setAttribute (aria-*, role, id, for, type, ...).
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Attrs} [attrs] @param {...(Child|Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : String(v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (PROPS.has(k)) /** @type {any} */ (el)[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** 16x16 stroke icons, drawn with currentColor. */
const ICONS = /** @type {Record<string, string[]>} */ ({
  plus: ['M8 3v10', 'M3 8h10'],
  check: ['M3.2 8.6l3 3 6.6-7'],
  x: ['M4.2 4.2l7.6 7.6', 'M11.8 4.2l-7.6 7.6'],
  search: ['M7 2.5a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z', 'M10.4 10.4L14 14'],
  settings: ['M2.5 4.5h11', 'M2.5 11.5h11', 'M6 3v3', 'M10.5 10v3'],
  import: ['M8 2v8', 'M4.8 6.8L8 10l3.2-3.2', 'M2.5 11v2.5h11V11'],
  export: ['M8 10V2', 'M4.8 5.2L8 2l3.2 3.2', 'M2.5 11v2.5h11V11'],
  warning: ['M8 2L14.5 13.5h-13z', 'M8 6.5v3.2', 'M8 11.6v.1'],
  info: ['M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12z', 'M8 7.2v4', 'M8 4.9v.1'],
  external: ['M9.5 2.5h4v4', 'M13.5 2.5L7.5 8.5', 'M11.5 9.5v4h-9v-9h4'],
  trash: ['M3 4.5h10', 'M6.5 4.5V3h3v1.5', 'M4.5 4.5l.7 9h5.6l.7-9'],
  eye: ['M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z', 'M8 6a2 2 0 1 0 0 4a2 2 0 1 0 0-4z'],
  eyeoff: ['M1.5 8s2.4-4.5 6.5-4.5S14.5 8 14.5 8 12.1 12.5 8 12.5 1.5 8 1.5 8z', 'M8 6a2 2 0 1 0 0 4a2 2 0 1 0 0-4z', 'M2.5 2.5l11 11'],
  back: ['M10 3L5 8l5 5'],
  next: ['M6 3l5 5-5 5'],
  key: ['M5.5 7.5a3 3 0 1 0 0 6a3 3 0 1 0 0-6z', 'M7.6 8.4L13.5 2.5', 'M11.5 4.5l1.8 1.8', 'M9.8 6.2l1.3 1.3'],
  shield: ['M8 1.8l5.2 2v3.8c0 3.2-2.2 5.6-5.2 6.6-3-1-5.2-3.4-5.2-6.6V3.8z', 'M5.8 8.1l1.6 1.6 3-3.2'],
  edit: ['M10.8 2.7l2.5 2.5-7.6 7.6H3.2v-2.5z', 'M9.2 4.3l2.5 2.5'],
  sort: ['M5.5 6L8 3.5 10.5 6', 'M5.5 10L8 12.5 10.5 10'],
  up: ['M5 9.5L8 6.5l3 3'],
  down: ['M5 6.5L8 9.5l3-3'],
  clock: ['M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12z', 'M8 4.8V8l2.2 1.4'],
  minus: ['M4 8h8'],
  globe: ['M8 2a6 6 0 1 0 0 12a6 6 0 1 0 0-12z', 'M2 8h12', 'M8 2c2 2 2 10 0 12', 'M8 2c-2 2-2 10 0 12'],
});

/** An inline SVG icon, hidden from assistive technology. @param {string} name */
export function icon(name, cls = '') {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('class', `icon ${cls}`.trim());
  for (const d of ICONS[name] ?? []) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

let uid = 0;
/** A document-unique id. @param {string} prefix */
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** The focusable descendants of `root`, in tab order (tabindex > 0 is not used in this app). @param {Element} root */
export function focusables(root) {
  const sel = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), summary';
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(sel)]).filter(
    (el) => !el.closest('[hidden]') && !el.closest('[inert]') && el.getClientRects().length > 0,
  );
}

/**
 * Runs `rebuild` and puts the focus back on the element that had it, found again by its
 * `data-fk` (focus key). Text selection in inputs survives too.
 * @param {() => void} rebuild
 */
export function keepFocus(rebuild) {
  const active = /** @type {HTMLElement|null} */ (document.activeElement);
  const key = active?.dataset?.fk;
  /** @type {[number|null, number|null]|null} */
  let sel = null;
  if (active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement) {
    try { sel = [active.selectionStart, active.selectionEnd]; } catch { sel = null; }
  }
  rebuild();
  if (!key || (active && active.isConnected)) return;
  const again = /** @type {HTMLElement|null} */ (document.querySelector(`[data-fk="${CSS.escape(key)}"]`));
  if (!again) return;
  again.focus({ preventScroll: true });
  if (sel && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement)) {
    try { again.setSelectionRange(sel[0], sel[1]); } catch { /* not a text input */ }
  }
}

/** An error as the command contract shapes it (ErrorPayload, from Rust), whatever was
 *  thrown: anything else (a JavaScript error, Tauri's own refusal) is `internal`.
 *  @param {unknown} e @returns {import('./gen/ErrorPayload').ErrorPayload} */
export function asCommandError(e) {
  if (e && typeof e === 'object' && 'kind' in e && 'message' in e) {
    const o = /** @type {import('./gen/ErrorPayload').ErrorPayload} */ (e);
    return { kind: o.kind, message: String(o.message), fields: Array.isArray(o.fields) ? o.fields : [] };
  }
  if (typeof e === 'string') return { kind: 'internal', message: e, fields: [] };
  return { kind: 'internal', message: String(/** @type {any} */ (e)?.message ?? e), fields: [] };
}

/** Today's local date as YYYY-MM-DD. @param {Date} [now] */
export function todayIso(now = new Date()) {
  return isoDate(now);
}

/** @param {Date} d */
export function isoDate(d) {
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The local date `days` after today, as YYYY-MM-DD. @param {number} days @param {Date} [now] */
export function addDaysIso(days, now = new Date()) {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days);
  return isoDate(d);
}

/** Whole days from today to a YYYY-MM-DD date (negative when past), or null when not a date.
 *  @param {string} iso @param {Date} [now] */
export function daysUntil(iso, now = new Date()) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (d.getMonth() !== Number(m[2]) - 1) return null;
  const t = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return Math.round((d.getTime() - t.getTime()) / 86400000);
}

/** A v4 UUID (crypto.randomUUID where available). */
export function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
