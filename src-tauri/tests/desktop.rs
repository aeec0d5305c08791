//! The real desktop app under Xvfb in the test D-Bus session (tests/with-session.sh):
//! a reminder arrives as an `org.freedesktop.Notifications.Notify` call on the bus (the
//! plugin's `show()` always returns Ok, so only the bus proves delivery), does not fire
//! again after a restart, and the tray icon appears in a real tray host (trayer) with a
//! menu listing the urgent profile; a second launch hands over to the first. Closing the
//! window to the tray ends its web process; logind's resume signal wakes the reminders;
//! opening again builds a new window.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use connkeeper_core::clock::{Clock, SystemClock};
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::KeyringStore;
use connkeeper_core::store::ProfileStore;
use connkeeper_core::validate::Draft;
use connkeeper_core::SecretString;

const TOKEN: &str = "ATATT3xFfGF0-desktop-test-token-1";

/// One app at a time: a second instance in the same session would hand over to the first.
static ONE_APP: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn one_app() -> std::sync::MutexGuard<'static, ()> {
    ONE_APP
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for<T>(what: &str, timeout: Duration, probe: impl FnMut() -> Option<T>) -> T {
    try_wait_for(timeout, probe).unwrap_or_else(|| panic!("timed out waiting for {what}"))
}

