//! ConnKeeper's desktop shell. No logic lives here: each command calls
//! `connkeeper-core` and its error reaches the UI as the typed `{kind, message, fields}`.

mod commands;
pub mod contract;
#[cfg(test)]
mod contract_tests;
mod reminders;
mod state;
mod tray;
mod window;

use connkeeper_core::error::ErrorPayload;
use tauri::{Builder, Manager, RunEvent, Runtime, WindowEvent};
use tauri_plugin_notification::NotificationExt;

pub use state::AppState;

/// Generates, from `command_list.rs`, one `#[tauri::command]` per entry with exactly the
/// declared arguments and answer (each calls `commands::<name>`), the handler that
/// registers them, [`contract::Command::ALL`] and (in tests) `schema`, the list as
/// TypeScript types.
macro_rules! commands {
    ($($(#[doc = $doc:literal])* $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty;)*) => {
        /// The IPC entry points, generated from `command_list.rs`.
        mod entry {
            #[allow(unused_imports)]
            use super::contract::types::*;
            $(
                $(#[doc = $doc])*
                #[tauri::command]
                pub async fn $name<R: tauri::Runtime>(
                    app: tauri::AppHandle<R>,
                    $($arg: $ty),*
                ) -> Result<$ret, super::ErrorPayload> {
                    super::commands::$name(&app, $($arg),*).await.map_err(|e| e.payload())
                }
            )*
        }

        fn handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(entry::$name),*]
        }

        impl contract::Command {
            /// Every command of `command_list.rs`, in its order.
            pub const ALL: &'static [contract::Command] = &[$(contract::Command {
                name: stringify!($name),
                args: &[$(stringify!($arg)),*],
            }),*];
        }

        /// The list as TypeScript types: `ui/js/gen/commands.ts` is ts-rs's export of
        /// [`schema::Commands`].
        #[cfg(test)]
        pub(crate) mod schema {
            #[allow(unused_imports)]
            use super::contract::types::*;

            /// Each command's arguments, named as the UI passes them (Tauri expects each
            /// Rust name in camelCase).
            #[allow(non_camel_case_types, dead_code)]
            mod args {
                #[allow(unused_imports)]
                use crate::contract::types::*;
                $(command_args!($name($($arg: $ty),*));)*
            }

            /// One command: its arguments and its answer.
            #[derive(ts_rs::TS)]
            #[allow(dead_code)]
            pub(crate) struct Cmd<A: ts_rs::TS, R: ts_rs::TS> {
                #[ts(inline)]
                args: A,
                ok: R,
            }

            /// Every command the UI may call: its arguments as the UI passes them, and its answer.
            #[derive(ts_rs::TS)]
            #[ts(export_to = "commands.ts")]
            #[allow(dead_code)]
            pub(crate) struct Commands {
                $(
                    $(#[doc = $doc])*
                    #[ts(inline)]
                    $name: Cmd<args::$name, $ret>,
                )*
            }

            /// For each command, which of its arguments may be left out (an `Option`).
            pub(crate) const OPTIONAL: &[&[bool]] =
                &[$(&[$(<$ty as ts_rs::TS>::IS_OPTION),*]),*];
        }
    };
}

/// The arguments of one command as a struct, or [`NoArgs`].
#[cfg(test)]
macro_rules! command_args {
    ($name:ident()) => {
        pub(crate) type $name = crate::NoArgs;
    };
    ($name:ident($($arg:ident: $ty:ty),+)) => {
        #[derive(ts_rs::TS)]
        #[ts(rename_all = "camelCase", optional_fields = nullable)]
        pub(crate) struct $name {
            $($arg: $ty),+
        }
    };
}

/// The arguments of a command without any: an object with no keys.
#[cfg(test)]
pub(crate) struct NoArgs;

#[cfg(test)]
impl ts_rs::TS for NoArgs {
    type WithoutGenerics = Self;
    type OptionInnerType = Self;
    fn name(_: &ts_rs::Config) -> String {
        "Record<string, never>".to_owned()
    }
    fn inline(cfg: &ts_rs::Config) -> String {
        Self::name(cfg)
    }
}

include!("command_list.rs");

/// Registers the app's state and commands on a builder (generic so the contract tests
/// can use `tauri::test::mock_builder()`).
pub fn builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder.manage(state).invoke_handler(handler())
}

