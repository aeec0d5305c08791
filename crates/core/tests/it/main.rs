//! connkeeper-core's integration tests: one binary, one module per area.

mod audit;
mod binding;
mod formats;
mod health;
mod hostile;
mod keyring;
mod org;
mod real_sites;
mod reminders;
mod rotation;
mod site_answers;
mod store;
mod trust;
mod validate;

/// A keyring service name unique to this test run, so tests never touch real entries.
pub fn unique_service(tag: &str) -> String {
    format!("connkeeper-test-{tag}-{}", uuid_like())
}

fn uuid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{}-{nanos}", std::process::id())
}
