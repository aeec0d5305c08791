#!/usr/bin/env bash
# make package: release bundles (.deb and .rpm) with the Tauri bundler, the `connkeeper`
# CLI included at /usr/bin/connkeeper, copied into dist/ with SHA-256 sums.
# The Tauri CLI comes from the npm registry (its prebuilt binary), cached outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
target="${CARGO_TARGET_DIR:-$root/target}"
tools="${CONNKEEPER_TOOLS_DIR:-$HOME/.cache/connkeeper-tools}/tauri-cli"
mkdir -p "$tools"
if ! cmp -s scripts/tauri-cli/package-lock.json "$tools/package-lock.json" || [ ! -x "$tools/node_modules/.bin/tauri" ]; then
  cp scripts/tauri-cli/package.json scripts/tauri-cli/package-lock.json "$tools/"
  (cd "$tools" && npm ci --no-audit --no-fund </dev/null >&2)
fi
tauri="$tools/node_modules/.bin/tauri"
"$tauri" --version >&2

started=$(date +%s)
cargo build --locked --release -p connkeeper-cli >&2
cli="$target/release/connkeeper"
# The CLI goes into both packages at /usr/bin/connkeeper; its path is only known here.
config=$(printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/connkeeper":"%s"}},"rpm":{"files":{"/usr/bin/connkeeper":"%s"}}}}}' "$cli" "$cli")
(cd src-tauri && "$tauri" build --ci --bundles deb,rpm --config "$config" -- --locked >&2)

rm -rf dist && mkdir -p dist
# The bundler names the Debian package after the product name in kebab case
# ("conn-keeper"); apt users type `connkeeper`, like the CLI: rename the package.
deb="$(ls "$target"/release/bundle/deb/*.deb | head -1)"
version="$(dpkg-deb -f "$deb" Version)"
arch="$(dpkg-deb -f "$deb" Architecture)"
unpacked="$(mktemp -d)"
trap 'rm -rf "$unpacked"' EXIT
dpkg-deb -R "$deb" "$unpacked/root"
sed -i 's/^Package: .*/Package: connkeeper/' "$unpacked/root/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -b "$unpacked/root" "dist/connkeeper_${version}_${arch}.deb" >&2
cp "$target"/release/bundle/rpm/*.rpm dist/
(cd dist && sha256sum -- *.deb *.rpm > SHA256SUMS)
echo "make package: $(( $(date +%s) - started )) s" >&2
ls -l dist >&2
