#!/usr/bin/env bash
# make bench-desktop: release builds of the app and of a blank Tauri window, sample
# profiles (10, 1,000 and 10,000), then bench/desktop.mjs in the private desktop session
# and bench/list.mjs (the list in headless Chromium). RUNS (default 5) and IDLE_SECONDS
# (default 300) shorten a trial run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CONNKEEPER_IN_SESSION:-}" ]; then
  exec tests/with-session.sh "$0" "$@"
fi
eval "$(tests/setup-tools.sh)"
cargo build --locked --release -p connkeeper-desktop -p blank-window -p connkeeper-cli >&2
rel="${CARGO_TARGET_DIR:-$PWD/target}/release"
work="$(mktemp -d)"
for n in 10 1000 10000; do
  python3 - "$work/$n.json" "$n" <<'PY'
import datetime, json, sys, uuid
today = datetime.date.today()
apps = ["jira", "jira-admin", "jsm"]
ps = [{"id": str(uuid.uuid4()), "name": f"Site {i:05d} backup", "description": "Nightly backup" if i % 3 == 0 else None,
       "application": apps[i % 3], "host": f"https://site{i}.atlassian.net", "email": f"backup{i}@example.com",
       "expires": str(today + datetime.timedelta(days=(i * 7) % 380 - 15))} for i in range(int(sys.argv[2]))]
json.dump({"format": "connkeeper-profiles", "version": 1, "exported_at": "2026-01-01T00:00:00Z", "profiles": ps}, open(sys.argv[1], "w"))
PY
  CONNKEEPER_KEYRING_SERVICE=connkeeper-bench "$rel/connkeeper" --data-dir "$work/data$n" import "$work/$n.json" >/dev/null
done
deb="$(ls -t dist/*.deb 2>/dev/null | head -1 || true)"
node bench/desktop.mjs --app "$rel/connkeeper-desktop" --blank "$rel/blank-window" --driver "$CONNKEEPER_TAURI_DRIVER" \
  --data10 "$work/data10" --data1000 "$work/data1000" --data10000 "$work/data10000" \
  --runs "${RUNS:-5}" --idle "${IDLE_SECONDS:-300}" ${deb:+--deb "$deb"}
echo
[ -d tests/ui/node_modules/playwright-core ] || (cd tests/ui && npm ci --no-audit --no-fund </dev/null >&2)
node bench/list.mjs --profiles 10000
