//! User settings (`settings.json` beside `profiles.json`): language and reminder options.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::store::{read_json, write_json, StoreError};

/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The default reminder thresholds: days before expiry (0 = on the day).
pub const DEFAULT_THRESHOLDS: [u32; 6] = [30, 14, 7, 3, 1, 0];

/// The UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
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
    /// Whether the "ConnKeeper keeps running in the tray" hint was shown.
    pub tray_hint_shown: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: Language::Auto,
            notifications: true,
            thresholds: DEFAULT_THRESHOLDS.to_vec(),
            working_day_shift: false,
            start_at_login: false,
            tray_hint_shown: false,
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
        self.thresholds.sort_unstable_by(|a, b| b.cmp(a));
        self.thresholds.dedup();
        if self.thresholds.len() > 12 {
            return Err("use at most 12 reminder thresholds".into());
        }
        Ok(self)
    }
}

/// Reads and writes `settings.json`.
#[derive(Debug, Clone)]
pub struct SettingsStore {
    dir: PathBuf,
}

impl SettingsStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(SETTINGS_FILE)
    }

    /// The saved settings; defaults when there is no file. A corrupt file is an error
    /// (callers fall back to defaults and say so), and is left untouched.
    pub fn load(&self) -> Result<Settings, StoreError> {
        Ok(read_json(&self.path())?.unwrap_or_default())
    }

    /// Saves atomically.
    pub fn save(&self, settings: &Settings) -> Result<(), StoreError> {
        write_json(&self.path(), settings)
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
        store.save(&s).unwrap();
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
