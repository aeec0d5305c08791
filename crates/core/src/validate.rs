//! One validation function for a profile draft, shared by the CLI and the desktop app.
//! It is pure and total: it never panics, never does I/O, and reports every field error
//! at once, each with a machine code and a message that says what to do.

use std::fmt;

use chrono::{Days, NaiveDate};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use url::{Host, Url};

use crate::codes::code_enum;
use crate::model::Application;
pub use crate::model::{HostKind, Target};

/// Longest profile name, in characters.
pub const NAME_MAX: usize = 64;
/// Longest description, in characters.
pub const DESCRIPTION_MAX: usize = 500;
/// Shortest API token accepted.
pub const TOKEN_MIN: usize = 16;
/// Longest API token accepted (Windows Credential Manager stores at most 2560 bytes).
pub const TOKEN_MAX: usize = 2048;
/// Atlassian API tokens last at most this many days.
pub const MAX_TOKEN_LIFETIME_DAYS: u64 = 365;

code_enum! {
    /// The fields of a form, as named in errors (`field` in JSON): a profile's, then the
    /// organisation form's.
    pub enum Field {
        Name = "name",
        Description = "description",
        Application = "application",
        Host = "host",
        Email = "email",
        Token = "token",
        Expires = "expires",
        /// The organisation id (organisation form).
        OrgId = "org_id",
        /// The organisation API key (organisation form).
        OrgKey = "org_key",
        /// The organisation API key's expiry (organisation form).
        OrgKeyExpires = "org_key_expires",
    }
}

impl Field {
    /// A profile's fields, in the form's order (the organisation form's come after them in
    /// [`Field::ALL`]).
    pub const PROFILE: &'static [Field] = &[
        Field::Name,
        Field::Description,
        Field::Application,
        Field::Host,
        Field::Email,
        Field::Token,
        Field::Expires,
    ];

    /// The label the form shows.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "Profile name",
            Field::Description => "Description",
            Field::Application => "Application",
            Field::Host => "Host URL",
            Field::Email => "User email",
            Field::Token => "API token",
            Field::Expires => "API token expiration date",
            Field::OrgId => "Organisation id",
            Field::OrgKey => "Organisation API key",
            Field::OrgKeyExpires => "Key expiry",
        }
    }
}

code_enum! {
    /// Why a field is invalid (or, for warnings, worth a look): `code` in a field error.
    pub enum FieldCode {
        /// The field is empty.
        Required = "required",
        /// Longer than the field allows.
        TooLong = "too_long",
        /// A line break, tab or other control character where none may be.
        ControlCharacter = "control_character",
        /// A text-direction control (U+202A..U+202E, U+2066..U+2069) in a name.
        BidiControl = "bidi_control",
        /// A name that is a profile id (a UUID).
        LooksLikeId = "looks_like_id",
        /// Another profile has this name.
        Duplicate = "duplicate",
        /// Not a value of the field's kind (an address, an email, a date, an application).
        Invalid = "invalid",
        /// A user name or password inside the Host URL.
        Userinfo = "userinfo",
        /// http:// where https:// is required.
        InsecureScheme = "insecure_scheme",
        /// A scheme other than https://.
        UnsupportedScheme = "unsupported_scheme",
        /// A port in the Host URL.
        Port = "port",
        /// An IP address instead of a site name.
        IpAddress = "ip_address",
        /// (warning) A host outside *.atlassian.net.
        CustomDomain = "custom_domain",
        /// Spaces or line breaks inside the token.
        Whitespace = "whitespace",
        /// Shorter than an API token can be.
        TooShort = "too_short",
        /// An edit moves the profile to another host or email without a new token.
        RequiredForNewTarget = "required_for_new_target",
        /// A date in the past.
        InPast = "in_past",
        /// An expiry beyond the 365 days a token can last.
        TooFar = "too_far",
        /// (warning) The token expires today.
        ExpiresToday = "expires_today",
    }
}

