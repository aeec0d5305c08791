//! `fake-jira`: serve a generated fake Jira Cloud site until killed.
//!
//! Prints `fake-jira listening on http://127.0.0.1:PORT` and then the demo credentials
//! (`account: EMAIL token: TOKEN`, public test data) on stdout. Set `RUST_LOG=fake_jira=debug`
//! to log every request on stderr.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, ValueEnum};
use fake_jira::{demo_account, Account, FakeJira, Fault, Site};

/// A fake Jira Cloud site for ConnKeeper demos and manual testing.
#[derive(Debug, Parser)]
#[command(name = "fake-jira", version)]
struct Args {
    /// Port on 127.0.0.1 (0: pick a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Number of generated projects.
    #[arg(long, default_value_t = 300)]
    projects: usize,
    /// Seed for the generated site (project keys, missing permissions).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Delay added to every response, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// What the demo account is allowed to do.
    #[arg(long, value_enum, default_value_t = Scenario::Demo)]
    scenario: Scenario,
    /// The demo scenario's organisation lists the demo token as expiring on this date.
    #[arg(long, default_value = "2027-12-31")]
    org_expiry: String,
    /// ...and the second token as expiring on this date.
    #[arg(long, default_value = "2027-12-30")]
    org_spare_expiry: String,
}

/// The demo account's second API token (a rotation's new one), and the demo
/// organisation that manages example.com. Public test data: this is a fake server.
const DEMO_NEW_TOKEN: &str = "fake-jira-demo-new-token-5Rt7yU2iO9pA4sD6";
const DEMO_ORG_ID: &str = "0f4a2b6c-1d3e-4f5a-8b7c-9d0e1f2a3b4c";
const DEMO_ORG_KEY: &str = "fake-jira-org-admin-key-8Gh3jK6lZ1xC5vB9";

/// The demo's second account: partial coverage and missing global permissions.
const RESTORE_EMAIL: &str = "restore-bot@example.com";
/// Public fake test data, not a secret.
const RESTORE_TOKEN: &str = "fake-jira-restore-token-3Hn8cR2tY6wQ1zL5";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Site admin, with a few projects missing a few restore permissions.
    Demo,
    /// Everything granted everywhere.
    AllGranted,
    /// Missing two restore-only global permissions and more project permissions.
    Partial,
    /// The printed token is not the account's: Jira silently treats it as anonymous.
    BadToken,
    /// Hostile: claims 10^15 projects and repeats the same page forever.
    EndlessProjects,
    /// Hostile: repeats the same project page forever without a total.
    RepeatedPage,
    /// Hostile: answers `/permissions` with a 300 MB streamed body.
    HugeBody,
    /// Hostile: one new space per page, each named with 30 MiB.
    HugeNames,
    /// Hostile: one new space per page, each named with 7 MiB (just under the client's
    /// cap on one answer), for as many pages as the client asks.
    LongNames,
}

fn site_for(args: &Args) -> Site {
    let generated = Site::generated(args.projects, args.seed);
    let site = match args.scenario {
        Scenario::Demo => {
            // The admin account misses Administer Projects in the first team-managed
            // space, and a second account shows partial coverage and global gaps.
            let mut admin = generated
                .account_list()
                .first()
                .cloned()
                .unwrap_or_else(demo_account);
            if let Some(team) = generated.project_list().iter().find(|p| p.team_managed) {
                admin = admin.revoke_in_project(team.id, "ADMINISTER_PROJECTS");
            }
            let mut restore = Account::new(RESTORE_EMAIL, RESTORE_TOKEN)
                .grant_global("USER_PICKER")
                .grant_global("CREATE_SHARED_OBJECTS");
            restore.display_name = "Restore Bot".to_owned();
            for p in generated.project_list().iter().step_by(3) {
                restore = restore.override_project(
                    p.id,
                    &[
                        "BROWSE_PROJECTS",
                        "CREATE_ISSUES",
                        "EDIT_ISSUES",
                        "ADD_COMMENTS",
                    ],
                );
            }
            let org = fake_jira::Org::new(DEMO_ORG_ID, DEMO_ORG_KEY, &["example.com"])
                .token(
                    "demo-token-1",
                    &admin.email,
                    &admin.token,
                    "BackupCo nightly",
                    &format!("{}T10:00:00.000Z", args.org_expiry),
                    Some("2026-01-02T03:04:05.000Z"),
                )
                .token(
                    "demo-token-2",
                    &admin.email,
                    DEMO_NEW_TOKEN,
                    "spare",
                    &format!("{}T10:00:00.000Z", args.org_spare_expiry),
                    None,
                );
            let admin = admin.also_accepts(DEMO_NEW_TOKEN);
            generated.account(admin).account(restore).org(org)
        }
        Scenario::AllGranted => generated.account(demo_account()),
        Scenario::Partial => {
            let mut account: Account = generated
                .account_list()
                .first()
                .cloned()
                .unwrap_or_else(demo_account)
                .revoke_global("CREATE_PROJECT")
                .revoke_global("CREATE_SHARED_OBJECTS");
            for p in generated.project_list().iter().step_by(7) {
                account = account.revoke_in_project(p.id, "MANAGE_SPRINTS_PERMISSION");
            }
            generated.account(account)
        }
        Scenario::BadToken => {
            let mut account = demo_account();
            account.token = format!("{}-rotated", account.token);
            generated.account(account)
        }
        Scenario::EndlessProjects => generated.fault(Fault::EndlessProjects {
            total: Some(1_000_000_000_000_000),
        }),
        Scenario::RepeatedPage => generated.fault(Fault::EndlessProjects { total: None }),
        Scenario::HugeBody => generated.fault(Fault::HugeBody {
            path: "/rest/api/3/permissions".into(),
            bytes: 300_000_000,
        }),
        Scenario::HugeNames => generated.fault(Fault::HugeNames {
            name_bytes: 30 << 20,
        }),
        Scenario::LongNames => generated.fault(Fault::HugeNames {
            name_bytes: 7 << 20,
        }),
    };
    site.latency(Duration::from_millis(args.latency_ms))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let jira = FakeJira::start_on(site_for(&args), addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;

    let demo = demo_account();
    let mut out = std::io::stdout().lock();
    writeln!(out, "fake-jira listening on {}", jira.url())?;
    writeln!(out, "account: {} token: {}", demo.email, demo.token)?;
    if args.scenario == Scenario::Demo {
        writeln!(out, "account: {RESTORE_EMAIL} token: {RESTORE_TOKEN}")?;
        writeln!(
            out,
            "org: {DEMO_ORG_ID} key: {DEMO_ORG_KEY} second token: {DEMO_NEW_TOKEN}"
        )?;
    }
    out.flush()?;
    drop(out);

    shutdown_signal().await;
    drop(jira);
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}
