//! The `connkeeper` binary end to end, against the real Secret Service in the test
//! D-Bus session (`make test`): the keyring round trip, an unavailable keyring,
//! concurrent processes, a closed pipe, Ctrl-C and a tampered data folder. Every
//! command's output and every file is scanned for the test tokens at the end of each
//! test. Everything else the command line does is pinned in-process by `tests/it`.

// Fixtures are written directly, and dates come from the wall clock the binary reads.
#![allow(clippy::disallowed_methods)]

mod hardening;
mod profiles;
mod support;
