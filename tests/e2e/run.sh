#!/usr/bin/env bash
# The end-to-end test of the real app; run inside tests/with-session.sh after the
# debug build (tests/run-all.sh does both).
set -euo pipefail
cd "$(dirname "$0")"
node --test --test-concurrency=1 app.test.js
