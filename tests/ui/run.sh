#!/usr/bin/env bash
# Runs the web UI tests (ui/) in headless Chromium: Debian's /usr/bin/chromium driven by
# playwright-core (no browser download). Installs the pinned node dependencies first when
# node_modules is missing. Works without a terminal (CI=true, no stdin).
#   tests/ui/run.sh [node --test options / test files]
set -euo pipefail
cd "$(dirname "$0")"

command -v node >/dev/null || { echo "tests/ui: node (20+) is required" >&2; exit 1; }
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "tests/ui: Chromium not found at $chromium (apt-get install chromium, or set CHROMIUM_PATH)" >&2; exit 1; }

if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/typescript ]; then
  npm ci --no-audit --no-fund </dev/null
fi

mkdir -p ../../target/ui-screenshots
exec node --test --test-concurrency=2 "$@" </dev/null
