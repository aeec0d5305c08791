//! One test case: a data folder, an in-memory keyring, a fixed clock and maybe a fake
//! Jira; each run parses a command line as the binary does and calls the library.

#[path = "../common/jira.rs"]
mod jira;
pub use jira::{jira_site, start_jira, Jira};

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use clap::Parser;
use connkeeper_cli::{Cli, Interrupt, Scripted};
use connkeeper_core::clock::{Clock, FixedClock};
use connkeeper_core::jira::ClientConfig;
use connkeeper_core::profiles::Profiles;
use connkeeper_core::secrets::MemoryStore;
use connkeeper_core::store::ProfileStore;
use serde_json::Value;

/// "Today" in every case.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The date `days` after [`today`].
pub fn in_days(days: i64) -> String {
    (today() + chrono::Duration::days(days)).to_string()
}

pub const T1: &str = "ATATT3xFfGF0-cli-secret-token-0001";
pub const T2: &str = "ATATT3xFfGF0-cli-secret-token-0002";
pub const T3: &str = "ATATT3xFfGF0-cli-secret-token-0003";

/// A [`FixedClock`] that a test moves forward.
#[derive(Debug)]
pub struct StepClock(std::sync::Mutex<FixedClock>);

impl StepClock {
    fn on(today: NaiveDate) -> Self {
        Self(std::sync::Mutex::new(FixedClock::on(today)))
    }

    /// Moves "now" forward by `seconds` (the date stays).
    pub fn advance(&self, seconds: i64) {
        let mut clock = self.0.lock().unwrap();
        *clock = FixedClock::at(
            clock.now() + chrono::Duration::seconds(seconds),
            clock.today(),
        );
    }
}

impl Clock for StepClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.lock().unwrap().now()
    }

    fn today(&self) -> NaiveDate {
        self.0.lock().unwrap().today()
    }
}

pub struct Case {
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemoryStore>,
    pub clock: Arc<StepClock>,
    pub jira: Option<Jira>,
    /// Tokens that must never appear in any output nor in the data folder.
    pub tokens: Vec<String>,
}

/// How one run ended.
pub struct Outcome {
    pub code: u8,
    pub stdout: String,
    redacted: String,
}

impl Outcome {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.stdout))
    }
}

/// The snapshot text: the exit status, then the whole stdout and stderr.
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// Pins the whole outcome of a run as the named snapshot.
#[macro_export]
macro_rules! snap {
    ($name:expr, $outcome:expr) => {
        insta::assert_snapshot!($name, $outcome.to_string())
    };
}

impl Case {
    pub fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            secrets: Arc::new(MemoryStore::new()),
            clock: Arc::new(StepClock::on(today())),
            jira: None,
            tokens: vec![T1.into(), T2.into(), T3.into()],
        }
    }

    pub fn with_jira(site: fake_jira::Site) -> Self {
        let mut case = Self::new();
        case.jira = Some(start_jira(site));
        case
    }

    pub fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// The fake Jira's base URL.
    pub fn url(&self) -> String {
        self.jira
            .as_ref()
            .expect("a case with a fake Jira")
            .fake
            .url()
    }

    pub fn fake(&self) -> &fake_jira::FakeJira {
        &self.jira.as_ref().expect("a case with a fake Jira").fake
    }

    /// Runs with an empty pipe on stdin.
    pub fn run(&self, args: &[&str]) -> Outcome {
        self.run_input(args, Scripted::piped(""))
    }

    /// Runs with `stdin` piped in.
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Outcome {
        self.run_input(args, Scripted::piped(stdin))
    }

    /// Runs `connkeeper --data-dir DATA ARGS` as the binary would: clap's errors as
    /// clap prints them, the setup of `connkeeper_core::setup` (flags and environment),
    /// then the command over this case's keyring and clock.
    pub fn run_input(&self, args: &[&str], input: Scripted) -> Outcome {
        self.run_full(args, Arc::new(input), Interrupt::Never)
    }

    /// [`Case::run_input`] with input the test inspects afterwards.
    pub fn run_shared(&self, args: &[&str], input: Arc<Scripted>) -> Outcome {
        self.run_full(args, input, Interrupt::Never)
    }

    /// Runs as if Ctrl-C came before any network work finished.
    pub fn run_interrupted(&self, args: &[&str]) -> Outcome {
        self.run_full(args, Arc::new(Scripted::piped("")), Interrupt::Immediately)
    }

    /// [`Case::run_interrupted`] with `stdin` piped in.
    pub fn run_full_interrupted(&self, args: &[&str], stdin: &str) -> Outcome {
        self.run_full(
            args,
            Arc::new(Scripted::piped(stdin)),
            Interrupt::Immediately,
        )
    }

    fn run_full(&self, args: &[&str], input: Arc<Scripted>, interrupt: Interrupt) -> Outcome {
        let data = self.data();
        let argv = ["connkeeper", "--data-dir", data.to_str().unwrap()]
            .into_iter()
            .chain(args.iter().copied());
        let (code, stdout, stderr) = match Cli::try_parse_from(argv) {
            Err(e) => {
                let text = e.render().to_string();
                let code = u8::try_from(e.exit_code()).unwrap();
                if e.use_stderr() {
                    (code, String::new(), text)
                } else {
                    (code, text, String::new())
                }
            }
            Ok(cli) => self.call(cli, input, interrupt),
        };
        self.check_no_token(&stdout);
        self.check_no_token(&stderr);
        let redacted = self.redact(&format!(
            "exit: {code}\n----- stdout -----\n{stdout}----- stderr -----\n{stderr}"
        ));
        Outcome {
            code,
            stdout,
            redacted,
        }
    }

    /// Runs `args` with stdout going to `out`; returns the exit status and stderr.
    pub fn run_to(&self, args: &[&str], out: &mut (dyn std::io::Write + Send)) -> (u8, String) {
        let data = self.data();
        let argv = ["connkeeper", "--data-dir", data.to_str().unwrap()]
            .into_iter()
            .chain(args.iter().copied());
        let cli = Cli::try_parse_from(argv).unwrap();
        let mut err = Vec::new();
        let mut io = connkeeper_cli::Io::buffers(out, &mut err, Arc::new(Scripted::piped("")));
        let code = self.call_io(cli, &mut io);
        (code, String::from_utf8(err).unwrap())
    }

    fn call(&self, cli: Cli, input: Arc<Scripted>, interrupt: Interrupt) -> (u8, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let mut io = connkeeper_cli::Io::buffers(&mut out, &mut err, input);
        io.interrupt = interrupt;
        let code = self.call_io(cli, &mut io);
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    fn call_io(&self, cli: Cli, io: &mut connkeeper_cli::Io) -> u8 {
        let exit = match connkeeper_cli::profiles_from_env(&cli) {
            Err(failure) => failure.report(io),
            Ok(real) => {
                // The environment's configuration, over this case's keyring and clock.
                let client = ClientConfig {
                    request_timeout: Duration::from_secs(10),
                    ..real.client().clone()
                };
                let profiles = Profiles::new(
                    ProfileStore::new(self.data()),
                    self.secrets.clone(),
                    self.clock.clone(),
                )
                .allow_loopback_http(real.loopback_allowed())
                .with_client(client);
                connkeeper_cli::run(cli, profiles, io)
            }
        };
        exit.code()
    }

    fn check_no_token(&self, text: &str) {
        for t in &self.tokens {
            assert!(!text.contains(t.as_str()), "a token was printed: {text}");
        }
    }

    /// Stable placeholders for what changes from run to run.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.replace(&self.dir.path().display().to_string(), "[TMP]");
        if let Some(j) = &self.jira {
            let url = j.fake.url();
            text = text.replace(&url, "[JIRA]");
            let host = url.trim_start_matches("http://").to_owned();
            text = text.replace(&host, "[JIRA-HOST]");
        }
        redact_temp_names(&redact_timings(&redact_uuids(&text)))
    }
}

