// Shared helpers of the UI tests: a static server for ui/ (with the app's real CSP from
// src-tauri/tauri.conf.json), Debian's Chromium through playwright-core, and a page with
// the fake command contract (fake-ipc.js) injected before the app's scripts.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '..', '..');
export const UI = path.join(ROOT, 'ui');
export const FAKE = path.join(here, 'fake-ipc.js');
/** What Rust decided for the fake backend (make gen): see fake-ipc.js. */
export const CONTRACT = JSON.parse(fs.readFileSync(path.join(here, 'gen', 'backend.json'), 'utf8'));
export const SHOTS = path.join(ROOT, 'target', 'ui-screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** The CSP the desktop window enforces. */
export const CSP = JSON.parse(fs.readFileSync(path.join(ROOT, 'src-tauri', 'tauri.conf.json'), 'utf8')).app.security.csp;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/** Serves ui/ on 127.0.0.1 at a random port. */
export async function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(UI, `.${rel}`);
    if (!file.startsWith(UI + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r(undefined)); }),
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Starts a server and a browser for one test file; call `done()` in `after`.
 */
export async function setup() {
  const server = await startServer();
  const browser = await launchBrowser();
  return {
    server,
    browser,
    /** @param {Parameters<typeof openApp>[2]} [o] */
    open: (o) => openApp(browser, server.url, o),
    done: async () => { await browser.close(); await server.close(); },
  };
}

/**
 * Opens the app with a seeded fake backend.
 * @param {import('playwright-core').Browser} browser @param {string} base
 * @param {{seed?: object, hash?: string, viewport?: {width: number, height: number}, colorScheme?: 'light'|'dark', waitFor?: string}} [o]
 */
export async function openApp(browser, base, o = {}) {
  const context = await browser.newContext({
    viewport: o.viewport ?? { width: 1200, height: 800 },
    locale: 'en-US',
    colorScheme: o.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  /** @type {string[]} */
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  await page.addInitScript(([s, c]) => {
    /** @type {any} */ (window).__FAKE_SEED__ = s;
    /** @type {any} */ (window).__CONTRACT__ = c;
  }, [o.seed ?? {}, CONTRACT]);
  await page.addInitScript({ path: FAKE });
  await page.goto(`${base}/index.html${o.hash ?? ''}`);
  await page.waitForSelector(o.waitFor ?? '#list-title');
  return {
    page,
    context,
    errors,
    /** Every command the UI invoked, in order. */
    calls: () => page.evaluate(() => /** @type {any} */ (window).__FAKE__.calls),
    /** @param {string} cmd */
    callsOf: async (cmd) => (await page.evaluate(() => /** @type {any} */ (window).__FAKE__.calls)).filter((/** @type {any} */ c) => c.cmd === cmd),
    /** No script errors and no CSP violations happened. */
    assertClean: async () => {
      const violations = await page.evaluate(() => /** @type {any} */ (window).__FAKE__.violations);
      assert.deepEqual(violations, [], `CSP violations: ${JSON.stringify(violations)}`);
      assert.deepEqual(errors, [], `page errors: ${errors.join('\n')}`);
    },
    close: () => context.close(),
  };
}

/** YYYY-MM-DD of today + n days, in this machine's local time (as the page computes it). */
export function isoIn(n) {
  const now = new Date();
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + n);
  const p = (/** @type {number} */ x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** The profiles most tests start with (default order by expiry: Gamma, Beta, Epsilon, Acme, Delta). */
export const PROFILES = [
  { id: 'p-acme', name: 'Acme backup', application: 'jira', host: 'https://acme.atlassian.net', email: 'backup@acme.example', days: 120 },
  { id: 'p-beta', name: 'Beta restore', application: 'jsm', host: 'https://beta.atlassian.net', email: 'restore@beta.example', days: 12 },
  { id: 'p-gamma', name: 'Gamma old', application: 'jira-admin', host: 'https://gamma.atlassian.net', email: 'admin@gamma.example', days: -3 },
  { id: 'p-delta', name: 'Delta no token', application: 'jira', host: 'https://delta.atlassian.net', email: 'ops@delta.example', days: 200, token_stored: false },
  {
    id: 'p-eps', name: 'Epsilon', application: 'jira', host: 'https://eps.atlassian.net', email: 'it@eps.example', days: 45, description: 'Service desk mirror',
    last_audit: { at: '2025-06-01T09:30:00Z', purpose: 'all', ok: false, backup_ok: true, restore_ok: false, missing_global: ['CREATE_SHARED_OBJECTS'], projects_total: 40, projects_with_gaps: 3, coverage_complete: true, warnings: 1 },
  },
];

/** The names of the list's rows, top to bottom. @param {import('playwright-core').Page} page */
export function rowNames(page) {
  return page.$$eval('table.profiles tbody tr[data-id] .cell-name', (els) => els.map((e) => e.textContent));
}
