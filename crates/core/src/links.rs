//! Which links the app may open in the user's browser: Atlassian's API token page and
//! the admin pages of the user's own Jira sites. Anything else is refused, so a
//! compromised page or a crafted Jira answer cannot send the browser elsewhere.

use url::Url;

use crate::requirements::TOKEN_PAGE;

/// Path prefixes on a profile's own site that the app links to.
const SITE_PATHS: &[&str] = &[
    "/secure/admin/",
    "/plugins/servlet/project-config/",
    "/jira/software/projects/",
    "/jira/servicedesk/projects/",
    "/jira/core/projects/",
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
}