impl Drop for Case {
    /// No token in any file of the data folder.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut files = Vec::new();
        collect_files(self.dir.path(), &mut files);
        for (name, bytes) in files {
            let text = String::from_utf8_lossy(&bytes);
            for t in &self.tokens {
                assert!(!text.contains(t.as_str()), "a token is in {name}");
            }
        }
    }
}

fn collect_files(dir: &std::path::Path, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_files(&p, out);
        } else {
            out.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
}

/// Each distinct UUID becomes `[UUID-n]`, numbered in order of first appearance.
fn redact_uuids(text: &str) -> String {
    let is_uuid = |s: &[u8]| {
        s.len() == 36
            && s.iter().enumerate().all(|(i, &b)| match i {
                8 | 13 | 18 | 23 => b == b'-',
                _ => b.is_ascii_hexdigit() && !b.is_ascii_uppercase(),
            })
    };
    let bytes = text.as_bytes();
    let mut seen: Vec<String> = Vec::new();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if i + 36 <= bytes.len() && is_uuid(&bytes[i..i + 36]) {
            let id = &text[i..i + 36];
            let n = match seen.iter().position(|s| s == id) {
                Some(n) => n + 1,
                None => {
                    seen.push(id.to_owned());
                    seen.len()
                }
            };
            out.push_str(&format!("[UUID-{n}]"));
            i += 36;
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// The random part of an atomic write's temporary file, `.connkeeper-XXXXXX.tmp`.
fn redact_temp_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(".connkeeper-") {
        let start = at + ".connkeeper-".len();
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        match rest.find(".tmp") {
            Some(end) if end <= 16 && rest[..end].chars().all(|c| c.is_ascii_alphanumeric()) => {
                out.push_str("[RANDOM]");
                rest = &rest[end..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

/// An audit's measured time: `"duration_ms": N` and `in N.N s.`.
fn redact_timings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if let Some(at) = line.find("\"duration_ms\": ") {
            let start = at + "\"duration_ms\": ".len();
            let end = start
                + line[start..]
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(line.len() - start);
            out.push_str(&line[..start]);
            out.push_str("[MS]");
            out.push_str(&line[end..]);
        } else if let (Some(at), true) = (line.rfind(" requests in "), line.ends_with(" s.\n")) {
            out.push_str(&line[..at]);
            out.push_str(" requests in [SECONDS] s.\n");
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `profile add NAME` at `host` for backup@acme.com, expiring in 90 days, with `token`
/// on stdin; `extra` adds flags.
pub fn add(case: &Case, global: &[&str], name: &str, host: &str, token: &str) -> Outcome {
    let expires = in_days(90);
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
    let r = case.run_stdin(&args, &format!("{token}\n"));
    assert_eq!(r.code, 0, "{r}");
    r
}

/// A profile at the fake Jira (needs --allow-loopback-http).
pub fn add_loopback(case: &Case, name: &str, token: &str) -> Outcome {
    let url = case.url();
    add(case, &["--allow-loopback-http"], name, &url, token)
}
