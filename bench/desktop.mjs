// Desktop benchmark, ConnKeeper side by side with a blank Tauri window, in one run on
// one machine (run by scripts/bench-desktop.sh inside the private desktop session):
// - first paint at 10 / 1,000 / 10,000 profiles: from asking tauri-driver to launch the
//   app until the list's rows are in the DOM and two animation frames have passed;
// - reopen: the window closed to the tray, then opened again (a second launch, as the
//   tray's Open does) until its list is painted;
// - memory (PSS of the app and every process it started) open after 10 s idle, and
//   hidden in the tray after its window closed;
// - idle CPU time and wakeups (context switches) over IDLE_SECONDS hidden in the tray
//   (the blank window: open, it has no tray);
// - release binary and package sizes.
// Every figure but the long idle one is the median of RUNS runs.
//
// node bench/desktop.mjs --app BIN --blank BIN --driver TAURI_DRIVER --data10 DIR
//   --data1000 DIR --data10000 DIR [--runs 5] [--idle 300] [--deb FILE] [--quick 1]
// (--quick: first paints at 10 profiles only, with the page's boot marks on stderr.)

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, statSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebDriver, waitForDriver } from '../tests/e2e/webdriver.js';

const here = dirname(fileURLToPath(import.meta.url));
const closeWindow = join(here, '..', 'tests', 'x11', 'close-window.py');
const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const runs = Number(args.runs ?? 5);
const idleSeconds = Number(args.idle ?? 300);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const log = (s) => process.stderr.write(`bench: ${s}\n`);
let port = 4600;

async function until(what, probe, ms = 60000) {
  const t0 = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Kills every process running `binary` (matched by /proc/PID/exe, not the command line). */
async function killByExe(binary) {
  const alive = () => readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((pid) => {
    try { return readlinkSync(`/proc/${pid}/exe`) === binary; } catch { return false; }
  });
  for (const pid of alive()) process.kill(Number(pid), 'SIGTERM');
  // The next launch must not find one still running (it would hand over to it).
  await until(`${binary} to exit`, () => alive().length === 0, 20000);
  await sleep(300);
}

/** The process and every process it started. */
function tree(pid) {
  const out = [];
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop();
    let children = '';
    try { children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8'); } catch { continue; }
    out.push(p);
    todo.push(...children.split(/\s+/).filter(Boolean).map(Number));
  }
  return out;
}

const comm = (pid) => { try { return readFileSync(`/proc/${pid}/comm`, 'utf8').trim(); } catch { return '?'; } };
const pssKiB = (pid) => {
  try { return Number(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m)?.[1] ?? 0); } catch { return 0; }
};
function memory(pid) {
  const pids = tree(pid);
  return { mib: pids.reduce((s, p) => s + pssKiB(p), 0) / 1024, parts: pids.map((p) => `${comm(p)} ${(pssKiB(p) / 1024).toFixed(0)}`).join(', ') };
}
/** CPU seconds (user + system, exited threads included) and context switches per
 *  thread of a process tree. */
