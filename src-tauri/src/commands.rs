//! The commands' bodies: each hands its work to `connkeeper-core` (blocking work on
//! Tauri's blocking pool, off the UI thread) and adds only what the shell alone can do:
//! native dialogs, events, opening links. Their signatures are declared in
//! `command_list.rs`; lib.rs generates the Tauri entry points that call these with the
//! app handle first. A body should always pass the test "could this move to core?".

// Tauri hands command arguments over by value.
#![allow(clippy::needless_pass_by_value)]

use std::path::PathBuf;
use std::sync::Arc;

use connkeeper_core::audit::{self, AuditRequest, HostQuestion, Recorded};
use connkeeper_core::events::{ProgressEvent, AUDIT_PROGRESS_EVENT};
use connkeeper_core::export::Format;
use connkeeper_core::export::{self, Exported};
use connkeeper_core::import::ImportPreview;
use connkeeper_core::import::{self, ImportReport};
use connkeeper_core::jira::{AuditPurpose, AuditReport, Progress};
use connkeeper_core::links;
use connkeeper_core::model::{ProfileId, ProfileView};
use connkeeper_core::org::{self, OrgDraft, OrgSync, OrgView};
use connkeeper_core::profiles::{Profiles, Saved};
use connkeeper_core::requirements::RequirementsView;
use connkeeper_core::rotation::{self, RotateRequest, RotationOutcome, RotationPlan, Verification};
use connkeeper_core::settings::Settings;
use connkeeper_core::setup::Secrets;
use connkeeper_core::validate::{Draft, FieldError};
use connkeeper_core::Error;
use tauri::{AppHandle, Emitter, Manager, Runtime};
use tauri_plugin_dialog::{Dialog, DialogExt, MessageDialogButtons, MessageDialogKind};
use tauri_plugin_opener::OpenerExt;

use crate::AppState;

type Result<T> = std::result::Result<T, Error>;

fn state<R: Runtime>(app: &AppHandle<R>) -> tauri::State<'_, AppState> {
    app.state::<AppState>()
}

/// Runs a blocking core call (file and keyring I/O) on the blocking pool.
async fn blocking<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    f: impl FnOnce(&AppState) -> Result<T> + Send + 'static,
) -> Result<T> {
    let state = state(app).inner().clone();
    tauri::async_runtime::spawn_blocking(move || f(&state))
        .await
        .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
}

/// An id the UI sent back; ids are never names here.
fn parse_id(id: &str) -> Result<ProfileId> {
    id.parse().map_err(|_| Error::InvalidId(id.to_owned()))
}

pub async fn list_profiles<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<ProfileView>> {
    blocking(app, |s| s.profiles.list()).await
}

pub async fn get_profile<R: Runtime>(app: &AppHandle<R>, id: String) -> Result<ProfileView> {
    let id = parse_id(&id)?;
    blocking(app, move |s| s.profiles.view(&s.profiles.get(id)?)).await
}

pub async fn create_profile<R: Runtime>(app: &AppHandle<R>, draft: Draft) -> Result<Saved> {
    let saved = blocking(app, move |s| s.profiles.create(&draft)).await?;
    state(app).wake.notify_one();
    Ok(saved)
}

pub async fn update_profile<R: Runtime>(
    app: &AppHandle<R>,
    id: String,
    draft: Draft,
) -> Result<Saved> {
    let id = parse_id(&id)?;
    let saved = blocking(app, move |s| s.profiles.update(id, &draft)).await?;
    state(app).wake.notify_one();
    Ok(saved)
}

pub async fn delete_profiles<R: Runtime>(app: &AppHandle<R>, ids: Vec<String>) -> Result<usize> {
    let ids = ids
        .iter()
        .map(|i| parse_id(i))
        .collect::<Result<Vec<_>>>()?;
    let deleted = blocking(app, move |s| {
        ids.into_iter()
            .try_fold(0, |n, id| s.profiles.delete(id).map(|_| n + 1))
    })
    .await;
    state(app).wake.notify_one();
    deleted
}

