//! Which links the app may open in the user's browser: Atlassian's API token page and
//! the admin pages of the user's own Jira sites (their Atlassian hosts, or a custom
//! domain the user confirmed). Anything else is refused, so a compromised page or a
//! crafted Jira answer cannot send the browser elsewhere.

use std::net::{Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::model::Profile;
use crate::requirements::TOKEN_PAGE;

/// Whether `url` names a loopback host on which `http://` may be allowed for local test
/// servers (`allow_loopback_http`): exactly `localhost`, `127.0.0.1` and `[::1]`. Other
/// `127.x.y.z` addresses are not loopback here, so a site address is refused by
/// validation as it would be by the client. The one definition used by site validation,
/// the Jira client, the gateway and the admin client.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip == Ipv4Addr::LOCALHOST,
        Some(Host::Ipv6(ip)) => ip == Ipv6Addr::LOCALHOST,
        None => false,
    }
}

/// The origins whose admin pages may be opened: the profiles' hosts that are Atlassian
/// sites or confirmed custom domains (an unconfirmed host of an imported profile is not).
pub fn site_hosts(profiles: &[Profile]) -> Vec<&str> {
    profiles
        .iter()
        .filter(|p| p.host_confirmed())
        .map(|p| p.host.as_str())
        .collect()
}

/// A URL as it may be logged: scheme, host and path, never the query or fragment
/// (where tokens of other systems travel).
pub fn loggable(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            let _ = u.set_username("");
            let _ = u.set_password(None);
            crate::text::from_server(u.as_str(), 200)
        }
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// Path prefixes on a profile's own site that the app links to.
const SITE_PATHS: &[&str] = &[
    "/secure/admin/",
    "/plugins/servlet/project-config/",
    "/jira/software/projects/",
    "/jira/servicedesk/projects/",
    "/jira/core/projects/",
    "/jira/polaris/projects/",
];

/// Whether `url` may be opened, given the hosts of the saved profiles.
pub fn is_allowed(url: &str, profile_hosts: &[&str]) -> bool {
    checked(url, profile_hosts).is_some()
}

/// The URL to open for `url`, when it may be opened: exactly the URL that was checked
/// (open it, not the string). A string with whitespace or control characters is refused,
/// since a URL parser drops tabs and line breaks and would check another string than
/// the one given.
pub fn checked(url: &str, profile_hosts: &[&str]) -> Option<Url> {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let u = Url::parse(url).ok()?;
    if !u.username().is_empty() || u.password().is_some() {
        return None;
    }
    if u.as_str() == TOKEN_PAGE {
        return Some(u);
    }
    let origin = u.origin().ascii_serialization();
    let ok = profile_hosts.iter().any(|h| *h == origin)
        && SITE_PATHS.iter().any(|p| u.path().starts_with(p));
    ok.then_some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_three_hosts() {
        let is = |u: &str| is_loopback(&Url::parse(u).unwrap());
        for u in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://LOCALHOST",
            "http://[::1]:9",
        ] {
            assert!(is(u), "{u}");
        }
        for u in [
            "http://127.0.0.2",
            "http://127.1.0.1",
            "http://localhost.example.com",
            "http://[::2]",
            "http://acme.atlassian.net",
        ] {
            assert!(!is(u), "{u}");
        }
    }

    #[test]
    fn the_url_opened_is_the_url_checked() {
        let hosts = ["https://acme.atlassian.net"];
        let ok = "https://acme.atlassian.net/secure/admin/GlobalPermissions!default.jspa";
        assert_eq!(checked(ok, &hosts).unwrap().as_str(), ok);
        // Tabs and line breaks would be dropped by the parser: refused outright.
        for crafted in [
            "https://acme.atlassian.net/secure/admin/\tx",
            "https://acme.atlassian.net/secure/\nadmin/x",
            "https://acme.atlas\rsian.net/secure/admin/x",
            " https://acme.atlassian.net/secure/admin/x",
        ] {
            assert!(checked(crafted, &hosts).is_none(), "{crafted:?}");
        }
        assert!(checked(TOKEN_PAGE, &[]).is_some());
    }

    #[test]
    fn allow_list() {
        let hosts = ["https://acme.atlassian.net"];
        assert!(is_allowed(TOKEN_PAGE, &hosts));
        assert!(is_allowed(
            "https://acme.atlassian.net/secure/admin/GlobalPermissions!default.jspa",
            &hosts
        ));
        assert!(is_allowed(
            "https://acme.atlassian.net/plugins/servlet/project-config/ABC/permissions",
            &hosts
        ));
        assert!(!is_allowed("https://evil.example/secure/admin/x", &hosts));
        assert!(!is_allowed(
            "https://acme.atlassian.net/browse/ABC-1",
            &hosts
        ));
        assert!(!is_allowed(
            "https://acme.atlassian.net.evil.example/secure/admin/",
            &hosts
        ));
        assert!(!is_allowed(
            "https://u:p@acme.atlassian.net/secure/admin/",
            &hosts
        ));
        assert!(!is_allowed("file:///etc/passwd", &hosts));
        assert!(!is_allowed(
            "https://id.atlassian.com/manage-profile/security/api-tokens/../x",
            &hosts
        ));
        assert!(!is_allowed("javascript:alert(1)", &hosts));
    }

    #[test]
    fn logged_urls_lose_query_and_credentials() {
        assert_eq!(
            loggable("https://u:p@evil.example/a/b?token=secret#frag"),
            "https://evil.example/a/b"
        );
        assert_eq!(loggable("::"), "(not a URL)");
    }
}