/// One problem (or, in `warnings`, one caution) with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FieldError {
    pub field: Field,
    /// Stable machine code, e.g. `required`, `too_long`, `duplicate`, `in_past`.
    pub code: FieldCode,
    /// What is wrong and what to do, for people.
    pub message: String,
}

impl FieldError {
    pub fn new(field: Field, code: FieldCode, message: impl Into<String>) -> Self {
        Self {
            field,
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.label(), self.message)
    }
}

/// Field errors as one paragraph: each "Label: message." sentence after the other.
pub fn sentences(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| {
            let line = e.to_string();
            if line.ends_with(['.', '?', '!']) {
                line
            } else {
                line + "."
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A profile as typed by a person: every field raw. The token is secret from the start
/// (it deserialises straight into a `SecretString` and is never serialised).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Draft {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    pub application: String,
    pub host: String,
    pub email: String,
    /// `None` (or blank) on edit keeps the stored token; on create it is an error.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub token: Option<SecretString>,
    pub expires: String,
}

/// What kind of change the draft is for; the rules differ slightly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A new profile: a token is required; the date may not be in the past.
    Create,
    /// An existing profile: no token keeps the stored one; a past date is only
    /// refused when the date is being changed.
    Edit { stored_expires: NaiveDate },
    /// A profile read from an export: no token; a past date is allowed (it shows as expired).
    Import,
}

/// The context a draft is judged in.
#[derive(Debug, Clone)]
pub struct Rules<'a> {
    pub today: NaiveDate,
    pub mode: Mode,
    /// Accept `http://` on the loopback hosts of [`crate::links::is_loopback`]
    /// (`127.0.0.1`, `localhost`, `[::1]`, for local test servers).
    pub allow_loopback_http: bool,
    /// Names of the *other* profiles (uniqueness ignores case).
    pub other_names: &'a [&'a str],
    /// On edit: the stored token's site and account. A draft that moves the profile to
    /// another host or email must carry a new token (the stored one belongs here).
    pub bound_to: Option<Target<'a>>,
}

/// A draft that passed validation, normalised.
#[derive(Debug, Clone)]
pub struct Valid {
    pub name: String,
    pub description: Option<String>,
    pub application: Application,
    pub host: String,
    pub email: String,
    pub token: Option<SecretString>,
    pub expires: NaiveDate,
    /// Cautions that do not stop saving (custom domain, expires today).
    pub warnings: Vec<FieldError>,
}

/// Validates every field of `draft` and returns the normalised profile, or every error.
pub fn validate(draft: &Draft, rules: &Rules<'_>) -> Result<Valid, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut warnings = Vec::new();

    let name = collect(&mut errors, validate_name(&draft.name, rules.other_names));
    let description = collect(
        &mut errors,
        validate_description(draft.description.as_deref()),
    );
    let application = collect(&mut errors, validate_application(&draft.application));
    let host = collect(
        &mut errors,
        validate_host(&draft.host, rules.allow_loopback_http),
    );
    let host = host.map(|(h, w)| {
        warnings.extend(w);
        h
    });
    let email = collect(&mut errors, validate_email(&draft.email));
    let token = collect(
        &mut errors,
        validate_token(draft.token.as_ref(), rules.mode),
    );
    // The stored token stays with its site and account: a moved profile needs a new one.
    if let (Some(bound), Some(None), Some(h), Some(e)) = (rules.bound_to, &token, &host, &email) {
        if !bound.same_as(h, e) {
            errors.push(token_follows_no_move(bound));
        }
    }
    let expires = collect(
        &mut errors,
        validate_expires(&draft.expires, rules.today, rules.mode),
    );
    let expires = expires.map(|(d, w)| {
        warnings.extend(w);
        d
    });

    match (name, description, application, host, email, token, expires) {
        (
            Some(name),
            Some(description),
            Some(application),
            Some(host),
            Some(email),
            Some(token),
            Some(expires),
        ) if errors.is_empty() => Ok(Valid {
            name,
            description,
            application,
            host,
            email,
            token,
            expires,
            warnings,
        }),
        _ => Err(errors),
    }
}

