#!/usr/bin/env bash
# make check-platforms: the whole workspace (core, CLI, desktop, fake Jira, tests and
# benches) type-checks for Windows and macOS from this Linux machine, with clippy and
# warnings denied, so platform-specific (cfg) code is linted too.
#
# The only C code in the dependency tree is ring's (rustls' crypto), compiled by build
# scripts even for `cargo check`. For Windows the Debian mingw-w64 cross compiler builds
# it. For macOS there is no SDK here: clang targets Darwin freestanding, with its own
# headers and scripts/darwin-check-include (TargetConditionals.h, string.h, stdlib.h,
# assert.h declarations: what ring includes). Those objects are only type-checked, never
# linked; real macOS builds use Xcode's SDK (the release workflow). The notification
# plugin's mac-notification-sys compiles Objective-C against AppKit; its build script
# skips that when DOCS_RS is set (how docs.rs type-checks it on Linux), which the macOS
# checks use. Nothing else needs a platform SDK: the keyring (Credential Manager,
# Keychain), WebView2 and WebKit bindings are Rust crates.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(x86_64-pc-windows-gnu x86_64-apple-darwin aarch64-apple-darwin)
installed="$(rustup target list --installed)"
for t in "${targets[@]}"; do
  grep -qx "$t" <<<"$installed" || rustup target add "$t"
done
export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
darwin_flags="-ffreestanding -nostdinc -isystem $(clang -print-resource-dir)/include -isystem $PWD/scripts/darwin-check-include"
export CC_x86_64_apple_darwin=clang CFLAGS_x86_64_apple_darwin="--target=x86_64-apple-darwin $darwin_flags"
export CC_aarch64_apple_darwin=clang CFLAGS_aarch64_apple_darwin="--target=arm64-apple-darwin $darwin_flags"
for t in "${targets[@]}"; do
  echo "=== cargo clippy --target $t" >&2
  started=$SECONDS
  case "$t" in
    *-apple-darwin) DOCS_RS=1 cargo clippy --locked --workspace --all-targets --target "$t" -- -D warnings ;;
    *) cargo clippy --locked --workspace --all-targets --target "$t" -- -D warnings ;;
  esac
  echo "=== $t: ok in $((SECONDS - started)) s" >&2
done
