//! Which links the app may open in the user's browser: Atlassian's API token page and
//! the admin pages of the user's own Jira sites (their Atlassian hosts, or a custom
//! domain the user confirmed). Anything else is refused, so a compromised page or a
//! crafted Jira answer cannot send the browser elsewhere.

use url::Url;

use crate::model::Profile;
use crate::requirements::TOKEN_PAGE;

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
    let Ok(u) = Url::parse(url) else {
        return false;
    };
    if !u.username().is_empty() || u.password().is_some() {
        return false;
    }
    if url == TOKEN_PAGE {
        return true;
    }
    let origin = u.origin().ascii_serialization();
    profile_hosts.iter().any(|h| *h == origin) && SITE_PATHS.iter().any(|p| u.path().starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

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
