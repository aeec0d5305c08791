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
if cargo tree --locked -p connkeeper-core -e normal | grep -q '^.*tauri'; then
  echo "connkeeper-core depends on tauri" >&2; exit 1
fi

step "test tools"
eval "$(tests/setup-tools.sh)"

step "cargo test (workspace)"
cargo test --locked --workspace
