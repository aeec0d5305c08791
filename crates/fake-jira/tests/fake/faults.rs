//! Faults, latency, concurrency and recording.

use crate::support::*;

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
    // The listener closes once the server task sees the shutdown: wait for that, bounded.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if fresh().get(&url).send().await.is_err() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the dropped fake still answers after 10 s"
        );
        tokio::task::yield_now().await;
    }
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
