//! One-line commands: run the core off the UI thread, map errors to `{kind, message, fields}`.
//! A command body should always pass the test "could this move to core?".

// Tauri hands command arguments over by value.
#![allow(clippy::needless_pass_by_value)]

use std::path::{Path, PathBuf};

use connkeeper_core::export::Format;
use connkeeper_core::import::ImportReport;
use connkeeper_core::jira::audit::{self, AuditInput, AuditPurpose, AuditReport};
use connkeeper_core::jira::Progress;
use connkeeper_core::model::{ProfileId, ProfileView};
use connkeeper_core::profiles::Saved;
use connkeeper_core::requirements::{Requirement, REQUIREMENTS};
use connkeeper_core::settings::Settings;
use connkeeper_core::store::atomic_write;
use connkeeper_core::validate::{self, Draft, FieldError, Mode};
use connkeeper_core::{Error, ErrorPayload, ExposeSecret};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tauri_plugin_dialog::DialogExt;
use tauri_plugin_opener::OpenerExt;

use crate::ipc::{ProgressEvent, AUDIT_PROGRESS_EVENT};
use crate::AppState;

type Result<T> = std::result::Result<T, ErrorPayload>;

fn payload(kind: &str, message: impl Into<String>) -> ErrorPayload {
    ErrorPayload {
        kind: kind.into(),
        message: message.into(),
        fields: vec![],
    }
}

/// Runs a blocking core call (file and keyring I/O) on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::result::Result<T, Error> + Send + 'static,
) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| payload("internal", e.to_string()))?
        .map_err(|e| e.payload())
}

fn parse_id(id: &str) -> Result<ProfileId> {
    id.parse()
        .map_err(|_| payload("not_found", format!("\"{id}\" is not a profile id")))
}

/// The saved profile as the UI shows it.
#[derive(Serialize)]
pub struct SavedOut {
    profile: ProfileView,
    warnings: Vec<FieldError>,
}

impl From<Saved> for SavedOut {
    fn from(s: Saved) -> Self {
        Self {
            profile: s.profile,
            warnings: s.warnings,
        }
    }
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Result<Vec<ProfileView>> {
    let p = state.profiles.clone();
    blocking(move || p.list()).await
}

#[tauri::command]
pub async fn get_profile(state: State<'_, AppState>, id: String) -> Result<ProfileView> {
    let p = state.profiles.clone();
    blocking(move || p.view(&p.find(&id)?)).await
}

#[tauri::command]
pub async fn create_profile(state: State<'_, AppState>, draft: Draft) -> Result<SavedOut> {
    let p = state.profiles.clone();
    blocking(move || p.create(&draft)).await.map(Into::into)
}

#[tauri::command]
pub async fn update_profile(
    state: State<'_, AppState>,
    id: String,
    draft: Draft,
) -> Result<SavedOut> {
    let id = parse_id(&id)?;
    let p = state.profiles.clone();
    blocking(move || p.update(id, &draft)).await.map(Into::into)
}

#[tauri::command]
pub async fn delete_profiles(state: State<'_, AppState>, ids: Vec<String>) -> Result<usize> {
    let ids = ids
        .iter()
        .map(|i| parse_id(i))
        .collect::<Result<Vec<_>>>()?;
    let p = state.profiles.clone();
    blocking(move || {
        ids.into_iter()
            .try_fold(0, |n, id| p.delete(id).map(|_| n + 1))
    })
    .await
}

#[tauri::command]
pub async fn validate_profile(
    state: State<'_, AppState>,
    draft: Draft,
    id: Option<String>,
) -> Result<Vec<FieldError>> {
    let id = id.as_deref().map(parse_id).transpose()?;
    let p = state.profiles.clone();
    blocking(move || p.check(&draft, id)).await
}

#[tauri::command]
pub fn requirements() -> &'static [Requirement] {
    REQUIREMENTS
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    let s = state.settings.clone();
    blocking(move || Ok(s.load().unwrap_or_default())).await
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings> {
    let settings = settings
        .normalised()
        .map_err(|m| payload("validation", m))?;
    let store = state.settings.clone();
    let saved = settings.clone();
    blocking(move || store.save(&saved).map_err(Error::from)).await?;
    crate::apply_settings(&app, &settings);
    state.wake.notify_one();
    Ok(settings)
}

#[tauri::command]
pub fn os_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en-US".into())
}

#[tauri::command]
pub async fn open_external<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    url: String,
) -> Result<()> {
    let p = state.profiles.clone();
    let profiles = blocking(move || p.load()).await?;
    let hosts: Vec<&str> = profiles.iter().map(|p| p.host.as_str()).collect();
    if !connkeeper_core::links::is_allowed(&url, &hosts) {
        tracing::warn!(%url, "refused to open a link outside the allow-list");
        return Err(payload(
            "forbidden",
            "ConnKeeper only opens Atlassian's API token page and your sites' admin pages.",
        ));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| payload("internal", e.to_string()))
}

/// Audits a saved profile with its token from the keyring.
#[tauri::command]
pub async fn audit_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    run_id: String,
    purpose: AuditPurpose,
) -> Result<AuditReport> {
    let pid = parse_id(&id)?;
    let p = state.profiles.clone();
    let (profile, token) = blocking(move || {
        let profile = p.find(&pid.to_string())?;
        let token = p.token(pid)?;
        Ok((profile, token))
    })
    .await?;
    let token = token.ok_or_else(|| {
        payload(
            "token_missing",
            format!(
                "No API token is stored for \"{}\". Edit the profile and enter one.",
                profile.name
            ),
        )
    })?;
    let input = AuditInput {
        host: profile.host,
        email: profile.email,
        token,
        application: profile.application,
        purpose,
    };
    let report = run_audit(&app, &state, run_id, input).await?;
    let p = state.profiles.clone();
    blocking(move || p.record_audit(pid, &report).map(|()| report)).await
}

