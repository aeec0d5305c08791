//! The profile store: atomic writes, crash safety, corrupt files, locking, modes.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use connkeeper_core::model::{Application, Profile, ProfileId};
use connkeeper_core::store::{atomic_write, atomic_write_with, ProfileStore, StoreError};

fn profile(name: &str) -> Profile {
    let t = Utc.with_ymd_and_hms(2026, 11, 28, 12, 0, 0).unwrap();
    Profile {
        id: ProfileId::new(),
        name: name.to_owned(),
        description: None,
        application: Application::Jira,
        host: "https://acme.atlassian.net".into(),
        email: "admin@acme.com".into(),
        expires: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        created_at: t,
        updated_at: t,
        last_audit: None,
        confirmed_host: None,
        life: Default::default(),
        token_kind: None,
    }
}

fn add(store: &ProfileStore, name: &str) {
    store
        .update(|ps| {
            ps.push(profile(name));
            Ok::<_, StoreError>(())
        })
        .unwrap();
}

#[test]
fn round_trip_keeps_backup_and_modes() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path().join("data"));
    add(&store, "one");
    assert!(
        !store.dir().join("profiles.json.bak").exists(),
        "no backup before a second write"
    );
    add(&store, "two");
    let names: Vec<String> = store.load().unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["one", "two"]);
    let bak: serde_json::Value =
        serde_json::from_slice(&fs::read(store.dir().join("profiles.json.bak")).unwrap()).unwrap();
    assert_eq!(
        bak["profiles"].as_array().unwrap().len(),
        1,
        "backup is the previous good file"
    );
    assert_eq!(bak["version"], 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(store.dir()), 0o700);
        assert_eq!(mode(&store.path()), 0o600);
        assert_eq!(mode(&store.dir().join("profiles.json.bak")), 0o600);
    }
    let leftovers: Vec<_> = fs::read_dir(store.dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files remain");
}

#[test]
fn corrupt_file_is_reported_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let store = ProfileStore::new(dir.path());
    for body in [
        &b"{\"version\":1,\"profiles\":[{"[..],
        b"not json",
        b"{\"profiles\":[]}",
        b"{\"version\":1,\"profiles\":[{\"name\":1}]}",
    ] {
        plant(&store.path(), body);
        let err = store.load().unwrap_err();
        assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&store.path().display().to_string()),
            "names the file: {msg}"
        );
        assert!(msg.contains("untouched"), "{msg}");
        let err = store.update(|ps| {
            ps.push(profile("x"));
            Ok::<_, StoreError>(())
        });
        assert!(err.is_err());
        assert_eq!(fs::read(store.path()).unwrap(), body, "never overwritten");
        assert!(
            !store.dir().join("profiles.json.bak").exists(),
            "nor backed up over"
        );
    }
}

/// Plants a fixture file.
fn plant(path: &Path, body: &[u8]) {
    atomic_write(path, body).unwrap();
}

#[test]
fn a_crash_before_the_rename_leaves_the_old_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profiles.json");
    atomic_write(&path, b"{\"version\":1,\"profiles\":[]}").unwrap();
    let status = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "store::crash_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("CONNKEEPER_TEST_CRASH_PATH", &path)
        .status()
        .unwrap();
    // It died of the intended abort at the hook, not of anything earlier...
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            status.signal(),
            Some(6),
            "the child must die of SIGABRT: {status:?}"
        );
    }
    #[cfg(not(unix))]
    assert!(!status.success(), "the child must have crashed");
    // ...after its temporary file was durable: the crash left it behind.
    let leftovers = temp_files(dir.path());
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
    assert_eq!(fs::metadata(&leftovers[0]).unwrap().len(), 1 << 20);
    assert_eq!(fs::read(&path).unwrap(), b"{\"version\":1,\"profiles\":[]}");
    assert!(ProfileStore::new(dir.path()).load().unwrap().is_empty());
    // A fresh leftover may belong to a write in progress: opening the store keeps it.
    assert_eq!(temp_files(dir.path()).len(), 1);
    // An old one is a crash's: the next open removes it.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(&leftovers[0])
        .unwrap()
        .set_modified(old)
        .unwrap();
    assert!(ProfileStore::new(dir.path()).load().unwrap().is_empty());
    assert!(temp_files(dir.path()).is_empty());
}

fn temp_files(dir: &Path) -> Vec<std::path::PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.starts_with(".connkeeper-") && n.ends_with(".tmp")
        })
        .collect()
}

/// Helper run by `a_crash_before_the_rename_leaves_the_old_file` in a child process:
/// writes a new file and aborts after the temporary file is durable, before the rename.
#[test]
fn crash_child() {
    let Some(path) = std::env::var_os("CONNKEEPER_TEST_CRASH_PATH") else {
        return; // only meaningful in the child process
    };
    let big = vec![b'x'; 1 << 20];
    let _ = atomic_write_with(Path::new(&path), &big, || std::process::abort());
    unreachable!("the hook aborts");
}

