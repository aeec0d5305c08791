//! The only code that touches the OS keyring. A token lives there under
//! (service, profile id); nowhere else. In memory it is a [`SecretString`], whose
//! `Debug` prints `[REDACTED]`.
//!
//! Linux uses the Secret Service (gnome-keyring, KWallet) and never kernel keyutils,
//! which forgets everything at reboot. There is no plaintext fallback: when the keyring
//! is missing or locked, the error says so and nothing is written.

use std::collections::HashSet;

use secrecy::{ExposeSecret, SecretString};

use crate::model::ProfileId;

/// The default keyring service name.
pub const DEFAULT_SERVICE: &str = "connkeeper";
/// Environment variable overriding the service name (tests use a unique one per run).
pub const SERVICE_ENV: &str = "CONNKEEPER_KEYRING_SERVICE";

/// Why a keyring operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No usable keyring: missing, locked, or not reachable. Never "invalid token".
    #[error("OS keyring unavailable ({store}): {reason}. {hint}")]
    Unavailable {
        store: &'static str,
        reason: String,
        hint: &'static str,
    },
    /// The keyring is there but refused this operation.
    #[error("the OS keyring ({store}) refused the operation: {reason}")]
    Refused { store: &'static str, reason: String },
}

/// Where tokens are kept. Implemented by [`KeyringStore`]; every call may block
/// (D-Bus, Keychain), so async callers use `spawn_blocking`.
pub trait SecretStore: Send + Sync {
    /// Stores (or replaces) the token of `id`.
    fn set(&self, id: ProfileId, token: &SecretString) -> Result<(), SecretError>;
    /// The token of `id`, or `None` when there is no entry.
    fn get(&self, id: ProfileId) -> Result<Option<SecretString>, SecretError>;
    /// Removes the token of `id`; a missing entry is not an error.
    fn delete(&self, id: ProfileId) -> Result<(), SecretError>;
    /// Whether an entry exists for `id`.
    fn contains(&self, id: ProfileId) -> Result<bool, SecretError> {
        Ok(self.get(id)?.is_some())
    }
    /// Human name of the backing store ("Secret Service", "macOS Keychain", ...).
    fn store_name(&self) -> &'static str;
    /// Every profile id holding a token, in one query when the store can search;
    /// `None` when it cannot (callers then ask per profile).
    fn stored_ids(&self) -> Result<Option<HashSet<ProfileId>>, SecretError> {
        Ok(None)
    }
}

/// The platform keyring through the `keyring` crate.
#[derive(Debug, Clone)]
pub struct KeyringStore {
    service: String,
}

impl KeyringStore {
    /// A store under `service`.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// The store named by `CONNKEEPER_KEYRING_SERVICE`, else `connkeeper`.
    pub fn from_env() -> Self {
        let service = std::env::var(SERVICE_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_SERVICE.to_owned());
        Self::new(service)
    }

    /// The service name entries are filed under.
    pub fn service(&self) -> &str {
        &self.service
    }

    fn entry(&self, id: ProfileId) -> Result<keyring::Entry, SecretError> {
        keyring::Entry::new(&self.service, &id.to_string()).map_err(classify)
    }
}

impl SecretStore for KeyringStore {
    fn set(&self, id: ProfileId, token: &SecretString) -> Result<(), SecretError> {
        self.entry(id)?
            .set_password(token.expose_secret())
            .map_err(classify)
    }

    fn get(&self, id: ProfileId) -> Result<Option<SecretString>, SecretError> {
        match self.entry(id)?.get_password() {
            Ok(s) => Ok(Some(SecretString::from(s))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    fn delete(&self, id: ProfileId) -> Result<(), SecretError> {
        match self.entry(id)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(e)),
        }
    }

    fn store_name(&self) -> &'static str {
        STORE_NAME
    }

    /// One Secret Service search by our service name (attributes only, over a plain
    /// session: no secret crosses the bus), instead of one lookup per profile.
    #[cfg(target_os = "linux")]
    fn stored_ids(&self) -> Result<Option<HashSet<ProfileId>>, SecretError> {
        use dbus_secret_service::{EncryptionType, SecretService};
        let fail = |e: dbus_secret_service::Error| unavailable(&e.to_string());
        let ss = SecretService::connect(EncryptionType::Plain).map_err(fail)?;
        let found = ss
            .search_items(std::collections::HashMap::from([(
                "service",
                self.service.as_str(),
            )]))
            .map_err(fail)?;
        let ids = found
            .unlocked
            .iter()
            .chain(found.locked.iter())
            .filter_map(|item| item.get_attributes().ok())
            .filter_map(|attrs| attrs.get("username").and_then(|u| u.parse().ok()))
            .collect();
        Ok(Some(ids))
    }
}

