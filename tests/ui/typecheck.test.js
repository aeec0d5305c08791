// ui/js is plain JavaScript checked by TypeScript through // @ts-check and JSDoc types.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

test('ui/js type-checks (tsc --noEmit, strict)', () => {
  const tsc = path.join(here, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(here, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `tsc found problems:\n${r.stdout}${r.stderr}`);
});