/// The error for an edit that moves a profile to another host or email without a token.
pub fn token_follows_no_move(bound: Target<'_>) -> FieldError {
    FieldError::new(
        Field::Token,
        FieldCode::RequiredForNewTarget,
        format!(
            "The stored API token belongs to {} at {}; it is never sent anywhere else. Paste the token for the new host or email.",
            bound.email, bound.host
        ),
    )
}

fn collect<T>(errors: &mut Vec<FieldError>, r: Result<T, FieldError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

/// Validates the fields needed to reach Jira (an audit of unsaved values): host,
/// email and application, every error at once.
pub fn validate_target(
    host: &str,
    email: &str,
    application: &str,
    allow_loopback_http: bool,
) -> Result<(String, String, Application), Vec<FieldError>> {
    let mut errors = Vec::new();
    let host = collect(&mut errors, validate_host(host, allow_loopback_http)).map(|(h, _)| h);
    let email = collect(&mut errors, validate_email(email));
    let application = collect(&mut errors, validate_application(application));
    match (host, email, application) {
        (Some(h), Some(e), Some(a)) => Ok((h, e, a)),
        _ => Err(errors),
    }
}

/// Profile name: trimmed, 1 to 64 characters, no control characters, unique ignoring case.
pub fn validate_name(raw: &str, other_names: &[&str]) -> Result<String, FieldError> {
    let f = Field::Name;
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            f,
            FieldCode::Required,
            "Enter a profile name, e.g. \"Acme backup\".",
        ));
    }
    let len = name.chars().count();
    if len > NAME_MAX {
        return Err(FieldError::new(
            f,
            FieldCode::TooLong,
            format!("Use at most {NAME_MAX} characters (this one has {len})."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            f,
            FieldCode::ControlCharacter,
            "Remove line breaks, tabs and other control characters from the name.",
        ));
    }
    if name.chars().any(crate::text::is_bidi_control) {
        return Err(FieldError::new(
            f,
            FieldCode::BidiControl,
            "Remove the invisible text-direction characters (U+202A to U+202E, U+2066 to U+2069) from the name; they can make it read differently than it is.",
        ));
    }
    if name.parse::<crate::model::ProfileId>().is_ok() {
        return Err(FieldError::new(
            f,
            FieldCode::LooksLikeId,
            "A name cannot be a profile id (a UUID); profiles are found by id first. Choose a readable name.",
        ));
    }
    let folded = name.to_lowercase();
    if other_names
        .iter()
        .any(|o| o.trim().to_lowercase() == folded)
    {
        return Err(FieldError::new(
            f,
            FieldCode::Duplicate,
            format!("A profile named \"{name}\" already exists; choose another name."),
        ));
    }
    Ok(name.to_owned())
}

/// Description: optional, at most 500 characters, may span lines.
pub fn validate_description(raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let f = Field::Description;
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let len = text.chars().count();
    if len > DESCRIPTION_MAX {
        return Err(FieldError::new(
            f,
            FieldCode::TooLong,
            format!("Use at most {DESCRIPTION_MAX} characters (this one has {len})."),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(
            f,
            FieldCode::ControlCharacter,
            "Remove control characters; line breaks and tabs are fine.",
        ));
    }
    Ok(Some(text.replace("\r\n", "\n")))
}

/// Application: `jira`, `jira-admin` or `jsm` (display names accepted).
pub fn validate_application(raw: &str) -> Result<Application, FieldError> {
    let f = Field::Application;
    if raw.trim().is_empty() {
        return Err(FieldError::new(
            f,
            FieldCode::Required,
            "Choose the application: jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).",
        ));
    }
    Application::parse(raw).ok_or_else(|| {
        FieldError::new(
            f,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not an application; choose jira (Jira), jira-admin (Jira Admin Settings) or jsm (Jira Service Management).",
                shorten(raw.trim())
            ),
        )
    })
}

