//! The reminder loop: wakes at the next due time (at least hourly, and right after a
//! resume from sleep), asks the core what is due, shows notifications, keeps the tray
//! up to date. The decisions are in `connkeeper_core::reminders`.

use std::time::{Duration, Instant, SystemTime};

use chrono::Local;
use connkeeper_core::reminders;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

/// The longest the loop sleeps between checks.
const MAX_SLEEP: Duration = Duration::from_secs(3600);
/// How often the loop looks at the clocks to notice a resume from sleep.
const TICK: Duration = Duration::from_secs(30);

/// Starts the loop on the async runtime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        loop {
            let next = check(&app).await;
            let state = app.state::<AppState>();
            let wake = state.wake.clone();
            let budget = next.min(MAX_SLEEP);
            let started = (Instant::now(), SystemTime::now());
            loop {
                let elapsed = started.0.elapsed();
                if elapsed >= budget {
                    break;
                }
                let step = TICK.min(budget - elapsed);
                tokio::select! {
                    () = wake.notified() => break,
                    () = tokio::time::sleep(step) => {}
                }
                // The monotonic clock stops during suspend; the wall clock does not.
                let wall = started.1.elapsed().unwrap_or_default();
                if wall > started.0.elapsed() + Duration::from_secs(120) {
                    tracing::info!("resumed from sleep: checking reminders");
                    break;
                }
            }
        }
    });
}

/// A notification body as the platform reads it: freedesktop servers parse a small
/// markup language, so a profile named `<b>` or `A & B` is escaped there.
fn notification_body(body: &str) -> String {
    #[cfg(target_os = "linux")]
    {
        connkeeper_core::text::escape_markup(body).into_owned()
    }
    #[cfg(not(target_os = "linux"))]
    {
        body.to_owned()
    }
}

/// One check: due reminders become notifications; the tray is refreshed. Returns how
/// long until the next check.
async fn check<R: Runtime>(app: &AppHandle<R>) -> Duration {
    let profiles = app.state::<AppState>().profiles.clone();
    let outcome =
        tauri::async_runtime::spawn_blocking(move || reminders::check(&profiles, &Local)).await;
    match outcome {
        Ok(Ok(check)) => {
            let until = check.next_in;
            tracing::info!(
                notifications = check.notices.len(),
                next_in_s = until.as_secs(),
                "reminder check"
            );
            for n in check.notices {
                tracing::info!(title = %n.title, "reminder");
                if let Err(e) = app
                    .notification()
                    .builder()
                    .title(&n.title)
                    .body(notification_body(&n.body))
                    .show()
                {
                    tracing::warn!(error = %e, "notification failed");
                }
            }
            crate::tray::refresh(app, &check.dated);
            until
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "reminder check failed");
            Duration::from_secs(600)
        }
        Err(e) => {
            tracing::error!(error = %e, "reminder check panicked");
            Duration::from_secs(600)
        }
    }
}
