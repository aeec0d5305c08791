// @ts-check
// Messages and the formatting of numbers, dates and "in 12 days". One catalogue per
// language in i18n/ (en.js, ja.js): English is loaded with the page, another language
// when it is chosen. Importable outside a browser (the tests load it in Node): nothing
// here touches the DOM at load time.
//
// Placeholders are written {name}. A key with a ".one" twin uses the twin when the
// parameter n is 1. Keys under err.*, req.why.*, audit.warning.* and audit.error.* are
// optional translations of backend texts: where a language lacks one, the backend's own
// (English) message is shown instead (see tOr).

import en from './i18n/en.js';

/** @typedef {'en'|'ja'} Lang */

/** The catalogues loaded so far. @type {Partial<Record<Lang, Record<string, string>>>} */
const catalogues = { en };

/** Loads a language's catalogue (once). @param {Lang} lang @returns {Promise<Record<string, string>>} */
export async function loadCatalogue(lang) {
  const loaded = catalogues[lang];
  if (loaded) return loaded;
  const cat = lang === 'ja' ? (await import('./i18n/ja.js')).default : en;
  catalogues[lang] = cat;
  return cat;
}

/** @type {Lang} */
let current = 'en';
/** @type {Set<() => void>} */
const listeners = new Set();

/** The active language. */
export function language() { return current; }

/** Switches the language, once its catalogue is loaded, and tells every subscriber
 *  (views re-render in place). @param {Lang} lang */
export async function setLanguage(lang) {
  const next = lang === 'ja' ? 'ja' : 'en';
  await loadCatalogue(next);
  if (next === current) return;
  current = next;
  for (const cb of [...listeners]) cb();
}

/** @param {() => void} cb @returns {() => void} unsubscribe */
export function onLanguageChange(cb) {
  listeners.add(cb);
  return () => listeners.delete(cb);
}

/**
 * The language to use: the setting when it is 'en' or 'ja', otherwise the OS locale
 * (Japanese for any ja* locale, English for everything else).
 * @param {string|null|undefined} setting @param {string|null|undefined} osLocale @returns {Lang}
 */
export function resolveLanguage(setting, osLocale) {
  if (setting === 'en' || setting === 'ja') return setting;
  return /^ja\b/i.test(String(osLocale ?? '').replace('_', '-')) ? 'ja' : 'en';
}

/** @param {string} key @param {Lang} lang */
function lookup(key, lang) {
  const cat = catalogues[lang];
  return cat && Object.prototype.hasOwnProperty.call(cat, key) ? cat[key] : undefined;
}

/** @param {string} s @param {Record<string, any>} params */
function fill(s, params) {
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
}

/**
 * The message for `key` in the active language (English, then the key itself, as fallbacks).
 * @param {string} key @param {Record<string, any>} [params]
 */
export function t(key, params = {}) {
  const one = params.n === 1 || params.n === '1';
  const s = (one ? lookup(`${key}.one`, current) : undefined)
    ?? lookup(key, current)
    ?? (one ? lookup(`${key}.one`, 'en') : undefined)
    ?? lookup(key, 'en')
    ?? key;
  return fill(s, params);
}

/** The translation of `key` in the active language when it has one, else `fallback`.
 *  @param {string} key @param {string} fallback @param {Record<string, any>} [params] */
export function tOr(key, fallback, params = {}) {
  const s = lookup(key, current);
  return s === undefined ? fallback : fill(s, params);
}

/** "in 12 days" / "expired 3 days ago" / "today". @param {number} days */
export function relDays(days) {
  if (days === 0) return t('rel.today');
  return days > 0 ? t('rel.future', { n: days }) : t('rel.past', { n: -days });
}

/** Intl formatters are costly to create: one of each per language. */
const formatters = {
  /** @type {Record<string, Intl.NumberFormat>} */ num: {},
  /** @type {Record<string, Intl.DateTimeFormat>} */ dateTime: {},
};

/** A number with the language's grouping. @param {number} n */
export function num(n) {
  const f = (formatters.num[current] ??= new Intl.NumberFormat(current === 'ja' ? 'ja-JP' : 'en-US'));
  return f.format(n);
}

/** A timestamp in the local time zone, e.g. "28 Nov 2025, 14:03" / "2025/11/28 14:03".
 *  @param {string} iso */
export function dateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const f = (formatters.dateTime[current] ??= new Intl.DateTimeFormat(current === 'ja' ? 'ja-JP' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }));
  return f.format(d);
}

/** The display name of an application code. @param {string} code */
export function appName(code) {
  return lookup(`app.${code}`, current) ?? code;
}
