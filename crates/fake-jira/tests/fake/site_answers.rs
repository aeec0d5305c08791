//! What real sites answer beyond permissions: a blocked API token, an IP allowlist, the
//! 2026 rate-limit headers, the scopes of `permissions/check` since June 2024, `appType`,
//! and the request times the fake records.

use crate::support::*;

const EMAIL: &str = "backup@example.com";
const TOKEN: &str = "ATATT-site-answers-token-0001";

async fn cloud_id(jira: &FakeJira) -> String {
    let info = client()
        .get(format!("{}/_edge/tenant_info", jira.url()))
        .send()
        .await
        .unwrap();
    json_of(info).await["cloudId"].as_str().unwrap().to_owned()
}

async fn get_as(url: &str, email: &str, token: &str) -> Response {
    client()
        .get(url)
        .header("Authorization", basic(email, token))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_blocked_token_is_refused_with_a_text_on_the_site_and_the_gateway() {
    let blocked = Account::admin(EMAIL, TOKEN).token_blocked();
    let jira = FakeJira::start(Site::new().account(blocked).account(demo_account()))
        .await
        .unwrap();
    let cloud = cloud_id(&jira).await;
    for url in [
        format!("{}/rest/api/3/myself", jira.url()),
        format!("{}/ex/jira/{cloud}/rest/api/3/myself", jira.url()),
    ] {
        let r = get_as(&url, EMAIL, TOKEN).await;
        assert_eq!(r.status(), 401, "{url}");
        assert!(header(r.headers(), "x-aaccountid").is_none());
        let body = json_of(r).await;
        assert_eq!(body["errorMessages"][0], fake_jira::TOKEN_BLOCKED);
    }
    // A wrong token of the same account is just a wrong token.
    let r = get_as(&format!("{}/rest/api/3/myself", jira.url()), EMAIL, "nope").await;
    assert_eq!(r.status(), 401);
    assert!(!r.text().await.unwrap().contains("blocked"));
    // Other accounts are not affected.
    assert_eq!(
        as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn an_ip_allowlist_refuses_every_call_with_403_before_the_credentials() {
    let jira = FakeJira::start(small_site().ip_not_allowed(true))
        .await
        .unwrap();
    for path in ["/rest/api/3/myself", "/rest/api/3/permissions"] {
        let r = as_admin(client().get(format!("{}{path}", jira.url())))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
        assert_eq!(
            json_of(r).await,
            json!({"errorMessages": [fake_jira::IP_NOT_ALLOWED], "errors": {}})
        );
    }
    assert_eq!(
        fake_jira::IP_NOT_ALLOWED,
        "The IP address has been rejected because it is not on the allowed list. See your admin for more information."
    );
    // Without the allowlist the same call works.
    let jira = FakeJira::start(small_site()).await.unwrap();
    let r = as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn rate_limit_headers_say_near_limit_after_n_requests() {
    let jira = FakeJira::start(small_site().rate_limit_headers(2))
        .await
        .unwrap();
    let url = format!("{}/rest/api/3/myself", jira.url());
    let mut near = Vec::new();
    for _ in 0..4 {
        let r = as_admin(client().get(&url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let h = r.headers();
        assert!(
            header(h, "ratelimit-policy").is_some_and(|v| v.starts_with("\"jira-burst-based\";"))
        );
        assert!(header(h, "ratelimit").is_some_and(|v| v.contains(";r=")));
        assert!(header(h, "beta-ratelimit-policy").is_some());
        assert!(header(h, "beta-ratelimit").is_some());
        near.push((
            header(h, "x-ratelimit-nearlimit").map(str::to_owned),
            header(h, "x-beta-ratelimit-nearlimit").map(str::to_owned),
            header(h, "beta-retry-after").is_some(),
        ));
    }
    let t = Some("true".to_owned());
    assert_eq!(
        near,
        [
            (None, None, false),
            (None, None, false),
            (t.clone(), t.clone(), true),
            (t.clone(), t, true)
        ]
    );
    // Requests one after the other: never more than one in flight after the flag.
    assert_eq!(jira.max_in_flight_near_limit(), 1);
    // A site without the mode sends none of them.
    let jira = FakeJira::start(small_site()).await.unwrap();
    let r = as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
        .send()
        .await
        .unwrap();
    assert!(header(r.headers(), "ratelimit").is_none());
    assert_eq!(jira.max_in_flight_near_limit(), 0);
}

#[tokio::test]
async fn requests_are_recorded_with_their_times_and_status() {
    let site = small_site().fault(Fault::Slow {
        path: "/rest/api/3/myself".into(),
        delay: Duration::from_millis(120),
    });
    let jira = FakeJira::start(site).await.unwrap();
    let before = Instant::now();
    let r = as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let recorded = jira.requests();
    assert_eq!(recorded.len(), 1);
    let q = &recorded[0];
    assert!(q.received >= before);
    let answered = q.answered.expect("answered");
    assert!(answered - q.received >= Duration::from_millis(120));
    assert_eq!(q.status, Some(200));
}

/// The granular scopes of `project/search` (the spec).
const PROJECT_SEARCH_GRANULAR: &[&str] = &[
    "read:issue-type:jira",
    "read:project:jira",
    "read:project.property:jira",
    "read:user:jira",
    "read:application-role:jira",
    "read:avatar:jira",
    "read:group:jira",
    "read:issue-type-hierarchy:jira",
    "read:project-category:jira",
    "read:project-version:jira",
    "read:project.component:jira",
];

#[tokio::test]
async fn permissions_check_takes_read_jira_work_since_june_2024() {
    let mut without: Vec<&str> = vec!["read:jira-user", "manage:jira-configuration"];
    without.extend(PROJECT_SEARCH_GRANULAR);
    let lacking = Account::admin(EMAIL, TOKEN).scoped(&without);
    let with = Account::admin("other@example.com", "ATATT-other-0002")
        .scoped(&["read:jira-user", "read:jira-work"]);
    let jira = FakeJira::start(
        Site::new()
            .account(lacking)
            .account(with)
            .projects(vec![Project::new(10_000, "SW", "Software")]),
    )
    .await
    .unwrap();
    let cloud = cloud_id(&jira).await;
    let url = format!(
        "{}/ex/jira/{cloud}/rest/api/3/permissions/check",
        jira.url()
    );
    let body = json!({"globalPermissions": ["ADMINISTER"]});
    let r = client()
        .post(&url)
        .header("Authorization", basic(EMAIL, TOKEN))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.text().await.unwrap(),
        "Unauthorized; scope does not match"
    );
    let r = client()
        .post(&url)
        .header(
            "Authorization",
            basic("other@example.com", "ATATT-other-0002"),
        )
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let spec = fake_jira::catalog::spec_operation_scopes();
    assert_eq!(
        spec["POST /rest/api/3/permissions/check"].0,
        ["read:jira-work"],
        "the spec's deprecation notice"
    );
}

#[tokio::test]
async fn myself_tells_service_accounts_from_rovo_agents_by_app_type() {
    let robot = Account::service_account("robot", TOKEN, &["read:jira-user"]);
    let agent = Account::service_account("helper", "ATATT-agent-0003", &["read:jira-user"])
        .app_type(Some("agent"));
    let person = Account::new(EMAIL, "person-token");
    let jira = FakeJira::start(
        Site::new()
            .account(robot.clone())
            .account(agent.clone())
            .account(person),
    )
    .await
    .unwrap();
    let cloud = cloud_id(&jira).await;
    let gateway = format!("{}/ex/jira/{cloud}/rest/api/3/myself", jira.url());
    let me = json_of(get_as(&gateway, &robot.email, TOKEN).await).await;
    assert_eq!(
        (me["accountType"].as_str(), me["appType"].as_str()),
        (Some("app"), Some("service"))
    );
    let me = json_of(get_as(&gateway, &agent.email, "ATATT-agent-0003").await).await;
    assert_eq!(me["appType"], "agent");
    let me = json_of(
        get_as(
            &format!("{}/rest/api/3/myself", jira.url()),
            EMAIL,
            "person-token",
        )
        .await,
    )
    .await;
    assert_eq!(me["accountType"], "atlassian");
    assert!(me.get("appType").is_none(), "{me}");
}
