//! Talking to Jira Cloud: the HTTP client, its wire shapes, and the permission audit.

pub mod audit;
pub mod client;
pub mod dto;

pub use audit::{AuditInput, AuditPurpose, AuditReport, Progress};
pub use client::{ClientConfig, JiraClient, JiraError, JiraErrorKind};
