//! Building ConnKeeper from its environment, the same way in every face: the CLI passes
//! its flags, the desktop app none; each falls back to its environment variable.

use std::path::PathBuf;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::jira::client::{gateway_from_env, parse_gateway, GatewayError, GATEWAY_ENV};
use crate::jira::ClientConfig;
use crate::profiles::Profiles;
use crate::secrets::{KeyringStore, SecretStore};
use crate::store::ProfileStore;

/// Environment variable that accepts `http://127.0.0.1:PORT` hosts (local test servers,
/// the demo) when set to `1`, like the CLI's `--allow-loopback-http`.
pub const LOOPBACK_ENV: &str = "CONNKEEPER_ALLOW_LOOPBACK_HTTP";

/// The secret store every face uses: the OS keyring in the app, anything in tests.
pub type Secrets = Arc<dyn SecretStore>;

/// What a face may set; everything unset comes from the environment.
#[derive(Debug, Default, Clone)]
pub struct Options {
    /// The data folder (else `CONNKEEPER_DATA_DIR`, else the platform's config folder).
    pub data_dir: Option<PathBuf>,
    /// Accept loopback `http://` hosts (else `CONNKEEPER_ALLOW_LOOPBACK_HTTP=1`).
    pub allow_loopback_http: bool,
    /// Atlassian's API gateway (else `CONNKEEPER_GATEWAY_URL`, else api.atlassian.com).
    pub gateway: Option<String>,
}

/// Why ConnKeeper cannot start here; the message names the variable to set (each face
/// adds its own way, such as a flag).
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot find a home folder for the profile data; set CONNKEEPER_DATA_DIR")]
    NoDataDir,
    /// The gateway the options name.
    #[error("the gateway {0}")]
    Gateway(GatewayError),
    /// The gateway `CONNKEEPER_GATEWAY_URL` names.
    #[error("{GATEWAY_ENV}: the gateway {0}")]
    GatewayEnv(GatewayError),
}

/// Profiles over the OS keyring (`CONNKEEPER_KEYRING_SERVICE`, else `connkeeper`), with
/// the system clock, configured by `options` and the environment.
pub fn from_env(options: Options) -> Result<Profiles<Secrets>, SetupError> {
    let dir = crate::paths::data_dir(options.data_dir).ok_or(SetupError::NoDataDir)?;
    let loopback =
        options.allow_loopback_http || std::env::var(LOOPBACK_ENV).is_ok_and(|v| v == "1");
    let gateway = match options.gateway {
        Some(raw) => parse_gateway(&raw, loopback).map_err(SetupError::Gateway),
        None => gateway_from_env(loopback).map_err(SetupError::GatewayEnv),
    }?;
    let client = ClientConfig {
        gateway,
        ..ClientConfig::default()
    };
    if let Some(origin) = client.gateway_override() {
        tracing::info!(gateway = %origin, "Atlassian's API gateway is overridden: tokens with scopes, classic tokens after a 401 and the organisation key go there");
    }
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let secrets: Secrets = Arc::new(KeyringStore::from_env());
    Ok(Profiles::new(ProfileStore::new(dir), secrets, clock)
        .with_client(client)
        .allow_loopback_http(loopback))
}
