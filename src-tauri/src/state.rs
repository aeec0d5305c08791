//! What the app holds while it runs.

use std::sync::Arc;

use connkeeper_core::clock::SystemClock;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::KeyringStore;
use connkeeper_core::store::ProfileStore;

/// Shared app state: the profile operations over the store and the OS keyring.
#[derive(Debug, Clone)]
pub struct AppState {
    pub profiles: Arc<Profiles<KeyringStore>>,
}

impl AppState {
    /// State from the environment: `CONNKEEPER_DATA_DIR`, `CONNKEEPER_KEYRING_SERVICE`,
    /// and `CONNKEEPER_ALLOW_LOOPBACK_HTTP=1` for local test servers.
    pub fn from_env() -> Result<Self, String> {
        let dir = connkeeper_core::paths::data_dir(None)
            .ok_or("cannot find a home folder for the profile data; set CONNKEEPER_DATA_DIR")?;
        let loopback = std::env::var("CONNKEEPER_ALLOW_LOOPBACK_HTTP").is_ok_and(|v| v == "1");
        let profiles = Profiles::new(
            ProfileStore::new(dir),
            KeyringStore::from_env(),
            Arc::new(SystemClock),
        )
        .allow_loopback_http(loopback);
        Ok(Self {
            profiles: Arc::new(profiles),
        })
    }
}

/// Logs to a daily file in the platform's log folder (never a token: the core never
/// logs one and the token type cannot be printed).
pub fn init_logging() -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::EnvFilter;
    let dir = connkeeper_core::paths::log_dir()?;
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::daily(dir, "connkeeper.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .init();
    Some(guard)
}
