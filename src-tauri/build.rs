//! Declares the app's commands so Tauri checks them against `capabilities/`.
//! Every command the UI may call must be listed here and granted there.

const COMMANDS: &[&str] = &["list_profiles"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
