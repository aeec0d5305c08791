//! User settings (`settings.json` beside `profiles.json`): language and reminder options.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::store::{create_private_dir, lock_file, read_json, write_json, StoreError};

/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The default reminder thresholds: days before expiry (0 = on the day).
pub const DEFAULT_THRESHOLDS: [u32; 6] = [30, 14, 7, 3, 1, 0];

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// Follow the OS locale.
    #[default]
    Auto,
    En,
    Ja,
}

/// Everything the user can set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct Settings {
    pub language: Language,
    /// Desktop notifications for expiring tokens.
    pub notifications: bool,
    /// Days before expiry at which to remind (0 = on the day), most distant first.
    pub thresholds: Vec<u32>,
    /// A reminder falling on a Saturday or Sunday fires the Friday before.
    pub working_day_shift: bool,
    /// Launch ConnKeeper (hidden, in the tray) when the user logs in.
    pub start_at_login: bool,
    /// How long a new token should last, in days (1 to 365): the expiry a rotation
    /// suggests.
    pub token_validity_days: u32,
    /// An organisation sync warns when Atlassian has not seen a token used for this many
    /// days (a backup service that stopped using its token fails silently).
    pub unused_warning_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::Auto,
            notifications: true,
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            working_day_shift: false,
            start_at_login: false,
            token_validity_days: 365,
            unused_warning_days: 7,
        }
    }
}

impl Settings {
    /// Checks and normalises: thresholds within 0..=365, unique, most distant first,
    /// at most 12 of them.
    pub fn normalised(mut self) -> Result<Self, String> {
        if let Some(bad) = self.thresholds.iter().find(|d| **d > 365) {
            return Err(format!(
                "reminder thresholds are days before expiry, 0 to 365 ({bad} is too large)"
            ));
        }
        if !(1..=365).contains(&self.token_validity_days) {
            return Err(format!(
                "a new token's validity is 1 to 365 days ({} is out of range)",
                self.token_validity_days
            ));
        }
        if !(1..=365).contains(&self.unused_warning_days) {
            return Err(format!(
                "the unused-token warning is 1 to 365 days ({} is out of range)",
                self.unused_warning_days
            ));
        }
        self.thresholds.sort_unstable_by(|a, b| b.cmp(a));
        self.thresholds.dedup();
        if self.thresholds.len() > 12 {
            return Err("use at most 12 reminder thresholds".into());
        }
        Ok(self)
    }
}

/// Reads and writes `settings.json`. Every change is one load-modify-save under the
/// lock `settings.lock`, so the window, the tray menu and another process never lose
/// each other's changes.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    dir: PathBuf,
}

/// The lock guarding `settings.json`.
pub const SETTINGS_LOCK: &str = "settings.lock";

impl SettingsStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(SETTINGS_FILE)
    }

    /// The saved settings, normalised; defaults when there is no file. A corrupt file or
    /// out-of-range values are an error naming the file, which is left untouched.
    pub fn load(&self) -> Result<Settings, StoreError> {
        let path = self.path();
        let Some(s) = read_json::<Settings>(&path)? else {
            return Ok(Settings::default());
        };
        s.normalised().map_err(|detail| StoreError::Corrupt {
            backup: path.clone(),
            path,
            detail,
        })
    }

    /// Applies `change` to the saved settings and saves the normalised result, all under
    /// the lock. A corrupt file is reported and never replaced; invalid values are
    /// refused with the validation message and nothing is written.
    pub fn update(&self, change: impl FnOnce(&mut Settings)) -> Result<Settings, SettingsError> {
        create_private_dir(&self.dir)?;
        let _lock = lock_file(&self.dir.join(SETTINGS_LOCK))?;
        let mut settings = self.load()?;
        change(&mut settings);
        let settings = settings.normalised().map_err(SettingsError::Invalid)?;
        write_json(&self.path(), &settings)?;
        Ok(settings)
    }

    /// Replaces every setting with `new` (the settings form), under the lock.
    pub fn replace(&self, new: Settings) -> Result<Settings, SettingsError> {
        self.update(|s| *s = new)
    }
}

/// Why settings could not be changed.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// A value is out of range; nothing was written.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the app remembers for itself on this machine, apart from the user's settings
/// (`state.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalState {
    /// Whether the "ConnKeeper keeps running in the tray" hint was shown.
    pub tray_hint_shown: bool,
}

/// The app state file's name inside the data folder.
pub const APP_STATE_FILE: &str = "state.json";

impl LocalState {
    /// The saved state (defaults when missing or unreadable: it holds only hints).
    pub fn load(dir: &std::path::Path) -> Self {
        read_json(&dir.join(APP_STATE_FILE))
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    /// Marks the tray hint as shown; `true` when it had not been shown before.
    pub fn first_tray_hint(dir: &std::path::Path) -> Result<bool, StoreError> {
        create_private_dir(dir)?;
        let _lock = lock_file(&dir.join(SETTINGS_LOCK))?;
        let mut state = Self::load(dir);
        if state.tray_hint_shown {
            return Ok(false);
        }
        state.tray_hint_shown = true;
        write_json(&dir.join(APP_STATE_FILE), &state)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::atomic_write;

    #[test]
    fn round_trip_and_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        assert_eq!(store.load().unwrap(), Settings::default());
        let s = Settings {
            language: Language::Ja,
            thresholds: vec![7, 30, 7, 0],
            ..Settings::default()
        }
        .normalised()
        .unwrap();
        assert_eq!(s.thresholds, [30, 7, 0]);
        assert_eq!(store.replace(s.clone()).unwrap(), s);
        assert_eq!(store.load().unwrap(), s);
        // Unknown and missing fields: defaults fill in, so old files keep loading.
        atomic_write(&store.path(), br#"{"language":"en","future_field":1}"#).unwrap();
        let loaded = store.load().unwrap();
        assert_eq!(loaded.language, Language::En);
        assert!(loaded.notifications);
        assert!(Settings {
            thresholds: vec![400],
            ..Settings::default()
        }
        .normalised()
        .is_err());
    }
}
