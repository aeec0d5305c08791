//! Stable machine codes as enums: what scripts and the UI branch on. Each serialises as
//! its documented snake_case string (docs/cli.md), compares with `&str` for tests and
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
        /// The keyring item was stored for another host, account or kind of secret than
        /// the profile now names (the data folder was changed outside ConnKeeper).
        TokenBindingMismatch = "token_binding_mismatch",
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
        /// An admin blocked the account's API tokens.
        TokenBlocked = "token_blocked",
        /// The site's IP allowlist refused this computer's address.
        IpNotAllowed = "ip_not_allowed",
    }
}

code_enum! {
    /// The code of an audit warning (stable; docs/cli.md lists them).
    pub enum WarningCode {
        /// The account has no Jira product access (or, for a JSM profile, no JSM access): one root cause.
        NoProductAccess = "no_product_access",
        /// The account is deactivated.
        InactiveAccount = "inactive_account",
        /// The token belongs to another email than the profile's.
        EmailMismatch = "email_mismatch",
        /// Neither a user nor a service account.
        AccountType = "account_type",
        /// Jira Admin Settings: the verdict rests on global permissions.
        AdminSettingsScope = "admin_settings_scope",
        /// Without Administer Jira only browsable projects were seen.
        PartialCoverage = "partial_coverage",
        /// No Jira Software access: boards and sprints cannot be backed up.
        NoSoftwareAccess = "no_software_access",
        /// Jira Software access could not be told.
        SoftwareCheckFailed = "software_check_failed",
        /// Team-managed spaces with gaps (permission schemes do not apply).
        TeamManaged = "team_managed",
        /// A JSM profile reaches no service desk.
        NoServiceDesks = "no_service_desks",
        /// The JSM API is missing or refused.
        NoServiceManagement = "no_service_management",
        /// A required key the site no longer knows.
        UnknownPermission = "unknown_permission",
        /// Restore advice: Set Issue Security missing.
        IssueSecurity = "issue_security",
        /// Archived projects: read-only, not audited.
        ArchivedProjects = "archived_projects",
    }
}
