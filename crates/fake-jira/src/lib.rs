//! A faithful fake of the Jira Cloud REST API, for ConnKeeper's tests, benchmarks and demos.
//!
//! It serves the endpoints ConnKeeper's audit uses, with the shapes of the official
//! OpenAPI spec (checked by the schema test in `tests/fake/schema.rs`) and Jira Cloud's quirks:
//!
//! - **Basic auth** (`email:token`). Authenticated responses carry `X-AAccountId` and
//!   `X-Seraph-LoginReason: OK`.
//! - **Silent downgrade**: wrong credentials on an anonymous-capable endpoint
//!   (`permissions`, `permissions/check`, `mypermissions`, `project/search`, `serverInfo`)
//!   answer 200 with anonymous (empty) results and `X-Seraph-LoginReason:
//!   AUTHENTICATED_FAILED`. Only `/myself` and the product endpoints answer 401.
//! - **401 bodies are plain text**, CAPTCHA shows up as `AUTHENTICATION_DENIED` plus
//!   `X-Authentication-Denied-Reason`.
//! - **Ids**: `project/search` reports project ids as strings; `permissions/check` takes
//!   and returns integers.
//! - **Caps**: `project/search` pages hold at most 100 projects; `permissions/check`
//!   refuses more than 1000 project ids.
//! - **Faults** ([`Fault`]): 429 with rate-limit headers, 503, 500, slow paths, HTML
//!   login pages, cross-origin redirects and dropped connections.
//! - **Site policies**: a blocked API token (401 with a modelled text,
//!   [`TOKEN_BLOCKED`]), an IP allowlist that refuses the caller (403,
//!   [`IP_NOT_ALLOWED`]), and the 2026 rate-limit headers with `NearLimit` after N
//!   requests ([`Site::rate_limit_headers`]). Each request is recorded with its arrival
//!   and answer times.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use fake_jira::{demo_account, FakeJira, Project, Site};
//! let site = Site::new()
//!     .account(demo_account())
//!     .projects(vec![Project::new(10000, "ABC", "Alpha")]);
//! let jira = FakeJira::start(site).await?;
//! println!("{}", jira.url()); // http://127.0.0.1:PORT
//! # Ok(()) }
//! ```

mod api;
pub mod catalog;
mod faults;
mod listener;
mod org;
mod server;
mod site;
mod state;
mod util;

pub use org::{Org, OrgToken};
pub use server::{start_recorder, FakeJira};
pub use site::{
    demo_account, Account, Fault, Project, Site, DEMO_EMAIL, DEMO_TOKEN, IP_NOT_ALLOWED,
    JIRA_PRODUCTS, SERVICE_ACCOUNT_DOMAIN, TOKEN_BLOCKED,
};
pub use state::RecordedRequest;
