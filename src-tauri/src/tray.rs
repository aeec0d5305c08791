//! The tray icon: a tooltip with the counts, an attention icon when something needs
//! it, and a menu with the most urgent profiles. Linux's AppIndicator delivers menu
//! events only, so every action is in the menu.

use connkeeper_core::model::Dated;
use connkeeper_core::reminders::{tray_summary, TraySummary};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, IsMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::AppState;

const TRAY_ID: &str = "main";
const ICON: &[u8] = include_bytes!("../../icons/tray.png");
const ICON_ATTENTION: &[u8] = include_bytes!("../../icons/tray-attention.png");

/// Whether a tray can be shown. On Linux the tray needs libayatana-appindicator (or
/// libappindicator) at run time; without it the tray is skipped instead of crashing.
pub fn available() -> bool {
    if std::env::var("CONNKEEPER_NO_TRAY").is_ok_and(|v| v == "1") {
        return false;
    }
    #[cfg(target_os = "linux")]
    {
        let names = ["libayatana-appindicator3.so.1", "libappindicator3.so.1"];
        let mut dirs: Vec<std::path::PathBuf> = std::env::var("LD_LIBRARY_PATH")
            .unwrap_or_default()
            .split(':')
            .filter(|s| !s.is_empty())
            .map(Into::into)
            .collect();
        for d in [
            "/usr/lib",
            "/usr/lib64",
            "/lib",
            "/usr/local/lib",
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/lib/x86_64-linux-gnu",
        ] {
            dirs.push(d.into());
        }
        dirs.iter()
            .any(|d| names.iter().any(|n| d.join(n).exists()))
    }
    #[cfg(not(target_os = "linux"))]
    true
}

fn menu<R: Runtime>(
    app: &AppHandle<R>,
    summary: &TraySummary,
    start_at_login: bool,
) -> tauri::Result<Menu<R>> {
    let mut items: Vec<Box<dyn IsMenuItem<R>>> = Vec::new();
    if summary.urgent.is_empty() {
        items.push(Box::new(MenuItem::with_id(
            app,
            "none",
            "No API token expires within 30 days",
            false,
            None::<&str>,
        )?));
    }
    for (id, label) in &summary.urgent {
        items.push(Box::new(MenuItem::with_id(
            app,
            format!("profile:{id}"),
            label,
            true,
            None::<&str>,
        )?));
    }
    // Each urgent profile's way out: a new token, verified before the old one goes.
    for (id, name) in &summary.rotate {
        items.push(Box::new(MenuItem::with_id(
            app,
            format!("rotate:{id}"),
            format!("Rotate the token of {name}…"),
            true,
            None::<&str>,
        )?));
    }
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    items.push(Box::new(MenuItem::with_id(
        app,
        "open",
        "Open ConnKeeper",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(MenuItem::with_id(
        app,
        "check",
        "Check now",
        true,
        None::<&str>,
    )?));
    items.push(Box::new(CheckMenuItem::with_id(
        app,
        "autostart",
        "Start at login",
        true,
        start_at_login,
        None::<&str>,
    )?));
    items.push(Box::new(PredefinedMenuItem::separator(app)?));
    items.push(Box::new(MenuItem::with_id(
        app,
        "quit",
        "Quit",
        true,
        None::<&str>,
    )?));
    let refs: Vec<&dyn IsMenuItem<R>> = items.iter().map(AsRef::as_ref).collect();
    Menu::with_items(app, &refs)
}

fn on_menu<R: Runtime>(app: &AppHandle<R>, id: &str) {
    tracing::info!(item = id, "tray menu");
    match id {
        "open" => crate::window::open(app, crate::window::Page::List),
        "check" => app.state::<AppState>().wake.notify_one(),
        "quit" => app.exit(0),
        "autostart" => {
            let state = app.state::<AppState>();
            match state
                .profiles
                .settings()
                .update(|s| s.start_at_login = !s.start_at_login)
            {
                Ok(settings) => crate::apply_settings(app, &settings),
                Err(e) => tracing::warn!(error = %e, "could not save settings"),
            }
            state.wake.notify_one();
        }
        other => {
            if let Some(profile) = other.strip_prefix("profile:") {
                crate::window::open(app, crate::window::Page::Edit(profile));
            } else if let Some(profile) = other.strip_prefix("rotate:") {
                crate::window::open(app, crate::window::Page::Rotate(profile));
            }
        }
    }
}

/// Creates the tray icon (nothing happens when no tray is available).
pub fn create<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    if !available() {
        tracing::warn!(
            "no tray available (libayatana-appindicator3 missing or CONNKEEPER_NO_TRAY=1)"
        );
        return Ok(());
    }
    let summary = tray_summary(&[]);
    TrayIconBuilder::with_id(TRAY_ID)
        .icon(Image::from_bytes(ICON)?)
        .tooltip(&summary.tooltip)
        .menu(&menu(app, &summary, false)?)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| on_menu(app, event.id().as_ref()))
        .build(app)?;
    Ok(())
}

/// Updates tooltip, icon and menu from the profiles.
pub fn refresh<R: Runtime>(app: &AppHandle<R>, views: &[Dated]) {
    let Some(tray) = app.tray_by_id(TRAY_ID) else {
        return;
    };
    let summary = tray_summary(views);
    let start_at_login = app
        .state::<AppState>()
        .profiles
        .settings()
        .load()
        .is_ok_and(|s| s.start_at_login);
    let labels: Vec<&str> = summary.urgent.iter().map(|(_, l)| l.as_str()).collect();
    let rotate: Vec<&str> = summary.rotate.iter().map(|(_, n)| n.as_str()).collect();
    tracing::info!(tooltip = %summary.tooltip, menu = ?labels, rotate = ?rotate, "tray updated");
    let icon = if summary.attention {
        ICON_ATTENTION
    } else {
        ICON
    };
    let result = (|| -> tauri::Result<()> {
        tray.set_tooltip(Some(&summary.tooltip))?;
        tray.set_icon(Some(Image::from_bytes(icon)?))?;
        tray.set_menu(Some(menu(app, &summary, start_at_login)?))?;
        Ok(())
    })();
    if let Err(e) = result {
        tracing::warn!(error = %e, "tray update failed");
    }
}
