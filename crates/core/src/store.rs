//! The only writer of `profiles.json`: versioned, written atomically, guarded by a
//! cross-process lock so the CLI and the desktop app can change profiles at once.
//!
//! File format: `{"version": 1, "profiles": [...]}`. A corrupt file or one from a newer
//! version is reported (naming the file) and never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::Profile;

/// The file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// The profile file's name inside the data folder.
pub const PROFILES_FILE: &str = "profiles.json";
/// The previous good copy, kept beside it.
pub const BACKUP_FILE: &str = "profiles.json.bak";
/// The lock file guarding read-modify-write.
pub const LOCK_FILE: &str = "profiles.lock";
/// How long to wait for another process holding the lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the store could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path} is not valid ConnKeeper profile data ({detail}). The file was left untouched; restore it from {backup} or move it away to start afresh.")]
    Corrupt {
        path: PathBuf,
        backup: PathBuf,
        detail: String,
    },
    #[error("{path} was written by a newer ConnKeeper (format version {found}; this build reads version {supported}). Update ConnKeeper; the file was left untouched.")]
    FutureVersion {
        path: PathBuf,
        found: u64,
        supported: u32,
    },
    #[error("another ConnKeeper process has held the lock {path} for over {secs} s; close it or try again", secs = LOCK_TIMEOUT.as_secs())]
    Locked { path: PathBuf },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_err<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_owned(),
        source,
    }
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: u32,
    profiles: &'a [Profile],
}

#[derive(Deserialize)]
struct FileIn {
    profiles: Vec<Profile>,
}

/// Profiles on disk in one data folder.
#[derive(Debug, Clone)]
pub struct ProfileStore {
    dir: PathBuf,
}

impl ProfileStore {
    /// A store in `dir` (created on first write, mode 0700 on Unix).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The data folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Path of `profiles.json`.
    pub fn path(&self) -> PathBuf {
        self.dir.join(PROFILES_FILE)
    }

    /// Reads every profile. A missing file is an empty store. Reading needs no lock:
    /// writes replace the file atomically, so a reader sees the old or the new file.
    pub fn load(&self) -> Result<Vec<Profile>, StoreError> {
        Ok(self.read()?.0)
    }

    /// Runs `change` on the profiles under the cross-process lock and saves the result
    /// atomically, keeping the previous file as `profiles.json.bak`. When `change`
    /// returns an error nothing is written.
    pub fn update<T, E>(
        &self,
        change: impl FnOnce(&mut Vec<Profile>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        self.ensure_dir()?;
        let _lock = self.lock()?;
        let (mut profiles, old_bytes) = self.read()?;
        let out = change(&mut profiles)?;
        self.save(&profiles, old_bytes.as_deref())?;
        Ok(out)
    }

    fn read(&self) -> Result<(Vec<Profile>, Option<Vec<u8>>), StoreError> {
        let path = self.path();
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), None)),
            Err(e) => return Err(io_err("read", &path)(e)),
        };
        let profiles = parse(&bytes, &path, &self.dir.join(BACKUP_FILE))?;
        Ok((profiles, Some(bytes)))
    }

    fn save(&self, profiles: &[Profile], previous: Option<&[u8]>) -> Result<(), StoreError> {
        #[cfg(test)]
        if fault::FAIL_NEXT_SAVE.with(|f| f.replace(false)) {
            return Err(io_err("write", &self.path())(io::Error::other(
                "injected failure",
            )));
        }
        let mut json = serde_json::to_vec_pretty(&FileOut {
            version: FORMAT_VERSION,
            profiles,
        })
        .expect("profiles always serialise");
        json.push(b'\n');
        if let Some(prev) = previous {
            atomic_write(&self.dir.join(BACKUP_FILE), prev)?;
        }
        atomic_write(&self.path(), &json)
    }

    fn ensure_dir(&self) -> Result<(), StoreError> {
        create_private_dir(&self.dir)
    }

    fn lock(&self) -> Result<File, StoreError> {
        let path = self.dir.join(LOCK_FILE);
        let file = open_private(&path, false).map_err(io_err("open the lock file", &path))?;
        let start = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(file),
                Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(StoreError::Locked { path }),
                Err(fs::TryLockError::Error(e)) => return Err(io_err("lock", &path)(e)),
            }
        }
    }
}

