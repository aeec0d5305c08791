//! Products: service desks and the Jira Software licence.

use crate::support::*;

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