pub async fn validate_profile<R: Runtime>(
    app: &AppHandle<R>,
    draft: Draft,
    id: Option<String>,
) -> Result<Vec<FieldError>> {
    let id = id.as_deref().map(parse_id).transpose()?;
    blocking(app, move |s| s.profiles.check(&draft, id)).await
}

pub async fn requirements<R: Runtime>(_app: &AppHandle<R>) -> Result<RequirementsView> {
    Ok(RequirementsView::CURRENT)
}

pub async fn get_settings<R: Runtime>(app: &AppHandle<R>) -> Result<Settings> {
    blocking(app, |s| Ok(s.profiles.settings().load()?)).await
}

pub async fn save_settings<R: Runtime>(app: &AppHandle<R>, settings: Settings) -> Result<Settings> {
    let saved = blocking(app, move |s| Ok(s.profiles.settings().replace(settings)?)).await?;
    crate::apply_settings(app, &saved);
    state(app).wake.notify_one();
    Ok(saved)
}

pub async fn os_locale<R: Runtime>(_app: &AppHandle<R>) -> Result<String> {
    Ok(sys_locale::get_locale().unwrap_or_else(|| "en-US".into()))
}

pub async fn open_external<R: Runtime>(app: &AppHandle<R>, url: String) -> Result<()> {
    let profiles = blocking(app, |s| s.profiles.load()).await?;
    // Open exactly what was checked: the parsed URL, never the string as given.
    let Some(checked) = links::checked(&url, &links::site_hosts(&profiles)) else {
        tracing::warn!(url = %links::loggable(&url), "refused to open a link outside the allow-list");
        return Err(Error::LinkRefused);
    };
    app.opener()
        .open_url(checked.as_str(), None::<&str>)
        .map_err(|e| Error::Internal(format!("the browser could not be opened: {e}")))
}

pub async fn audit_profile<R: Runtime>(
    app: &AppHandle<R>,
    id: String,
    run_id: String,
    purpose: AuditPurpose,
) -> Result<AuditReport> {
    let request = AuditRequest::Saved(parse_id(&id)?);
    audit(app, run_id, request, purpose).await
}

pub async fn test_connection<R: Runtime>(
    app: &AppHandle<R>,
    draft: Draft,
    run_id: String,
    purpose: AuditPurpose,
    id: Option<String>,
) -> Result<AuditReport> {
    let id = id.as_deref().map(parse_id).transpose()?;
    audit(app, run_id, AuditRequest::Draft { draft, id }, purpose).await
}

pub async fn cancel_audit<R: Runtime>(app: &AppHandle<R>, run_id: String) -> Result<()> {
    if let Some(task) = state(app)
        .audits
        .lock()
        .expect("audit table")
        .remove(&run_id)
    {
        task.abort();
    }
    Ok(())
}

/// Runs `work` as a task the UI can cancel by its run id, streaming `audit-progress`
/// events; a custom host is confirmed in a native dialog owned by Rust.
async fn cancellable<R, T, F, Fut>(app: &AppHandle<R>, run_id: String, work: F) -> Result<T>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(Arc<Profiles<Secrets>>, AppHandle<R>, Box<dyn Fn(Progress) + Send + Sync>) -> Fut
        + Send
        + 'static,
    Fut: std::future::Future<Output = Result<T>> + Send + 'static,
{
    let state = state(app).inner().clone();
    let (tx, rx) = tokio::sync::oneshot::channel();
    let task = {
        let app = app.clone();
        let run_id = run_id.clone();
        let profiles = state.profiles.clone();
        tauri::async_runtime::spawn(async move {
            let emitter = app.clone();
            let progress = move |progress: Progress| {
                let _ = emitter.emit(
                    AUDIT_PROGRESS_EVENT,
                    ProgressEvent {
                        run_id: run_id.clone(),
                        progress,
                    },
                );
            };
            let _ = tx.send(work(profiles, app, Box::new(progress)).await);
        })
    };
    state
        .audits
        .lock()
        .expect("audit table")
        .insert(run_id.clone(), task);
    let outcome = rx.await;
    state.audits.lock().expect("audit table").remove(&run_id);
    outcome.map_err(|_| Error::Cancelled("Cancelled: nothing changed.".into()))?
}

