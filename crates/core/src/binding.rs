//! What a keyring item is for travels with the secret itself: the stored secret is a
//! small versioned record, `{"connkeeper":1,"kind":"profile_token","host":…,"email":…,
//! "secret":…}` (or `"kind":"org_key","org_id":…`), the same on the Secret Service,
//! Windows Credential Manager and the macOS Keychain, whose attributes differ. A token
//! is released only to the host and email it was stored for, so a rewritten
//! `profiles.json` (or `org.json`) cannot send it anywhere else.
//!
//! Items written before the record existed hold the bare token ("unbound"). They are
//! bound the next time they are used with the user's consent: a successful audit (on a
//! custom domain only after the host was confirmed again), an edit of the profile, or,
//! for the organisation key, a successful sync.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

/// The record version this build writes and reads.
pub const RECORD_VERSION: u32 = 1;

/// What a keyring item is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Binding {
    /// A profile's API token, for this host and account email.
    ProfileToken { host: String, email: String },
    /// The Atlassian organisation API key, for this organisation.
    OrgKey { org_id: String },
}

impl Binding {
    /// The binding of a profile token to `host` and `email`.
    pub fn profile(host: &str, email: &str) -> Self {
        Binding::ProfileToken {
            host: host.to_owned(),
            email: email.to_owned(),
        }
    }

    /// Whether this item may be used as `wanted`: the same kind, the same host, and the
    /// same email (without ASCII case, as Atlassian compares accounts).
    pub fn allows(&self, wanted: &Binding) -> bool {
        match (self, wanted) {
            (
                Binding::ProfileToken { host, email },
                Binding::ProfileToken { host: h, email: e },
            ) => host == h && email.eq_ignore_ascii_case(e),
            (Binding::OrgKey { org_id }, Binding::OrgKey { org_id: o }) => org_id == o,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    ProfileToken,
    OrgKey,
}

#[derive(Serialize)]
struct RecordOut<'a> {
    connkeeper: u32,
    kind: Kind,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_id: Option<&'a str>,
    secret: &'a str,
}

#[derive(Deserialize)]
struct RecordIn {
    connkeeper: u32,
    kind: Kind,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    org_id: Option<String>,
    secret: SecretString,
}

/// The stored form of `secret` bound to `binding`.
pub fn seal(binding: &Binding, secret: &SecretString) -> SecretString {
    let (kind, host, email, org_id) = match binding {
        Binding::ProfileToken { host, email } => (
            Kind::ProfileToken,
            Some(host.as_str()),
            Some(email.as_str()),
            None,
        ),
        Binding::OrgKey { org_id } => (Kind::OrgKey, None, None, Some(org_id.as_str())),
    };
    let json = serde_json::to_string(&RecordOut {
        connkeeper: RECORD_VERSION,
        kind,
        host,
        email,
        org_id,
        secret: secret.expose_secret(),
    })
    .expect("a record always serialises");
    SecretString::from(json)
}

/// A keyring item as read.
#[derive(Debug)]
pub enum Opened {
    /// A record: the secret and what it is for.
    Bound(Binding, SecretString),
    /// A bare secret written before records existed: bound to nothing yet.
    Unbound(SecretString),
    /// A record this build cannot read (a newer version, or a damaged one): it is never
    /// used, and never overwritten except by entering the secret again.
    Unreadable,
}

impl Opened {
    /// The secret, whatever the binding (for comparisons and restores, never for sending).
    pub fn secret(&self) -> Option<&SecretString> {
        match self {
            Opened::Bound(_, s) | Opened::Unbound(s) => Some(s),
            Opened::Unreadable => None,
        }
    }
}

/// Reads a stored item: a record, or a bare secret of an older version.
pub fn open(stored: &SecretString) -> Opened {
    let raw = stored.expose_secret();
    if !raw.trim_start().starts_with('{') {
        // Atlassian's tokens and keys are single words: never JSON.
        return Opened::Unbound(stored.clone());
    }
    let Ok(r) = serde_json::from_str::<RecordIn>(raw) else {
        return Opened::Unreadable;
    };
    if r.connkeeper != RECORD_VERSION {
        return Opened::Unreadable;
    }
    let binding = match (r.kind, r.host, r.email, r.org_id) {
        (Kind::ProfileToken, Some(host), Some(email), None) => {
            Binding::ProfileToken { host, email }
        }
        (Kind::OrgKey, None, None, Some(org_id)) => Binding::OrgKey { org_id },
        _ => return Opened::Unreadable,
    };
    Opened::Bound(binding, r.secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> SecretString {
        SecretString::from(v.to_owned())
    }

    #[test]
    fn a_sealed_token_opens_with_its_binding() {
        let b = Binding::profile("https://acme.atlassian.net", "Admin@Acme.com");
        let sealed = seal(&b, &s("ATATT3xFfGF0-seal-\"quoted\"-0001"));
        match open(&sealed) {
            Opened::Bound(got, secret) => {
                assert_eq!(got, b);
                assert_eq!(secret.expose_secret(), "ATATT3xFfGF0-seal-\"quoted\"-0001");
            }
            other => panic!("{other:?}"),
        }
        assert!(b.allows(&Binding::profile(
            "https://acme.atlassian.net",
            "admin@acme.com"
        )));
        assert!(!b.allows(&Binding::profile("https://evil.example", "admin@acme.com")));
        assert!(!b.allows(&Binding::profile(
            "https://acme.atlassian.net",
            "other@acme.com"
        )));
        assert!(!b.allows(&Binding::OrgKey { org_id: "x".into() }));
    }

    #[test]
    fn an_org_key_never_passes_for_a_profile_token() {
        let key = seal(
            &Binding::OrgKey {
                org_id: "org-1".into(),
            },
            &s("ATCTT-org-key-0001"),
        );
        let Opened::Bound(b, _) = open(&key) else {
            panic!("a record")
        };
        assert!(!b.allows(&Binding::profile("https://acme.atlassian.net", "a@b.co")));
        assert!(b.allows(&Binding::OrgKey {
            org_id: "org-1".into()
        }));
    }

    #[test]
    fn bare_tokens_are_unbound_and_odd_records_unreadable() {
        assert!(matches!(open(&s("ATATT3xFfGF0-old")), Opened::Unbound(_)));
        assert!(matches!(open(&s("{not json")), Opened::Unreadable));
        assert!(matches!(
            open(&s(
                r#"{"connkeeper":2,"kind":"org_key","org_id":"o","secret":"x"}"#
            )),
            Opened::Unreadable
        ));
        assert!(matches!(
            open(&s(
                r#"{"connkeeper":1,"kind":"profile_token","org_id":"o","secret":"x"}"#
            )),
            Opened::Unreadable
        ));
    }

    #[test]
    fn the_record_debug_shows_no_secret() {
        let opened = open(&seal(&Binding::profile("h", "e"), &s("ATATT-debug-secret")));
        assert!(!format!("{opened:?}").contains("debug-secret"));
    }
}
