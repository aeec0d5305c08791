//! ConnKeeper's desktop shell. No logic lives here: each command calls
//! `connkeeper-core` and maps its error to the typed `{kind, message, fields}` shape.

mod commands;
mod state;

use tauri::{Builder, Manager, Runtime};

pub use state::AppState;

/// Registers the app's state, plugins and commands on a builder (generic so a
/// headless smoke test can use `tauri::test::mock_builder()`).
pub fn builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![commands::list_profiles])
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
        .plugin(tauri_plugin_notification::init());
    builder(app, state)
        .run(tauri::generate_context!())
        .expect("error while running ConnKeeper");
}