function cpu(pid) {
  let ticks = 0;
  /** @type {Map<string, number>} */
  const switches = new Map();
  for (const p of tree(pid)) {
    try {
      const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch { /* gone */ }
    for (const t of (() => { try { return readdirSync(`/proc/${p}/task`); } catch { return []; } })()) {
      try {
        const st = readFileSync(`/proc/${p}/task/${t}/status`, 'utf8');
        switches.set(t, Number(st.match(/^voluntary_ctxt_switches:\s+(\d+)/m)?.[1] ?? 0) + Number(st.match(/^nonvoluntary_ctxt_switches:\s+(\d+)/m)?.[1] ?? 0));
      } catch { /* gone */ }
    }
  }
  return { seconds: ticks / 100, switches };
}

/** Context switches between two looks, over the threads alive at the second one. */
function switchesBetween(a, b) {
  let n = 0;
  for (const [t, c] of b.switches) n += c - (a.switches.get(t) ?? 0);
  return n;
}

const windowOf = (name) => {
  try { return execFileSync('xdotool', ['search', '--onlyvisible', '--name', name]).toString().split('\n').filter(Boolean)[0]; } catch { return undefined; }
};
const webProcesses = (pid) => tree(pid).filter((p) => comm(p).startsWith('WebKitWebProces')).length;
const PAINTED = 'const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));';

/** A tauri-driver session that launches `binary`; `fn(wd, t0)` runs inside it. */
async function withDriver(binary, env, fn) {
  const p = (port += 2);
  const driver = spawn(args.driver, ['--port', String(p), '--native-port', String(p + 1)], { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    const base = `http://127.0.0.1:${p}`;
    await waitForDriver(base);
    const t0 = performance.now();
    const wd = await WebDriver.connect(base, { browserName: 'wry', 'tauri:options': { application: binary } });
    try {
      return await fn(wd, t0);
    } finally {
      await wd.quit().catch(() => {});
    }
  } finally {
    driver.kill();
    await killByExe(binary);
  }
}

async function firstPaint(t) {
  return withDriver(t.bin, t.env, async (wd, t0) => {
    await wd.until('first paint', () => wd.exec(t.ready), 60000);
    await wd.execAsync(PAINTED);
    const total = performance.now() - t0;
    // Where the time went inside the page (the app marks its boot; see ui/js/main.js).
    const marks = await wd.exec("return performance.getEntriesByType('mark').map((m) => m.name.replace('connkeeper:', '') + ' ' + m.startTime.toFixed(0)).join(', ') + ', ' + performance.getEntriesByType('paint').map((m) => m.name + ' ' + m.startTime.toFixed(0)).join(', ') + ', last resource ' + Math.max(0, ...performance.getEntriesByType('resource').map((e) => e.responseEnd)).toFixed(0) + ' now ' + performance.now().toFixed(0)");
    log(`${t.bin.split('/').pop()}: ${total.toFixed(0)} ms; page: ${marks}`);
    return total;
  });
}

/** Closes the app's window to the tray, then opens it again by a second launch. */
async function reopenPaint(t) {
  return withDriver(t.bin, t.hiddenEnv, async (wd) => {
    await wd.until('first paint', () => wd.exec(t.ready), 60000);
    const pid = Number(readdirSync('/proc').find((d) => /^\d+$/.test(d) && (() => { try { return readlinkSync(`/proc/${d}/exe`) === t.bin; } catch { return false; } })()));
    execFileSync('python3', [closeWindow, windowOf('^ConnKeeper$')]);
    await until('the window to close', () => !windowOf('^ConnKeeper$'));
    await sleep(3000);
    log(`reopen: ${webProcesses(pid)} web process(es) while hidden`);
    const t0 = performance.now();
    spawn(t.bin, [], { env: { ...process.env, ...t.hiddenEnv }, stdio: 'ignore' });
    const [handle] = await until('the new window', async () => {
      const hs = await wd.cmd('GET', '/window/handles');
      return hs.length ? hs : null;
    });
    await wd.cmd('POST', '/window', { handle });
    await until('its list', () => wd.exec(t.ready).catch(() => false));
    await wd.execAsync(PAINTED);
    return performance.now() - t0;
  });
}

/** Launches without a driver; `fn(pid)` runs once the window shows. */
async function launched(t, env, fn) {
  const child = spawn(t.bin, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  try {
    await until('the window', () => windowOf(t.title));
    return await fn(child.pid);
  } finally {
    child.kill();
    await killByExe(t.bin);
  }
}

async function openMemory(t) {
  return launched(t, t.env, async (pid) => { await sleep(10000); return memory(pid); });
}

async function hiddenMemory(t) {
  return launched(t, t.hiddenEnv, async (pid) => {
    await sleep(5000);
    execFileSync('python3', [closeWindow, windowOf(t.title)]);
    await until('the window to close', () => !windowOf(t.title));
    await sleep(10000);
    return memory(pid);
  });
}

/** CPU and wakeups over `seconds`; `hide` closes the window to the tray first. */
async function idleCpu(t, hide, seconds) {
  return launched(t, hide ? t.hiddenEnv : t.env, async (pid) => {
    await sleep(5000);
    if (hide) {
      execFileSync('python3', [closeWindow, windowOf(t.title)]);
      await until('the window to close', () => !windowOf(t.title));
    }
    await sleep(10000);
    const a = cpu(pid);
    await sleep(seconds * 1000);
    const b = cpu(pid);
    return { seconds: b.seconds - a.seconds, perMinute: (switchesBetween(a, b) * 60) / seconds };
  });
}

const base = { CONNKEEPER_KEYRING_SERVICE: 'connkeeper-bench', CONNKEEPER_NO_TRAY: '1' };
const ready = "return document.querySelectorAll('tbody tr[data-id]').length > 0";
const app = (data) => ({
  bin: args.app, title: '^ConnKeeper$', ready,
  env: { ...base, CONNKEEPER_DATA_DIR: data },
  // Hidden to the tray needs the tray.
  hiddenEnv: { CONNKEEPER_KEYRING_SERVICE: 'connkeeper-bench', CONNKEEPER_DATA_DIR: data },
});
const blank = { bin: args.blank, title: '^Blank$', env: {}, ready: "return !!document.getElementById('ready')" };

const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
const ms = (x) => `${x.toFixed(0)} ms`;
const paints = async (t) => { const xs = []; for (let i = 0; i < runs; i++) xs.push(await firstPaint(t)); return xs; };
const medianOf = async (n, f) => { const xs = []; for (let i = 0; i < n; i++) xs.push(await f()); return xs; };

log('first paint');
const blankPaints = await paints(blank);
if (args.quick !== undefined) {
  // A development loop: first paints at 10 profiles only.
  const xs = await paints(app(args.data10));
  console.log(`first paint, 10 profiles: ${ms(median(xs))} vs blank ${ms(median(blankPaints))} (${ratio(median(xs), median(blankPaints))})`);
  process.exit(0);
}
const appPaints = {};
for (const n of ['10', '1000', '10000']) appPaints[n] = await paints(app(args[`data${n}`]));
log('reopen');
const reopens = await medianOf(runs, () => reopenPaint(app(args.data1000)));
log('memory');
const appOpen = await medianOf(runs, () => openMemory(app(args.data1000)));
const blankOpen = await medianOf(runs, () => openMemory(blank));
const appHidden = await medianOf(runs, () => hiddenMemory(app(args.data1000)));
log(`idle CPU over ${idleSeconds} s (both at once)`);
const [appIdle, blankIdle] = await Promise.all([idleCpu(app(args.data1000), true, idleSeconds), idleCpu(blank, false, idleSeconds)]);

const mem = (xs) => { const m = median(xs.map((x) => x.mib)); return { mib: m, parts: xs.find((x) => x.mib === m).parts }; };
const mib = (b) => statSync(b).size / (1024 * 1024);
const rows = [
  ['first paint, 10 profiles', ms(median(appPaints['10'])), ms(median(blankPaints)), ratio(median(appPaints['10']), median(blankPaints)), '≤ 1.1x'],
  ['first paint, 1,000 profiles', ms(median(appPaints['1000'])), ms(median(blankPaints)), ratio(median(appPaints['1000']), median(blankPaints)), '≤ 1.2x'],
  ['first paint, 10,000 profiles', ms(median(appPaints['10000'])), ms(median(blankPaints)), ratio(median(appPaints['10000']), median(blankPaints)), ''],
  ['reopen from the tray, 1,000 profiles (vs the blank first paint)', ms(median(reopens)), ms(median(blankPaints)), ratio(median(reopens), median(blankPaints)), '≤ 1.2x'],
  ['memory, window open, 1,000 profiles (PSS, every process)', `${mem(appOpen).mib.toFixed(0)} MiB`, `${mem(blankOpen).mib.toFixed(0)} MiB`, ratio(mem(appOpen).mib, mem(blankOpen).mib), '≤ 1.15x'],
  ['memory, hidden in the tray (PSS, every process)', `${mem(appHidden).mib.toFixed(0)} MiB`, '—', '', '≤ 40 MiB'],
  [`CPU time over ${+(idleSeconds / 60).toFixed(1)} min idle (app hidden, blank open)`, `${appIdle.seconds.toFixed(2)} s`, `${blankIdle.seconds.toFixed(2)} s`, '', '≤ 0.5 s'],
  ['wakeups per minute idle (context switches)', appIdle.perMinute.toFixed(0), blankIdle.perMinute.toFixed(0), '', ''],
  ['release binary', `${mib(args.app).toFixed(1)} MiB`, `${mib(args.blank).toFixed(1)} MiB`, ratio(mib(args.app), mib(args.blank)), '≤ 2x'],
];
if (args.deb && existsSync(args.deb)) rows.push(['.deb package (app and CLI)', `${mib(args.deb).toFixed(1)} MiB`, '—', '', '']);
console.log('| measure | ConnKeeper | blank Tauri window | ratio | goal |');
console.log('|---|---:|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`\nruns (ms): blank ${blankPaints.map((x) => x.toFixed(0)).join(', ')}; 10: ${appPaints['10'].map((x) => x.toFixed(0)).join(', ')}; 1,000: ${appPaints['1000'].map((x) => x.toFixed(0)).join(', ')}; 10,000: ${appPaints['10000'].map((x) => x.toFixed(0)).join(', ')}; reopen: ${reopens.map((x) => x.toFixed(0)).join(', ')}`);
console.log(`processes (PSS MiB): open: ${mem(appOpen).parts}; hidden: ${mem(appHidden).parts}; blank: ${mem(blankOpen).parts}`);
