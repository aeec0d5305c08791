//! One-line commands: run the core off the UI thread, map errors to `{kind, message, fields}`.
//! A command body should always pass the test "could this move to core?".

// Tauri hands command arguments over by value.
#![allow(clippy::needless_pass_by_value)]

use std::path::PathBuf;

use connkeeper_core::export::Format;
use connkeeper_core::import::{self, ImportReport};
use connkeeper_core::jira::audit::{self, AuditInput, AuditPurpose, AuditReport};
use connkeeper_core::jira::Progress;
use connkeeper_core::links;
use connkeeper_core::model::{ProfileId, ProfileView};
use connkeeper_core::profiles::Saved;
use connkeeper_core::requirements::{
    Advice, CallScopes, Requirement, ADVICE, AUDIT_SCOPES, REQUIREMENTS,
};
use connkeeper_core::settings::Settings;
use connkeeper_core::validate::{Draft, FieldError};
use connkeeper_core::{Error, ErrorPayload};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, Runtime, State};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};
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
    let id = parse_id(&id)?;
    let p = state.profiles.clone();
    blocking(move || p.view(&p.get(id)?)).await
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

/// What the help panel explains: the permission table, the advice beyond it and the
/// scopes a token with scopes needs.
#[derive(Serialize)]
pub struct RequirementsView {
    permissions: &'static [Requirement],
    advice: &'static [Advice],
    scopes: &'static [CallScopes],
}

#[tauri::command]
pub fn requirements() -> RequirementsView {
    RequirementsView {
        permissions: REQUIREMENTS,
        advice: ADVICE,
        scopes: AUDIT_SCOPES,
    }
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<Settings> {
    let s = state.settings.clone();
    blocking(move || Ok(s.load()?)).await
}

#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Settings,
) -> Result<Settings> {
    let store = state.settings.clone();
    let saved = blocking(move || Ok(store.replace(settings)?)).await?;
    crate::apply_settings(&app, &saved);
    state.wake.notify_one();
    Ok(saved)
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
    if !links::is_allowed(&url, &links::site_hosts(&profiles)) {
        tracing::warn!(url = %links::loggable(&url), "refused to open a link outside the allow-list");
        return Err(payload(
            "forbidden",
            "ConnKeeper only opens Atlassian's API token page and your sites' admin pages.",
        ));
    }
    app.opener()
        .open_url(url, None::<&str>)
        .map_err(|e| payload("internal", e.to_string()))
}

/// Asks, in a native dialog owned by Rust (the page cannot answer it), whether the API
/// token may go to `host`, a site outside Atlassian's domains.
async fn user_confirms_host<R: Runtime>(app: &AppHandle<R>, host: String) -> Result<bool> {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = app
            .dialog()
            .message(format!(
                "{host} is not an Atlassian Cloud site (*.atlassian.net).\n\nSend the API token there only if it is your Jira site (a custom domain). ConnKeeper remembers your answer for this profile."
            ))
            .title("Send the API token to this host?")
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                "Send the token".into(),
                "Cancel".into(),
            ));
        if let Some(w) = app.get_webview_window("main") {
            dialog = dialog.parent(&w);
        }
        dialog.blocking_show()
    })
    .await
    .map_err(|e| payload("internal", e.to_string()))
}

/// Runs a core preparation; when it needs the user's confirmation of a custom host,
/// asks in the Rust-owned dialog and runs it again confirmed.
async fn with_confirmation<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    prepare: impl Fn(bool) -> std::result::Result<T, Error> + Send + Sync + Clone + 'static,
) -> Result<T> {
    let first = prepare.clone();
    match tauri::async_runtime::spawn_blocking(move || first(false))
        .await
        .map_err(|e| payload("internal", e.to_string()))?
    {
        Err(Error::ConfirmationRequired { host }) => {
            if !user_confirms_host(app, host).await? {
                return Err(Error::Cancelled(
                    "Nothing was sent: you did not confirm the host.".into(),
                )
                .payload());
            }
            blocking(move || prepare(true)).await
        }
        other => other.map_err(|e| e.payload()),
    }
}