/// An in-memory [`SecretStore`] for tests that need no desktop session (the store and
/// rollback logic is the same; the real-keyring tests prove the Secret Service). It can
/// be told to fail, to test what happens when the keyring refuses. Never used by the app.
#[derive(Default)]
pub struct MemoryStore {
    entries: std::sync::Mutex<std::collections::HashMap<ProfileId, String>>,
    fail: std::sync::atomic::AtomicBool,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The ids only: the values are secrets.
        let ids: Vec<ProfileId> = self.lock().keys().copied().collect();
        f.debug_struct("MemoryStore")
            .field("entries", &ids)
            .field("fail", &self.fail)
            .finish()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// From now on every operation fails as an unavailable keyring would (or works
    /// again with `false`).
    pub fn set_failing(&self, fail: bool) {
        self.fail.store(fail, std::sync::atomic::Ordering::SeqCst);
    }

    /// How many entries are stored.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no entry is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<ProfileId, String>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn check(&self) -> Result<(), SecretError> {
        if self.fail.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(SecretError::Unavailable {
                store: "memory",
                reason: "injected failure".into(),
                hint: "this is a test store",
            });
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn set(&self, id: ProfileId, token: &SecretString) -> Result<(), SecretError> {
        self.check()?;
        self.lock().insert(id, token.expose_secret().to_owned());
        Ok(())
    }

    fn get(&self, id: ProfileId) -> Result<Option<SecretString>, SecretError> {
        self.check()?;
        Ok(self.lock().get(&id).cloned().map(SecretString::from))
    }

    fn delete(&self, id: ProfileId) -> Result<(), SecretError> {
        self.check()?;
        self.lock().remove(&id);
        Ok(())
    }

    fn store_name(&self) -> &'static str {
        "memory"
    }

    fn stored_ids(&self) -> Result<Option<HashSet<ProfileId>>, SecretError> {
        self.check()?;
        Ok(Some(self.lock().keys().copied().collect()))
    }
}

impl<T: SecretStore + ?Sized> SecretStore for std::sync::Arc<T> {
    fn set(&self, id: ProfileId, token: &SecretString) -> Result<(), SecretError> {
        (**self).set(id, token)
    }
    fn get(&self, id: ProfileId) -> Result<Option<SecretString>, SecretError> {
        (**self).get(id)
    }
    fn delete(&self, id: ProfileId) -> Result<(), SecretError> {
        (**self).delete(id)
    }
    fn contains(&self, id: ProfileId) -> Result<bool, SecretError> {
        (**self).contains(id)
    }
    fn store_name(&self) -> &'static str {
        (**self).store_name()
    }
    fn stored_ids(&self) -> Result<Option<HashSet<ProfileId>>, SecretError> {
        (**self).stored_ids()
    }
}

#[cfg(target_os = "linux")]
const STORE_NAME: &str = "Secret Service";
#[cfg(target_os = "macos")]
const STORE_NAME: &str = "macOS Keychain";
#[cfg(target_os = "windows")]
const STORE_NAME: &str = "Windows Credential Manager";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const STORE_NAME: &str = "OS keyring";

#[cfg(target_os = "linux")]
const HINT: &str = "Install and unlock a Secret Service provider: gnome-keyring (apt install gnome-keyring) or KWallet, and sign in to a desktop session; on a headless machine start one with `dbus-run-session` and `gnome-keyring-daemon --unlock`";
#[cfg(target_os = "macos")]
const HINT: &str = "Unlock the login keychain in Keychain Access and allow ConnKeeper to use it";
#[cfg(target_os = "windows")]
const HINT: &str = "Make sure Windows Credential Manager is available for your account";
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const HINT: &str = "This platform has no supported OS keyring";

/// The "keyring unavailable" error for a platform failure's text.
fn unavailable(detail: &str) -> SecretError {
    let reason = if detail.contains("org.freedesktop.secrets") {
        "no Secret Service is running on the session bus"
    } else if detail.contains("autolaunch")
        || detail.contains("DBUS_SESSION_BUS_ADDRESS")
        || detail.contains("Failed to connect")
        || detail.contains("No such file")
    {
        "no D-Bus session bus is reachable"
    } else {
        "the keyring service failed"
    };
    SecretError::Unavailable {
        store: STORE_NAME,
        reason: format!("{reason} ({detail})"),
        hint: HINT,
    }
}

/// Maps a keyring error to one clear message: what is missing, and how to fix it.
fn classify(e: keyring::Error) -> SecretError {
    use keyring::Error as E;
    let detail = e.to_string();
    match e {
        E::NoStorageAccess(_) => SecretError::Unavailable {
            store: STORE_NAME,
            reason: format!("the keyring is locked or has no default collection ({detail})"),
            hint: HINT,
        },
        E::PlatformFailure(_) => unavailable(&detail),
        other => SecretError::Refused {
            store: STORE_NAME,
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_memory_store_debug_shows_ids_but_no_secret() {
        let store = MemoryStore::new();
        let id = ProfileId::new();
        store
            .set(
                id,
                &SecretString::from("ATATT3xFfGF0-memory-debug-1".to_owned()),
            )
            .unwrap();
        let shown = format!("{store:?}");
        assert!(shown.contains(&id.to_string()), "{shown}");
        assert!(!shown.contains("memory-debug"), "{shown}");
    }
}