/// Host URL: reduced to its origin `https://<host>`; returns a warning for a host
/// outside `*.atlassian.net`.
pub fn validate_host(
    raw: &str,
    allow_loopback_http: bool,
) -> Result<(String, Option<FieldError>), FieldError> {
    let f = Field::Host;
    let example = "https://your-sub-domain.atlassian.net";
    let text = raw.trim();
    if text.is_empty() {
        return Err(FieldError::new(
            f,
            FieldCode::Required,
            format!("Enter your Jira site's address, e.g. {example} (copy it from the browser's address bar)."),
        ));
    }
    if text.chars().any(char::is_whitespace) {
        return Err(FieldError::new(
            f,
            FieldCode::Invalid,
            format!("Remove the spaces; the address looks like {example}."),
        ));
    }
    let with_scheme = if text.contains("://") {
        text.to_owned()
    } else {
        format!("https://{text}")
    };
    let url = Url::parse(&with_scheme).map_err(|_| {
        FieldError::new(
            f,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not a web address; use the form {example}.",
                shorten(text)
            ),
        )
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FieldError::new(
            f,
            FieldCode::Userinfo,
            "Remove the user name or password from the address; the email and API token go in their own fields.",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" => {
            if crate::links::is_loopback(&url) && allow_loopback_http {
                let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
                let host = url.host_str().unwrap_or_default();
                return Ok((format!("http://{host}{port}"), None));
            }
            return Err(FieldError::new(
                f,
                FieldCode::InsecureScheme,
                format!("Use https://; Jira Cloud is only reached over HTTPS ({example})."),
            ));
        }
        other => {
            return Err(FieldError::new(
                f,
                FieldCode::UnsupportedScheme,
                format!("\"{other}:\" is not supported; use an https:// address like {example}."),
            ));
        }
    }
    if let Some(port) = url.port() {
        return Err(FieldError::new(
            f,
            FieldCode::Port,
            format!("Remove the port :{port}; Jira Cloud answers on the standard HTTPS port."),
        ));
    }
    let domain = match url.host() {
        Some(Host::Domain(d)) => d.trim_end_matches('.').to_owned(),
        Some(Host::Ipv4(_) | Host::Ipv6(_)) => {
            return Err(FieldError::new(
                f,
                FieldCode::IpAddress,
                format!("Use the site's name, not an IP address, e.g. {example}."),
            ));
        }
        None => {
            return Err(FieldError::new(
                f,
                FieldCode::Invalid,
                format!("Enter a host name, e.g. {example}."),
            ))
        }
    };
    let labels_ok = domain.split('.').all(|l| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    });
    if domain.len() > 253 || !labels_ok || !domain.contains('.') {
        return Err(FieldError::new(
            f,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not a valid site name; use the form {example}.",
                shorten(&domain)
            ),
        ));
    }
    let atlassian = domain.ends_with(".atlassian.net");
    if atlassian && domain.split('.').any(|l| l.starts_with("xn--")) {
        return Err(FieldError::new(
            f,
            FieldCode::Invalid,
            format!("Atlassian site names use only letters, digits and hyphens; use the form {example}."),
        ));
    }
    let warning = (!atlassian).then(|| {
        FieldError::new(
            f,
            FieldCode::CustomDomain,
            format!("{domain} is not an *.atlassian.net site; fine for a custom domain, otherwise check the address."),
        )
    });
    Ok((format!("https://{domain}"), warning))
}

/// User email: one `@`, a local part of 1 to 64, a domain with a dot, at most 254, no spaces.
pub fn validate_email(raw: &str) -> Result<String, FieldError> {
    let f = Field::Email;
    let email = raw.trim();
    let example = "e.g. backup-admin@example.com";
    if email.is_empty() {
        return Err(FieldError::new(
            f,
            FieldCode::Required,
            format!("Enter the email of the Jira account that owns the API token ({example})."),
        ));
    }
    let bad = |why: &str| {
        FieldError::new(
            f,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not an email address: {why} ({example}).",
                shorten(email)
            ),
        )
    };
    if email.chars().count() > 254 {
        return Err(FieldError::new(
            f,
            FieldCode::TooLong,
            "Use an email address of at most 254 characters.",
        ));
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("remove the spaces"));
    }
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("it needs exactly one @"));
    };
    if local.is_empty() {
        return Err(bad("the part before @ is empty"));
    }
    if local.chars().count() > 64 {
        return Err(bad("the part before @ has more than 64 characters"));
    }
    if !domain.contains('.') || domain.split('.').any(str::is_empty) {
        return Err(bad("the part after @ needs a domain with a dot"));
    }
    Ok(email.to_owned())
}

