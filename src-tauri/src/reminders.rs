//! The reminder loop: wakes at the next due time (at least hourly, and right after a
//! resume from sleep), asks the core what is due, shows notifications, keeps the tray
//! up to date. The decisions are in `connkeeper_core::reminders`.
//!
//! Idle, it costs one timer: on Linux logind's `PrepareForSleep(false)` signal wakes it
//! after a resume; without logind (and on other systems) it compares the wall clock with
//! the monotonic one once a minute, since the monotonic clock stops while asleep.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use chrono::Local;
use connkeeper_core::reminders;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::AppState;

/// The longest the loop sleeps between checks.
const MAX_SLEEP: Duration = Duration::from_secs(3600);
/// How often the loop looks at the clocks to notice a resume from sleep, when no resume
/// signal is available.
const TICK: Duration = Duration::from_secs(60);

/// Starts the loop on the async runtime.
pub fn spawn<R: Runtime>(app: AppHandle<R>) {
    let wake = app.state::<AppState>().wake.clone();
    let signalled = std::sync::Arc::new(AtomicBool::new(false));
    watch_resume(wake.clone(), signalled.clone());
    tauri::async_runtime::spawn(async move {
        loop {
            let next = check(&app).await;
            let budget = next.min(MAX_SLEEP);
            let tick = if signalled.load(Ordering::SeqCst) {
                budget
            } else {
                TICK
            };
            let started = (Instant::now(), SystemTime::now());
            loop {
                let elapsed = started.0.elapsed();
                if elapsed >= budget {
                    break;
                }
                let step = tick.min(budget - elapsed);
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

/// Wakes the loop when the machine resumes from sleep: logind's
/// `PrepareForSleep(false)` on the system bus, read by a thread that sleeps in the
/// socket; `signalled` holds while it listens (without logind it never does). The signal
/// is not filtered by sender: a forged one only makes the loop check early.
#[cfg(target_os = "linux")]
fn watch_resume(wake: std::sync::Arc<tokio::sync::Notify>, signalled: std::sync::Arc<AtomicBool>) {
    let subscribe = || -> zbus::Result<zbus::blocking::MessageIterator> {
        let conn = zbus::blocking::Connection::system()?;
        let rule = zbus::MatchRule::builder()
            .msg_type(zbus::message::Type::Signal)
            .path("/org/freedesktop/login1")?
            .interface("org.freedesktop.login1.Manager")?
            .member("PrepareForSleep")?
            .build();
        zbus::blocking::MessageIterator::for_match_rule(rule, &conn, Some(4))
    };
    let watch = move || {
        let messages = match subscribe() {
            Ok(m) => m,
            Err(e) => {
                tracing::info!(error = %e, "no logind on the system bus: checking the clocks each minute instead");
                return;
            }
        };
        signalled.store(true, Ordering::SeqCst);
        tracing::info!("listening for logind's resume signal");
        for message in messages.flatten() {
            if let Ok(false) = message.body().deserialize::<bool>() {
                tracing::info!("resumed from sleep (logind): checking reminders");
                wake.notify_one();
            }
        }
        signalled.store(false, Ordering::SeqCst);
        tracing::warn!("the system bus closed: checking the clocks each minute instead");
    };
    if let Err(e) = std::thread::Builder::new()
        .name("resume-watch".into())
        .spawn(watch)
    {
        tracing::warn!(error = %e, "no resume watcher");
    }
}

#[cfg(not(target_os = "linux"))]
fn watch_resume(
    _wake: std::sync::Arc<tokio::sync::Notify>,
    _signalled: std::sync::Arc<AtomicBool>,
) {
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
