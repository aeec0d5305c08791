//! Stable machine codes as enums: what scripts and the UI branch on. Each serialises as
//! its documented string (docs/cli.md) and (with the `ts` feature) exports a TypeScript
//! union of those strings. Code compares the enums, never their strings.

/// Declares a code enum: the variants with their wire strings. The one way a wire code is
/// declared; extra derives (`Default`, `clap::ValueEnum`) go in the enum's attributes.
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
            pub const ALL: [$name; <[&str]>::len(&[$(stringify!($variant),)*])] =
                [$($name::$variant,)*];

            /// The wire string (files, JSON, the UI; CLI flag values).
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

pub(crate) use code_enum;

code_enum! {
    /// The class of an error, as `kind` in `{kind, message, fields}` (UI) and
    /// `{"error": {"kind", ...}}` (CLI JSON).
    pub enum ErrorKind {
        /// Fields of a form (a profile, the organisation, a date) are invalid; `fields`
        /// says which. Nothing changed.
        Validation = "validation",
        /// A setting is out of range; nothing was saved.
        InvalidSettings = "invalid_settings",
        /// No profile has this name or id.
        ProfileNotFound = "profile_not_found",
        /// Text that should be a profile id is not one.
        InvalidId = "invalid_id",
        /// No Atlassian organisation is linked.
        OrgNotLinked = "org_not_linked",
        /// The organisation is linked but its API key is not in the keyring.
        OrgKeyMissing = "org_key_missing",
        /// The organisation lists no such API token for the profile's account.
        OrgTokenNotFound = "org_token_not_found",
        /// The previewed import was applied or replaced already.
        ImportNotPending = "import_not_pending",
        /// Jira answered 404: check the Host URL.
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
        /// The user cancelled (a dialog, Ctrl-C, a Cancel button); nothing changed.
        Cancelled = "cancelled",
        /// What the request rests on changed meanwhile or forbids it (the profile was
        /// edited, a sync is stale, the token is the one in use); nothing changed.
        Conflict = "conflict",
        /// A link outside the allow-list of `links`.
        LinkRefused = "link_refused",
        /// Jira answered 403.
        Forbidden = "forbidden",
        /// A fault of ConnKeeper itself (a task that panicked).
        Internal = "internal",
        /// Jira refused the credentials.
        Auth = "auth",
        Network = "network",
        Tls = "tls",
        Timeout = "timeout",
        RateLimited = "rate_limited",
        Server = "server",
        InvalidResponse = "invalid_response",
        /// A token with scopes lacks a scope the call needs.
        MissingScope = "missing_scope",
        /// An admin blocked the account's API tokens (external users' API token access, or
        /// an authentication policy's "User API tokens" setting).
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_kinds_are_distinct_and_serialise_as_their_code() {
        let mut seen = std::collections::BTreeSet::new();
        for k in ErrorKind::ALL {
            assert!(seen.insert(k.code()), "{k} declared twice");
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.code()));
            assert_eq!(serde_json::from_str::<ErrorKind>(&json).unwrap(), k);
        }
    }
}
