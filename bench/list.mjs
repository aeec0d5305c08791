// The list with 10,000 profiles in headless Chromium (the UI tests' page and fake
// backend): the longest task while it opens, sorts, filters and scrolls, and the most
// rows in the DOM. Chromium reports long tasks (over 50 ms); WebKitGTK does not, so this
// part of `make bench-desktop` runs here.
//
// node bench/list.mjs [--profiles 10000]

import { setup } from '../tests/ui/harness.js';

const n = Number(process.argv[process.argv.indexOf('--profiles') + 1] || 10000);
const profiles = Array.from({ length: n }, (_, i) => ({
  id: `b${i}`, name: `Site ${String(i).padStart(5, '0')} backup`, host: `https://site${i}.atlassian.net`,
  email: `backup${i}@example.com`, days: (i * 7) % 380 - 15, description: i % 3 ? null : 'Nightly backup',
}));
const env = await setup();
try {
  const app = await env.open({ seed: { profiles } });
  const { page } = app;
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__long.push(e.duration); }).observe({ type: 'longtask', buffered: true });
    w.__maxRows = 0;
    const count = () => { w.__maxRows = Math.max(w.__maxRows, document.querySelectorAll('tbody tr[data-id]').length); requestAnimationFrame(count); };
    count();
  });
  const frame = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const phases = {};
  const phase = async (name, act) => {
    await page.evaluate(() => { /** @type {any} */ (window).__long = []; });
    await act();
    await frame();
    phases[name] = await page.evaluate(() => Math.max(0, .../** @type {any} */ (window).__long));
  };
  // Opening the list again (from the form) loads and renders all 10,000 afresh.
  await page.evaluate(() => { location.hash = '#/new'; });
  await page.waitForSelector('#f-name');
  await phase('open the list', async () => { await page.evaluate(() => { location.hash = '#/'; }); await page.waitForSelector('tbody tr[data-id]'); });
  await phase('sort by name', async () => { await page.click('[data-fk="sort-name"]'); await page.waitForSelector('tbody tr[data-id]'); });
  await phase('sort by status', async () => { await page.click('[data-fk="sort-status"]'); await page.waitForSelector('tbody tr[data-id]'); });
  await phase('filter', async () => { await page.fill('#list-search', 'Site 0012'); await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-id]').length === 10); });
  await phase('clear the filter', async () => { await page.fill('#list-search', ''); await page.waitForFunction(() => document.querySelectorAll('tbody tr[data-id]').length > 10); });
  await phase('scroll through', async () => {
    for (let i = 1; i <= 40; i++) {
      await page.evaluate((f) => { const s = /** @type {HTMLElement} */ (document.querySelector('.list-scroller') ?? document.querySelector('main')); s.scrollTop = s.scrollHeight * f; }, i / 40);
      await frame();
    }
  });
  const maxRows = await page.evaluate(() => /** @type {any} */ (window).__maxRows);
  console.log(`| list with ${n.toLocaleString('en')} profiles (Chromium) | longest task |`);
  console.log('|---|---:|');
  for (const [name, d] of Object.entries(phases)) console.log(`| ${name} | ${d ? `${d.toFixed(0)} ms` : 'none over 50 ms'} |`);
  console.log(`| most rows in the DOM at once | ${maxRows} |`);
  await app.close();
} finally {
  await env.done();
}
