//! Reading the API token: from stdin with --token-stdin, or a no-echo prompt on a
//! terminal. Never from an argument (process lists and shell history would show it).

use connkeeper_core::SecretString;

use crate::exit::Failure;
use crate::io::Io;

/// The most bytes read from stdin for a token (a token has at most 2,048 characters).
const MAX_STDIN: u64 = 64 * 1024;

/// Reads all of stdin as the token, stripping one trailing newline.
pub fn from_stdin(io: &Io) -> Result<SecretString, Failure> {
    let mut buf = io
        .input
        .read_to_end(MAX_STDIN + 1)
        .map_err(|e| Failure::usage(format!("cannot read the API token from stdin: {e}")))?;
    if buf.len() as u64 > MAX_STDIN {
        return Err(Failure::usage(format!(
            "--token-stdin: more than {} KiB arrived on stdin; pipe in only the API token",
            MAX_STDIN / 1024
        )));
    }
    if buf.ends_with('\n') {
        buf.pop();
        if buf.ends_with('\r') {
            buf.pop();
        }
    }
    Ok(SecretString::from(buf))
}

/// The token for a new profile: stdin when asked, else a hidden prompt on a terminal.
pub fn for_create(io: &Io, token_stdin: bool) -> Result<SecretString, Failure> {
    secret(io, token_stdin, "--token-stdin", "API token", "API token")
}

/// A secret (`what`, asked for as `prompt`): from stdin with `flag`, else from a hidden
/// prompt on a terminal; never from an argument.
pub fn secret(
    io: &Io,
    from_stdin: bool,
    flag: &str,
    what: &str,
    prompt: &str,
) -> Result<SecretString, Failure> {
    if from_stdin {
        return self::from_stdin(io);
    }
    if !io.input.is_terminal() {
        return Err(Failure::usage(format!(
            "no {what}: pipe it in with {flag} (it is never accepted as an argument)"
        )));
    }
    io.input
        .read_hidden(&format!("{prompt} (input hidden): "))
        .map(SecretString::from)
        .map_err(|e| Failure::usage(format!("cannot read the {what}: {e}")))
}
