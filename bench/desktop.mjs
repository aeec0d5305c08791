// Desktop benchmark: launch to first paint of the list with 1,000 profiles, idle memory
// after 10 s (the app process and its WebKit processes together, PSS), and release binary
// size; the same for a blank Tauri window as the baseline. Run by scripts/bench-desktop.sh
// inside the private desktop session.
//
// node bench/desktop.mjs --app BIN --blank BIN --driver TAURI_DRIVER --data DIR [--runs 5]

import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync, statSync, readdirSync } from 'node:fs';
import { WebDriver, waitForDriver } from '../tests/e2e/webdriver.js';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const runs = Number(args.runs ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Time from asking the driver to launch the app until `ready` holds and a frame painted. */
async function firstPaint(binary, env, readyScript, port) {
  const driver = spawn(args.driver, ['--port', String(port), '--native-port', String(port + 1)], {
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForDriver(base);
    const t0 = performance.now();
    const wd = await WebDriver.connect(base, { browserName: 'wry', 'tauri:options': { application: binary } });
    try {
      await wd.until('first paint', () => wd.exec(readyScript), 60000);
      await wd.execAsync('const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));');
      return performance.now() - t0;
    } finally {
      await wd.quit().catch(() => {});
    }
  } finally {
    driver.kill();
    // The app must be gone before the next launch (a second instance would just hand
    // over to the first one).
    killByExe(binary);
    await sleep(500);
  }
}

/** Kills every process running `binary` (matched by /proc/PID/exe, not the command line). */
function killByExe(binary) {
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) === binary) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone, or not ours to read
    }
  }
}

function descendants(pid) {
  const out = [pid];
  let children = '';
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString();
  } catch {
    // ps exits 1 when there is no child
  }
  for (const child of children.split('\n').map((s) => s.trim()).filter(Boolean)) {
    out.push(...descendants(Number(child)));
  }
  return out;
}

function pssKiB(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** PSS of the process tree after 10 s idle. */
async function idleMemory(binary, env) {
  const child = spawn(binary, [], { env: { ...process.env, ...env }, stdio: 'ignore' });
  await sleep(10000);
  const pids = descendants(child.pid);
  const names = pids.map((p) => {
    let comm = '?';
    try { comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim(); } catch { /* gone */ }
    return `${comm} ${(pssKiB(p) / 1024).toFixed(0)} MiB`;
  });
  const kib = pids.reduce((sum, p) => sum + pssKiB(p), 0);
  child.kill();
  await sleep(500);
  return { mib: kib / 1024, processes: names.join(', ') };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const appEnv = { CONNKEEPER_DATA_DIR: args.data, CONNKEEPER_KEYRING_SERVICE: 'connkeeper-bench', CONNKEEPER_NO_TRAY: '1' };
const targets = [
  { name: 'ConnKeeper (1,000 profiles)', bin: args.app, env: appEnv, ready: "return document.querySelectorAll('tbody tr[data-id]').length > 0" },
  { name: 'blank Tauri window', bin: args.blank, env: {}, ready: "return !!document.getElementById('ready')" },
];
const results = [];
let port = 4600;
for (const t of targets) {
  const paints = [];
  for (let i = 0; i < runs; i++) {
    paints.push(await firstPaint(t.bin, t.env, t.ready, port));
    port += 2;
  }
  const mem = await idleMemory(t.bin, t.env);
  results.push({ ...t, paint: median(paints), paints, mem, size: statSync(t.bin).size / (1024 * 1024) });
}
const [app, blank] = results;
console.log(`| measure | ConnKeeper (1,000 profiles) | blank Tauri window | ratio |`);
console.log(`|---|---:|---:|---:|`);
console.log(`| launch to first paint (median of ${runs}) | ${app.paint.toFixed(0)} ms | ${blank.paint.toFixed(0)} ms | ${(app.paint / blank.paint).toFixed(2)}x |`);
console.log(`| idle memory after 10 s (PSS, all processes) | ${app.mem.mib.toFixed(0)} MiB | ${blank.mem.mib.toFixed(0)} MiB | ${(app.mem.mib / blank.mem.mib).toFixed(2)}x |`);
console.log(`| release binary size | ${app.size.toFixed(1)} MiB | ${blank.size.toFixed(1)} MiB | ${(app.size / blank.size).toFixed(2)}x |`);
console.log(`\nruns (ms): app ${app.paints.map((x) => x.toFixed(0)).join(', ')}; blank ${blank.paints.map((x) => x.toFixed(0)).join(', ')}`);
console.log(`processes measured: app: ${app.mem.processes}; blank: ${blank.mem.processes}`);
