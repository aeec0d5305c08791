#!/usr/bin/env bash
# The scan for leaked test tokens in what the tests leave behind: data folders, logs,
# exports, notification logs, screenshots (every file, binary ones too).
#   tests/scan-artefacts.sh DIR [DIR...]
# Fails when a token is found, when grep cannot read what it scans, when the scanner
# misses a planted canary, or when the scanned tree holds no real artefacts.
set -euo pipefail

# The tokens the tests use: the core/CLI/desktop tests' and the fake Jira's demo accounts'.
patterns=(-e 'ATATT3xFfGF0-' -e 'fake-jira-demo-token-' -e 'fake-jira-restore-token-')

# grep: 0 = found, 1 = clean, anything else = it could not scan.
scan() {
  local status=0
  grep -rlaF "${patterns[@]}" -- "$@" || status=$?
  case "$status" in
    0) return 0 ;;
    1) return 1 ;;
    *) echo "scan-artefacts: grep failed ($status) on $*" >&2; exit 2 ;;
  esac
}

# 1. The scanner finds a token planted in a binary file: this check can fail.
canary="$(mktemp -d)"
trap 'rm -rf "$canary"' EXIT
printf 'PNG\0\0\x89binary ATATT3xFfGF0-canary-0001 \0tail' >"$canary/shot.png"
if ! scan "$canary" >/dev/null; then
  echo "scan-artefacts: the scanner missed a planted canary" >&2; exit 1
fi
rm -rf "$canary" # it may sit inside a scanned folder (TMPDIR)

# 2. What is scanned holds real artefacts (a data folder and an app log at least).
dirs=()
for d in "$@"; do [ -e "$d" ] && dirs+=("$d"); done
[ ${#dirs[@]} -gt 0 ] || { echo "scan-artefacts: nothing to scan in $*" >&2; exit 1; }
for want in profiles.json connkeeper.log; do
  if [ -z "$(find "${dirs[@]}" -name "$want" -print -quit)" ]; then
    echo "scan-artefacts: no $want under ${dirs[*]}: the scan would prove nothing" >&2; exit 1
  fi
done
files=$(find "${dirs[@]}" -type f | wc -l)

# 3. The scan itself.
if leaks=$(scan "${dirs[@]}"); then
  echo "scan-artefacts: a test token leaked into:" >&2
  echo "$leaks" >&2
  exit 1
fi
echo "scan-artefacts: $files files scanned, no token found"
