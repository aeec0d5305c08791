//! A blank Tauri 2 window, measured the same way as ConnKeeper as the baseline.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .expect("error while running the blank window");
}
