#!/usr/bin/env bash
# make bench-hostile: what a hostile or broken Jira server costs an audit. Release builds
# of the CLI and the fake Jira; for each hostile scenario, the audit's wall time, peak
# memory (max RSS, GNU time) and the requests the server saw.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release -p connkeeper-cli -p fake-jira >&2
rel="${CARGO_TARGET_DIR:-$PWD/target}/release"
command -v /usr/bin/time >/dev/null || { echo "bench-hostile needs GNU time (apt install time)" >&2; exit 1; }
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

printf '| server | exit | error kind | time | peak memory | requests |\n|---|---:|---|---:|---:|---:|\n'
for scenario in endless-projects repeated-page huge-body huge-names long-names; do
  RUST_LOG=fake_jira=debug "$rel/fake-jira" --projects 10 --scenario "$scenario" >"$work/banner" 2>"$work/requests" &
  pid=$!
  until grep -q 'token:' "$work/banner" 2>/dev/null; do sleep 0.05; done
  url=$(sed -n 's/.*listening on \(\S*\).*/\1/p' "$work/banner")
  token=$(sed -n 's/.*token: \(\S*\).*/\1/p' "$work/banner" | head -1)
  status=0
  printf '%s' "$token" | /usr/bin/time -f '%e %M' -o "$work/time" "$rel/connkeeper" --data-dir "$work/data" \
    --allow-loopback-http audit --host "$url" --email admin@example.com --token-stdin --json >"$work/out" 2>/dev/null || status=$?
  kind=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"]["kind"])' "$work/out" 2>/dev/null || echo "-")
  read -r secs kib < <(tail -1 "$work/time")
  requests=$(grep -c 'fake-jira request' "$work/requests" || true)
  printf '| %s | %s | %s | %s s | %s MiB | %s |\n' "$scenario" "$status" "$kind" "$secs" "$((kib / 1024))" "$requests"
  kill "$pid"; wait "$pid" 2>/dev/null || true
done
