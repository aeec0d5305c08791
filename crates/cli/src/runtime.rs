//! The async runtime a command runs its network work on, and the one place where an
//! interruption (Ctrl-C in the binary) cancels that work.

use std::future::Future;

use crate::exit::{Exit, Failure};
use crate::io::Interrupt;

/// The single-threaded runtime of one piece of network work.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::env(format!("cannot start the async runtime: {e}")))
}

/// Runs `fut` to its end unless `interrupt` comes first; then the command fails with
/// exit 130 and `cancelled` as its message. A question left waiting on another thread
/// does not keep the process alive.
pub fn block_on_cancellable<F: Future>(
    interrupt: Interrupt,
    fut: F,
    cancelled: &str,
) -> Result<F::Output, Failure> {
    let rt = runtime()?;
    let out = rt.block_on(async {
        match interrupt {
            Interrupt::Never => Some(fut.await),
            Interrupt::Immediately => None,
            // Biased: the handler is installed before `fut` sends anything, so a Ctrl-C
            // from then on cancels instead of killing the process.
            Interrupt::CtrlC => tokio::select! {
                biased;
                _ = tokio::signal::ctrl_c() => None,
                r = fut => Some(r),
            },
        }
    });
    rt.shutdown_background();
    out.ok_or_else(|| Failure {
        exit: Exit::Interrupted,
        message: cancelled.to_owned(),
    })
}

/// Runs `fut` to its end, whatever the user presses: once a Ctrl-C handler has been
/// installed by [`block_on_cancellable`], a Ctrl-C cannot cut this work short either.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output, Failure> {
    let rt = runtime()?;
    let out = rt.block_on(fut);
    rt.shutdown_background();
    Ok(out)
}