#[test]
fn concurrent_writers_lose_no_update() {
    let dir = tempfile::tempdir().unwrap();
    let path = Arc::new(dir.path().to_owned());
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let path = path.clone();
            std::thread::spawn(move || {
                // A separate store (and lock file handle) per thread, as in separate processes.
                let store = ProfileStore::new(path.as_ref());
                for i in 0..25 {
                    add(&store, &format!("t{t}-{i}"));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let all = ProfileStore::new(path.as_ref()).load().unwrap();
    assert_eq!(all.len(), 100);
}

mod settings_file {
    use super::*;
    use connkeeper_core::settings::{Language, LocalState, Settings, SettingsStore};

    #[test]
    fn a_corrupt_settings_file_is_reported_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        plant(&store.path(), b"{\"language\": \"en\", ");
        let err = store.load().unwrap_err();
        assert!(err.to_string().contains("settings.json"), "{err}");
        let err = store.update(|s| s.notifications = false).unwrap_err();
        assert!(err.to_string().contains("settings.json"), "{err}");
        assert_eq!(fs::read(store.path()).unwrap(), b"{\"language\": \"en\", ");
        // Out-of-range values in the file are reported the same way.
        plant(&store.path(), br#"{"thresholds": [400]}"#);
        assert!(store.load().is_err());
    }

    #[test]
    fn values_are_normalised_on_load_and_invalid_changes_write_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        plant(
            &store.path(),
            br#"{"thresholds": [1, 30, 7, 7], "tray_hint_shown": true}"#,
        );
        assert_eq!(store.load().unwrap().thresholds, [30, 7, 1]);
        let before = fs::read(store.path()).unwrap();
        let err = store.update(|s| s.thresholds = vec![1000]).unwrap_err();
        assert!(err.to_string().contains("0 to 365"), "{err}");
        assert_eq!(fs::read(store.path()).unwrap(), before);
    }

    #[test]
    fn concurrent_changes_of_different_settings_are_all_kept() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        store.update(|s| s.thresholds.clear()).unwrap();
        let threads: Vec<_> = (0..8)
            .map(|i| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for _ in 0..10 {
                        store
                            .update(|s| {
                                if !s.thresholds.contains(&(100 + i)) {
                                    s.thresholds.push(100 + i);
                                }
                            })
                            .unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let s = store.load().unwrap();
        for i in 0..8 {
            assert!(
                s.thresholds.contains(&(100 + i)),
                "lost update {i}: {:?}",
                s.thresholds
            );
        }
        store.update(|s| s.language = Language::Ja).unwrap();
        assert_eq!(store.load().unwrap().language, Language::Ja);
    }

    #[test]
    fn the_tray_hint_lives_outside_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        let store = SettingsStore::new(dir.path());
        store.replace(Settings::default()).unwrap();
        let settings_before = fs::read(store.path()).unwrap();
        assert!(LocalState::first_tray_hint(dir.path()).unwrap());
        assert!(!LocalState::first_tray_hint(dir.path()).unwrap());
        assert!(LocalState::load(dir.path()).tray_hint_shown);
        assert_eq!(fs::read(store.path()).unwrap(), settings_before);
        assert!(!String::from_utf8_lossy(&settings_before).contains("tray_hint"));
    }
}

/// Runs `f` on a thread and waits at most 20 s for its answer: a read that blocks on a
/// FIFO would never answer.
#[cfg(unix)]
fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .expect("the read must not block on a FIFO")
}

#[cfg(unix)]
#[test]
fn data_files_that_are_not_regular_files_are_refused_without_blocking() {
    use connkeeper_core::store::ProfileStore;
    let dir = tempfile::tempdir().unwrap();
    for name in ["profiles.json", "org.json", "settings.json", "import.json"] {
        let path = dir.path().join(name);
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .expect("mkfifo runs");
        assert!(status.success(), "mkfifo {name}");
    }
    let d = dir.path().to_owned();
    let e = within_seconds(move || ProfileStore::new(&d).load().unwrap_err());
    let text = e.to_string();
    assert!(
        text.contains("profiles.json") && text.contains("not a regular file"),
        "{text}"
    );
    let path = dir.path().join("org.json");
    let e = within_seconds(move || {
        connkeeper_core::store::read_json::<serde_json::Value>(&path).unwrap_err()
    });
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let d = dir.path().to_owned();
    let e = within_seconds(move || {
        connkeeper_core::settings::SettingsStore::new(&d)
            .load()
            .unwrap_err()
    });
    assert!(e.to_string().contains("not a regular file"), "{e}");
    let path = dir.path().join("import.json");
    let e = within_seconds(move || connkeeper_core::import::read_file(&path).unwrap_err());
    assert!(e.to_string().contains("not a regular file"), "{e}");
    // A device is refused the same way.
    let e = within_seconds(|| {
        connkeeper_core::store::read_capped(std::path::Path::new("/dev/zero"), 1024).unwrap_err()
    });
    assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput);
}
