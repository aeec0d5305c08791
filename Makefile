# ConnKeeper: the two commands are `make run` and `make test` (see README.md).
# Both install missing Debian/Ubuntu packages themselves (apt), then build.

SHELL := /bin/bash
CARGO ?= cargo
export CARGO_TERM_COLOR ?= never
TARGET_DIR := $(or $(CARGO_TARGET_DIR),$(CURDIR)/target)
# Test tools (Python venv, tauri-driver) are cached outside the clone.
export CONNKEEPER_TOOLS_DIR ?= $(HOME)/.cache/connkeeper-tools

.PHONY: run test check gen typecheck build release lint fmt demo bench bench-audit bench-export bench-desktop bench-hostile clean package test-package check-platforms

## Build and launch the desktop app.
run:
	@scripts/ensure-packages.sh run
	$(CARGO) build --locked -p connkeeper-desktop -p connkeeper-cli
	@if [ -z "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  echo "No graphical display (DISPLAY/WAYLAND_DISPLAY unset): starting under Xvfb in a private session."; \
	  tests/with-session.sh "$(TARGET_DIR)/debug/connkeeper-desktop"; \
	else \
	  "$(TARGET_DIR)/debug/connkeeper-desktop"; \
	fi

## Formatting, lints and every test, inside a private D-Bus session with gnome-keyring.
test:
	@scripts/ensure-packages.sh test
	tests/with-session.sh tests/run-all.sh

## The inner loop, in well under a minute on a warm build: formatting, lints, every test
## that needs no desktop session (the contract with the UI included) and the UI's type
## check. `make test` stays the whole truth.
check:
	@scripts/ensure-packages.sh check
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) test --locked
	@$(MAKE) --no-print-directory typecheck

## ui/js and the UI tests' fake backend against the types generated from Rust (tsc).
typecheck:
	@cd tests/ui && { [ -d node_modules/typescript ] || npm ci --no-audit --no-fund </dev/null; } \
	  && node node_modules/typescript/bin/tsc -p tsconfig.json && echo "tsc: ui/js and the fake backend type-check"

## Regenerates the contract with the UI from Rust (ui/js/gen/, tests/ui/gen/ and
## src-tauri/capabilities/default.json), then runs the contract tests on an app built
## with the new capability file.
gen:
	CONNKEEPER_UPDATE_GEN=1 $(CARGO) test --locked -p connkeeper-desktop --lib contract_tests::the_generated_contract_is_up_to_date
	$(CARGO) test --locked -p connkeeper-desktop --lib contract_tests
	@$(MAKE) --no-print-directory typecheck

build:
	@scripts/ensure-packages.sh build
	$(CARGO) build --locked --workspace

## A fake Jira site and the app with sample profiles pointed at it (no Jira needed).
demo:
	@scripts/ensure-packages.sh test
	$(CARGO) build --locked -p connkeeper-desktop -p connkeeper-cli -p fake-jira
	scripts/demo.sh

## Benchmarks (figures in docs/benchmarks.md).
bench: bench-audit bench-export bench-desktop bench-hostile

bench-audit:
	$(CARGO) bench --locked -p connkeeper-core --bench audit

bench-export:
	$(CARGO) bench --locked -p connkeeper-core --bench export

bench-desktop:
	@scripts/ensure-packages.sh test
	scripts/bench-desktop.sh

## What a hostile Jira server costs an audit (time, memory, requests).
bench-hostile:
	@scripts/ensure-packages.sh test
	scripts/bench-hostile.sh

## Installable Linux packages (.deb, .rpm) in dist/, with SHA-256 sums.
package:
	@scripts/ensure-packages.sh package
	scripts/package.sh

## Installs the .deb from dist/ (making it first when missing), tests the installed app
## and CLI, removes it, and checks nothing is left; the machine is restored on failure.
test-package:
	@scripts/ensure-packages.sh test
	@[ -n "$$(ls dist/*.deb 2>/dev/null)" ] || $(MAKE) package
	tests/with-session.sh tests/package/test-deb.sh

## Proves the workspace compiles for Windows and macOS (cargo check per target).
check-platforms:
	@scripts/ensure-packages.sh platforms
	scripts/check-platforms.sh

release:
	@scripts/ensure-packages.sh build
	$(CARGO) build --locked --release -p connkeeper-desktop -p connkeeper-cli

lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --locked --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