/// Runs an audit (see [`cancellable`]).
async fn audit<R: Runtime>(
    app: &AppHandle<R>,
    run_id: String,
    request: AuditRequest,
    purpose: AuditPurpose,
) -> Result<AuditReport> {
    let audited = cancellable(app, run_id, move |profiles, app, progress| async move {
        let confirm = |host| async move { Some(user_confirms_host(&app, host).await) };
        audit::run(&profiles, request, purpose, false, confirm, &*progress).await
    })
    .await?;
    match audited.recorded {
        Recorded::NotSaved | Recorded::Saved => {}
        Recorded::ProfileChanged => {
            tracing::info!("audit not recorded: the profile changed while it ran");
        }
        Recorded::Failed(e) => tracing::warn!(error = %e, "the audit's summary was not saved"),
    }
    Ok(audited.report)
}

/// Asks, in a native dialog owned by Rust (the page cannot answer it), whether the API
/// token may go to `host`, a site outside Atlassian's domains. No dialog, no.
async fn user_confirms_host<R: Runtime>(app: &AppHandle<R>, host: String) -> bool {
    let app = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let Some(dialog) = app.try_state::<Dialog<R>>() else {
            return false;
        };
        let question = HostQuestion::new(&host);
        let mut message = dialog
            .message(question.message)
            .title(question.title)
            .kind(MessageDialogKind::Warning)
            .buttons(MessageDialogButtons::OkCancelCustom(
                question.send.into(),
                question.cancel.into(),
            ));
        if let Some(w) = app.get_webview_window(crate::window::MAIN) {
            message = message.parent(&w);
        }
        message.blocking_show()
    })
    .await
    .unwrap_or(false)
}

/// Runs a native file dialog off the async runtime; the chosen path, or `None`.
async fn file_dialog<R: Runtime>(
    app: &AppHandle<R>,
    ask: impl FnOnce(tauri_plugin_dialog::FileDialogBuilder<R>) -> Option<tauri_plugin_dialog::FilePath>
        + Send
        + 'static,
) -> Result<Option<PathBuf>> {
    if app.try_state::<Dialog<R>>().is_none() {
        return Err(Error::Internal("file dialogs are not available".into()));
    }
    let app = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut builder = app.dialog().file();
        if let Some(w) = app.get_webview_window(crate::window::MAIN) {
            builder = builder.set_parent(&w);
        }
        // Start in Documents (or the home folder), not in a "Recent" list.
        let paths = app.path();
        if let Some(dir) = paths
            .document_dir()
            .ok()
            .filter(|d| d.is_dir())
            .or_else(|| paths.home_dir().ok())
        {
            builder = builder.set_directory(dir);
        }
        ask(builder)
    })
    .await
    .map_err(|e| Error::Internal(format!("the file dialog failed: {e}")))?;
    Ok(picked.and_then(|p| p.into_path().ok()))
}

pub async fn export_profiles<R: Runtime>(
    app: &AppHandle<R>,
    format: Format,
    with_audit: bool,
) -> Result<Option<Exported>> {
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
    let path = target.display().to_string();
    let count = blocking(app, move |s| {
        export::to_file(&s.profiles, format, with_audit, &target)
    })
    .await?;
    Ok(Some(Exported { path, count }))
}

pub async fn import_open<R: Runtime>(app: &AppHandle<R>) -> Result<Option<ImportPreview>> {
    let Some(path) = file_dialog(app, |d| {
        d.set_title("Import profiles")
            .add_filter("ConnKeeper export (JSON, CSV)", &["json", "csv"])
            .blocking_pick_file()
    })
    .await?
    else {
        return Ok(None);
    };
    let shown = path.display().to_string();
    let (incoming, report) = blocking(app, move |s| {
        let incoming = import::read_file(&path)?;
        let report = import::apply(&s.profiles, &incoming, true)?;
        Ok((incoming, report))
    })
    .await?;
    let handle = ProfileId::new().to_string();
    *state(app).pending_import.lock().expect("import slot") = Some((handle.clone(), incoming));
    Ok(Some(ImportPreview {
        handle,
        path: shown,
        report,
    }))
}

