//! The command line in-process: `connkeeper_cli::run` on an in-memory keyring, a
//! temporary data folder, a fixed clock and the fake Jira, with the WHOLE stdout, stderr
//! and exit status of every case pinned as an insta snapshot (`snapshots/`). No desktop
//! session is needed; `cargo test` runs them. The real binary on the real Secret
//! Service is tested in `tests/cli/` (`make test`).
//!
//! A snapshot that fails is a changed output: read the `.snap.new` beside it. When the
//! change is meant, accept it with `INSTA_UPDATE=always cargo test -p connkeeper-cli
//! --test it` (or `cargo insta review` where cargo-insta is installed), then read every
//! changed snapshot: one that records a wrong behaviour is a bug. Random ports, temporary
//! paths, ids and timings are replaced by placeholders (`[JIRA]`, `[TMP]`, `[UUID-1]`,
//! `[MS]`), see `support::redact`.

// Fixtures are written directly.
#![allow(clippy::disallowed_methods)]

mod audit;
mod check;
mod org;
mod profile;
mod rotate;
mod support;
mod transfer;
mod usage;
