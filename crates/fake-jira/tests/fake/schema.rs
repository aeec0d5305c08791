//! The fake's answers against the official OpenAPI component schemas.

use crate::support::*;

/// The spec subset written by `spec/extract.py` (see its header for provenance).
const SUBSET: &str = include_str!("../../spec/openapi-subset.json");

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
    let expanded = json_of(
        get("/rest/api/3/myself?expand=applicationRoles,groups")
            .await
            .unwrap(),
    )
    .await;
    assert!(!expanded["applicationRoles"]["items"]
        .as_array()
        .unwrap()
        .is_empty());
    assert_valid("User", &expanded);
    // The same answers through the gateway prefix.
    let cloud = json_of(
        client()
            .get(format!("{base}/_edge/tenant_info"))
            .send()
            .await
            .unwrap(),
    )
    .await["cloudId"]
        .as_str()
        .unwrap()
        .to_owned();
    let robot =
        Account::service_account("robot", "scoped-tok", &["read:jira-user", "read:jira-work"])
            .grant_global("ADMINISTER");
    let jira_gw = FakeJira::start(
        small_site()
            .account(robot)
            .projects(vec![Project::new(10_009, "ARCH", "Archived").archived()]),
    )
    .await
    .unwrap();
    let gw_cloud = json_of(
        client()
            .get(format!("{}/_edge/tenant_info", jira_gw.url()))
            .send()
            .await
            .unwrap(),
    )
    .await["cloudId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(cloud, gw_cloud, "cloud ids differ per site");
    let via_gateway = client()
        .get(format!(
            "{}/ex/jira/{gw_cloud}/rest/api/3/project/search?status=live,archived",
            jira_gw.url()
        ))
        .header(
            "Authorization",
            basic("robot@serviceaccount.atlassian.com", "scoped-tok"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(via_gateway.status(), 200);
    let page = json_of(via_gateway).await;
    assert!(page["values"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["archived"] == true));
    assert_valid("PageBeanProject", &page);
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
        get("/rest/api/3/mypermissions?projectKey=ALPHA&permissions=ADMINISTER,BROWSE_PROJECTS")
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
