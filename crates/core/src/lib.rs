//! ConnKeeper's core: everything that matters, with no knowledge of Tauri or the CLI.
//!
//! The profiles and their tokens:
//! - [`model`]: profiles, applications, expiry status (plain data)
//! - [`validate`]: one pure validation function for a draft, every field error at once
//! - [`store`]: `profiles.json`, versioned, atomic, locked
//! - [`secrets`]: the OS keyring, the only home of API tokens
//! - [`binding`]: a keyring item's token bound to its profile's host and email
//! - [`profiles`]: `Profiles`, the handle every operation takes, and the operations that
//!   keep store and keyring consistent
//! - [`setup`]: `Profiles` from the options and the environment, the same in every face
//!
//! What is done with them, each a module of functions over `&Profiles`:
//! - [`audit`]: auditing a saved profile or form values (prepare, confirm, run, record)
//! - [`health`]: checks between audits: an audit compared with the baseline, the changes,
//!   the bounded history
//! - [`rotation`]: replacing a token, make before break
//! - [`org`]: the Atlassian organisation: token expiry from Atlassian, revocation
//! - [`export`], [`import`]: profile summaries out, profiles in (all or nothing)
//! - [`reminders`]: the expiry reminder engine and the check the desktop's loop runs
//!
//! Below them:
//! - [`jira`]: the Jira Cloud client and the permission audit's requests and rules
//! - [`requirements`]: the one table of permissions backup and restore need
//! - [`error`]: the error type and its typed kinds (`codes` holds every code enum)
//! - [`settings`]: the user's settings and what the app remembers on this machine
//! - [`events`]: what the desktop app tells its page unasked
//! - [`links`]: the links the app may open; what a loopback host is
//! - [`text`]: text from outside made safe for a terminal or a notification
//! - [`logfile`], [`paths`], [`clock`]: the log, the data folder, time as an argument

pub mod audit;
pub mod binding;
pub mod clock;
mod codes;
pub mod error;
pub mod events;
pub mod export;
pub mod health;
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
