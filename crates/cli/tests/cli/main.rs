//! The `connkeeper` binary end to end, against the real Secret Service in the test
//! D-Bus session. Every command's output is collected and scanned for the test tokens
//! at the end of each test.

// Fixtures are written directly, and dates come from the wall clock the binary reads.
#![allow(clippy::disallowed_methods)]

mod audit;
mod hardening;
mod profiles;
mod rotate;
mod support;
mod transfer;
