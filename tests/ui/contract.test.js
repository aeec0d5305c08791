// Static checks of ui/: the fake keeps the real contract (commands of api.js, the
// requirement table of crates/core), and the UI keeps the CSP's rules (no inline styles
// or scripts, no innerHTML, nothing loaded from elsewhere).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, UI, FAKE } from './harness.js';

/** @param {string} dir @returns {string[]} */
function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
const sources = files(UI).filter((f) => /\.(js|html|css)$/.test(f));
const read = (/** @type {string} */ f) => fs.readFileSync(f, 'utf8');
const apiJs = read(path.join(UI, 'js', 'api.js'));
const fake = read(FAKE);

test('the fake implements every command of api.js', () => {
  const commands = [...apiJs.matchAll(/call\('([a-z_]+)'/g)].map((m) => m[1]);
  assert.ok(commands.length >= 17, `found ${commands.length} commands`);
  for (const c of commands) assert.match(fake, new RegExp(`\\b${c}: `), `fake lacks ${c}`);
  for (const e of ['audit-progress', 'open-profile']) assert.match(apiJs, new RegExp(`'${e}'`));
});

test('every api.* the views call is exported by api.js', () => {
  const exported = new Set([...apiJs.matchAll(/export const (\w+)/g)].map((m) => m[1]));
  for (const f of sources.filter((x) => x.endsWith('.js'))) {
    for (const m of read(f).matchAll(/\bapi\.(\w+)\(/g)) {
      assert.ok(exported.has(m[1]), `${path.relative(ROOT, f)} calls api.${m[1]}, which api.js does not export`);
    }
  }
});

test("the fake's requirement table is the one in crates/core/src/requirements.rs", () => {
  const rs = read(path.join(ROOT, 'crates', 'core', 'src', 'requirements.rs'));
  const rows = [...rs.matchAll(/Requirement \{ key: "(\w+)", name: "([^"]+)", scope: Scope::(\w+), required_for: (B|R),/g)]
    .map((m) => [m[1], m[2], m[3].toLowerCase(), m[4] === 'B' ? 'backup,restore' : 'restore'].join('|'));
  assert.equal(rows.length, 20);
  const fakeRows = [...fake.matchAll(/\['(\w+)', '([^']+)', '(global|project)', (B|R),/g)]
    .map((m) => [m[1], m[2], m[3], m[4] === 'B' ? 'backup,restore' : 'restore'].join('|'));
  assert.deepEqual(fakeRows, rows);
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
