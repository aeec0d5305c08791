//! How the Jira client is tuned ([`ClientConfig`] and its defaults) and where tokens
//! with scopes are sent: Atlassian's API gateway ([`parse_gateway`], [`gateway_from_env`]).

use std::time::Duration;

use url::Url;

/// Tuning of the client; the defaults follow Atlassian's rate-limiting guidance.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// First backoff delay without `Retry-After`; doubles each retry.
    pub retry_base: Duration,
    /// Longest backoff delay.
    pub retry_cap: Duration,
    pub max_retries: u32,
    /// Requests in flight at once against the site.
    pub max_in_flight: usize,
    /// A `Retry-After` longer than this fails at once instead of waiting.
    pub max_retry_after: Duration,
    /// Allow `http://` for loopback test servers.
    pub allow_loopback_http: bool,
    /// The largest response body read; a longer one fails as `invalid_response`.
    pub max_body: usize,
    /// The most bytes of answers one client (one audit) reads in all; past it the
    /// audit fails as `invalid_response`.
    pub max_received: usize,
    /// The longest a whole audit may take, retries and waits included.
    pub deadline: Duration,
    /// Atlassian's API gateway, where tokens with scopes are sent
    /// (`{gateway}/ex/jira/{cloudId}/rest/...`).
    pub gateway: Url,
}

/// The default gateway.
pub const DEFAULT_GATEWAY: &str = "https://api.atlassian.com";
/// Environment variable overriding the gateway (tests point it at a fake).
pub const GATEWAY_ENV: &str = "CONNKEEPER_GATEWAY_URL";

/// Why a gateway address cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayError {
    #[error("\"{raw}\" is not a URL ({reason})")]
    NotAUrl { raw: String, reason: String },
    /// `http://`: allowed only on a loopback address when loopback `http://` is allowed.
    #[error(
        "{0} must be an https:// address (http:// only on a loopback test server, when allowed)"
    )]
    NotHttps(String),
    #[error("{0} must be an origin such as https://api.atlassian.com, without a path")]
    NotAnOrigin(String),
}

/// Parses a gateway origin: `https://host[:port]`, or `http://` on loopback when
/// `allow_loopback_http`; no user, path, query or fragment.
pub fn parse_gateway(raw: &str, allow_loopback_http: bool) -> Result<Url, GatewayError> {
    let url = Url::parse(raw.trim()).map_err(|e| GatewayError::NotAUrl {
        raw: crate::text::from_server(raw, 80),
        reason: e.to_string(),
    })?;
    let loopback = crate::links::is_loopback(&url);
    let scheme_ok =
        url.scheme() == "https" || (url.scheme() == "http" && loopback && allow_loopback_http);
    if !scheme_ok {
        return Err(GatewayError::NotHttps(url.as_str().to_owned()));
    }
    if !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
        || url.path() != "/"
    {
        return Err(GatewayError::NotAnOrigin(url.as_str().to_owned()));
    }
    Ok(url)
}

/// The gateway named by `CONNKEEPER_GATEWAY_URL`, else the default.
pub fn gateway_from_env(allow_loopback_http: bool) -> Result<Url, GatewayError> {
    match std::env::var(GATEWAY_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty())
    {
        Some(v) => parse_gateway(&v, allow_loopback_http),
        None => Ok(Url::parse(DEFAULT_GATEWAY).expect("the default gateway parses")),
    }
}

/// The default cap on one response body. Jira's largest answer the audit reads (a page of
/// 100 spaces, or `permissions/check` for 1,000 spaces) is well under 1 MiB; with four
/// requests in flight, four such bodies bound what the answers being read cost.
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// The default cap on all answers of one audit: 50,000 spaces (every page live and
/// archived, and the bulk checks) take about 100 MiB on real sites.
pub const MAX_RECEIVED: usize = 256 * 1024 * 1024;
/// The default deadline of a whole audit.
pub const AUDIT_DEADLINE: Duration = Duration::from_secs(600);

impl ClientConfig {
    /// The gateway's origin when it is not Atlassian's own (`--gateway`,
    /// `CONNKEEPER_GATEWAY_URL`): tokens with scopes, classic tokens after a 401 on the
    /// site, and the organisation API key go there, so every face says so before sending.
    pub fn gateway_override(&self) -> Option<String> {
        let origin = self.gateway.origin().ascii_serialization();
        (origin != DEFAULT_GATEWAY).then_some(origin)
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            retry_base: Duration::from_secs(5),
            retry_cap: Duration::from_secs(30),
            max_retries: 4,
            max_in_flight: 4,
            max_retry_after: Duration::from_secs(120),
            allow_loopback_http: false,
            max_body: MAX_BODY,
            max_received: MAX_RECEIVED,
            deadline: AUDIT_DEADLINE,
            gateway: Url::parse(DEFAULT_GATEWAY).expect("the default gateway parses"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_another_gateway_than_atlassians_is_an_override() {
        assert_eq!(ClientConfig::default().gateway_override(), None);
        let other = ClientConfig {
            gateway: parse_gateway("https://gw.example:8443", false).unwrap(),
            ..ClientConfig::default()
        };
        assert_eq!(
            other.gateway_override().as_deref(),
            Some("https://gw.example:8443")
        );
    }

    #[test]
    fn gateways_are_https_origins() {
        assert!(parse_gateway("https://api.atlassian.com", false).is_ok());
        assert!(parse_gateway("http://127.0.0.1:9000", true).is_ok());
        assert_eq!(
            parse_gateway("http://127.0.0.1:9000", false),
            Err(GatewayError::NotHttps("http://127.0.0.1:9000/".into()))
        );
        assert!(parse_gateway("http://api.atlassian.com", true).is_err());
        assert!(parse_gateway("https://api.atlassian.com/ex/jira", false).is_err());
        assert!(parse_gateway("https://u:p@api.atlassian.com", false).is_err());
        assert!(parse_gateway("not a url", false).is_err());
    }
}