/// Audits the form's unsaved values. Without a token in the draft, `id` names the saved
/// profile whose stored token is used (an edited host or email, tested before saving).
#[tauri::command]
pub async fn test_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    draft: Draft,
    run_id: String,
    purpose: AuditPurpose,
    id: Option<String>,
) -> Result<AuditReport> {
    let (host, email, application) = validate::validate_target(
        &draft.host,
        &draft.email,
        &draft.application,
        state.client.allow_loopback_http,
    )
    .map_err(|f| Error::Validation(f).payload())?;
    let typed = draft
        .token
        .as_ref()
        .filter(|t| !t.expose_secret().trim().is_empty());
    let token = match (typed, id) {
        (None, Some(id)) => {
            let pid = parse_id(&id)?;
            let p = state.profiles.clone();
            blocking(move || p.token(pid)).await?.ok_or_else(|| {
                payload(
                    "token_missing",
                    "No API token is stored for this profile; enter one.",
                )
            })?
        }
        _ => validate::validate_token(draft.token.as_ref(), Mode::Create)
            .map_err(|f| Error::Validation(vec![f]).payload())?
            .expect("create mode yields a token"),
    };
    run_audit(
        &app,
        &state,
        run_id,
        AuditInput {
            host,
            email,
            token,
            application,
            purpose,
        },
    )
    .await
}

#[tauri::command]
pub fn cancel_audit(state: State<'_, AppState>, run_id: String) {
    if let Some(task) = state.audits.lock().expect("audit table").remove(&run_id) {
        task.abort();
    }
}

/// Runs an audit as a cancellable task, streaming `audit-progress` events.
async fn run_audit<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    run_id: String,
    input: AuditInput,
) -> Result<AuditReport> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let cfg = state.client.clone();
    let clock = state.clock.clone();
    let emitter = app.clone();
    let id = run_id.clone();
    let task = tauri::async_runtime::spawn(async move {
        let progress = move |progress: Progress| {
            let _ = emitter.emit(
                AUDIT_PROGRESS_EVENT,
                ProgressEvent {
                    run_id: id.clone(),
                    progress,
                },
            );
        };
        let _ = tx.send(audit::run(input, cfg, clock.as_ref(), &progress).await);
    });
    state
        .audits
        .lock()
        .expect("audit table")
        .insert(run_id.clone(), task);
    let outcome = rx.await;
    state.audits.lock().expect("audit table").remove(&run_id);
    match outcome {
        Ok(Ok(report)) => Ok(report),
        Ok(Err(e)) => Err(Error::Jira(e).payload()),
        Err(_) => Err(payload("cancelled", "The audit was cancelled.")),
    }
}

/// Where an export was written.
#[derive(Serialize)]
pub struct Exported {
    path: String,
    count: usize,
}

fn format_of(format: &str) -> Result<Format> {
    Format::parse(format).ok_or_else(|| {
        payload(
            "validation",
            format!("\"{format}\" is not one of csv, json, md, ics"),
        )
    })
}

/// Runs a native file dialog off the async runtime; the chosen path, or `None`.
async fn file_dialog<R: Runtime>(
    app: AppHandle<R>,
    ask: impl FnOnce(tauri_plugin_dialog::FileDialogBuilder<R>) -> Option<tauri_plugin_dialog::FilePath>
        + Send
        + 'static,
) -> Result<Option<String>> {
    let picked = tauri::async_runtime::spawn_blocking(move || ask(app.dialog().file()))
        .await
        .map_err(|e| payload("internal", e.to_string()))?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

#[tauri::command]
pub async fn pick_export_path<R: Runtime>(
    app: AppHandle<R>,
    format: String,
) -> Result<Option<String>> {
    let ext = format_of(&format)?.extension();
    file_dialog(app, move |d| {
        d.set_title("Export ConnKeeper profiles")
            .set_file_name(format!("connkeeper-profiles.{ext}"))
            .add_filter(ext.to_uppercase(), &[ext])
            .blocking_save_file()
    })
    .await
}

#[tauri::command]
pub async fn export_profiles(
    state: State<'_, AppState>,
    format: String,
    path: String,
    with_audit: bool,
) -> Result<Exported> {
    let format = format_of(&format)?;
    let p = state.profiles.clone();
    let target = PathBuf::from(&path);
    let count = blocking(move || {
        let (bytes, count) = p.export(format, with_audit)?;
        atomic_write(&target, &bytes)?;
        Ok(count)
    })
    .await?;
    Ok(Exported { path, count })
}

#[tauri::command]
pub async fn pick_import_path<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>> {
    file_dialog(app, |d| {
        d.set_title("Import profiles")
            .add_filter("ConnKeeper export (JSON, CSV)", &["json", "csv"])
            .blocking_pick_file()
    })
    .await
}

#[tauri::command]
pub async fn import_preview(state: State<'_, AppState>, path: String) -> Result<ImportReport> {
    let p = state.profiles.clone();
    blocking(move || p.import_file(Path::new(&path), true)).await
}

#[tauri::command]
pub async fn import_apply(state: State<'_, AppState>, path: String) -> Result<ImportReport> {
    let p = state.profiles.clone();
    let report = blocking(move || p.import_file(Path::new(&path), false)).await?;
    state.wake.notify_one();
    Ok(report)
}
