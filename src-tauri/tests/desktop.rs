//! The real desktop app under Xvfb in the test D-Bus session (tests/with-session.sh):
//! a reminder arrives as an `org.freedesktop.Notifications.Notify` call on the bus (the
//! plugin's `show()` always returns Ok, so only the bus proves delivery), does not fire
//! again after a restart, and the tray icon appears in a real tray host (trayer) with a
//! menu listing the urgent profile; a second launch hands over to the first.

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
