//! ConnKeeper's core: everything that matters, with no knowledge of Tauri or the CLI.
//!
//! - [`model`]: profiles, applications, expiry status (plain data)
//! - [`validate`]: one pure validation function for a draft, every field error at once
//! - [`store`]: `profiles.json`, versioned, atomic, locked
//! - [`secrets`]: the OS keyring, the only home of API tokens
//! - [`profiles`]: operations that keep store and keyring consistent
//! - [`audit`]: auditing a saved profile or form values (prepare, confirm, run, record)
//! - [`setup`]: profiles from the flags and the environment, the same in every face
//! - [`reminders`]: the expiry reminder engine and the check the desktop's loop runs
//! - [`export`], [`import`]: profile summaries out, profiles in (all or nothing)
//! - [`events`]: what the desktop app tells its page unasked
//! - [`error`]: the error type and its typed kinds (`codes` holds every code enum)
//! - [`requirements`]: the one table of permissions backup and restore need
//! - [`jira`]: the Jira Cloud client and the permission audit
//! - [`clock`]: time as an argument

pub mod audit;
pub mod binding;
pub mod clock;
mod codes;
pub mod error;
pub mod events;
pub mod export;
pub mod import;
pub mod jira;
pub mod links;
pub mod logfile;
pub mod model;
pub mod org;
pub mod paths;
pub mod profiles;
pub mod reminders;
pub mod requirements;
pub mod rotation;
pub mod secrets;
pub mod settings;
pub mod setup;
pub mod store;
pub mod text;

pub mod validate;

pub use error::{Error, ErrorKind, ErrorPayload};
pub use secrecy::{ExposeSecret, SecretString};