/// Applies settings that live outside the app (start at login). Without the autostart
/// plugin (the contract tests' mock app) there is nothing to apply.
pub(crate) fn apply_settings<R: Runtime>(
    app: &tauri::AppHandle<R>,
    settings: &connkeeper_core::settings::Settings,
) {
    let Some(autolaunch) = app.try_state::<tauri_plugin_autostart::AutoLaunchManager>() else {
        return;
    };
    let result = if settings.start_at_login {
        autolaunch.enable()
    } else if autolaunch.is_enabled().unwrap_or(false) {
        autolaunch.disable()
    } else {
        Ok(())
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not change start at login");
    }
}

/// The first time the window is closed, says that ConnKeeper keeps running in the tray.
fn hide_hint<R: Runtime>(app: &tauri::AppHandle<R>) {
    let state = app.state::<AppState>();
    match connkeeper_core::settings::LocalState::first_tray_hint(state.profiles.store().dir()) {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            tracing::warn!(error = %e, "could not save the app state");
            return;
        }
    }
    let _ = app
        .notification()
        .builder()
        .title("ConnKeeper keeps running in the tray")
        .body("Expiry reminders continue while the window is closed. Use the tray icon to open ConnKeeper, or Quit from its menu.")
        .show();
}

/// Keeps every webview on the app's own pages: a navigation anywhere else (a link, a
/// script setting `location`, a redirect) is refused and logged without its query.
fn navigation_guard<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("navigation-guard")
        .on_navigation(|_webview, url| {
            let own = is_app_page(url);
            if !own {
                tracing::warn!(url = %connkeeper_core::links::loggable(url.as_str()), "refused a navigation away from the app");
            }
            own
        })
        .build()
}

/// The app's own pages: `tauri://localhost` (Linux, macOS) and `http(s)://tauri.localhost`
/// (Windows), where Tauri serves `ui/`.
fn is_app_page(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost") && url.port().is_none(),
        _ => false,
    }
}

/// Starts the desktop app.
pub fn run() {
    window::prefer_shared_memory_without_gpu();
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
            window::open(app, window::Page::List);
        }))
        .plugin(navigation_guard())
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
            // Started at login (--hidden) with a tray: no window, no webview until asked.
            if !(hidden && tray::available()) {
                window::open(&handle, window::Page::List);
            }
            // Start at login follows the settings, and its entry points at this binary
            // (an installed package, or a build that moved).
            match app.state::<AppState>().profiles.settings().load() {
                Ok(settings) => apply_settings(&handle, &settings),
                Err(e) => {
                    tracing::warn!(error = %e, "settings unreadable; start at login left as it is");
                }
            }
            reminders::spawn(handle);
            Ok(())
        })
        .on_window_event(|window, event| {
            // With a tray, closing the window keeps ConnKeeper running there; the window
            // (and its webview) is destroyed and built again when opened.
            if let WindowEvent::Destroyed = event {
                if window.label() == window::MAIN && tray::available() {
                    window::closed(window.app_handle());
                    hide_hint(window.app_handle());
                }
            }
        })
        .build(tauri::generate_context!())
        .expect("error while building ConnKeeper")
        .run(|_app, event| {
            // The last window closing would end the app: with a tray it stays, until
            // Quit (which exits with a code).
            if let RunEvent::ExitRequested {
                code: None, api, ..
            } = event
            {
                if tray::available() {
                    api.prevent_exit();
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::is_app_page;

    #[test]
    fn only_the_apps_own_pages_are_navigable() {
        let ok = |u: &str| is_app_page(&tauri::Url::parse(u).unwrap());
        assert!(ok("tauri://localhost/index.html"));
        assert!(ok("http://tauri.localhost/#/edit/x"));
        assert!(ok("https://tauri.localhost/index.html"));
        assert!(!ok("https://evil.example/"));
        assert!(!ok("https://tauri.localhost.evil.example/"));
        assert!(!ok("http://tauri.localhost:8080/"));
        assert!(!ok("tauri://evil/"));
        assert!(!ok("file:///etc/passwd"));
        assert!(!ok(
            "https://id.atlassian.com/manage-profile/security/api-tokens"
        ));
    }
}