/// API token: required on create; surrounding whitespace trimmed; none inside; 16+ characters.
pub fn validate_token(
    token: Option<&SecretString>,
    mode: Mode,
) -> Result<Option<SecretString>, FieldError> {
    let f = Field::Token;
    let text = token
        .map(|t| t.expose_secret().trim())
        .filter(|t| !t.is_empty());
    let Some(text) = text else {
        return match mode {
            Mode::Create => Err(FieldError::new(
                f,
                FieldCode::Required,
                "Paste the API token. Create one at https://id.atlassian.com/manage-profile/security/api-tokens (Atlassian shows it only once).",
            )),
            Mode::Edit { .. } | Mode::Import => Ok(None),
        };
    };
    if mode == Mode::Import {
        return Ok(None);
    }
    if text.chars().any(char::is_whitespace) {
        return Err(FieldError::new(
            f,
            FieldCode::Whitespace,
            "The token contains spaces or line breaks; copy it again with Atlassian's Copy button.",
        ));
    }
    let len = text.chars().count();
    if len < TOKEN_MIN {
        return Err(FieldError::new(
            f,
            FieldCode::TooShort,
            format!(
                "An Atlassian API token has at least {TOKEN_MIN} characters; copy the whole token."
            ),
        ));
    }
    if len > TOKEN_MAX {
        return Err(FieldError::new(
            f,
            FieldCode::TooLong,
            format!("An API token has at most {TOKEN_MAX} characters; check that only the token was pasted."),
        ));
    }
    Ok(Some(SecretString::from(text.to_owned())))
}

/// Parses a strict `YYYY-MM-DD` date.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let t = raw.trim();
    let b = t.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()
}

/// API token expiration date: `YYYY-MM-DD`, not in the past (today warns), at most 365
/// days after today.
pub fn validate_expires(
    raw: &str,
    today: NaiveDate,
    mode: Mode,
) -> Result<(NaiveDate, Option<FieldError>), FieldError> {
    let f = Field::Expires;
    if raw.trim().is_empty() {
        return Err(FieldError::new(
            f,
            FieldCode::Required,
            "Enter the token's expiration date as YYYY-MM-DD (Atlassian shows it on the API tokens page).",
        ));
    }
    let date = parse_date(raw).ok_or_else(|| {
        FieldError::new(
            f,
            FieldCode::Invalid,
            format!(
                "\"{}\" is not a date; use YYYY-MM-DD, e.g. {}.",
                shorten(raw.trim()),
                today + Days::new(90)
            ),
        )
    })?;
    let changed = match mode {
        Mode::Create => true,
        Mode::Edit { stored_expires } => stored_expires != date,
        Mode::Import => false,
    };
    if changed && date < today {
        return Err(FieldError::new(
            f,
            FieldCode::InPast,
            format!("{date} is in the past; a token that has expired no longer works. Create a new token and enter its date."),
        ));
    }
    let latest = today + Days::new(MAX_TOKEN_LIFETIME_DAYS);
    if changed && date > latest {
        return Err(FieldError::new(
            f,
            FieldCode::TooFar,
            format!("Atlassian API tokens last at most {MAX_TOKEN_LIFETIME_DAYS} days; choose a date on or before {latest}."),
        ));
    }
    let warning = (date == today).then(|| {
        FieldError::new(
            f,
            FieldCode::ExpiresToday,
            "The token expires today; create a new one soon.",
        )
    });
    Ok((date, warning))
}

/// Cuts long user input for echoing in a message.
fn shorten(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}
