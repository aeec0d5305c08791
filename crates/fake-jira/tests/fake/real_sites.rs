//! Real sites beyond classic tokens: the gateway and scoped tokens, service accounts,
//! product access, project types, JSM agents and customers, archived projects. Each rule
//! names its source in `src/` (the spec, or Atlassian's documentation).

use crate::support::*;

const SCOPED: &str = "ATATT-scoped-token-0001";

/// Every scope the audit's calls need, classic flavour.
const AUDIT_SCOPES: &[&str] = &[
    "read:jira-user",
    "manage:jira-configuration",
    "read:jira-work",
    "read:servicedesk-request",
];

fn site_with(accounts: Vec<Account>) -> Site {
    let mut site = Site::new().projects(vec![
        Project::new(10_000, "SW", "Software"),
        Project::new(10_001, "BIZ", "Business").of_type("business"),
        Project::new(10_002, "HELP", "Help desk").of_type("service_desk"),
        Project::new(10_003, "IDEA", "Ideas").of_type("product_discovery"),
        Project::new(10_004, "OLD", "Old").archived(),
    ]);
    for a in accounts {
        site = site.account(a);
    }
    site
}

async fn cloud_id(jira: &FakeJira) -> String {
    let info = client()
        .get(format!("{}/_edge/tenant_info", jira.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(info.status(), 200, "no credentials needed");
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
async fn a_scoped_token_works_only_through_the_gateway_and_only_within_its_scopes() {
    let scoped = Account::admin("robot@example.com", SCOPED).scoped(AUDIT_SCOPES);
    let jira = FakeJira::start(site_with(vec![scoped, demo_account()]))
        .await
        .unwrap();
    let cloud = cloud_id(&jira).await;
    let site = format!("{}/rest/api/3/myself", jira.url());
    let gateway = format!("{}/ex/jira/{cloud}/rest/api/3/myself", jira.url());

    // On the site: 401, like a wrong token.
    let r = get_as(&site, "robot@example.com", SCOPED).await;
    assert_eq!(r.status(), 401);
    assert_eq!(
        header(r.headers(), "x-seraph-loginreason"),
        Some("AUTHENTICATED_FAILED")
    );
    // Through the gateway: the same answer a classic token gets on the site.
    let r = get_as(&gateway, "robot@example.com", SCOPED).await;
    assert_eq!(r.status(), 200);
    assert!(header(r.headers(), "x-aaccountid").is_some());
    assert_eq!(json_of(r).await["emailAddress"], "robot@example.com");
    // A classic token is refused through the gateway; another cloud id is not found.
    let admin = demo_account();
    assert_eq!(
        get_as(&gateway, &admin.email, &admin.token).await.status(),
        401
    );
    let elsewhere = format!(
        "{}/ex/jira/00000000-0000-4000-8000-000000000000/rest/api/3/myself",
        jira.url()
    );
    assert_eq!(
        get_as(&elsewhere, "robot@example.com", SCOPED)
            .await
            .status(),
        404
    );

    // Outside its scopes: the gateway's 401 text, no Jira headers.
    let narrow = Account::admin("narrow@example.com", SCOPED).scoped(&["read:jira-user"]);
    let jira = FakeJira::start(site_with(vec![narrow])).await.unwrap();
    let cloud = cloud_id(&jira).await;
    let base = format!("{}/ex/jira/{cloud}", jira.url());
    assert_eq!(
        get_as(
            &format!("{base}/rest/api/3/myself"),
            "narrow@example.com",
            SCOPED
        )
        .await
        .status(),
        200
    );
    let r = get_as(
        &format!("{base}/rest/api/3/permissions"),
        "narrow@example.com",
        SCOPED,
    )
    .await;
    assert_eq!(r.status(), 401);
    assert!(header(r.headers(), "x-aaccountid").is_none());
    assert_eq!(
        r.text().await.unwrap(),
        "Unauthorized; scope does not match"
    );
    // The granular alternative works as a whole set only.
    let granular = Account::admin("granular@example.com", SCOPED).scoped(&[
        "read:application-role:jira",
        "read:group:jira",
        "read:user:jira",
    ]);
    let jira = FakeJira::start(site_with(vec![granular])).await.unwrap();
    let cloud = cloud_id(&jira).await;
    let me = format!("{}/ex/jira/{cloud}/rest/api/3/myself", jira.url());
    assert_eq!(
        get_as(&me, "granular@example.com", SCOPED).await.status(),
        401,
        "read:avatar:jira is missing"
    );
}

#[tokio::test]
async fn service_accounts_are_app_accounts_with_scoped_tokens() {
    let robot = Account::service_account("backup-robot", SCOPED, AUDIT_SCOPES);
    assert_eq!(robot.email, "backup-robot@serviceaccount.atlassian.com");
    let jira = FakeJira::start(site_with(vec![robot])).await.unwrap();
    let cloud = cloud_id(&jira).await;
    let me = json_of(
        get_as(
            &format!("{}/ex/jira/{cloud}/rest/api/3/myself", jira.url()),
            "backup-robot@serviceaccount.atlassian.com",
            SCOPED,
        )
        .await,
    )
    .await;
    assert_eq!(me["accountType"], "app");
}

#[tokio::test]
async fn application_roles_show_product_access_and_without_it_no_project_permission() {
    let unlicensed = Account::admin("unlicensed@example.com", "tok").products(&[]);
    let agentless = Account::admin("customer@example.com", "tok").products(&["jira-software"]);
    let jira = FakeJira::start(site_with(vec![demo_account(), unlicensed, agentless]))
        .await
        .unwrap();
    let url = format!(
        "{}/rest/api/3/myself?expand=applicationRoles,groups",
        jira.url()
    );
    let admin = demo_account();
    let me = json_of(get_as(&url, &admin.email, &admin.token).await).await;
    let keys: Vec<&str> = me["applicationRoles"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"jira-software") && keys.contains(&"jira-servicedesk"),
        "{keys:?}"
    );
    assert_eq!(me["applicationRoles"]["size"], keys.len());
    let me = json_of(get_as(&url, "unlicensed@example.com", "tok").await).await;
    assert_eq!(me["applicationRoles"]["items"], json!([]));
    assert_eq!(me["applicationRoles"]["size"], 0);

    // No product: globals stay, project permissions are gone everywhere.
    let body = json!({"globalPermissions": ["ADMINISTER"], "projectPermissions": [{"permissions": ["BROWSE_PROJECTS", "ADMINISTER_PROJECTS"], "projects": [10000, 10001, 10002]}]});
    let resp = client()
        .post(format!("{}/rest/api/3/permissions/check", jira.url()))
        .header("Authorization", basic("unlicensed@example.com", "tok"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let grants = json_of(resp).await;
    assert_eq!(grants["globalPermissions"], json!(["ADMINISTER"]));
    assert_eq!(grants["projectPermissions"], json!([]));
    // The agile API needs Jira Software: 403 for the unlicensed account.
    let boards = format!("{}/rest/agile/1.0/board?maxResults=1", jira.url());
    assert_eq!(
        get_as(&boards, "unlicensed@example.com", "tok")
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn permissions_exist_per_project_type_and_only_jsm_users_are_agents() {
    let customer = Account::admin("customer@example.com", "tok").products(&["jira-software"]);
    let jira = FakeJira::start(site_with(vec![demo_account(), customer]))
        .await
        .unwrap();
    let body = json!({"projectPermissions": [{"permissions": ["MANAGE_SPRINTS_PERMISSION", "SERVICEDESK_AGENT", "BROWSE_PROJECTS"], "projects": [10000, 10001, 10002, 10003]}]});
    let grants_of = |v: &Value, key: &str| -> Vec<u64> {
        v["projectPermissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["permission"] == key)
            .map(|g| {
                g["projects"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p.as_u64().unwrap())
                    .collect()
            })
            .unwrap_or_default()
    };
    let admin = json_of(check(&jira, as_admin, &body).await).await;
    assert_eq!(
        grants_of(&admin, "MANAGE_SPRINTS_PERMISSION"),
        [10_000],
        "software only"
    );
    assert_eq!(
        grants_of(&admin, "SERVICEDESK_AGENT"),
        [10_002],
        "service projects only"
    );
    assert_eq!(
        grants_of(&admin, "BROWSE_PROJECTS"),
        [10_000, 10_001, 10_002, 10_003]
    );
    let resp = client()
        .post(format!("{}/rest/api/3/permissions/check", jira.url()))
        .header("Authorization", basic("customer@example.com", "tok"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let customer = json_of(resp).await;
    assert!(
        grants_of(&customer, "SERVICEDESK_AGENT").is_empty(),
        "not an agent"
    );
    // ...but the customer still sees the service desk: the desk count proves nothing.
    let desks = json_of(
        get_as(
            &format!("{}/rest/servicedeskapi/servicedesk", jira.url()),
            "customer@example.com",
            "tok",
        )
        .await,
    )
    .await;
    assert_eq!(desks["size"], 1);
    // Project search reports each type.
    let page = json_of(
        as_admin(client().get(format!("{}/rest/api/3/project/search", jira.url())))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let types: Vec<(String, String)> = page["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["key"].as_str().unwrap().to_owned(),
                p["projectTypeKey"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        types,
        [
            ("BIZ".to_owned(), "business".to_owned()),
            ("HELP".to_owned(), "service_desk".to_owned()),
            ("IDEA".to_owned(), "product_discovery".to_owned()),
            ("SW".to_owned(), "software".to_owned()),
        ]
    );
}

#[tokio::test]
async fn archived_projects_are_listed_only_when_asked_for() {
    let jira = FakeJira::start(site_with(vec![demo_account()]))
        .await
        .unwrap();
    let search = |q: &str| {
        as_admin(client().get(format!("{}/rest/api/3/project/search{q}", jira.url()))).send()
    };
    let live = json_of(search("").await.unwrap()).await;
    assert_eq!(live["total"], 4);
    assert!(!keys_of(&live).contains(&"OLD".to_owned()));
    let archived = json_of(search("?status=archived").await.unwrap()).await;
    assert_eq!(keys_of(&archived), ["OLD"]);
    assert_eq!(archived["values"][0]["archived"], true);
    let both = json_of(search("?status=live,archived").await.unwrap()).await;
    assert_eq!(both["total"], 5);
}

#[tokio::test]
async fn product_apis_may_answer_without_the_account_header() {
    let jira =
        FakeJira::start(site_with(vec![demo_account()]).product_apis_without_account_header(true))
            .await
            .unwrap();
    let admin = demo_account();
    for path in ["/rest/agile/1.0/board", "/rest/servicedeskapi/servicedesk"] {
        let r = get_as(&format!("{}{path}", jira.url()), &admin.email, &admin.token).await;
        assert_eq!(r.status(), 200, "{path}");
        assert!(header(r.headers(), "x-aaccountid").is_none(), "{path}");
        assert_eq!(header(r.headers(), "x-seraph-loginreason"), Some("OK"));
    }
    let r = get_as(
        &format!("{}/rest/api/3/myself", jira.url()),
        &admin.email,
        &admin.token,
    )
    .await;
    assert!(
        header(r.headers(), "x-aaccountid").is_some(),
        "the platform API still names the account"
    );
}