/// Parses the file's bytes, refusing corrupt data and future versions.
fn parse(bytes: &[u8], path: &Path, backup: &Path) -> Result<Vec<Profile>, StoreError> {
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_owned(),
        backup: backup.to_owned(),
        detail,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| corrupt(format!("invalid JSON: {e}")))?;
    let version = value
        .get("version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| corrupt("no \"version\" number".to_owned()))?;
    if version > u64::from(FORMAT_VERSION) {
        return Err(StoreError::FutureVersion {
            path: path.to_owned(),
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    if version == 0 {
        return Err(corrupt("version 0 is not a ConnKeeper format".to_owned()));
    }
    let file: FileIn = serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))?;
    Ok(file.profiles)
}

/// Reads a JSON file kept beside the profiles (settings, reminder state, audit reports);
/// `None` when it does not exist. A file that does not parse is reported, not replaced.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    match fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| StoreError::Corrupt {
                path: path.to_owned(),
                backup: path.to_owned(),
                detail: e.to_string(),
            }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err("read", path)(e)),
    }
}

/// Writes `value` as pretty JSON, atomically, creating its folder (0700) when needed.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut json = serde_json::to_vec_pretty(value).expect("our types always serialise");
    json.push(b'\n');
    atomic_write(path, &json)
}

/// Creates `dir` (and parents) with mode 0700 on Unix.
pub fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(dir)
        .map_err(io_err("create the folder", dir))
}

fn open_private(path: &Path, truncate: bool) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true).write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, fsync,
/// rename over `path`, fsync the folder. A crash at any point leaves either the old
/// or the new file, never a mix. The file gets mode 0600 on Unix.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    atomic_write_with(path, bytes, || {})
}

/// [`atomic_write`] with a hook called after the temporary file is durable and before
/// the rename: tests use it to crash the process at the worst moment.
#[doc(hidden)]
pub fn atomic_write_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(),
) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".connkeeper-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(io_err("create a temporary file in", dir))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o600))
            .map_err(io_err("set permissions on", tmp.path()))?;
    }
    tmp.write_all(bytes).map_err(io_err("write", path))?;
    tmp.as_file().sync_all().map_err(io_err("flush", path))?;
    before_rename();
    tmp.persist(path)
        .map_err(|e| io_err("replace", path)(e.error))?;
    sync_dir(dir)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err("flush the folder", dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), StoreError> {
    Ok(()) // Windows has no directory fsync; ReplaceFileW/MoveFileEx is durable enough.
}

/// Failure injection for the unit tests of callers (keyring rollback).
#[cfg(test)]
pub(crate) mod fault {
    use std::cell::Cell;
    thread_local! {
        /// When set, the next save on this thread fails as a disk error would.
        pub(crate) static FAIL_NEXT_SAVE: Cell<bool> = const { Cell::new(false) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path().join("sub"));
        assert!(store.load().unwrap().is_empty());
    }

    #[test]
    fn future_version_is_refused_and_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let store = ProfileStore::new(dir.path());
        let body = br#"{"version":7,"profiles":[]}"#;
        atomic_write(&store.path(), body).unwrap();
        let err = store.load().unwrap_err();
        assert!(
            matches!(err, StoreError::FutureVersion { found: 7, .. }),
            "{err}"
        );
        let err = store.update(|_| Ok::<_, StoreError>(())).unwrap_err();
        assert!(err.to_string().contains("newer ConnKeeper"), "{err}");
        assert_eq!(fs::read(store.path()).unwrap(), body);
    }
}
