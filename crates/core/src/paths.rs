//! Where ConnKeeper keeps its files.

use std::path::PathBuf;

/// Environment variable naming the data folder (the `--data-dir` flag wins over it).
pub const DATA_DIR_ENV: &str = "CONNKEEPER_DATA_DIR";

/// The data folder: `flag`, else `$CONNKEEPER_DATA_DIR`, else the platform's config
/// folder (`~/.config/connkeeper`, `~/Library/Application Support/dev.connkeeper.ConnKeeper`,
/// `%APPDATA%\ConnKeeper\ConnKeeper\config`).
pub fn data_dir(flag: Option<PathBuf>) -> Option<PathBuf> {
    flag.or_else(|| {
        std::env::var_os(DATA_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    })
    .or_else(|| project_dirs().map(|d| d.config_dir().to_owned()))
}

/// The platform's log folder for the desktop app.
pub fn log_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_local_dir().join("logs"))
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "ConnKeeper", "ConnKeeper")
}
