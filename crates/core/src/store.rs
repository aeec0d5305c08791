//! The only writer of `profiles.json`: versioned, written atomically, guarded by a
//! cross-process lock so the CLI and the desktop app can change profiles at once.
//!
//! File format: `{"version": 1, "profiles": [...]}`. A corrupt file or one from a newer
//! version is reported (naming the file) and never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::Profile;

/// The file format version this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
/// The profile file's name inside the data folder.
pub const PROFILES_FILE: &str = "profiles.json";
/// The previous good copy, kept beside it.
pub const BACKUP_FILE: &str = "profiles.json.bak";
/// The folder of full audit reports inside the data folder (`audits/<id>.json`).
pub const AUDITS_DIR: &str = "audits";
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
    /// Set once the leftovers of crashed writes were swept from the folder.
    swept: Arc<OnceLock<()>>,
}

/// A temporary file of [`atomic_write`] older than this was left by a crashed write
/// (a write takes milliseconds) and is removed the next time the store is opened.
pub const STALE_TEMP_AGE: Duration = Duration::from_secs(60);
const TEMP_PREFIX: &str = ".connkeeper-";
const TEMP_SUFFIX: &str = ".tmp";

impl ProfileStore {
    /// A store in `dir` (created on first write, mode 0700 on Unix).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self {
            dir: dir.into(),
            swept: Arc::default(),
        }
    }

    /// Removes temporary files that crashed writes left in the data folder and its
    /// `audits/` and `checks/` folders (older than [`STALE_TEMP_AGE`]); once per store.
    fn sweep_once(&self) {
        self.swept.get_or_init(|| {
            for dir in [
                self.dir.clone(),
                self.dir.join(AUDITS_DIR),
                self.dir.join(crate::health::CHECKS_DIR),
            ] {
                let removed = sweep_stale_temp_files(&dir, STALE_TEMP_AGE);
                if removed > 0 {
                    tracing::info!(dir = %dir.display(), removed, "removed temporary files left by an interrupted write");
                }
            }
        });
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
        self.sweep_once();
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
        let _lock = lock_file(&self.dir.join(LOCK_FILE))?;
        self.sweep_once();
        let (mut profiles, old_bytes) = self.read()?;
        let out = change(&mut profiles)?;
        self.save(&profiles, old_bytes.as_deref())?;
        Ok(out)
    }

    /// Runs `read` on the profiles under the cross-process lock, writing nothing: what
    /// it reads (a profile, and with it its keyring item) is not changed by another
    /// process meanwhile. A missing data folder is an empty store.
    pub fn read_locked<T, E>(&self, read: impl FnOnce(&[Profile]) -> Result<T, E>) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        if !self.dir.is_dir() {
            return read(&[]);
        }
        let _lock = lock_file(&self.dir.join(LOCK_FILE))?;
        self.sweep_once();
        let (profiles, _) = self.read()?;
        read(&profiles)
    }

    fn read(&self) -> Result<(Vec<Profile>, Option<Vec<u8>>), StoreError> {
        let path = self.path();
        let bytes = match read_capped(&path, MAX_DATA_FILE) {
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
}

/// Takes the cross-process lock `path` (created 0600 when missing), waiting up to
/// [`LOCK_TIMEOUT`] for another process holding it. Dropping the file releases it.
pub(crate) fn lock_file(path: &Path) -> Result<File, StoreError> {
    let file = open_private(path, false).map_err(io_err("open the lock file", path))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Locked {
                    path: path.to_owned(),
                })
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err("lock", path)(e)),
        }
    }
}

/// Removes `.connkeeper-*.tmp` files in `dir` last modified over `age` ago; returns how
/// many went. Errors are ignored: a leftover costs disk space, never correctness.
pub fn sweep_stale_temp_files(dir: &Path, age: Duration) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| now.duration_since(t).ok())
            .is_some_and(|d| d >= age);
        if old && fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
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
    if let Some((n, p)) = file
        .profiles
        .iter()
        .enumerate()
        .find(|(_, p)| !p.id.is_profile_id())
    {
        return Err(corrupt(format!(
            "profile {} (\"{}\") has the id {}, which ConnKeeper never gives a profile (profile ids are random version 4 UUIDs; other ids are reserved, such as the organisation API key's). The file was changed outside ConnKeeper",
            n + 1,
            crate::text::from_server(&p.name, 80),
            p.id
        )));
    }
    Ok(file.profiles)
}

/// Reads a JSON file kept beside the profiles (settings, reminder state, audit reports);
/// `None` when it does not exist. A file that does not parse is reported, not replaced.
pub fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    match read_capped(path, MAX_DATA_FILE) {
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

/// The largest data file ConnKeeper reads (`profiles.json` of 10,000 profiles is about
/// 6 MiB); anything larger is refused instead of filling memory.
pub const MAX_DATA_FILE: u64 = 256 * 1024 * 1024;

/// Reads at most `cap` bytes of `path`; a longer file (or endless device) is an
/// `InvalidData` error naming the cap. Never reads more than `cap + 1` bytes.
pub fn read_capped(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let file = open_regular(path)?;
    let hint = file.metadata().map(|m| m.len()).unwrap_or(0).min(cap);
    let mut bytes = Vec::with_capacity(usize::try_from(hint).unwrap_or(0));
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the file is larger than {} MiB", cap / (1024 * 1024)),
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading only when it is a regular file: a FIFO, a device or a socket
/// is refused with `InvalidInput`, without blocking (on Unix the open does not wait for
/// a FIFO's writer, and the type is checked on the open file itself). A regular file
/// ignores the non-blocking flag.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts.open(path)?;
    if !file.metadata()?.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a pipe, a device or a socket); move it away",
        ));
    }
    Ok(file)
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
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
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
