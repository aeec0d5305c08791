//! Usage errors: clap's refusals (exit 2), unknown commands, typed values outside their
//! lists, and a gateway that is not an address.

use crate::snap;
use crate::support::*;

#[test]
fn clap_refuses_what_the_command_line_does_not_allow() {
    let case = Case::new();
    for (name, args) in [
        ("usage_no_command", &[][..]),
        ("usage_unknown_command", &["frobnicate"][..]),
        (
            "usage_export_unknown_format",
            &["export", "--format", "pdf"][..],
        ),
        (
            "usage_audit_unknown_purpose",
            &["audit", "X", "--purpose", "archive"][..],
        ),
        (
            "usage_add_unknown_application",
            &[
                "profile",
                "add",
                "--name",
                "N",
                "--application",
                "confluence",
                "--host",
                "h",
                "--email",
                "e",
                "--expires",
                "2027-01-01",
            ][..],
        ),
        ("usage_audit_without_target", &["audit"][..]),
        (
            "usage_audit_host_without_email",
            &["audit", "--host", "acme.atlassian.net"][..],
        ),
        (
            "usage_audit_deadline_zero",
            &["audit", "X", "--deadline", "0"][..],
        ),
        (
            "usage_rotate_revoked_with_token",
            &["rotate", "X", "--old-token-revoked", "--token-stdin"][..],
        ),
        (
            "usage_token_as_an_argument",
            &["profile", "add", "--token", "secret"][..],
        ),
    ] {
        let r = case.run(args);
        assert_ne!(r.code, 0, "{name}: {r}");
        snap!(name, r);
    }
}

#[test]
fn version_is_printed_on_stdout() {
    let r = Case::new().run(&["--version"]);
    assert_eq!(r.code, 0, "{r}");
    snap!("usage_version", r);
}

#[test]
fn a_gateway_that_is_not_an_address_is_a_usage_error() {
    let case = Case::new();
    snap!(
        "usage_gateway_not_an_address",
        case.run(&["--gateway", "not a url", "audit", "X"])
    );
}

/// A stdout whose reader went away after `room` bytes (`connkeeper ... | head -c N`).
struct ClosedPipe {
    room: usize,
}

impl std::io::Write for ClosedPipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.room == 0 {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.room);
        self.room -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_pipe_ends_quietly_with_141() {
    let case = Case::new();
    add(&case, &[], "One", "acme.atlassian.net", T1);
    for args in [
        &["profile", "list"][..],
        &["profile", "list", "--json"],
        &["export", "--format", "csv"],
    ] {
        let (code, err) = case.run_to(args, &mut ClosedPipe { room: 1 });
        assert_eq!((code, err.as_str()), (141, ""), "{args:?}");
    }
}

/// A stdout that fails for another reason than a closed pipe.
struct FullDisk;

impl std::io::Write for FullDisk {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("no space left on device"))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn an_unwritable_stdout_is_exit_3() {
    let case = Case::new();
    add(&case, &[], "One", "acme.atlassian.net", T1);
    let (code, err) = case.run_to(&["profile", "list"], &mut FullDisk);
    snap!(
        "usage_unwritable_stdout",
        format!("exit: {code}\n----- stderr -----\n{err}")
    );
}
