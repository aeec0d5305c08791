#!/usr/bin/env bash
# The end-to-end test of the real app; run inside tests/with-session.sh after the
# debug build (tests/run-all.sh does both).
set -euo pipefail
cd "$(dirname "$0")"
bin="${CARGO_TARGET_DIR:-$PWD/../../target}/debug"
# `cargo test --workspace` has built both; build them only when run on their own.
if [ ! -x "$bin/connkeeper-desktop" ] || [ ! -x "$bin/fake-jira" ]; then
  cargo build --locked -p connkeeper-desktop -p fake-jira
fi
node --test --test-concurrency=1 app.test.js
