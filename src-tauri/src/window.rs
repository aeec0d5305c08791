//! The main window lives only while it is shown. Closing it to the tray destroys it, and
//! with it the webview and its WebKit processes, so ConnKeeper costs little all day in
//! the tray; opening it (the tray, a second launch, a reminder's profile) builds a new one
//! from `tauri.conf.json` (where it is `"create": false`).

use connkeeper_core::events::{OPEN_PROFILE_EVENT, OPEN_ROTATION_EVENT};
use tauri::{AppHandle, Emitter, Manager, Runtime, WebviewUrl, WebviewWindowBuilder};

use crate::AppState;

/// The main window's label.
pub const MAIN: &str = "main";

/// What the window opens on.
#[derive(Debug, Clone, Copy)]
pub enum Page<'a> {
    /// The list (or whatever the open window shows).
    List,
    /// A profile's edit form.
    Edit(&'a str),
    /// A profile's token rotation.
    Rotate(&'a str),
}

impl Page<'_> {
    /// The profile id, when it is a well-formed one (the page route takes nothing else).
    fn id(&self) -> Option<&str> {
        match self {
            Page::List => None,
            Page::Edit(id) | Page::Rotate(id) => Some(*id),
        }
        .filter(|id| id.parse::<connkeeper_core::model::ProfileId>().is_ok())
    }
}

/// Shows the main window, building it when it is closed, on `page`.
pub fn open<R: Runtime>(app: &AppHandle<R>, page: Page<'_>) {
    if let Some(w) = app.get_webview_window(MAIN) {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
        if let Some(id) = page.id() {
            let event = match page {
                Page::Rotate(_) => OPEN_ROTATION_EVENT,
                _ => OPEN_PROFILE_EVENT,
            };
            let _ = app.emit(event, id.to_owned());
        }
        return;
    }
    let Some(mut config) = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == MAIN)
        .cloned()
    else {
        tracing::error!("tauri.conf.json has no main window");
        return;
    };
    // A page loading from scratch cannot receive an event yet: the route says it.
    if let Some(id) = page.id() {
        let route = if matches!(page, Page::Rotate(_)) {
            "rotate"
        } else {
            "edit"
        };
        config.url = WebviewUrl::App(format!("index.html#/{route}/{id}").into());
    }
    match WebviewWindowBuilder::from_config(app, &config).and_then(|b| b.build()) {
        Ok(w) => {
            let _ = w.set_focus();
            tracing::info!("window opened");
        }
        Err(e) => tracing::error!(error = %e, "could not open the window"),
    }
}

/// After the main window closed to the tray: nothing stays that only the page needed.
pub fn closed<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    // A previewed import waits for a page that is gone.
    *state.pending_import.lock().expect("import slot") = None;
    tracing::info!("window closed; the webview is released");
}

/// Without a GPU render node (a VM, Xvfb, remote X), WebKitGTK's DMA-BUF renderer has no
/// GPU to share buffers with and only adds its cost: measured here, about 115 MiB more in
/// the web process and 120 ms more to the first paint than its shared-memory path. Runs
/// first in `run`, before any thread exists; a value the user set is kept. (WebKitWebDriver
/// cannot take screenshots on the shared-memory path: the tests capture the X screen.)
pub fn prefer_shared_memory_without_gpu() {
    #[cfg(target_os = "linux")]
    {
        const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
        let gpu = std::fs::read_dir("/dev/dri").is_ok_and(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        });
        if !gpu && std::env::var_os(VAR).is_none() {
            std::env::set_var(VAR, "1");
        }
    }
}
