//! ConnKeeper's desktop shell. No logic lives here: each command calls
//! `connkeeper-core` and maps its error to the typed `{kind, message, fields}` shape.

mod commands;
mod ipc;
mod reminders;
mod state;
mod tray;

use tauri::{Builder, Manager, Runtime, WindowEvent};
use tauri_plugin_autostart::ManagerExt as _;
use tauri_plugin_notification::NotificationExt;

pub use state::AppState;

/// Registers the app's state and commands on a builder (generic so a headless smoke
/// test can use `tauri::test::mock_builder()`).
pub fn builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::list_profiles,
            commands::get_profile,
            commands::create_profile,
            commands::update_profile,
            commands::delete_profiles,
            commands::validate_profile,
            commands::requirements,
            commands::get_settings,
            commands::save_settings,
            commands::os_locale,
            commands::open_external,
            commands::audit_profile,
            commands::test_connection,
            commands::cancel_audit,
            commands::pick_export_path,
            commands::export_profiles,
            commands::pick_import_path,
            commands::import_preview,
            commands::import_apply,
        ])
}

/// Applies settings that live outside the app (start at login).
pub(crate) fn apply_settings<R: Runtime>(
    app: &tauri::AppHandle<R>,
    settings: &connkeeper_core::settings::Settings,
) {
    let autolaunch = app.autolaunch();
    let result = if settings.start_at_login {
        autolaunch.enable()
    } else {
        autolaunch.disable()
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not change start at login");
    }
}

/// The first time the window is closed, says that ConnKeeper keeps running in the tray.
fn hide_hint<R: Runtime>(app: &tauri::AppHandle<R>) {
    let state = app.state::<AppState>();
    let mut settings = state.settings.load().unwrap_or_default();
    if settings.tray_hint_shown {
        return;
    }
    settings.tray_hint_shown = true;
    if let Err(e) = state.settings.save(&settings) {
        tracing::warn!(error = %e, "could not save settings");
    }
    let _ = app
        .notification()
        .builder()
        .title("ConnKeeper keeps running in the tray")
        .body("Expiry reminders continue while the window is closed. Use the tray icon to open ConnKeeper, or Quit from its menu.")
        .show();
}

/// Starts the desktop app.
pub fn run() {
    let _log_guard = state::init_logging();
    let state = match AppState::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("connkeeper-desktop: {e}");
            std::process::exit(3);
        }
    };
    let app = Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            tracing::info!("another launch: showing the running window");
            tray::show_window(app);
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ));
    let hidden = std::env::args().any(|a| a == "--hidden");
    builder(app, state)
        .setup(move |app| {
            let handle = app.handle().clone();
            if let Err(e) = tray::create(&handle) {
                tracing::warn!(error = %e, "tray unavailable");
            }
            if hidden && tray::available() {
                if let Some(w) = app.get_webview_window("main") {
                    let _ = w.hide();
                }
            }
            reminders::spawn(handle);
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::CloseRequested { api, .. } = event {
                if window.label() == "main" && tray::available() {
                    api.prevent_close();
                    let _ = window.hide();
                    hide_hint(window.app_handle());
                }
            }
        })
        .run(tauri::generate_context!())
        .expect("error while running ConnKeeper");
}
