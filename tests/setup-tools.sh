#!/usr/bin/env bash
# Installs the test tools that do not come from apt, once, into a cache folder outside
# the clone (CONNKEEPER_TOOLS_DIR): a Python venv with the `icalendar` package and
# tauri-driver. Prints the environment to use them; `eval` its output.
set -euo pipefail
tools="${CONNKEEPER_TOOLS_DIR:?set CONNKEEPER_TOOLS_DIR}"
mkdir -p "$tools"

py="$tools/py"
if ! "$py/bin/python" -c 'import icalendar' 2>/dev/null; then
  echo "setup-tools: creating a Python venv with icalendar in $py" >&2
  python3 -m venv "$py" >&2
  "$py/bin/pip" install --quiet --disable-pip-version-check 'icalendar==7.3.2' >&2
fi
echo "export CONNKEEPER_PYTHON='$py/bin/python'"

if [ "${CONNKEEPER_SKIP_E2E:-}" != "1" ] && ! "$tools/cargo/bin/tauri-driver" --help >/dev/null 2>&1; then
  echo "setup-tools: installing tauri-driver into $tools/cargo" >&2
  cargo install --quiet --locked tauri-driver --version '^2' --root "$tools/cargo" >&2
fi
echo "export CONNKEEPER_TAURI_DRIVER='$tools/cargo/bin/tauri-driver'"
