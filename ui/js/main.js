// @ts-check
// Bootstrap and router. Routes live in the URL hash:
//   #/            the connection list
//   #/new         a new profile
//   #/edit/<id>   a profile's edit form (the tray's `open-profile` lands here)
//   #/audit/<id>  a saved profile's permission audit
//   #/rotate/<id> rotating a saved profile's token
// The language comes from Settings.language, or from the OS locale when it is 'auto';
// changing it re-renders the chrome and the current view in place (no reload).

import * as api from './api.js';
import { DEFAULT_SETTINGS } from './gen/defaults.js';
import { asCommandError } from './dom.js';
import { t, setLanguage, resolveLanguage, onLanguageChange, language } from './i18n.js';
import { createListView } from './views/list.js';
import { toast } from './views/toast.js';

// The list is the first screen; the other views load when first visited.
const formView = () => import('./views/form.js');
const auditView = () => import('./views/audit.js');
const rotateView = () => import('./views/rotate.js');

/**
 * What every view gets.
 * @typedef {{
 *   navigate: (hash: string) => void,
 *   replaceRoute: (hash: string) => void,
 *   toast: typeof toast,
 *   openExternal: (url: string) => void,
 *   openSettings: () => Promise<void>,
 *   focusView: (el: HTMLElement|null) => void,
 *   listState: {query: string, sort: {key: string, dir: 'asc'|'desc'}, focusId: string|null},
 *   exportPrefs: {format: import('./api.js').ExportFormat, withAudit: boolean},
 *   auditPurpose: import('./api.js').AuditPurpose,
 *   onAudited?: () => void,
 *   firstList: Promise<import('./api.js').Profile[]>|null,
 * }} Ctx
 * @typedef {{el: HTMLElement, render: () => void, destroy: () => void}} View
 */

/** Until the app's settings load: the defaults, from Rust. @type {import('./api.js').Settings} */
let settings = { ...DEFAULT_SETTINGS, thresholds: [...DEFAULT_SETTINGS.thresholds] };
let osLocale = 'en';
/** @type {View|null} */
let current = null;
let pendingFocus = false;

const app = /** @type {HTMLElement} */ (document.getElementById('app'));

/** @type {Ctx} */
const ctx = {
  navigate(hash) {
    pendingFocus = true;
    if (location.hash === hash || (hash === '#/' && !location.hash)) route();
    else location.hash = hash;
  },
  replaceRoute(hash) {
    history.replaceState(history.state, '', hash);
  },
  toast,
  openExternal(url) {
    (async () => { await api.call('open_external', { url }); })().catch((e) => {
      toast(t('common.openFailed', { message: asCommandError(e).message }), { kind: 'error' });
    });
  },
  async openSettings() {
    const saved = await (await import('./views/settings.js')).openSettings(settings);
    if (!saved) return;
    settings = saved;
    const lang = resolveLanguage(settings.language, osLocale);
    if (lang !== language()) await setLanguage(lang);
    toast(t('settings.saved'));
  },
  focusView(el) {
    if (!pendingFocus || !el) return;
    pendingFocus = false;
    // The view may not be in the document yet (it is attached after it is built).
    queueMicrotask(() => { if (el.isConnected) el.focus(); });
  },
  listState: { query: '', sort: { key: 'expires', dir: 'asc' }, focusId: null },
  exportPrefs: { format: 'csv', withAudit: false },
  auditPurpose: 'all',
  // The first screen is the list: its load starts with the settings, not after them.
  firstList: null,
};

function renderChrome() {
  document.documentElement.lang = language();
  document.title = t('app.title');
  const tagline = document.getElementById('tagline');
  if (tagline) tagline.textContent = t('app.tagline');
  const loading = document.getElementById('boot-loading');
  if (loading) loading.textContent = t('common.loading');
}

/** Bumped by every navigation: a view that finished loading after a newer one is dropped. */
let routeSeq = 0;

async function route() {
  const seq = ++routeSeq;
  const hash = location.hash || '#/';
  let m;
  /** @type {View} */
  let view;
  try {
    if (hash === '#/new') view = (await formView()).createFormView(ctx, { id: null });
    else if ((m = /^#\/edit\/(.+)$/.exec(hash))) view = (await formView()).createFormView(ctx, { id: decodeURIComponent(m[1]) });
    else if ((m = /^#\/audit\/(.+)$/.exec(hash))) view = (await auditView()).createAuditView(ctx, { id: decodeURIComponent(m[1]) });
    else if ((m = /^#\/rotate\/(.+)$/.exec(hash))) view = (await rotateView()).createRotateView(ctx, { id: decodeURIComponent(m[1]) });
    else view = createListView(ctx);
  } catch (e) {
    toast(String(/** @type {any} */ (e)?.message ?? e), { kind: 'error' });
    return;
  }
  if (seq !== routeSeq) { view.destroy(); return; }
  current?.destroy();
  current = view;
  app.replaceChildren(view.el);
  app.scrollTop = 0;
  document.scrollingElement?.scrollTo(0, 0);
}

/** Moves the focus into a view once it shows what it loaded (not on the first screen). */
function focusSoon() {
  pendingFocus = true;
}

async function boot() {
  performance.mark('connkeeper:boot');
  renderChrome();
  if (!location.hash || location.hash === '#/') {
    ctx.firstList = api.call('list_profiles', {});
    ctx.firstList.catch(() => { /* the list view reports it */ });
  }
  const [saved, locale] = await Promise.allSettled([api.call('get_settings', {}), api.call('os_locale', {})]);
  if (saved.status === 'fulfilled') settings = { ...settings, ...saved.value };
  if (locale.status === 'fulfilled') osLocale = String(locale.value);
  await setLanguage(resolveLanguage(settings.language, osLocale));
  renderChrome();
  if (saved.status === 'rejected') {
    // A corrupt settings.json is reported, never silently replaced by defaults.
    toast(t('settings.loadFailed', { message: asCommandError(saved.reason).message }), { kind: 'error' });
  }
  onLanguageChange(() => {
    renderChrome();
    current?.render();
  });
  window.addEventListener('hashchange', () => { focusSoon(); route(); });
  route();
  try {
    await api.onOpenProfile((id) => {
      ctx.navigate(`#/edit/${encodeURIComponent(String(id))}`);
      window.focus();
    });
    await api.onOpenRotation((id) => {
      ctx.navigate(`#/rotate/${encodeURIComponent(String(id))}`);
      window.focus();
    });
  } catch { /* outside the desktop window: no tray */ }
}

boot();
