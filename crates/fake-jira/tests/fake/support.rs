//! Shared helpers of the fake Jira tests: an HTTP client, credentials, a small site.

pub use std::collections::BTreeSet;
pub use std::io::{BufRead as _, BufReader};
pub use std::process::{Command, Stdio};
pub use std::time::{Duration, Instant};

pub use base64::engine::general_purpose::STANDARD as BASE64;
pub use base64::Engine as _;
pub use fake_jira::{demo_account, start_recorder, Account, FakeJira, Fault, Project, Site};
pub use reqwest::{header::HeaderMap, Client, RequestBuilder, Response, StatusCode};
pub use serde_json::{json, Value};

pub fn client() -> Client {
    Client::builder()
        .no_proxy()
        .user_agent("fake-jira-tests/1")
        .build()
        .expect("client")
}

pub fn basic(email: &str, token: &str) -> String {
    format!("Basic {}", BASE64.encode(format!("{email}:{token}")))
}

pub fn as_admin(rb: RequestBuilder) -> RequestBuilder {
    let a = demo_account();
    rb.header("Authorization", basic(&a.email, &a.token))
}

pub fn as_bad_token(rb: RequestBuilder) -> RequestBuilder {
    rb.header(
        "Authorization",
        basic(&demo_account().email, "not-the-token"),
    )
}

pub fn as_dev(rb: RequestBuilder) -> RequestBuilder {
    rb.header("Authorization", basic("dev@example.com", "dev-token"))
}

pub fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

pub async fn json_of(resp: Response) -> Value {
    resp.json().await.expect("JSON body")
}

/// Four projects: the developer can browse ALPHA, administers BETA, can only edit issues
/// in DELTA (so cannot see it) and has nothing in GAMMA.
pub fn small_site() -> Site {
    let dev = Account::new("dev@example.com", "dev-token")
        .override_project(10_000, &["BROWSE_PROJECTS", "EDIT_ISSUES", "CREATE_ISSUES"])
        .override_project(10_001, &["ADMINISTER_PROJECTS"])
        .override_project(10_003, &["EDIT_ISSUES"])
        .grant_global("USER_PICKER");
    Site::new()
        .account(demo_account())
        .account(dev)
        .projects(vec![
            Project::new(10_001, "BETA", "Beta"),
            Project::new(10_000, "ALPHA", "Alpha"),
            Project::team_managed(10_002, "GAMMA", "Gamma"),
            Project::new(10_003, "DELTA", "Delta"),
        ])
        .service_desks(2)
}

pub fn keys_of(page: &Value) -> Vec<String> {
    page["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|p| p["key"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn check(
    jira: &FakeJira,
    auth: fn(RequestBuilder) -> RequestBuilder,
    body: &Value,
) -> Response {
    auth(
        client()
            .post(format!("{}/rest/api/3/permissions/check", jira.url()))
            .json(body),
    )
    .send()
    .await
    .unwrap()
}
