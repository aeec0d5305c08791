//! Where a command's text goes and its input comes from. The binary passes the process's
//! stdout, stderr and terminal ([`Terminal`]); tests pass buffers and scripted answers
//! ([`Scripted`]). Nothing in the library reads or writes the process's streams itself.

use std::collections::VecDeque;
use std::io::{IsTerminal, Read, Write};
use std::sync::{Arc, Mutex, PoisonError};

/// A command's input: stdin (a piped token, answers to questions) and the hidden prompt.
pub trait Input: Send + Sync {
    /// Whether stdin is a terminal (questions and prompts are asked only then).
    fn is_terminal(&self) -> bool;
    /// One line of stdin, with its line break.
    fn read_line(&self) -> std::io::Result<String>;
    /// All of stdin, but at most `limit` bytes.
    fn read_to_end(&self, limit: u64) -> std::io::Result<String>;
    /// A secret typed on the terminal without echo, after `prompt`.
    fn read_hidden(&self, prompt: &str) -> std::io::Result<String>;
}

/// The process's stdin and terminal.
#[derive(Debug, Default, Clone, Copy)]
pub struct Terminal;

impl Input for Terminal {
    fn is_terminal(&self) -> bool {
        std::io::stdin().is_terminal()
    }

    fn read_line(&self) -> std::io::Result<String> {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line)
    }

    fn read_to_end(&self, limit: u64) -> std::io::Result<String> {
        let mut buf = String::new();
        std::io::stdin().take(limit).read_to_string(&mut buf)?;
        Ok(buf)
    }

    fn read_hidden(&self, prompt: &str) -> std::io::Result<String> {
        rpassword::prompt_password(prompt)
    }
}

/// Input for tests: what stdin holds, the answers typed at questions, the secrets typed
/// at hidden prompts, and whether stdin counts as a terminal.
#[derive(Debug, Default)]
pub struct Scripted {
    terminal: bool,
    stdin: Mutex<Vec<u8>>,
    lines: Mutex<VecDeque<String>>,
    hidden: Mutex<VecDeque<String>>,
    prompts: Mutex<Vec<String>>,
}

impl Scripted {
    /// Stdin holding `text`, not a terminal (a pipe).
    pub fn piped(text: &str) -> Self {
        Self {
            stdin: Mutex::new(text.as_bytes().to_vec()),
            ..Self::default()
        }
    }

    /// A terminal where the user types `lines` at questions and `hidden` at hidden
    /// prompts, in order; past the last answer, stdin is at its end.
    pub fn terminal(lines: &[&str], hidden: &[&str]) -> Self {
        Self {
            terminal: true,
            lines: Mutex::new(lines.iter().map(|l| format!("{l}\n")).collect()),
            hidden: Mutex::new(hidden.iter().map(|&h| h.to_owned()).collect()),
            ..Self::default()
        }
    }

    /// The prompts of the hidden inputs asked so far (they go to the terminal, not stderr).
    pub fn hidden_prompts(&self) -> Vec<String> {
        lock(&self.prompts).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Input for Scripted {
    fn is_terminal(&self) -> bool {
        self.terminal
    }

    fn read_line(&self) -> std::io::Result<String> {
        if let Some(line) = lock(&self.lines).pop_front() {
            return Ok(line);
        }
        let mut stdin = lock(&self.stdin);
        let end = stdin
            .iter()
            .position(|&b| b == b'\n')
            .map_or(stdin.len(), |i| i + 1);
        let line: Vec<u8> = stdin.drain(..end).collect();
        String::from_utf8(line).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    fn read_to_end(&self, limit: u64) -> std::io::Result<String> {
        let mut stdin = lock(&self.stdin);
        let end = stdin
            .len()
            .min(usize::try_from(limit).unwrap_or(usize::MAX));
        let bytes: Vec<u8> = stdin.drain(..end).collect();
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }

    fn read_hidden(&self, prompt: &str) -> std::io::Result<String> {
        lock(&self.prompts).push(prompt.to_owned());
        lock(&self.hidden)
            .pop_front()
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no input left"))
    }
}

/// What ends a command's network work early, as Ctrl-C does in the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    /// Ctrl-C (SIGINT) cancels it.
    CtrlC,
    /// Nothing cancels it.
    Never,
    /// It is cancelled before it finishes anything (the Ctrl-C path, in tests).
    Immediately,
}

/// A command's streams: everything it prints and reads goes through here.
pub struct Io<'a> {
    /// stdout.
    pub out: &'a mut (dyn Write + Send),
    /// stderr.
    pub err: &'a mut (dyn Write + Send),
    /// stdin and the terminal.
    pub input: Arc<dyn Input>,
    /// Whether stdout is a terminal (JSON is then escaped further).
    pub out_is_terminal: bool,
    /// Whether stderr is a terminal (progress lines are drawn only then).
    pub err_is_terminal: bool,
    /// What cancels network work.
    pub interrupt: Interrupt,
}

impl std::fmt::Debug for Io<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io")
            .field("out_is_terminal", &self.out_is_terminal)
            .field("err_is_terminal", &self.err_is_terminal)
            .field("interrupt", &self.interrupt)
            .finish_non_exhaustive()
    }
}

impl<'a> Io<'a> {
    /// The process's streams: stdout, stderr, the terminal and Ctrl-C.
    pub fn process(out: &'a mut (dyn Write + Send), err: &'a mut (dyn Write + Send)) -> Self {
        Self {
            out,
            err,
            input: Arc::new(Terminal),
            out_is_terminal: std::io::stdout().is_terminal(),
            err_is_terminal: std::io::stderr().is_terminal(),
            interrupt: Interrupt::CtrlC,
        }
    }

    /// Buffers and `input`, no terminal for output, never interrupted (tests).
    pub fn buffers(
        out: &'a mut (dyn Write + Send),
        err: &'a mut (dyn Write + Send),
        input: Arc<dyn Input>,
    ) -> Self {
        Self {
            out,
            err,
            input,
            out_is_terminal: false,
            err_is_terminal: false,
            interrupt: Interrupt::Never,
        }
    }
}
