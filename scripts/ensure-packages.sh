#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages ConnKeeper needs to build, run and test,
# but only the ones that are missing. Usage: ensure-packages.sh build|check|run|test|package|platforms
set -euo pipefail

build_pkgs=(build-essential pkg-config curl file libwebkit2gtk-4.1-dev
  libayatana-appindicator3-dev librsvg2-dev libxdo-dev libdbus-1-dev)
run_pkgs=(dbus gnome-keyring)
test_pkgs=(xvfb xauth x11-utils dbus dbus-x11 gnome-keyring libsecret-tools dunst time
  libnotify-bin webkit2gtk-driver imagemagick xdotool trayer python3 python3-venv desktop-file-utils
  fonts-noto-cjk)
# The UI tests' browser: Debian's Chromium, unless CHROMIUM_PATH names another one.
if [ -z "${CHROMIUM_PATH:-}" ] || [ ! -x "${CHROMIUM_PATH:-}" ]; then
  test_pkgs+=(chromium chromium-driver)
fi

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build|check) ;;
  package) want+=(rpm) ;;
  platforms) want+=(gcc-mingw-w64-x86-64 clang) ;;
  run) want+=("${run_pkgs[@]}") ;;
  test) want+=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|check|run|test|package|platforms" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "ensure-packages: not a Debian/Ubuntu system; install the prerequisites listed in CONTRIBUTING.md by hand." >&2
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
# Node.js for the UI and end-to-end tests: any install will do (Debian's, or NodeSource's,
# whose nodejs package bundles npm and conflicts with Debian's npm).
if [ "${1:-}" = test ] || [ "${1:-}" = package ] || [ "${1:-}" = check ]; then
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ensure-packages: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
