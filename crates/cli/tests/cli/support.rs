//! Shared helpers of the CLI tests: a private data folder and keyring service per test,
//! a transcript of everything printed (scanned for tokens when the test ends), fake Jira.

#[path = "../common/jira.rs"]
mod jira;
pub use jira::{jira_site, start_jira};

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

pub struct Env {
    pub dir: tempfile::TempDir,
    pub service: String,
    pub transcript: std::cell::RefCell<Vec<u8>>,
    pub secrets: Vec<&'static str>,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

impl Env {
    pub fn new(tag: &str, secrets: &[&'static str]) -> Self {
        assert!(
            std::env::var_os("CONNKEEPER_IN_SESSION").is_some(),
            "CLI tests need the test D-Bus session with gnome-keyring: run `make test`"
        );
        Env {
            dir: tempfile::tempdir().unwrap(),
            service: format!("connkeeper-cli-test-{tag}-{}", std::process::id()),
            transcript: Default::default(),
            secrets: secrets.to_vec(),
        }
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_connkeeper"));
        c.env("CONNKEEPER_KEYRING_SERVICE", &self.service)
            .env_remove("CONNKEEPER_DATA_DIR")
            .env_remove("RUST_LOG")
            .arg("--data-dir")
            .arg(self.data());
        c
    }

    pub fn run_with(&self, mut c: Command, args: &[&str], stdin: Option<&str>) -> Run {
        c.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = c.spawn().unwrap();
        {
            let mut si = child.stdin.take().unwrap();
            if let Some(s) = stdin {
                // The command may exit before reading (a validation error): ignore EPIPE.
                let _ = si.write_all(s.as_bytes());
            }
        }
        let Output {
            status,
            stdout,
            stderr,
        } = child.wait_with_output().unwrap();
        let mut t = self.transcript.borrow_mut();
        t.extend_from_slice(&stdout);
        t.extend_from_slice(&stderr);
        Run {
            code: status.code().unwrap_or(-1),
            stdout: String::from_utf8(stdout).unwrap(),
            stderr: String::from_utf8(stderr).unwrap(),
        }
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(self.cmd(), args, None)
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.run_with(self.cmd(), args, Some(stdin))
    }

    pub fn add(&self, name: &str, token: &str) -> Run {
        self.run_stdin(
            &[
                "profile",
                "add",
                "--name",
                name,
                "--application",
                "jira",
                "--host",
                "https://acme.atlassian.net/browse/ABC-1?focusedCommentId=5",
                "--email",
                "backup@acme.com",
                "--expires",
                &in_days(90),
                "--token-stdin",
            ],
            &format!("{token}\n"),
        )
    }

    /// The secret of keyring item `id` as another program (secret-tool) reads it: the
    /// token of its record, after checking the record names a profile token.
    pub fn secret_tool_lookup(&self, id: &str) -> Option<String> {
        let record: Value =
            serde_json::from_str(&self.secret_tool_raw(id)?).expect("keyring items are records");
        assert_eq!(record["connkeeper"], 1, "{record}");
        assert_eq!(record["kind"], "profile_token");
        Some(record["secret"].as_str().expect("a secret").to_owned())
    }

    /// The stored secret of keyring item `id`, as secret-tool prints it.
    pub fn secret_tool_raw(&self, id: &str) -> Option<String> {
        let out = Command::new("secret-tool")
            .args(["lookup", "service", &self.service, "username", id])
            .output()
            .unwrap();
        // `lookup` exits 1 with nothing on stderr when there is no such item; any other
        // failure means it could not look, which must not pass as "no entry".
        match out.status.code() {
            Some(0) => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
            Some(1) if out.stderr.is_empty() => None,
            _ => panic!("secret-tool failed: {out:?}"),
        }
    }

    pub fn file_json(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.data().join("profiles.json")).unwrap()).unwrap()
    }
}

impl Drop for Env {
    /// The scan: no test token in any file of the data folder nor in anything printed.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut haystacks = vec![("output".to_owned(), self.transcript.borrow().clone())];
        collect_files(self.dir.path(), &mut haystacks);
        for secret in &self.secrets {
            for (name, bytes) in &haystacks {
                let text = String::from_utf8_lossy(bytes);
                assert!(!text.contains(secret), "token {secret} leaked into {name}");
            }
        }
    }
}

pub fn collect_files(dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

pub fn in_days(n: i64) -> String {
    let today = chrono::Local::now().date_naive();
    (today + chrono::Duration::days(n)).to_string()
}

pub const T1: &str = "ATATT3xFfGF0-cli-secret-token-0001";
pub const T2: &str = "ATATT3xFfGF0-cli-secret-token-0002";

pub const JIRA_TOKEN: &str = "ATATT3xFfGF0-cli-audit-token-0001";

pub fn add_loopback(env: &Env, name: &str, host: &str, token: &str) {
    let r = add_profile_with(env, &["--allow-loopback-http"], name, host, &[], token);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

pub fn connkeeper_core_write(path: &Path, body: &[u8]) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(body).unwrap();
}

/// `profile add NAME` for `host` with the token on stdin, `global` flags before the
/// command and `extra` flags after it.
pub fn add_profile_with(
    env: &Env,
    global: &[&str],
    name: &str,
    host: &str,
    extra: &[&str],
    stdin: &str,
) -> Run {
    let expires = in_days(60);
    let mut args = global.to_vec();
    args.extend([
        "profile",
        "add",
        "--name",
        name,
        "--application",
        "jira",
        "--host",
        host,
        "--email",
        "backup@acme.com",
        "--expires",
        &expires,
        "--token-stdin",
    ]);
    args.extend_from_slice(extra);
    env.run_stdin(&args, stdin)
}
