// The UI's contract with the app (the commands' names, arguments and answers are checked
// statically by tsc against ui/js/gen/commands.ts, typecheck.test.js): the fake backend validates
// exactly like crates/core (vectors the real validate() answered, tests/ui/gen), and the
// UI keeps the CSP's rules (no inline styles or scripts, no innerHTML, nothing remote).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, UI, CONTRACT, setup } from './harness.js';

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
const sources = files(UI).filter((f) => /\.(js|html|css)$/.test(f));
const read = (/** @type {string} */ f) => fs.readFileSync(f, 'utf8');

/** @type {Awaited<ReturnType<typeof setup>>} */
let env;
before(async () => { env = await setup(); });
after(async () => { await env.done(); });

test('the fake validates exactly like crates/core/src/validate.rs (vectors from the real validate())', async () => {
  const app = await env.open({ seed: { profiles: [] } });
  const vectors = CONTRACT.validation;
  assert.ok(vectors.length >= 60, `${vectors.length} vectors`);
  const answers = await app.page.evaluate((vs) => vs.map((/** @type {any} */ v) => /** @type {any} */ (window).__FAKE__.validateDraft(v.draft, v.rules)), vectors);
  const codes = new Set();
  vectors.forEach((/** @type {any} */ v, /** @type {number} */ i) => {
    assert.deepEqual(answers[i], v.expect, `vector ${i}: ${JSON.stringify(v.draft)} (${v.rules.mode})`);
    for (const f of v.expect.errors ?? v.expect.ok.warnings) codes.add(f.code);
  });
  // The vectors reach every field code the core has.
  const fieldCodes = read(path.join(UI, 'js', 'gen', 'FieldCode.ts')).match(/"[a-z_]+"/g)?.map((c) => c.slice(1, -1)) ?? [];
  assert.ok(fieldCodes.length >= 19);
  assert.deepEqual(fieldCodes.filter((c) => !codes.has(c)), [], 'field codes no vector reaches');
  await app.close();
});

test("index.html preloads exactly the first screen's static imports", () => {
  /** @param {string} file @param {Set<string>} seen */
  const walk = (file, seen) => {
    for (const m of read(path.join(UI, file)).matchAll(/^import\s[^'"]*['"](\.[^'"]+)['"]/gm)) {
      const dep = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
      if (!seen.has(dep)) { seen.add(dep); walk(dep, seen); }
    }
    return seen;
  };
  const graph = [...walk('js/main.js', new Set())].sort();
  const preloaded = [...read(path.join(UI, 'index.html')).matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  assert.ok(graph.length >= 8, graph.join(' '));
  assert.deepEqual(preloaded, graph);
});

test('ui/ obeys the CSP: no inline styles or scripts, no innerHTML, nothing remote', () => {
  for (const f of sources) {
    const text = read(f);
    const rel = path.relative(ROOT, f);
    assert.doesNotMatch(text, /\.innerHTML|outerHTML\s*=|insertAdjacentHTML|document\.write|new Function|\beval\(/, `${rel}: builds markup from strings`);
    assert.doesNotMatch(text, /\.style\.|setAttribute\(\s*['"]style|cssText/, `${rel}: sets inline styles`);
    assert.doesNotMatch(text, /@import|url\(\s*['"]?https?:|<link[^>]+https?:|<script[^>]+https?:/i, `${rel}: loads something remote`);
    if (f.endsWith('.html')) {
      assert.doesNotMatch(text, /\sstyle\s*=|<style|\son[a-z]+\s*=/i, `${rel}: inline style or handler`);
      for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
        assert.match(m[1], /\bsrc=/, `${rel}: inline script`);
        assert.equal(m[2].trim(), '', `${rel}: inline script body`);
      }
    }
    if (f.endsWith('.js')) assert.match(text, /^\/\/ @ts-check/, `${rel}: starts with // @ts-check`);
  }
});
