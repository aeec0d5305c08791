//! `connkeeper expiring`

use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::SecretStore;

use crate::exit::{Exit, Failure};
use crate::io::Io;
use crate::output;
use crate::output::outln;

pub fn run<S: SecretStore>(
    profiles: &Profiles<S>,
    within: i64,
    json: bool,
    io: &mut Io,
) -> Result<Exit, Failure> {
    // Only the dates matter here: read the store, not the keyring (cron may run headless).
    let mut views = profiles.dated()?;
    views.retain(|v| v.days_left <= within);
    if json {
        output::json(io, &views)?;
    } else if views.is_empty() {
        outln!(
            io,
            "No API token has expired or expires within {within} days."
        );
    } else {
        output::expiring_table(io, &views)?;
    }
    Ok(if views.is_empty() {
        Exit::Ok
    } else {
        Exit::Problems
    })
}
