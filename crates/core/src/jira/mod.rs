//! Talking to Jira Cloud: the HTTP client, its wire shapes, and the permission audit.

pub mod admin;
pub mod audit;
mod bounded;
pub mod client;
mod config;
pub mod dto;
pub mod evaluate;
mod http;
mod jira_error;
pub mod report;

pub use audit::{AuditInput, AuditPurpose, AuditReport, Progress};
pub use client::{ClientConfig, ErrorKind, JiraClient, JiraError};
