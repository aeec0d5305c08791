//! Project search: visibility and paging.

use crate::support::*;

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
