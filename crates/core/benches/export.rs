//! Export benchmark: 10,000 profiles (with audit summaries) in each format, then the
//! import of the JSON and CSV exports into an empty store.
//!
//! Run: `cargo bench -p connkeeper-core --bench export` (size: `BENCH_PROFILES=10000`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, TimeZone, Utc};
use connkeeper_core::clock::FixedClock;
use connkeeper_core::export::{self, IcsOptions};
use connkeeper_core::import;
use connkeeper_core::model::{
    Application, AuditPurpose, AuditSummary, Profile, ProfileId, ProfileView,
};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::KeyringStore;
use connkeeper_core::store::ProfileStore;

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.expect("at least one run"))
}

fn main() {
    let n: usize = std::env::var("BENCH_PROFILES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    let apps = Application::ALL;
    let views: Vec<ProfileView> = (0..n)
        .map(|i| {
            let p = Profile {
                id: ProfileId::new(),
                name: format!("Profile {i:05}, \"site\" {}", i % 97),
                description: (i % 3 == 0)
                    .then(|| format!("Nightly backup of site {i}\nowner: team {}", i % 11)),
                application: apps[i % 3],
                host: format!("https://site{i}.atlassian.net"),
                email: format!("backup{i}@example.com"),
                expires: today + Days::new((i % 365) as u64),
                created_at: now,
                updated_at: now,
                last_audit: (i % 2 == 0).then(|| AuditSummary {
                    at: now,
                    purpose: AuditPurpose::All,
                    ok: i % 4 == 0,
                    backup_ok: true,
                    restore_ok: i % 4 == 0,
                    missing_global: if i % 4 == 0 {
                        vec![]
                    } else {
                        vec!["CREATE_PROJECT".into()]
                    },
                    projects_total: 120,
                    projects_with_gaps: i % 7,
                    coverage_complete: true,
                    warnings: 0,
                }),
                confirmed_host: None,
                life: Default::default(),
                token_kind: None,
            };
            ProfileView::new(&p, today, i % 10 != 0)
        })
        .collect();
    let records = export::records(&views, None);
    println!("{n} profiles, best of 5 runs\n");
    println!("| format | time | size |");
    println!("|---|---:|---:|");
    let mut outputs = Vec::new();
    for (name, which) in [("CSV", 0), ("JSON", 1), ("Markdown", 2), ("iCalendar", 3)] {
        let (t, buf) = best_of(5, || {
            let mut buf = Vec::with_capacity(8 << 20);
            match which {
                0 => export::write_csv(&mut buf, &records),
                1 => export::write_json(&mut buf, &records, now),
                2 => export::write_markdown(&mut buf, &records, now),
                _ => export::write_ics(&mut buf, &records, now, &IcsOptions::default()),
            }
            .unwrap();
            buf
        });
        println!(
            "| {name} | {:.1} ms | {:.1} MB |",
            t.as_secs_f64() * 1e3,
            buf.len() as f64 / 1e6
        );
        outputs.push(buf);
    }
    for (name, buf) in [("JSON", &outputs[1]), ("CSV", &outputs[0])] {
        let (t, created) = best_of(3, || {
            let dir = tempfile::tempdir().unwrap();
            let profiles = Profiles::new(
                ProfileStore::new(dir.path()),
                KeyringStore::new("connkeeper-bench-unused"),
                Arc::new(FixedClock::on(today)),
            );
            let incoming = import::parse(buf).unwrap();
            import::apply(&profiles, &incoming, false).unwrap().created
        });
        assert_eq!(created, n);
        println!(
            "| import {name} (parse, validate, write) | {:.1} ms | |",
            t.as_secs_f64() * 1e3
        );
    }
}
