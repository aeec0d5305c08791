//! One-line commands: run the core off the UI thread, map errors to `{kind, message, fields}`.

use connkeeper_core::model::ProfileView;
use connkeeper_core::ErrorPayload;
use tauri::State;

use crate::AppState;

/// Runs a blocking core call (file and keyring I/O) on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, connkeeper_core::Error> + Send + 'static,
) -> Result<T, ErrorPayload> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| ErrorPayload {
            kind: "internal".into(),
            message: e.to_string(),
            fields: vec![],
        })?
        .map_err(|e| e.payload())
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileView>, ErrorPayload> {
    let profiles = state.profiles.clone();
    blocking(move || profiles.list()).await
}
