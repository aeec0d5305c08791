//! Talking to Jira Cloud: the HTTP client, its wire shapes, and the permission audit.

pub mod audit;
pub mod client;
pub mod dto;
pub mod evaluate;
pub mod report;

pub use audit::{AuditInput, AuditPurpose, AuditReport, Progress};
pub use client::{ClientConfig, JiraClient, JiraError, JiraErrorKind};
