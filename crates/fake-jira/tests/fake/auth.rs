//! Authentication: Basic auth, 401s, CAPTCHA, the silent downgrade.

use crate::support::*;

#[tokio::test]
async fn myself_authenticated_reports_the_account_and_jira_headers() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let resp = as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    let admin = demo_account();
    assert_eq!(header(&h, "x-aaccountid"), Some(admin.account_id.as_str()));
    assert_eq!(header(&h, "x-seraph-loginreason"), Some("OK"));
    assert_eq!(
        header(&h, "content-type"),
        Some("application/json;charset=UTF-8")
    );
    assert!(header(&h, "x-arequestid").is_some_and(|v| v.len() == 36));
    assert!(header(&h, "atl-traceid").is_some_and(|v| v.len() == 32));
    let me = json_of(resp).await;
    assert_eq!(me["accountId"], admin.account_id.as_str());
    assert_eq!(me["emailAddress"], "admin@example.com");
    assert_eq!(me["accountType"], "atlassian");
    assert_eq!(me["active"], true);
    assert!(
        me["displayName"].is_string() && me["timeZone"].is_string() && me["locale"].is_string()
    );
    assert_eq!(
        me["self"],
        format!(
            "{}/rest/api/3/user?accountId={}",
            jira.url(),
            admin.account_id
        )
    );
}

#[tokio::test]
async fn myself_hides_email_when_not_visible() {
    let mut a = Account::new("private@example.com", "tok");
    a.email_visible = false;
    a.active = false;
    let jira = FakeJira::start(Site::new().account(a)).await.unwrap();
    let resp = client()
        .get(format!("{}/rest/api/3/myself", jira.url()))
        .header("Authorization", basic("PRIVATE@example.com", "tok"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "emails match case-insensitively");
    let me = json_of(resp).await;
    assert_eq!(me["emailAddress"], Value::Null);
    assert_eq!(me["active"], false);
}

#[tokio::test]
async fn myself_without_valid_credentials_is_401_plain_text() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let url = format!("{}/rest/api/3/myself", jira.url());

    let anon = client().get(&url).send().await.unwrap();
    assert_eq!(anon.status(), 401);
    let h = anon.headers().clone();
    assert!(header(&h, "content-type")
        .unwrap()
        .starts_with("text/plain"));
    assert!(header(&h, "www-authenticate").is_some());
    assert!(header(&h, "x-aaccountid").is_none());
    assert!(header(&h, "x-seraph-loginreason").is_none());
    assert_eq!(
        anon.text().await.unwrap(),
        "Client must be authenticated to access this resource."
    );

    for auth in [
        basic("admin@example.com", "wrong"),
        basic("nobody@example.com", &demo_account().token),
        "Bearer abc".to_owned(),
        "Basic !!!not-base64".to_owned(),
    ] {
        let resp = client()
            .get(&url)
            .header("Authorization", &auth)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{auth}");
        let h = resp.headers().clone();
        assert_eq!(
            header(&h, "x-seraph-loginreason"),
            Some("AUTHENTICATED_FAILED"),
            "{auth}"
        );
        assert!(header(&h, "x-aaccountid").is_none());
        assert!(header(&h, "content-type")
            .unwrap()
            .starts_with("text/plain"));
        assert_eq!(
            resp.text().await.unwrap(),
            "Client must be authenticated to access this resource."
        );
    }
}

#[tokio::test]
async fn captcha_denies_every_request() {
    let mut a = Account::admin("locked@example.com", "tok");
    a.captcha = true;
    let jira = FakeJira::start(
        Site::new()
            .account(a)
            .projects(vec![Project::new(1, "A", "A")]),
    )
    .await
    .unwrap();
    for path in [
        "/rest/api/3/myself",
        "/rest/api/3/project/search",
        "/rest/api/3/serverInfo",
    ] {
        let resp = client()
            .get(format!("{}{path}", jira.url()))
            .header("Authorization", basic("locked@example.com", "tok"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{path}");
        let h = resp.headers();
        assert_eq!(
            header(h, "x-seraph-loginreason"),
            Some("AUTHENTICATION_DENIED")
        );
        let reason = header(h, "x-authentication-denied-reason").unwrap();
        assert!(
            reason.starts_with("CAPTCHA_CHALLENGE; login-url="),
            "{reason}"
        );
        assert!(header(h, "x-aaccountid").is_none());
    }
}

#[tokio::test]
async fn bad_credentials_are_silently_downgraded_to_anonymous() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let base = jira.url();
    let downgraded = |resp: &Response| {
        assert_eq!(resp.status(), 200, "{}", resp.url());
        assert_eq!(
            header(resp.headers(), "x-seraph-loginreason"),
            Some("AUTHENTICATED_FAILED")
        );
        assert!(header(resp.headers(), "x-aaccountid").is_none());
    };

    let resp = as_bad_token(client().get(format!("{base}/rest/api/3/project/search")))
        .send()
        .await
        .unwrap();
    downgraded(&resp);
    let page = json_of(resp).await;
    assert_eq!(page["total"], 0);
    assert_eq!(page["values"], json!([]));

    let body = json!({"globalPermissions": ["ADMINISTER"],
        "projectPermissions": [{"permissions": ["BROWSE_PROJECTS"], "projects": [10000, 10001]}]});
    let resp = check(&jira, as_bad_token, &body).await;
    downgraded(&resp);
    assert_eq!(
        json_of(resp).await,
        json!({"globalPermissions": [], "projectPermissions": []})
    );

    let resp = as_bad_token(client().get(format!(
        "{base}/rest/api/3/mypermissions?permissions=ADMINISTER,BROWSE_PROJECTS"
    )))
    .send()
    .await
    .unwrap();
    downgraded(&resp);
    let perms = json_of(resp).await;
    assert_eq!(perms["permissions"]["ADMINISTER"]["havePermission"], false);
    assert_eq!(
        perms["permissions"]["BROWSE_PROJECTS"]["havePermission"],
        false
    );

    for path in ["/rest/api/3/permissions", "/rest/api/3/serverInfo"] {
        let resp = as_bad_token(client().get(format!("{base}{path}")))
            .send()
            .await
            .unwrap();
        downgraded(&resp);
    }

    // The same calls with the right token are attributed to the account.
    let resp = as_admin(client().get(format!("{base}/rest/api/3/project/search")))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(resp.headers(), "x-aaccountid"),
        Some(demo_account().account_id.as_str())
    );
    assert_eq!(json_of(resp).await["total"], 4);
}
