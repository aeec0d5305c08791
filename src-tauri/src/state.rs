//! What the app holds while it runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use connkeeper_core::import::Incoming;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::setup::{self, Secrets, SetupError};

/// Shared app state.
#[derive(Clone)]
pub struct AppState {
    /// Profile operations over the store and the OS keyring, audits included.
    pub profiles: Arc<Profiles<Secrets>>,
    /// Running audits by run id, so the UI can cancel them.
    pub audits: Arc<Mutex<HashMap<String, tauri::async_runtime::JoinHandle<()>>>>,
    /// Wakes the reminder loop (profiles changed, "Check now").
    pub wake: Arc<tokio::sync::Notify>,
    /// The one import previewed and waiting for "Import": (one-shot handle, content).
    pub pending_import: Arc<Mutex<Option<PendingImport>>>,
}

/// A previewed import: its one-shot handle and the content read from the chosen file.
pub type PendingImport = (String, Vec<Incoming>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("profiles", &self.profiles)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// State over `profiles`.
    pub fn new(profiles: Profiles<Secrets>) -> Self {
        Self {
            profiles: Arc::new(profiles),
            audits: Arc::default(),
            wake: Arc::default(),
            pending_import: Arc::default(),
        }
    }

    /// State from the environment, like the CLI's (`CONNKEEPER_DATA_DIR`,
    /// `CONNKEEPER_KEYRING_SERVICE`, `CONNKEEPER_GATEWAY_URL`,
    /// `CONNKEEPER_ALLOW_LOOPBACK_HTTP=1`); see `connkeeper_core::setup`.
    pub fn from_env() -> Result<Self, SetupError> {
        Ok(Self::new(setup::from_env(setup::Options::default())?))
    }
}

/// The log file's size cap; with [`LOG_KEEP`] older files the log never exceeds 20 MiB.
const LOG_MAX_BYTES: u64 = 5 * 1024 * 1024;
const LOG_KEEP: usize = 3;

/// Logs to `connkeeper.log` in the platform's log folder (0700), rotated at 5 MiB with
/// three older files kept. Never a token: the core never logs one and the token type
/// cannot be printed.
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::EnvFilter;
    let dir = connkeeper_core::paths::log_dir()?;
    let file = match connkeeper_core::logfile::LogFile::open(
        &dir,
        "connkeeper.log",
        LOG_MAX_BYTES,
        LOG_KEEP,
    ) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("connkeeper-desktop: no log file in {}: {e}", dir.display());
            return None;
        }
    };
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Some(guard)
}
