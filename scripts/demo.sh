#!/usr/bin/env bash
# make demo: a fake Jira site (300 projects, some gaps, team-managed spaces) and the
# desktop app with a separate data folder and keyring service holding sample profiles
# pointed at it. Nothing touches your real profiles or keyring entries.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}/debug"

# Without a desktop session (no display or no Secret Service), run in a private one.
if [ -z "${CONNKEEPER_IN_SESSION:-}" ] && { [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] || [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ]; }; then
  echo "demo: no desktop session here; starting one under Xvfb (see the window with a VNC viewer or take screenshots)."
  exec tests/with-session.sh "$0" "$@"
fi

demo_dir="${CONNKEEPER_DEMO_DIR:-${TMPDIR:-/tmp}/connkeeper-demo}"
rm -rf "$demo_dir" && mkdir -p -m 0700 "$demo_dir"
export CONNKEEPER_DATA_DIR="$demo_dir/data" CONNKEEPER_KEYRING_SERVICE="connkeeper-demo"
export CONNKEEPER_ALLOW_LOOPBACK_HTTP=1

"$target/fake-jira" --projects 300 --latency-ms 40 --scenario demo >"$demo_dir/fake-jira.out" 2>"$demo_dir/fake-jira.log" &
fake_pid=$!
trap 'kill $fake_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do grep -q listening "$demo_dir/fake-jira.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^fake-jira listening on //p' "$demo_dir/fake-jira.out")
mapfile -t accounts < <(sed -n 's/^account: //p' "$demo_dir/fake-jira.out")
admin_email=${accounts[0]%% token:*}; admin_token=${accounts[0]##*token: }
restore_email=${accounts[1]%% token:*}; restore_token=${accounts[1]##*token: }
echo "demo: fake Jira at $url"

ck() { "$target/connkeeper" --allow-loopback-http "$@"; }
day() { date -d "+$1 days" +%F; }
# Old profiles from earlier demo runs under the same keyring service are replaced.
printf '%s' "$admin_token" | ck profile add --name "Acme Jira backup" --application jira --host "$url" \
  --email "$admin_email" --expires "$(day 200)" --description "Nightly backup of all Jira spaces" --token-stdin >/dev/null
printf '%s' "$admin_token" | ck profile add --name "Acme service desk" --application jsm --host "$url" \
  --email "$admin_email" --expires "$(day 12)" --description "JSM backup; token renewal due" --token-stdin >/dev/null
printf '%s' "$restore_token" | ck profile add --name "Restore bot" --application jira --host "$url" \
  --email "$restore_email" --expires "$(day 3)" --description "Restores into the sandbox" --token-stdin >/dev/null
printf '%s' "stale-token-that-jira-rejects-0001" | ck profile add --name "Admin settings (rotated)" \
  --application jira-admin --host "$url" --email "$admin_email" --expires "$(day 90)" --token-stdin >/dev/null
ck audit "Acme Jira backup" >/dev/null || true
echo "demo: 4 sample profiles in $CONNKEEPER_DATA_DIR (keyring service $CONNKEEPER_KEYRING_SERVICE)"
echo "demo: launching ConnKeeper; close the window (or Ctrl-C here) to end the demo"
"$target/connkeeper-desktop"
