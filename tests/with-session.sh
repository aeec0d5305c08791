#!/usr/bin/env bash
# Runs a command inside a private desktop session: a throwaway HOME, a private D-Bus
# session bus with an unlocked gnome-keyring (the real Secret Service), an Xvfb display
# and the dunst notification daemon. Nothing touches the user's real keyring.
#   tests/with-session.sh COMMAND [ARGS...]
set -euo pipefail

if [ -z "${CONNKEEPER_IN_SESSION:-}" ]; then
  export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"   # pin before changing HOME
  export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
  session_home="$(mktemp -d /tmp/connkeeper-session.XXXXXX)"
  trap 'rm -rf "$session_home"' EXIT
  export HOME="$session_home" NO_AT_BRIDGE=1 CONNKEEPER_IN_SESSION=1
  export XDG_RUNTIME_DIR="$session_home/run" XDG_DATA_HOME="$session_home/data" XDG_CONFIG_HOME="$session_home/config"
  mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
  exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" "$0" "$@"
fi

# Inside the session: unlock a fresh login keyring and start the notification daemon.
eval "$(printf 'connkeeper-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK 2>/dev/null || true
if command -v dunst >/dev/null 2>&1; then
  dunst >"$HOME/dunst.log" 2>&1 &
fi
"$@"
