//! Declares the app's commands so Tauri checks them against `capabilities/`.
//! Every command the UI may call must be listed here and granted there.

const COMMANDS: &[&str] = &[
    "list_profiles",
    "get_profile",
    "create_profile",
    "update_profile",
    "delete_profiles",
    "validate_profile",
    "requirements",
    "get_settings",
    "save_settings",
    "os_locale",
    "open_external",
    "audit_profile",
    "test_connection",
    "cancel_audit",
    "export_profiles",
    "import_open",
    "import_apply",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
