//! Talking to Jira Cloud: the HTTP client, its wire shapes, and the permission audit:
//! [`observe`] asks Jira what the account can do, [`evaluate`] judges it against the
//! requirements, [`report`] is the answer's shape.

pub mod admin;
mod bounded;
pub mod client;
mod config;
pub mod dto;
pub mod evaluate;
mod http;
mod jira_error;
pub mod observe;
pub mod report;

pub use client::{ClientConfig, ErrorKind, JiraClient, JiraError};
pub use observe::AuditInput;
pub use report::*;
