//! Stable machine codes as enums: what scripts and the UI branch on. Each serialises as
//! its documented snake_case string (README.md), compares with `&str` for tests and
//! messages, and (with the `ts` feature) exports a TypeScript union of those strings.

/// Declares a code enum: the variants with their wire strings.
macro_rules! code_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $code)] $variant,)*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire string.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

pub(crate) use code_enum;

code_enum! {
    /// The class of an error, as `kind` in `{kind, message, fields}` (UI) and
    /// `{"error": {"kind", ...}}` (CLI JSON).
    pub enum ErrorKind {
        /// Fields (or settings) are invalid; nothing changed.
        Validation = "validation",
        /// No such profile (or Jira answered 404: check the Host URL).
        NotFound = "not_found",
        KeyringUnavailable = "keyring_unavailable",
        KeyringRefused = "keyring_refused",
        StoreLocked = "store_locked",
        Store = "store",
        BadFile = "bad_file",
        TokenMissing = "token_missing",
        ConfirmationRequired = "confirmation_required",
        Cancelled = "cancelled",
        /// A link outside the allow-list (or Jira answered 403).
        Forbidden = "forbidden",
        /// A fault of ConnKeeper itself (a task that panicked).
        Internal = "internal",
        Auth = "auth",
        Network = "network",
        Tls = "tls",
        Timeout = "timeout",
        RateLimited = "rate_limited",
        Server = "server",
        InvalidResponse = "invalid_response",
        MissingScope = "missing_scope",
    }
}
