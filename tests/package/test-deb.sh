#!/usr/bin/env bash
# The .deb as an admin gets it: installed with apt, the installed app launched under Xvfb
# (its window opens, its tray icon docks, start at login points at the installed
# binary), the installed CLI used against the real keyring, then the package purged and
# every file it installed checked gone. Run inside tests/with-session.sh (make
# test-package). The machine is restored (the package purged) even when a check fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -n "${CONNKEEPER_IN_SESSION:-}" ] || { echo "run inside tests/with-session.sh (make test-package)" >&2; exit 2; }

deb="$(ls dist/*.deb | head -1)"
pkg="$(dpkg-deb -f "$deb" Package)"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
step() { printf '\n--- %s\n' "$*"; }
fail() { echo "test-deb: $*" >&2; exit 1; }

if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
  fail "$pkg is already installed on this machine; remove it first (this test will not touch an install it did not make)"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok"; then
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step "package metadata: runtime dependencies only"
depends="$(dpkg-deb -f "$deb" Depends)"
recommends="$(dpkg-deb -f "$deb" Recommends || true)"
echo "Depends: $depends"; echo "Recommends: $recommends"
grep -q 'libwebkit2gtk-4.1-0' <<<"$depends" || fail "no WebKitGTK runtime dependency"
grep -q 'libayatana-appindicator3-1' <<<"$depends" || fail "no AppIndicator dependency"
grep -q 'gnome-keyring' <<<"$recommends" || fail "no Secret Service provider recommended"
if grep -qE -- '-dev([ ,(]|$)' <<<"$depends $recommends"; then fail "a -dev package among the dependencies"; fi

step "package contents"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/contents"
for f in /usr/bin/connkeeper /usr/bin/connkeeper-desktop /usr/share/applications/ConnKeeper.desktop \
         /usr/share/icons/hicolor/128x128/apps/connkeeper-desktop.png; do
  grep -qx "$f" "$work/contents" || fail "$f is not in the package"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/applications/ConnKeeper.desktop > "$work/entry.desktop"
cat "$work/entry.desktop"
grep -qx 'Name=ConnKeeper' "$work/entry.desktop" || fail "desktop entry name"
grep -qx 'Exec=connkeeper-desktop' "$work/entry.desktop" || fail "desktop entry Exec"
grep -qx 'Icon=connkeeper-desktop' "$work/entry.desktop" || fail "desktop entry Icon"
grep -qx 'Categories=Utility;' "$work/entry.desktop" || fail "desktop entry categories"
grep -q '^Comment=.\+' "$work/entry.desktop" || fail "desktop entry comment"
if command -v desktop-file-validate >/dev/null; then
  validation="$(desktop-file-validate "$work/entry.desktop" 2>&1 || true)"
  [ -z "$validation" ] || fail "desktop-file-validate: $validation"
fi

step "install with apt"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "./$deb" >/dev/null
dpkg -L "$pkg" > "$work/installed"
[ "$(command -v connkeeper)" = /usr/bin/connkeeper ] || fail "connkeeper is not /usr/bin/connkeeper on PATH"

step "the installed CLI against the real keyring"
export CONNKEEPER_KEYRING_SERVICE="connkeeper-package-test-$$"
data="$work/data"
token="ATATT3xFfGF0-package-test-token-01"
/usr/bin/connkeeper --version
expires="$(date -d '+2 days' +%F)"
printf '%s' "$token" | /usr/bin/connkeeper --data-dir "$data" profile add --name "Installed" \
  --application jira --host acme.atlassian.net --email backup@acme.com --expires "$expires" --token-stdin
/usr/bin/connkeeper --data-dir "$data" profile list --json > "$work/list.json"
grep -q '"token_stored": true' "$work/list.json" || fail "the installed CLI did not store the token"
if grep -rqa "$token" "$data"; then fail "the token is in the data folder"; fi

step "the installed app: window, tray, start at login"
mkdir -p "$data"
printf '{"start_at_login": true}\n' > "$data/settings.json"
trayer --edge top --align right --widthtype request --height 32 --transparent false >/dev/null 2>&1 &
pids+=("$!")
CONNKEEPER_DATA_DIR="$data" RUST_LOG=info /usr/bin/connkeeper-desktop >"$work/app.log" 2>&1 &
pids+=("$!")
wait_for() { # what, seconds, command...
  local what="$1" secs="$2"; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || fail "timed out waiting for $what"
    sleep 0.2
  done
}
wait_for "the window" 60 xdotool search --onlyvisible --class connkeeper-desktop
wait_for "the tray icon" 60 xdotool search --classname 'tray-icon tray app main'
app_log() { cat "${XDG_DATA_HOME:-$HOME/.local/share}"/connkeeper/logs/connkeeper.log* 2>/dev/null || true; }
wait_for "the tray menu listing the profile" 60 grep -q 'Installed: expires in 2 days' <(app_log)
import -window root "$work/installed-app.png" && mkdir -p target/e2e-screenshots && cp "$work/installed-app.png" target/e2e-screenshots/installed-app.png
autostart_entry() { grep -ls 'Exec=.*connkeeper-desktop' "${XDG_CONFIG_HOME:-$HOME/.config}"/autostart/*.desktop "$HOME"/.config/autostart/*.desktop 2>/dev/null | head -1 || true; }
wait_for "the start-at-login entry" 30 test -n "$(autostart_entry)"
entry="$(autostart_entry)"; cat "$entry"
grep -q '^Exec=/usr/bin/connkeeper-desktop' "$entry" || fail "start at login does not point at the installed binary"
kill "${pids[1]}"; wait "${pids[1]}" 2>/dev/null || true
/usr/bin/connkeeper --data-dir "$data" profile delete Installed --yes

step "remove, and nothing is left"
$sudo env DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "$pkg" >/dev/null
if dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "installed"; then fail "$pkg is still installed"; fi
left=0
while read -r f; do
  [ -n "$f" ] || continue
  if [ -f "$f" ] || [ -L "$f" ]; then echo "left behind: $f" >&2; left=1; fi
done < "$work/installed"
[ "$left" -eq 0 ] || fail "files of the package are left behind"
command -v connkeeper >/dev/null && fail "connkeeper is still on PATH"
echo "test-deb: installed, used, removed: OK"
