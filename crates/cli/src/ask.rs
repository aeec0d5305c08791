//! Questions on the terminal (stderr, one line of stdin) and the async runtime a command
//! runs its network work on.

use std::io::Write;

use crate::exit::Failure;

/// Asks a yes/no question; only an explicit yes is yes (an unreadable answer is no).
pub fn yes(question: &str) -> bool {
    line(question).is_ok_and(|a| matches!(a.as_str(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// Asks for one line; the answer is trimmed.
pub fn line(question: &str) -> Result<String, Failure> {
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim().to_owned())
}

/// The single-threaded runtime of one command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::env(format!("cannot start the async runtime: {e}")))
}
