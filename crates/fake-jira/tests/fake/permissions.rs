//! The permission endpoints.

use crate::support::*;

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
