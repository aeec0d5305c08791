//! ConnKeeper's desktop shell. No logic lives here: each command calls
//! `connkeeper-core` and maps its error to the typed `{kind, message, fields}` shape.

mod commands;
mod ipc;
mod state;

use tauri::{Builder, Manager, Runtime};
use tauri_plugin_autostart::ManagerExt as _;

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
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }))
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_autostart::init(
            tauri_plugin_autostart::MacosLauncher::LaunchAgent,
            Some(vec!["--hidden"]),
        ));
    builder(app, state)
        .run(tauri::generate_context!())
        .expect("error while running ConnKeeper");
}
