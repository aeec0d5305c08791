#!/usr/bin/env bash
# make bench-desktop: release builds of the app and of a blank Tauri window, 1,000 sample
# profiles, then bench/desktop.mjs in the private desktop session.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${CONNKEEPER_IN_SESSION:-}" ]; then
  exec tests/with-session.sh "$0" "$@"
fi
eval "$(tests/setup-tools.sh)"
cargo build --locked --release -p connkeeper-desktop -p blank-window -p connkeeper-cli >&2
rel="${CARGO_TARGET_DIR:-$PWD/target}/release"
data="$(mktemp -d)/data"
python3 - "$data.json" <<'PY'
import datetime, json, sys, uuid
today = datetime.date.today()
apps = ["jira", "jira-admin", "jsm"]
ps = [{"id": str(uuid.uuid4()), "name": f"Site {i:04d} backup", "description": "Nightly backup" if i % 3 == 0 else None,
       "application": apps[i % 3], "host": f"https://site{i}.atlassian.net", "email": f"backup{i}@example.com",
       "expires": str(today + datetime.timedelta(days=(i * 7) % 380 - 15))} for i in range(1000)]
json.dump({"format": "connkeeper-profiles", "version": 1, "exported_at": "2026-01-01T00:00:00Z", "profiles": ps}, open(sys.argv[1], "w"))
PY
CONNKEEPER_KEYRING_SERVICE=connkeeper-bench "$rel/connkeeper" --data-dir "$data" import "$data.json" >/dev/null
node bench/desktop.mjs --app "$rel/connkeeper-desktop" --blank "$rel/blank-window" --driver "$CONNKEEPER_TAURI_DRIVER" --data "$data" --runs "${RUNS:-5}"
