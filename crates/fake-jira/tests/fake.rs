//! Integration tests for the fake Jira Cloud server: behaviour over real HTTP (reqwest)
//! and the shapes of its answers checked against the official OpenAPI schemas.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use fake_jira::{demo_account, start_recorder, Account, FakeJira, Fault, Project, Site};
use reqwest::{header::HeaderMap, Client, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

// ---------------------------------------------------------------------------------------
// helpers

fn client() -> Client {
    Client::builder()
        .no_proxy()
        .user_agent("fake-jira-tests/1")
        .build()
        .expect("client")
}

fn basic(email: &str, token: &str) -> String {
    format!("Basic {}", BASE64.encode(format!("{email}:{token}")))
}

fn as_admin(rb: RequestBuilder) -> RequestBuilder {
    let a = demo_account();
    rb.header("Authorization", basic(&a.email, &a.token))
}

fn as_bad_token(rb: RequestBuilder) -> RequestBuilder {
    rb.header(
        "Authorization",
        basic(&demo_account().email, "not-the-token"),
    )
}

fn as_dev(rb: RequestBuilder) -> RequestBuilder {
    rb.header("Authorization", basic("dev@example.com", "dev-token"))
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

async fn json_of(resp: Response) -> Value {
    resp.json().await.expect("JSON body")
}

/// Four projects: the developer can browse ALPHA, administers BETA, can only edit issues
/// in DELTA (so cannot see it) and has nothing in GAMMA.
fn small_site() -> Site {
    let dev = Account::new("dev@example.com", "dev-token")
        .override_project(10_000, &["BROWSE_PROJECTS", "EDIT_ISSUES", "CREATE_ISSUES"])
        .override_project(10_001, &["ADMINISTER_PROJECTS"])
        .override_project(10_003, &["EDIT_ISSUES"])
        .grant_global("USER_PICKER");
    Site::new()
        .account(demo_account())
        .account(dev)
        .projects(vec![
            Project::new(10_001, "BETA", "Beta"),
            Project::new(10_000, "ALPHA", "Alpha"),
            Project::team_managed(10_002, "GAMMA", "Gamma"),
            Project::new(10_003, "DELTA", "Delta"),
        ])
        .service_desks(2)
}

fn keys_of(page: &Value) -> Vec<String> {
    page["values"]
        .as_array()
        .expect("values")
        .iter()
        .map(|p| p["key"].as_str().unwrap().to_owned())
        .collect()
}

async fn check(
    jira: &FakeJira,
    auth: fn(RequestBuilder) -> RequestBuilder,
    body: &Value,
) -> Response {
    auth(
        client()
            .post(format!("{}/rest/api/3/permissions/check", jira.url()))
            .json(body),
    )
    .send()
    .await
    .unwrap()
}

// ---------------------------------------------------------------------------------------
// authentication

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

// ---------------------------------------------------------------------------------------
// project search

#[tokio::test]
async fn project_search_visibility_follows_browse_rules() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let url = format!("{}/rest/api/3/project/search", jira.url());

    let admin = json_of(as_admin(client().get(&url)).send().await.unwrap()).await;
    assert_eq!(
        keys_of(&admin),
        ["ALPHA", "BETA", "DELTA", "GAMMA"],
        "all projects, by key"
    );
    assert_eq!(admin["isLast"], true);
    assert!(admin.get("nextPage").is_none());

    let dev = json_of(as_dev(client().get(&url)).send().await.unwrap()).await;
    assert_eq!(
        keys_of(&dev),
        ["ALPHA", "BETA"],
        "browse or administer-projects only"
    );
    assert_eq!(dev["total"], 2);

    let dev_edit = json_of(
        as_dev(client().get(format!("{url}?action=edit")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(keys_of(&dev_edit), ["BETA"]);

    let anon = json_of(client().get(&url).send().await.unwrap()).await;
    assert_eq!(keys_of(&anon), Vec::<String>::new());

    // Shapes: ids are strings, team-managed projects are "next-gen" and simplified.
    let gamma = admin["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["key"] == "GAMMA")
        .unwrap()
        .clone();
    assert_eq!(gamma["id"], "10002");
    assert_eq!(gamma["style"], "next-gen");
    assert_eq!(gamma["simplified"], true);
    let alpha = &admin["values"][0];
    assert_eq!(alpha["style"], "classic");
    assert_eq!(alpha["simplified"], false);
    assert_eq!(
        alpha["projectTypeKey"], "service_desk",
        "desks go to the first projects by id"
    );
    assert_eq!(admin["values"][2]["projectTypeKey"], "software");
}

#[tokio::test]
async fn project_search_pages_are_capped_at_100() {
    let jira = FakeJira::start(Site::generated(250, 3)).await.unwrap();
    let url = format!("{}/rest/api/3/project/search", jira.url());

    let first = json_of(
        as_admin(client().get(format!("{url}?maxResults=1000")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(first["maxResults"], 100);
    assert_eq!(first["values"].as_array().unwrap().len(), 100);
    assert_eq!(first["total"], 250);
    assert_eq!(first["isLast"], false);

    let default = json_of(as_admin(client().get(&url)).send().await.unwrap()).await;
    assert_eq!(default["maxResults"], 50);
    assert_eq!(default["values"].as_array().unwrap().len(), 50);

    // Follow nextPage to the end.
    let mut next = Some(format!("{url}?maxResults=1000"));
    let mut seen = Vec::new();
    let mut pages = 0;
    while let Some(u) = next.take() {
        let page = json_of(as_admin(client().get(&u)).send().await.unwrap()).await;
        pages += 1;
        seen.extend(keys_of(&page));
        if page["isLast"] == false {
            next = Some(
                page["nextPage"]
                    .as_str()
                    .expect("nextPage when not last")
                    .to_owned(),
            );
        } else {
            assert!(page.get("nextPage").is_none());
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen.len(), 250);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "ordered by key across pages");
    assert_eq!(seen.iter().collect::<BTreeSet<_>>().len(), 250);

    let bad = as_admin(client().get(format!("{url}?maxResults=lots")))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

// ---------------------------------------------------------------------------------------
// permissions

#[tokio::test]
async fn bulk_check_answers_grants_with_integer_ids() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let body = json!({
        "globalPermissions": ["ADMINISTER", "USER_PICKER", "CREATE_PROJECT"],
        "projectPermissions": [{
            "permissions": ["BROWSE_PROJECTS", "EDIT_ISSUES", "ADMINISTER_PROJECTS", "MANAGE_SPRINTS_PERMISSION"],
            "projects": [10000, 10001, 10002, 10003, 99999],
            "issues": []
        }]
    });
    let resp = check(&jira, as_dev, &body).await;
    assert_eq!(resp.status(), 200);
    let grants = json_of(resp).await;
    assert_eq!(
        grants,
        json!({
            "globalPermissions": ["USER_PICKER"],
            "projectPermissions": [
                {"permission": "BROWSE_PROJECTS", "projects": [10000], "issues": []},
                // DELTA (10003) grants EDIT_ISSUES, but the developer cannot see it.
                {"permission": "EDIT_ISSUES", "projects": [10000], "issues": []},
                {"permission": "ADMINISTER_PROJECTS", "projects": [10001], "issues": []},
            ]
        })
    );

    let admin = json_of(check(&jira, as_admin, &body).await).await;
    assert_eq!(
        admin["globalPermissions"],
        json!(["ADMINISTER", "USER_PICKER", "CREATE_PROJECT"])
    );
    assert_eq!(admin["projectPermissions"].as_array().unwrap().len(), 4);
    assert_eq!(
        admin["projectPermissions"][0]["projects"],
        json!([10000, 10001, 10002, 10003])
    );

    // Checking another account needs Administer Jira.
    let dev_id = Account::new("dev@example.com", "x").account_id;
    let other =
        json!({"accountId": demo_account().account_id, "globalPermissions": ["ADMINISTER"]});
    assert_eq!(check(&jira, as_dev, &other).await.status(), 403);
    let by_admin = json!({"accountId": dev_id, "globalPermissions": ["ADMINISTER", "USER_PICKER"]});
    assert_eq!(
        json_of(check(&jira, as_admin, &by_admin).await).await["globalPermissions"],
        json!(["USER_PICKER"])
    );
}

#[tokio::test]
async fn bulk_check_refuses_more_than_1000_projects() {
    let jira = FakeJira::start(Site::generated(1200, 1)).await.unwrap();
    let ids: Vec<u64> = (10_000..11_001).collect();
    let too_many =
        json!({"projectPermissions": [{"permissions": ["BROWSE_PROJECTS"], "projects": ids}]});
    let resp = check(&jira, as_admin, &too_many).await;
    assert_eq!(resp.status(), 400);
    let err = json_of(resp).await;
    assert!(err["errorMessages"][0].as_str().unwrap().contains("1000"));
    assert_eq!(err["errors"], json!({}));

    // Split over two entries still counts as 1001.
    let split = json!({"projectPermissions": [
        {"permissions": ["BROWSE_PROJECTS"], "projects": &ids[..500]},
        {"permissions": ["EDIT_ISSUES"], "projects": &ids[500..]},
    ]});
    assert_eq!(check(&jira, as_admin, &split).await.status(), 400);

    let exactly = json!({"projectPermissions": [{"permissions": ["BROWSE_PROJECTS"], "projects": &ids[..1000]}]});
    let resp = check(&jira, as_admin, &exactly).await;
    assert_eq!(resp.status(), 200);
    let granted = json_of(resp).await;
    let n = granted["projectPermissions"][0]["projects"]
        .as_array()
        .unwrap()
        .len();
    assert!(n > 900 && n <= 1000, "{n} projects with BROWSE_PROJECTS");
}

#[tokio::test]
async fn bulk_check_rejects_unknown_keys_and_bad_payloads() {
    let jira = FakeJira::start(
        small_site()
            .unknown_key("MANAGE_SPRINTS_PERMISSION")
            .unknown_key("CREATE_PROJECT"),
    )
    .await
    .unwrap();
    let project = json!({"projectPermissions": [{"permissions": ["BROWSE_PROJECTS", "MANAGE_SPRINTS_PERMISSION"], "projects": [10000]}]});
    let resp = check(&jira, as_admin, &project).await;
    assert_eq!(resp.status(), 400);
    assert_eq!(
        json_of(resp).await,
        json!({"errorMessages": [], "errors": {"MANAGE_SPRINTS_PERMISSION": "Unrecognized permission"}})
    );
    let global = json!({"globalPermissions": ["ADMINISTER", "CREATE_PROJECT"]});
    assert_eq!(
        json_of(check(&jira, as_admin, &global).await).await,
        json!({"errorMessages": [], "errors": {"CREATE_PROJECT": "Unrecognized permission"}})
    );
    // Invented keys are unknown too, even anonymously.
    let invented = json!({"globalPermissions": ["SHARE_DASHBOARDS"]});
    assert_eq!(check(&jira, |rb| rb, &invented).await.status(), 400);

    // The site no longer lists the forgotten keys.
    let all = json_of(
        client()
            .get(format!("{}/rest/api/3/permissions", jira.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(all["permissions"]
        .get("MANAGE_SPRINTS_PERMISSION")
        .is_none());
    assert!(all["permissions"].get("BROWSE_PROJECTS").is_some());

    let url = format!("{}/rest/api/3/permissions/check", jira.url());
    let not_json = as_admin(
        client()
            .post(&url)
            .header("content-type", "application/json")
            .body("{oops"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(not_json.status(), 400);
    assert!(json_of(not_json).await["errorMessages"].is_array());
    let no_type = as_admin(client().post(&url).body("{}"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_type.status(), 415);
    let typo = json!({"globalPermission": ["ADMINISTER"]});
    assert_eq!(check(&jira, as_admin, &typo).await.status(), 400);
    let empty_entry = json!({"projectPermissions": [{"permissions": [""], "projects": [10000]}]});
    assert_eq!(check(&jira, as_admin, &empty_entry).await.status(), 400);
}

#[tokio::test]
async fn all_permissions_lists_jira_keys_and_names() {
    let jira = FakeJira::start(Site::new()).await.unwrap();
    let all = json_of(
        client()
            .get(format!("{}/rest/api/3/permissions", jira.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let p = &all["permissions"];
    assert_eq!(
        p["CREATE_PROJECT"],
        json!({"key": "CREATE_PROJECT", "name": "Create team-managed spaces", "type": "GLOBAL",
               "description": p["CREATE_PROJECT"]["description"]})
    );
    for (key, name, kind) in [
        ("ADMINISTER", "Administer Jira", "GLOBAL"),
        ("USER_PICKER", "Browse users and groups", "GLOBAL"),
        (
            "CREATE_SHARED_OBJECTS",
            "Share dashboards and filters",
            "GLOBAL",
        ),
        ("BULK_CHANGE", "Make bulk changes", "GLOBAL"),
        ("SYSTEM_ADMIN", "Jira System Administrators", "GLOBAL"),
        ("ADMINISTER_PROJECTS", "Administer Projects", "PROJECT"),
        ("BROWSE_PROJECTS", "Browse Projects", "PROJECT"),
        ("MANAGE_SPRINTS_PERMISSION", "Manage sprints", "PROJECT"),
        ("WORK_ON_ISSUES", "Work On Issues", "PROJECT"),
        ("SERVICEDESK_AGENT", "Service Desk Agent", "PROJECT"),
    ] {
        assert_eq!(p[key]["name"], name, "{key}");
        assert_eq!(p[key]["type"], kind, "{key}");
        assert_eq!(p[key]["key"], key);
    }
    assert!(p.get("CREATE_TEAM_MANAGED_PROJECT").is_none());
}

#[tokio::test]
async fn my_permissions_needs_keys_and_respects_project_context() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let url = format!("{}/rest/api/3/mypermissions", jira.url());

    let missing = as_dev(client().get(&url)).send().await.unwrap();
    assert_eq!(missing.status(), 400);
    let err = json_of(missing).await;
    assert!(err["errorMessages"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));

    let in_alpha = json_of(
        as_dev(client().get(format!(
            "{url}?projectKey=ALPHA&permissions=EDIT_ISSUES,ADMINISTER_PROJECTS,USER_PICKER"
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    let p = &in_alpha["permissions"];
    assert_eq!(p["EDIT_ISSUES"]["havePermission"], true);
    assert_eq!(p["EDIT_ISSUES"]["id"], "12");
    assert_eq!(p["EDIT_ISSUES"]["type"], "PROJECT");
    assert_eq!(p["ADMINISTER_PROJECTS"]["havePermission"], false);
    assert_eq!(p["USER_PICKER"]["havePermission"], true);

    // Global context: held in any (visible) project.
    let global = json_of(
        as_dev(client().get(format!(
            "{url}?permissions=ADMINISTER_PROJECTS,MANAGE_SPRINTS_PERMISSION"
        )))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        global["permissions"]["ADMINISTER_PROJECTS"]["havePermission"],
        true
    );
    assert_eq!(
        global["permissions"]["MANAGE_SPRINTS_PERMISSION"]["havePermission"],
        false
    );

    let invisible = as_dev(client().get(format!("{url}?projectKey=DELTA&permissions=EDIT_ISSUES")))
        .send()
        .await
        .unwrap();
    assert_eq!(invisible.status(), 404);
    let unknown = as_dev(client().get(format!("{url}?permissions=NOPE")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
}

// ---------------------------------------------------------------------------------------
// products

#[tokio::test]
async fn service_desks_are_listed_for_browsable_projects() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let url = format!("{}/rest/servicedeskapi/servicedesk", jira.url());
    assert_eq!(client().get(&url).send().await.unwrap().status(), 401);
    assert_eq!(
        as_bad_token(client().get(&url))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    let admin = json_of(as_admin(client().get(&url)).send().await.unwrap()).await;
    assert_eq!(admin["size"], 2);
    assert_eq!(admin["isLastPage"], true);
    assert_eq!(
        admin["values"][0],
        json!({
            "id": "1", "projectId": "10000", "projectName": "Alpha", "projectKey": "ALPHA",
            "_links": {"self": format!("{}/rest/servicedeskapi/servicedesk/1", jira.url())}
        })
    );
    let paged = json_of(
        as_admin(client().get(format!("{url}?start=0&limit=1")))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(paged["size"], 1);
    assert_eq!(paged["isLastPage"], false);
    assert!(paged["_links"]["next"].is_string());

    // ALPHA (browse) and BETA (administer projects) both have desks.
    let dev = json_of(as_dev(client().get(&url)).send().await.unwrap()).await;
    assert_eq!(dev["size"], 2);
}

#[tokio::test]
async fn agile_board_needs_a_software_licence() {
    let licensed = FakeJira::start(small_site()).await.unwrap();
    let resp = as_admin(client().get(format!(
        "{}/rest/agile/1.0/board?maxResults=1",
        licensed.url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 200);
    let page = json_of(resp).await;
    assert_eq!(page["maxResults"], 1);
    assert_eq!(page["total"], 2, "GAMMA and DELTA are software projects");

    let unlicensed = FakeJira::start(small_site().software_access(false))
        .await
        .unwrap();
    let resp = as_admin(client().get(format!(
        "{}/rest/agile/1.0/board?maxResults=1",
        unlicensed.url()
    )))
    .send()
    .await
    .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        header(resp.headers(), "x-aaccountid"),
        Some(demo_account().account_id.as_str())
    );
    assert_eq!(
        json_of(resp).await,
        json!({"errorMessages": ["The user does not have valid license"], "errors": {}})
    );
}

#[tokio::test]
async fn server_info_unknown_paths_and_wrong_methods() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    let info = json_of(
        client()
            .get(format!("{}/rest/api/3/serverInfo", jira.url()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(info["deploymentType"], "Cloud");
    assert_eq!(info["baseUrl"], jira.url());

    let missing = as_admin(client().get(format!("{}/rest/api/3/nope", jira.url())))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        header(missing.headers(), "x-aaccountid"),
        Some(demo_account().account_id.as_str())
    );
    assert!(json_of(missing).await["errorMessages"].is_array());

    let wrong = client()
        .delete(format!("{}/rest/api/3/myself", jira.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
    let wrong = client()
        .get(format!("{}/rest/api/3/permissions/check", jira.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::METHOD_NOT_ALLOWED);
}

// ---------------------------------------------------------------------------------------
// faults, latency, concurrency, recording

#[tokio::test]
async fn rate_limit_fault_answers_429_then_recovers() {
    let site = small_site().fault(Fault::RateLimited {
        path: "/rest/api/3/project".into(),
        times: 2,
        retry_after_secs: Some(7),
    });
    let jira = FakeJira::start(site).await.unwrap();
    let url = format!("{}/rest/api/3/project/search", jira.url());
    for _ in 0..2 {
        let resp = as_admin(client().get(&url)).send().await.unwrap();
        assert_eq!(resp.status(), 429);
        let h = resp.headers();
        assert_eq!(header(h, "retry-after"), Some("7"));
        assert_eq!(header(h, "ratelimit-reason"), Some("jira-burst-based"));
        assert!(header(h, "x-ratelimit-limit").is_some());
        assert_eq!(header(h, "x-ratelimit-remaining"), Some("0"));
        assert!(header(h, "x-ratelimit-reset").is_some_and(|v| v.ends_with('Z') && v.len() == 17));
        assert!(
            header(h, "x-aaccountid").is_some(),
            "Jira answers 429s itself"
        );
    }
    assert_eq!(
        as_admin(client().get(&url)).send().await.unwrap().status(),
        200
    );
    // Other paths were never limited.
    assert_eq!(
        as_admin(client().get(format!("{}/rest/api/3/myself", jira.url())))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let no_retry_after = FakeJira::start(small_site().fault(Fault::RateLimited {
        path: "/".into(),
        times: 1,
        retry_after_secs: None,
    }))
    .await
    .unwrap();
    let resp = client()
        .get(format!("{}/rest/api/3/serverInfo", no_retry_after.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    assert!(header(resp.headers(), "retry-after").is_none());
    assert_eq!(
        header(resp.headers(), "ratelimit-reason"),
        Some("jira-burst-based")
    );
}

#[tokio::test]
async fn unavailable_server_error_and_html_faults() {
    let site = small_site()
        .fault(Fault::Unavailable {
            path: "/rest/api/3/serverInfo".into(),
            times: 1,
        })
        .fault(Fault::ServerError {
            path: "/rest/api/3/permissions/check".into(),
        })
        .fault(Fault::HtmlPage {
            path: "/rest/api/3/myself".into(),
        });
    let jira = FakeJira::start(site).await.unwrap();
    let base = jira.url();

    assert_eq!(
        client()
            .get(format!("{base}/rest/api/3/serverInfo"))
            .send()
            .await
            .unwrap()
            .status(),
        503
    );
    assert_eq!(
        client()
            .get(format!("{base}/rest/api/3/serverInfo"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    for _ in 0..3 {
        let resp = check(&jira, as_admin, &json!({})).await;
        assert_eq!(resp.status(), 500);
        assert!(json_of(resp).await["errorMessages"].is_array());
    }

    let html = as_admin(client().get(format!("{base}/rest/api/3/myself")))
        .send()
        .await
        .unwrap();
    assert_eq!(html.status(), 200);
    assert!(header(html.headers(), "content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(header(html.headers(), "x-aaccountid").is_none());
    assert!(html.text().await.unwrap().contains("<html"));
}

#[tokio::test]
async fn redirect_to_another_origin_does_not_leak_authorization() {
    let other = start_recorder().await.unwrap();
    let site = small_site().fault(Fault::RedirectTo {
        path: "/rest/api/3/myself".into(),
        location: format!("{}/login", other.url()),
    });
    let jira = FakeJira::start(site).await.unwrap();
    let url = format!("{}/rest/api/3/myself", jira.url());

    let no_follow = Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let resp = as_admin(no_follow.get(&url)).send().await.unwrap();
    assert_eq!(resp.status(), 302);
    assert_eq!(
        header(resp.headers(), "location"),
        Some(format!("{}/login", other.url()).as_str())
    );
    assert_eq!(other.request_count(), 0);

    let resp = as_admin(client().get(&url)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(resp).await, json!({}));
    let seen = other.requests();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].path, "/login");
    assert_eq!(
        seen[0].authorization, None,
        "reqwest strips credentials across origins"
    );
    assert!(jira.requests()[0].authorization.is_some());
}

#[tokio::test]
async fn reset_connection_fault_drops_the_request() {
    let site = small_site().fault(Fault::ResetConnection {
        path: "/rest/api/3/serverInfo".into(),
        times: 2,
    });
    let jira = FakeJira::start(site).await.unwrap();
    let url = format!("{}/rest/api/3/serverInfo", jira.url());
    let c = client();
    for _ in 0..2 {
        let err = c.get(&url).send().await.expect_err("connection dropped");
        assert!(err.status().is_none(), "{err:?}");
    }
    assert_eq!(c.get(&url).send().await.unwrap().status(), 200);
    assert_eq!(jira.request_count(), 3);
}

#[tokio::test]
async fn latency_and_slow_paths_delay_answers() {
    let site = small_site()
        .latency(Duration::from_millis(60))
        .fault(Fault::Slow {
            path: "/rest/api/3/project".into(),
            delay: Duration::from_millis(300),
        });
    let jira = FakeJira::start(site).await.unwrap();

    let t = Instant::now();
    assert_eq!(
        client()
            .get(format!("{}/rest/api/3/serverInfo", jira.url()))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let fast = t.elapsed();
    assert!(fast >= Duration::from_millis(60), "{fast:?}");

    let t = Instant::now();
    let resp = as_admin(client().get(format!("{}/rest/api/3/project/search", jira.url())))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "slow, then answered normally");
    assert!(
        t.elapsed() >= Duration::from_millis(360),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn max_in_flight_counts_concurrent_requests() {
    let site = small_site().fault(Fault::Slow {
        path: "/rest/api/3/serverInfo".into(),
        delay: Duration::from_millis(600),
    });
    let jira = FakeJira::start(site).await.unwrap();
    let url = format!("{}/rest/api/3/serverInfo", jira.url());

    assert_eq!(client().get(&url).send().await.unwrap().status(), 200);
    assert_eq!(jira.max_in_flight(), 1);

    let c = client();
    let tasks: Vec<_> = (0..5).map(|_| tokio::spawn(c.get(&url).send())).collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().status(), 200);
    }
    assert_eq!(jira.max_in_flight(), 5);
    assert_eq!(jira.request_count(), 6);

    jira.reset_stats();
    assert_eq!(jira.max_in_flight(), 0);
    assert_eq!(jira.request_count(), 0);
}

#[tokio::test]
async fn requests_are_recorded_in_order() {
    let jira = FakeJira::start(small_site()).await.unwrap();
    as_admin(client().get(format!(
        "{}/rest/api/3/project/search?startAt=0&maxResults=2",
        jira.url()
    )))
    .send()
    .await
    .unwrap();
    let body = json!({"globalPermissions": ["ADMINISTER"]});
    check(&jira, as_dev, &body).await;
    client()
        .get(format!("{}/rest/api/3/serverInfo", jira.url()))
        .send()
        .await
        .unwrap();

    let r = jira.requests();
    assert_eq!(r.len(), 3);
    assert_eq!(
        (r[0].method.as_str(), r[0].path.as_str()),
        ("GET", "/rest/api/3/project/search")
    );
    assert_eq!(r[0].query.as_deref(), Some("startAt=0&maxResults=2"));
    assert_eq!(
        r[0].authorization,
        Some(basic("admin@example.com", &demo_account().token))
    );
    assert_eq!(r[0].user_agent.as_deref(), Some("fake-jira-tests/1"));
    assert_eq!(r[0].body, None);
    assert_eq!(r[1].method, "POST");
    assert_eq!(
        r[1].authorization,
        Some(basic("dev@example.com", "dev-token"))
    );
    assert_eq!(
        serde_json::from_str::<Value>(r[1].body.as_deref().unwrap()).unwrap(),
        body
    );
    assert_eq!(r[2].authorization, None);
    assert_eq!(jira.requests_to("/rest/api/3/permissions").len(), 1);
}

#[tokio::test]
async fn dropping_the_fake_stops_the_server() {
    let jira = FakeJira::start(Site::new()).await.unwrap();
    let url = format!("{}/rest/api/3/serverInfo", jira.url());
    let fresh = || {
        Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()
            .unwrap()
    };
    assert_eq!(fresh().get(&url).send().await.unwrap().status(), 200);
    drop(jira);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(fresh().get(&url).send().await.is_err());
}

#[tokio::test]
async fn generated_site_has_an_admin_with_some_gaps() {
    let site = Site::generated(120, 9);
    assert_eq!(site.project_list().len(), 120);
    assert_eq!(site.project_list()[0].id, 10_000);
    let jira = FakeJira::start(site).await.unwrap();
    let ids: Vec<u64> = (10_000..10_120).collect();
    let body = json!({
        "globalPermissions": ["ADMINISTER", "USER_PICKER", "CREATE_SHARED_OBJECTS", "CREATE_PROJECT"],
        "projectPermissions": [{"permissions": fake_jira::catalog::PROJECT_RESTORE, "projects": ids}]
    });
    let grants = json_of(check(&jira, as_admin, &body).await).await;
    assert_eq!(grants["globalPermissions"].as_array().unwrap().len(), 4);
    let per_key = grants["projectPermissions"].as_array().unwrap();
    let incomplete = per_key
        .iter()
        .filter(|g| g["projects"].as_array().unwrap().len() < 120)
        .count();
    assert!(
        incomplete > 0,
        "some projects lack some restore permissions"
    );
    assert!(per_key
        .iter()
        .all(|g| g["projects"].as_array().unwrap().len() > 90));
}

// ---------------------------------------------------------------------------------------
// the binary

#[tokio::test]
async fn binary_prints_its_url_and_demo_credentials() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fake-jira"))
        .args(["--port", "0", "--projects", "5", "--seed", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn fake-jira");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("fake-jira listening on ")
        .expect(&first)
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    let demo = demo_account();
    assert_eq!(
        second,
        format!("account: {} token: {}", demo.email, demo.token)
    );
    assert!(demo.token.len() >= 24 && !demo.token.contains(char::is_whitespace));

    let resp = as_admin(client().get(format!("{url}/rest/api/3/project/search")))
        .send()
        .await;
    child.kill().ok();
    child.wait().ok();
    let page = json_of(resp.unwrap()).await;
    assert_eq!(page["total"], 5);
}

// ---------------------------------------------------------------------------------------
// schemas: the fake's answers against the official OpenAPI component schemas

mod schema {
    use super::*;

    /// The spec subset written by `spec/extract.py` (see its header for provenance).
    const SUBSET: &str = include_str!("../spec/openapi-subset.json");

    /// Jira's timestamps (`2025-06-20T13:05:09.123+0000`) have no colon in the offset, so
    /// they are not strict RFC 3339; accept both spellings.
    fn jira_date_time(s: &str) -> bool {
        let b = s.as_bytes();
        let digits =
            |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        let date_time = b.len() >= 19
            && digits(0..4)
            && b[4] == b'-'
            && digits(5..7)
            && b[7] == b'-'
            && digits(8..10)
            && b[10] == b'T'
            && digits(11..13)
            && b[13] == b':'
            && digits(14..16)
            && b[16] == b':'
            && digits(17..19);
        if !date_time {
            return false;
        }
        let mut rest = &s[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &frac[n..];
        }
        match rest.as_bytes() {
            [b'Z'] => true,
            [b'+' | b'-', h1, h2, b':', m1, m2] | [b'+' | b'-', h1, h2, m1, m2] => {
                [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit())
            }
            _ => false,
        }
    }

    fn validator(name: &str) -> jsonschema::Validator {
        let mut doc: Value = serde_json::from_str(SUBSET).expect("subset is JSON");
        assert!(
            doc["components"]["schemas"].get(name).is_some(),
            "{name} not in the subset"
        );
        // The subset document is the root resource, so `#/components/schemas/X` resolves.
        doc["allOf"] = json!([{ "$ref": format!("#/components/schemas/{name}") }]);
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(true)
            .with_format("date-time", jira_date_time)
            .build(&doc)
            .unwrap_or_else(|e| panic!("schema {name}: {e}"))
    }

    fn errors(name: &str, instance: &Value) -> Vec<String> {
        validator(name)
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect()
    }

    #[track_caller]
    fn assert_valid(name: &str, instance: &Value) {
        let errs = errors(name, instance);
        assert!(
            errs.is_empty(),
            "{name} does not match the spec: {errs:#?}\n{instance:#}"
        );
    }

    #[track_caller]
    fn assert_invalid(name: &str, instance: &Value) {
        assert!(
            !errors(name, instance).is_empty(),
            "{name} accepted a wrong answer: {instance:#}"
        );
    }

    #[test]
    fn subset_records_its_source() {
        let doc: Value = serde_json::from_str(SUBSET).unwrap();
        let meta = &doc["x-extracted"];
        assert_eq!(meta["sha256"].as_str().map(str::len), Some(64));
        assert!(meta["infoVersion"]
            .as_str()
            .is_some_and(|v| v.starts_with("1001.")));
        assert!(
            SUBSET.contains("\"null\""),
            "nullable rewritten to type null"
        );
        assert!(
            !SUBSET.contains("\"nullable\""),
            "no OpenAPI-only nullable left"
        );
    }

    #[test]
    fn jira_timestamps_are_accepted() {
        assert!(jira_date_time("2025-06-20T13:05:09.123+0000"));
        assert!(jira_date_time("2025-06-20T13:05:09Z"));
        assert!(jira_date_time("2025-06-20T13:05:09.5+02:00"));
        assert!(!jira_date_time("2025-06-20 13:05:09"));
        assert!(!jira_date_time("yesterday"));
    }

    #[tokio::test]
    async fn answers_match_the_openapi_schemas() {
        let mut hidden = Account::new("hidden@example.com", "tok");
        hidden.email_visible = false;
        let jira = FakeJira::start(small_site().account(hidden)).await.unwrap();
        let base = jira.url();
        let get = |path: &str| as_admin(client().get(format!("{base}{path}"))).send();

        let myself = json_of(get("/rest/api/3/myself").await.unwrap()).await;
        assert_valid("User", &myself);
        let hidden_me = client()
            .get(format!("{base}/rest/api/3/myself"))
            .header("Authorization", basic("hidden@example.com", "tok"))
            .send()
            .await
            .unwrap();
        let hidden_me = json_of(hidden_me).await;
        assert_eq!(hidden_me["emailAddress"], Value::Null);
        assert_valid("User", &hidden_me);

        assert_valid(
            "ServerInformation",
            &json_of(get("/rest/api/3/serverInfo").await.unwrap()).await,
        );
        assert_valid(
            "Permissions",
            &json_of(get("/rest/api/3/permissions").await.unwrap()).await,
        );
        let mine = json_of(
            get(
                "/rest/api/3/mypermissions?projectKey=ALPHA&permissions=ADMINISTER,BROWSE_PROJECTS",
            )
            .await
            .unwrap(),
        )
        .await;
        assert_valid("Permissions", &mine);

        let page = json_of(
            get("/rest/api/3/project/search?maxResults=2")
                .await
                .unwrap(),
        )
        .await;
        assert!(page.get("nextPage").is_some());
        assert_valid("PageBeanProject", &page);
        let last = json_of(get("/rest/api/3/project/search?startAt=2").await.unwrap()).await;
        assert_valid("PageBeanProject", &last);
        assert!(last["values"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["style"] == "next-gen"));

        let request = json!({
            "globalPermissions": ["ADMINISTER", "CREATE_PROJECT"],
            "projectPermissions": [{"permissions": ["BROWSE_PROJECTS", "EDIT_ISSUES"], "projects": [10000, 10001], "issues": []}]
        });
        assert_valid("BulkPermissionsRequestBean", &request);
        let grants = json_of(check(&jira, as_admin, &request).await).await;
        assert_valid("BulkPermissionGrants", &grants);

        for resp in [
            get("/rest/api/3/nope").await.unwrap(),
            get("/rest/api/3/mypermissions").await.unwrap(),
            check(&jira, as_admin, &json!({"globalPermissions": ["NOPE"]})).await,
            get("/rest/api/3/project/search?startAt=x").await.unwrap(),
        ] {
            assert!(resp.status().is_client_error());
            assert_valid("ErrorCollection", &json_of(resp).await);
        }
    }

    #[tokio::test]
    async fn wrong_answers_fail_validation() {
        let jira = FakeJira::start(small_site()).await.unwrap();
        let page = json_of(
            as_admin(client().get(format!("{}/rest/api/3/project/search", jira.url())))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_valid("PageBeanProject", &page);

        // Project id as a number (Jira sends a string here).
        let mut wrong = page.clone();
        wrong["values"][0]["id"] = json!(10000);
        assert_invalid("PageBeanProject", &wrong);
        // A field the spec does not know (additionalProperties: false).
        let mut wrong = page.clone();
        wrong["values"][0]["entityId"] = json!("x");
        assert_invalid("PageBeanProject", &wrong);
        // A style that does not exist.
        let mut wrong = page;
        wrong["values"][0]["style"] = json!("team-managed");
        assert_invalid("PageBeanProject", &wrong);

        // Bulk grants with string ids, or without the required `issues`.
        assert_invalid(
            "BulkPermissionGrants",
            &json!({"globalPermissions": [], "projectPermissions": [{"permission": "BROWSE_PROJECTS", "projects": ["10000"], "issues": []}]}),
        );
        assert_invalid(
            "BulkPermissionGrants",
            &json!({"globalPermissions": [], "projectPermissions": [{"permission": "BROWSE_PROJECTS", "projects": [10000]}]}),
        );
        assert_invalid(
            "UserPermission",
            &json!({"key": "X", "type": "SITE", "havePermission": true}),
        );
        assert_invalid(
            "ErrorCollection",
            &json!({"errorMessages": "oops", "errors": {}}),
        );
        assert_invalid(
            "ErrorCollection",
            &json!({"errorMessages": [], "errors": {"k": 1}}),
        );
        assert_invalid("User", &json!({"accountId": "x", "accountType": "robot"}));
        assert_invalid("User", &json!({"accountId": "x", "active": "yes"}));
        assert_invalid(
            "ServerInformation",
            &json!({"deploymentType": "Cloud", "buildDate": "last tuesday"}),
        );
    }
}