/// Polls `probe` until it answers or `timeout` passes.
fn try_wait_for<T>(timeout: Duration, mut probe: impl FnMut() -> Option<T>) -> Option<T> {
    let start = Instant::now();
    loop {
        if let Some(v) = probe() {
            return Some(v);
        }
        if start.elapsed() >= timeout {
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn logs(xdg: &Path) -> String {
    let dir = xdg.join("connkeeper/logs");
    let mut all = String::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        all.push_str(&read(&e.path()));
    }
    all
}

fn launch(data: &Path, xdg: &Path, service: &str) -> Killed {
    Killed(
        Command::new(env!("CARGO_BIN_EXE_connkeeper-desktop"))
            .env("CONNKEEPER_DATA_DIR", data)
            .env("CONNKEEPER_KEYRING_SERVICE", service)
            .env("XDG_DATA_HOME", xdg)
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the desktop binary starts"),
    )
}

fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Geometry of a window: (x, y, width, height).
fn geometry(win: &str) -> (i64, i64, i64, i64) {
    let text = xdotool(&["getwindowgeometry", "--shell", win]);
    let val = |k: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(0)
    };
    (val("X"), val("Y"), val("WIDTH"), val("HEIGHT"))
}

fn screenshot(name: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let _ = Command::new("import")
        .args(["-window", "root"])
        .arg(dir.join(name))
        .status();
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring and Xvfb: make test"]
fn reminder_on_the_bus_once_and_tray_menu_lists_the_urgent_profile() {
    let _one = one_app();
    assert!(
        std::env::var_os("CONNKEEPER_IN_SESSION").is_some(),
        "needs the private desktop session: run `make test` (tests/with-session.sh)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let (data, xdg) = (tmp.path().join("data"), tmp.path().join("xdg"));
    let service = format!("connkeeper-desktop-test-{}", std::process::id());
    let profiles = Profiles::new(
        ProfileStore::new(&data),
        KeyringStore::new(&service),
        Arc::new(SystemClock),
    );
    let expires = SystemClock.today() + chrono::Days::new(2);
    let saved = profiles
        .create(&Draft {
            // Markup characters: freedesktop servers would read them as tags.
            name: "Nightly <b>backup</b> & co".into(),
            description: None,
            application: "jsm".into(),
            host: "acme.atlassian.net".into(),
            email: "backup@acme.com".into(),
            token: Some(SecretString::from(TOKEN.to_owned())),
            expires: expires.to_string(),
        })
        .unwrap();
    let id = saved.profile.id;

    let _tray_host = Killed(
        Command::new("trayer")
            .args([
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                "32",
                "--transparent",
                "false",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("trayer is installed"),
    );
    let bus_log = tmp.path().join("notify.txt");
    let _monitor = Killed(
        Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(std::fs::File::create(&bus_log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor is installed"),
    );
    // The monitor is listening once it reports its own name on the bus.
    wait_for("dbus-monitor to listen", Duration::from_secs(20), || {
        read(&bus_log).contains("NameAcquired").then_some(())
    });

    // First launch: the reminder is a Notify call on the session bus.
    let app = launch(&data, &xdg, &service);
    let title = "API token expires in 2 days";
    wait_for("the Notify call", Duration::from_secs(40), || {
        read(&bus_log).contains(title).then_some(())
    });
    let bus = read(&bus_log);
    assert!(
        bus.contains(
            "Nightly &lt;b&gt;backup&lt;/b&gt; &amp; co (Jira Service Management, https://acme.atlassian.net)"
        ),
        "the body is escaped for the server's markup: {bus}"
    );
    assert!(
        bus.contains(&expires.to_string()) && bus.contains("id.atlassian.com"),
        "{bus}"
    );

    // The tray icon is docked in trayer; its menu opens and lists the profile.
    let icon = wait_for("the tray icon", Duration::from_secs(20), || {
        xdotool(&["search", "--classname", "tray-icon tray app main"])
            .lines()
            .next()
            .map(str::to_owned)
    });
    let logged = wait_for("the tray update", Duration::from_secs(10), || {
        let l = logs(&xdg);
        l.contains("tray updated").then_some(l)
    });
    assert!(
        logged.contains("Nightly <b>backup</b> & co: expires in 2 days"),
        "{logged}"
    );
    assert!(
        logged.contains("1 expiring within 30 days, 0 expired"),
        "{logged}"
    );
    // The menu offers the urgent profile's rotation too.
    assert!(
        logged.contains("rotate=[\"Nightly <b>backup</b> & co\"]"),
        "{logged}"
    );
    let before: Vec<String> =
        xdotool(&["search", "--onlyvisible", "--class", "connkeeper-desktop"])
            .lines()
            .map(str::to_owned)
            .collect();
    // Open the menu and click the first item (the most urgent profile), which asks the
    // window to open its form. On a cold start the menu may map late or resize while it
    // fills, so wait for a stable, mapped menu and retry until the click is logged.
    let wanted = format!("tray menu item=\"profile:{id}\"");
    let clicked = (0..6).any(|attempt| {
        xdotool(&["mousemove", "--window", &icon, "10", "10", "click", "3"]);
        let Some(popup) = try_wait_for(Duration::from_secs(10), || {
            let found = xdotool(&["search", "--onlyvisible", "--class", "connkeeper-desktop"])
                .lines()
                .filter(|w| !before.iter().any(|b| b == w))
                .map(str::to_owned)
                .find(|w| {
                    let (_, _, width, height) = geometry(w);
                    width > 100 && height > 60
                })?;
            // Stable: the same geometry on two looks in a row.
            let first = geometry(&found);
            std::thread::sleep(Duration::from_millis(100));
            (geometry(&found) == first).then_some(found)
        }) else {
            return false;
        };
        if attempt == 0 {
            screenshot("tray-menu.png");
        }
        let (x, y, _, _) = geometry(&popup);
        // GTK activates an item the pointer has entered: move in, move within, click.
        xdotool(&["mousemove", &(x + 40).to_string(), &(y + 14).to_string()]);
        xdotool(&["mousemove", &(x + 44).to_string(), &(y + 16).to_string()]);
        xdotool(&["click", "1"]);
        let done = try_wait_for(Duration::from_secs(3), || {
            logs(&xdg).contains(&wanted).then_some(())
        })
        .is_some();
        if !done {
            xdotool(&["key", "Escape"]); // close a menu that is still open, then retry
        }
        done
    });
    assert!(clicked, "the tray menu's profile item was never activated");

    // A second launch hands over to the running app and exits.
    let mut second = Command::new(env!("CARGO_BIN_EXE_connkeeper-desktop"))
        .env("CONNKEEPER_DATA_DIR", &data)
        .env("CONNKEEPER_KEYRING_SERVICE", &service)
        .env("XDG_DATA_HOME", tmp.path().join("xdg-second"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = wait_for("the second launch to exit", Duration::from_secs(20), || {
        second.try_wait().unwrap()
    });
    assert!(status.success(), "{status}");
    wait_for(
        "the first instance to show its window",
        Duration::from_secs(10),
        || {
            logs(&xdg)
                .contains("another launch: showing the running window")
                .then_some(())
        },
    );
    drop(app);

    let state = read(&data.join("reminders.json"));
    assert!(
        state.contains(&id.to_string()) && state.contains(&expires.to_string()),
        "{state}"
    );

    // Second launch: the same threshold does not fire again.
    let checks = logs(&xdg).matches("reminder check").count();
    let app = launch(&data, &xdg, &service);
    wait_for("the second reminder check", Duration::from_secs(40), || {
        (logs(&xdg).matches("reminder check").count() > checks).then_some(())
    });
    // A notification the app would have sent is on the bus before one sent after the
    // check: send a marker and wait for it instead of sleeping.
    let marker = Command::new("notify-send")
        .args(["connkeeper-test-marker", "after the second check"])
        .status()
        .expect("notify-send (libnotify-bin) is installed");
    assert!(marker.success());
    wait_for("the marker notification", Duration::from_secs(20), || {
        read(&bus_log)
            .contains("connkeeper-test-marker")
            .then_some(())
    });
    drop(app);
    assert_eq!(
        read(&bus_log).matches(title).count(),
        1,
        "fired once across restarts"
    );
    assert!(
        logs(&xdg).contains("notifications=0"),
        "the second check found nothing due"
    );
    profiles.delete(id).unwrap();

    // The scan: the token is in no file the app wrote (data folder, logs) nor on the bus.
    let token = TOKEN;
    let mut files = vec![bus_log];
    let mut dirs = vec![data, xdg];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                dirs.push(e.path());
            } else {
                files.push(e.path());
            }
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("profiles.json"))
            && files.iter().any(|f| f.ends_with("connkeeper.log")),
        "the scan covers the data folder and the log: {files:?}"
    );
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(token),
            "the token leaked into {}",
            f.display()
        );
    }
}

/// The app's process and the processes it started (WebKit's), by name.
fn process_tree(root: u32) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(pid) = todo.pop() {
        let comm = read(Path::new(&format!("/proc/{pid}/comm")));
        if comm.is_empty() {
            continue;
        }
        out.push((pid, comm.trim().to_owned()));
        let children = read(Path::new(&format!("/proc/{pid}/task/{pid}/children")));
        todo.extend(
            children
                .split_whitespace()
                .filter_map(|c| c.parse::<u32>().ok()),
        );
    }
    out
}

fn web_processes(root: u32) -> usize {
    process_tree(root)
        .iter()
        .filter(|(_, name)| name.starts_with("WebKitWebProces"))
        .count()
}

fn main_window() -> Option<String> {
    xdotool(&["search", "--onlyvisible", "--name", "^ConnKeeper$"])
        .lines()
        .next()
        .map(str::to_owned)
}

#[test]
#[ignore = "needs the test D-Bus session with gnome-keyring and Xvfb: make test"]
fn closing_to_the_tray_releases_the_webview_and_opening_builds_it_again() {
    let _one = one_app();
    assert!(
        std::env::var_os("CONNKEEPER_IN_SESSION").is_some(),
        "needs the private desktop session: run `make test` (tests/with-session.sh)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let (data, xdg) = (tmp.path().join("data"), tmp.path().join("xdg"));
    let service = format!("connkeeper-desktop-close-{}", std::process::id());
    // The session bus stands in for the system bus, so a test can play logind.
    let session_bus = std::env::var("DBUS_SESSION_BUS_ADDRESS").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_connkeeper-desktop"));
    cmd.env("CONNKEEPER_DATA_DIR", &data)
        .env("CONNKEEPER_KEYRING_SERVICE", &service)
        .env("XDG_DATA_HOME", &xdg)
        .env("DBUS_SYSTEM_BUS_ADDRESS", &session_bus)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let app = Killed(cmd.spawn().expect("the desktop binary starts"));
    let pid = app.0.id();

    let window = wait_for("the window", Duration::from_secs(60), main_window);
    wait_for("its web process", Duration::from_secs(30), || {
        (web_processes(pid) > 0).then_some(())
    });
    wait_for("the resume watcher", Duration::from_secs(20), || {
        logs(&xdg)
            .contains("listening for logind's resume signal")
            .then_some(())
    });

    // The close button (WM_DELETE_WINDOW, as a window manager sends it): the window and
    // its web process go, the app stays in the tray.
    let closed = Command::new("python3")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/x11/close-window.py"))
        .arg(&window)
        .status()
        .expect("python3 runs");
    assert!(closed.success(), "{closed}");
    wait_for("the web process to end", Duration::from_secs(30), || {
        (web_processes(pid) == 0 && main_window().is_none()).then_some(())
    });
    assert!(
        logs(&xdg).contains("the webview is released"),
        "{}",
        logs(&xdg)
    );
    assert!(
        !process_tree(pid).is_empty(),
        "the app keeps running in the tray"
    );

    // logind says the machine resumed: the reminder loop checks at once.
    let checks = logs(&xdg).matches("reminder check").count();
    let sent = Command::new("dbus-send")
        .args([
            "--session",
            "--type=signal",
            "/org/freedesktop/login1",
            "org.freedesktop.login1.Manager.PrepareForSleep",
            "boolean:false",
        ])
        .status()
        .expect("dbus-send is installed");
    assert!(sent.success());
    wait_for(
        "the check after the resume",
        Duration::from_secs(20),
        || {
            let l = logs(&xdg);
            (l.contains("resumed from sleep (logind)")
                && l.matches("reminder check").count() > checks)
                .then_some(())
        },
    );

    // Opening again (a second launch, as the tray's Open does) builds a new window.
    let second = Command::new(env!("CARGO_BIN_EXE_connkeeper-desktop"))
        .env("CONNKEEPER_DATA_DIR", &data)
        .env("CONNKEEPER_KEYRING_SERVICE", &service)
        .env("XDG_DATA_HOME", tmp.path().join("xdg-second"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(second.success(), "{second}");
    let again = wait_for("the window again", Duration::from_secs(60), main_window);
    assert_ne!(again, window, "a new window, not the old one shown");
    wait_for("a new web process", Duration::from_secs(30), || {
        (web_processes(pid) > 0).then_some(())
    });
    screenshot("reopened.png");
    drop(app);
}
