//! ConnKeeper's core: everything that matters, with no knowledge of Tauri or the CLI.
//!
//! - [`model`]: profiles, applications, expiry status (plain data)
//! - [`validate`]: one pure validation function for a draft, every field error at once
//! - [`store`]: `profiles.json`, versioned, atomic, locked
//! - [`secrets`]: the OS keyring, the only home of API tokens
//! - [`profiles`]: operations that keep store and keyring consistent
//! - [`requirements`]: the one table of permissions backup and restore need
//! - [`jira`]: the Jira Cloud client and the permission audit
//! - [`clock`]: time as an argument

pub mod clock;
pub mod error;
pub mod export;
pub mod import;
pub mod jira;
pub mod links;
pub mod logfile;
pub mod model;
pub mod paths;
pub mod profiles;
pub mod reminders;
pub mod requirements;
pub mod secrets;
pub mod settings;
pub mod store;
pub mod text;
pub mod validate;

pub use error::{Error, ErrorPayload};
pub use secrecy::{ExposeSecret, SecretString};

/// The crate version, for user agents and `--version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