/// Audits a saved profile with its token from the keyring, against its own host and
/// email only.
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
    let (profile, input) =
        with_confirmation(&app, move |yes| p.audit_input(pid, purpose, yes)).await?;
    let report = run_audit(&app, &state, run_id, input).await?;
    let p = state.profiles.clone();
    blocking(move || {
        p.record_audit(pid, profile.target(), &report)?;
        Ok(report)
    })
    .await
}

/// Audits the form's unsaved values. Without a token in the draft, `id` names the saved
/// profile whose stored token is used, which only ever goes to that profile's stored
/// host and email (an edited host or email needs the token typed again).
#[tauri::command]
pub async fn test_connection<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    draft: Draft,
    run_id: String,
    purpose: AuditPurpose,
    id: Option<String>,
) -> Result<AuditReport> {
    let id = id.as_deref().map(parse_id).transpose()?;
    let p = state.profiles.clone();
    let input = with_confirmation(&app, move |yes| p.test_input(&draft, id, purpose, yes)).await?;
    run_audit(&app, &state, run_id, input).await
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
        Err(_) => Err(Error::Cancelled("The audit was cancelled.".into()).payload()),
    }
}

/// Where an export was written (shown to the user; the page never names a path).
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
) -> Result<Option<PathBuf>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut builder = app.dialog().file();
        if let Some(w) = app.get_webview_window("main") {
            builder = builder.set_parent(&w);
        }
        ask(builder)
    })
    .await
    .map_err(|e| payload("internal", e.to_string()))?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

/// Asks where to save with the native dialog and writes the export there, in one
/// command: the page chooses a format, never a path. `None` when cancelled.
#[tauri::command]
pub async fn export_profiles<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    format: String,
    with_audit: bool,
) -> Result<Option<Exported>> {
    let format = format_of(&format)?;
    let ext = format.extension();
    let Some(target) = file_dialog(app, move |d| {
        d.set_title("Export ConnKeeper profiles")
            .set_file_name(format!("connkeeper-profiles.{ext}"))
            .add_filter(ext.to_uppercase(), &[ext])
            .blocking_save_file()
    })
    .await?
    else {
        return Ok(None);
    };
    let p = state.profiles.clone();
    let path = target.display().to_string();
    let count = blocking(move || p.export_file(format, with_audit, &target)).await?;
    Ok(Some(Exported { path, count }))
}

/// A file chosen for import: what importing it would do, and the one-shot handle that
/// applies exactly this content.
#[derive(Serialize)]
pub struct ImportPreview {
    handle: String,
    path: String,
    report: ImportReport,
}

/// Asks for a file with the native dialog, reads it (at most 64 MiB) and reports what an
/// import would do, writing nothing. The content waits under a one-shot handle.
#[tauri::command]
pub async fn import_open<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<ImportPreview>> {
    let Some(path) = file_dialog(app, |d| {
        d.set_title("Import profiles")
            .add_filter("ConnKeeper export (JSON, CSV)", &["json", "csv"])
            .blocking_pick_file()
    })
    .await?
    else {
        return Ok(None);
    };
    let p = state.profiles.clone();
    let shown = path.display().to_string();
    let (incoming, report) = blocking(move || {
        let incoming = import::read_file(&path)?;
        let report = p.import(&incoming, true)?;
        Ok((incoming, report))
    })
    .await?;
    let handle = ProfileId::new().to_string();
    *state.pending_import.lock().expect("import slot") = Some((handle.clone(), incoming));
    Ok(Some(ImportPreview {
        handle,
        path: shown,
        report,
    }))
}

/// Imports, all or nothing, the content previewed under `handle` (usable once).
#[tauri::command]
pub async fn import_apply(state: State<'_, AppState>, handle: String) -> Result<ImportReport> {
    let incoming = {
        let mut slot = state.pending_import.lock().expect("import slot");
        match slot.take() {
            Some((h, incoming)) if h == handle => incoming,
            other => {
                *slot = other;
                return Err(payload(
                    "not_found",
                    "This import is no longer pending; choose the file again.",
                ));
            }
        }
    };
    let p = state.profiles.clone();
    let report = blocking(move || p.import(&incoming, false)).await?;
    state.wake.notify_one();
    Ok(report)
}