pub async fn import_apply<R: Runtime>(app: &AppHandle<R>, handle: String) -> Result<ImportReport> {
    let incoming = {
        let state = state(app);
        let mut slot = state.pending_import.lock().expect("import slot");
        match slot.take() {
            Some((h, incoming)) if h == handle => incoming,
            other => {
                *slot = other;
                return Err(Error::ImportNotPending);
            }
        }
    };
    let report = blocking(app, move |s| import::apply(&s.profiles, &incoming, false)).await?;
    state(app).wake.notify_one();
    Ok(report)
}

pub async fn rotation_plan<R: Runtime>(app: &AppHandle<R>, id: String) -> Result<RotationPlan> {
    let id = parse_id(&id)?;
    blocking(app, move |s| rotation::plan(&s.profiles, id)).await
}

pub async fn rotate_token<R: Runtime>(
    app: &AppHandle<R>,
    id: String,
    run_id: String,
    input: RotateRequest,
) -> Result<RotationOutcome> {
    let request = input.for_profile(parse_id(&id)?);
    // Verifying can be cancelled; the swap that follows cannot (and is reported as done).
    let verified = cancellable(app, run_id, move |profiles, app, progress| async move {
        let confirm = |host| async move { Some(user_confirms_host(&app, host).await) };
        rotation::verify(&profiles, request, false, confirm, &*progress).await
    })
    .await?;
    let outcome = match verified {
        Verification::Refused(outcome) => outcome,
        Verification::Ready(ready) => rotation::commit(&state(app).profiles, ready).await?,
    };
    // The tray and the reminders follow the new expiry.
    state(app).wake.notify_one();
    Ok(outcome)
}

pub async fn mark_old_token_revoked<R: Runtime>(
    app: &AppHandle<R>,
    id: String,
    revoked: bool,
) -> Result<ProfileView> {
    let id = parse_id(&id)?;
    blocking(app, move |s| {
        rotation::mark_old_revoked(&s.profiles, id, revoked)
    })
    .await
}

pub async fn org_status<R: Runtime>(app: &AppHandle<R>) -> Result<Option<OrgView>> {
    blocking(app, |s| org::view(&s.profiles)).await
}

pub async fn org_link<R: Runtime>(app: &AppHandle<R>, draft: OrgDraft) -> Result<OrgView> {
    blocking(app, move |s| org::link(&s.profiles, &draft)).await
}

pub async fn org_unlink<R: Runtime>(app: &AppHandle<R>) -> Result<bool> {
    blocking(app, |s| org::unlink(&s.profiles)).await
}

pub async fn org_sync<R: Runtime>(app: &AppHandle<R>, run_id: String) -> Result<OrgSync> {
    // Read-only at Atlassian, so cancelling (dropping the task) leaves nothing half-done:
    // the findings are recorded in one store change after the lists were read.
    cancellable(app, run_id, move |profiles, _, _| async move {
        org::sync(&profiles).await
    })
    .await
}

pub async fn gateway_notice<R: Runtime>(app: &AppHandle<R>) -> Result<Option<String>> {
    Ok(state(app).profiles.client().gateway_override())
}

pub async fn accept_atlassian_expiry<R: Runtime>(
    app: &AppHandle<R>,
    id: String,
    expires: String,
) -> Result<ProfileView> {
    let id = parse_id(&id)?;
    let view = blocking(app, move |s| {
        org::accept_expiry_as_typed(&s.profiles, id, &expires)
    })
    .await?;
    state(app).wake.notify_one();
    Ok(view)
}

pub async fn app_version<R: Runtime>(app: &AppHandle<R>) -> Result<String> {
    Ok(app.package_info().version.to_string())
}
