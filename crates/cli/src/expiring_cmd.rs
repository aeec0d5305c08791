//! `connkeeper expiring`

use std::process::ExitCode;

use connkeeper_core::model::ProfileView;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;
use serde::Serialize;

use crate::exit::{Failure, PROBLEMS};
use crate::output;
use crate::output::outln;

/// One line of `expiring --json`.
#[derive(Serialize)]
struct Expiring<'a> {
    name: &'a str,
    application: &'a str,
    host: &'a str,
    email: &'a str,
    expires: String,
    days_left: i64,
    status: &'a str,
}

pub fn run<S: SecretStore>(
    profiles: &Profiles<S>,
    within: i64,
    json: bool,
) -> Result<ExitCode, Failure> {
    // Only the dates matter here: read the store, not the keyring (cron may run headless).
    let today = profiles.clock().today();
    let mut views: Vec<ProfileView> = profiles
        .load()?
        .iter()
        .map(|p| ProfileView::new(p, today, true))
        .filter(|v| v.days_left <= within)
        .collect();
    views.sort_by(|a, b| {
        a.days_left
            .cmp(&b.days_left)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    if json {
        let out: Vec<Expiring> = views
            .iter()
            .map(|v| Expiring {
                name: &v.name,
                application: v.application.code(),
                host: &v.host,
                email: &v.email,
                expires: v.expires.to_string(),
                days_left: v.days_left,
                status: v.status.code(),
            })
            .collect();
        output::json(&out);
    } else if views.is_empty() {
        outln!("No API token has expired or expires within {within} days.");
    } else {
        output::expiring_table(&views);
    }
    Ok(if views.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(PROBLEMS)
    })
}
