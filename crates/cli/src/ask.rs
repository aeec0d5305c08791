//! Questions on the terminal: the question on stderr, one line of input as the answer.

use crate::exit::Failure;
use crate::io::Io;

/// Whether `answer` is an explicit yes (anything else is no).
pub fn is_yes(answer: &str) -> bool {
    matches!(answer, "y" | "Y" | "yes" | "YES" | "Yes")
}

/// Asks a yes/no question; only an explicit yes is yes (an unreadable answer is no).
pub fn yes(io: &mut Io, question: &str) -> bool {
    line(io, question).is_ok_and(|a| is_yes(&a))
}

/// Asks for one line; the answer is trimmed.
pub fn line(io: &mut Io, question: &str) -> Result<String, Failure> {
    let _ = write!(io.err, "{question}");
    let _ = io.err.flush();
    let answer = io
        .input
        .read_line()
        .map_err(|e| Failure::usage(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim().to_owned())
}
