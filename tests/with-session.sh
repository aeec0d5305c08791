#!/usr/bin/env bash
# Runs a command inside a private desktop session: a throwaway HOME (and TMPDIR), a
# private D-Bus session bus with an unlocked gnome-keyring (the real Secret Service), an
# Xvfb display and the dunst notification daemon. Nothing touches the user's real
# keyring, and the throwaway HOME is removed afterwards, whatever the command's outcome.
#   tests/with-session.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${CONNKEEPER_IN_SESSION:-}" ]; then
  export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"   # pin before changing HOME
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
  session_home="$(mktemp -d /tmp/connkeeper-session.XXXXXX)"
  # Not `exec`: the trap must still run when the session ends.
  trap 'rm -rf "$session_home" 2>/dev/null || true' EXIT
  export HOME="$session_home" NO_AT_BRIDGE=1 CONNKEEPER_IN_SESSION=1
  export XDG_RUNTIME_DIR="$session_home/run" XDG_DATA_HOME="$session_home/data" XDG_CONFIG_HOME="$session_home/config"
  export TMPDIR="$session_home/tmp"
  mkdir -p -m 0700 "$XDG_RUNTIME_DIR" "$TMPDIR"
  status=0
  dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@" || status=$?
  exit "$status"
fi

# Inside the session: unlock a fresh login keyring and start the notification daemon;
# both stop with the session.
daemons=()
stop_daemons() {
  for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap stop_daemons EXIT
eval "$(printf 'connkeeper-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
if command -v dunst >/dev/null 2>&1; then
  dunst >"$HOME/dunst.log" 2>&1 &
  daemons+=("$!")
fi
"$@"
