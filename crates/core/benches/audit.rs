//! Audit benchmark: sites of 100, 1,000 and 10,000 projects served by the fake Jira with
//! 50 ms of latency per request; our audit beside a naive baseline (list projects page by
//! page, then one `mypermissions?projectKey=` call per project, with the same client and
//! the same 4-requests-in-flight cap).
//!
//! Run: `cargo bench -p connkeeper-core --bench audit` (sizes: `BENCH_SIZES=100,1000`).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use connkeeper_core::clock::FixedClock;
use connkeeper_core::jira::observe::{self, AuditInput};
use connkeeper_core::jira::AuditPurpose;
use connkeeper_core::jira::{ClientConfig, JiraClient};
use connkeeper_core::model::Application;
use connkeeper_core::requirements::{self, Scope};
use connkeeper_core::SecretString;
use fake_jira::{demo_account, FakeJira, Site};
use futures::StreamExt;

const LATENCY: Duration = Duration::from_millis(50);

fn cfg() -> ClientConfig {
    ClientConfig {
        allow_loopback_http: true,
        ..ClientConfig::default()
    }
}

async fn ours(n: usize) -> (usize, Duration) {
    let fake = FakeJira::start(Site::generated(n, 42).latency(LATENCY))
        .await
        .unwrap();
    let demo = demo_account();
    let input = AuditInput {
        host: fake.url(),
        email: demo.email.clone(),
        token: SecretString::from(demo.token.clone()),
        application: Application::Jira,
        purpose: AuditPurpose::All,
        token_kind: None,
    };
    let clock = FixedClock::on(NaiveDate::from_ymd_opt(2026, 11, 28).unwrap());
    let start = Instant::now();
    let report = observe::run(input, cfg(), &clock, &|_| {}).await.unwrap();
    let took = start.elapsed();
    assert_eq!(report.projects.len(), n);
    assert_eq!(report.requests, fake.request_count());
    (report.requests, took)
}

#[derive(serde::Deserialize)]
struct Page {
    #[serde(rename = "isLast")]
    is_last: bool,
    values: Vec<serde_json::Value>,
}

async fn naive(n: usize) -> (usize, Duration) {
    let fake = FakeJira::start(Site::generated(n, 42).latency(LATENCY))
        .await
        .unwrap();
    let demo = demo_account();
    let client = JiraClient::new(
        &fake.url(),
        &demo.email,
        SecretString::from(demo.token.clone()),
        cfg(),
    )
    .unwrap();
    let start = Instant::now();
    client.myself().await.unwrap();
    let mut keys = Vec::new();
    let mut at = 0;
    loop {
        let page: Page = client
            .get_json(
                "/rest/api/3/project/search",
                &[("startAt", at.to_string()), ("maxResults", "100".into())],
            )
            .await
            .unwrap();
        at += page.values.len();
        keys.extend(
            page.values
                .iter()
                .map(|p| p["key"].as_str().unwrap().to_owned()),
        );
        if page.is_last {
            break;
        }
    }
    let perms: Vec<&str> = requirements::of_scope(Scope::Project)
        .map(|r| r.key)
        .collect();
    let perms = perms.join(",");
    let client = &client;
    let perms = &perms;
    futures::stream::iter(keys)
        .map(|k| async move {
            client
                .get_json::<serde_json::Value>(
                    "/rest/api/3/mypermissions",
                    &[("projectKey", k), ("permissions", perms.clone())],
                )
                .await
                .unwrap()
        })
        .buffer_unordered(4)
        .for_each(|_| async {})
        .await;
    (fake.request_count(), start.elapsed())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("BENCH_SIZES")
        .unwrap_or_else(|_| "100,1000,10000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    println!(
        "latency per request: {} ms, at most 4 requests in flight\n",
        LATENCY.as_millis()
    );
    println!("| projects | ConnKeeper requests | ConnKeeper time | naive requests | naive time | speed-up |");
    println!("|---:|---:|---:|---:|---:|---:|");
    for n in sizes {
        let (r1, t1) = rt.block_on(ours(n));
        let (r2, t2) = rt.block_on(naive(n));
        println!(
            "| {n} | {r1} | {:.2} s | {r2} | {:.1} s | {:.0}x |",
            t1.as_secs_f64(),
            t2.as_secs_f64(),
            t2.as_secs_f64() / t1.as_secs_f64()
        );
    }
}
