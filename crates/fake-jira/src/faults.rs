//! The hostile answers of [`Fault`]s: which fault a request runs into
//! ([`Shared::fault_for`]) and the responses they produce (rate limits, endless pages,
//! huge bodies, login pages, redirects, dropped connections).

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::json;

use crate::site::Fault;
use crate::state::{lock, Shared};
use crate::util::{error_collection, json_response, rate_limit_reset, text_response, JSON};

impl Shared {
    /// Applies the first matching fault (after sleeping for any matching `Slow` ones).
    pub(crate) async fn fault_for(
        &self,
        path: &str,
        query: Option<&str>,
        body: &[u8],
    ) -> FaultAction {
        for (i, fault) in self.site.faults.iter().enumerate() {
            if !path.starts_with(fault.path()) {
                continue;
            }
            if let Fault::SlowBulkCheckOver { projects, delay } = fault {
                let asked = serde_json::from_slice::<serde_json::Value>(body)
                    .ok()
                    .and_then(|v| {
                        v.get("projectPermissions")?.as_array().map(|a| {
                            a.iter()
                                .filter_map(|p| p.get("projects")?.as_array().map(Vec::len))
                                .sum::<usize>()
                        })
                    })
                    .unwrap_or(0);
                if asked > *projects {
                    tokio::time::sleep(*delay).await;
                }
                continue;
            }
            if let Some(times) = fault.times() {
                let mut hits = lock(&self.fault_hits);
                if hits[i] >= times {
                    continue;
                }
                hits[i] += 1;
            }
            match fault {
                Fault::Slow { delay, .. } => tokio::time::sleep(*delay).await,
                Fault::RateLimited {
                    retry_after_secs, ..
                } => {
                    return FaultAction::Jira(rate_limited(*retry_after_secs));
                }
                Fault::Unavailable { .. } => {
                    return FaultAction::Jira(error_collection(
                        StatusCode::SERVICE_UNAVAILABLE,
                        &["Service Unavailable"],
                        &[],
                    ));
                }
                Fault::ServerError { .. } => {
                    return FaultAction::Jira(error_collection(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        &["Internal server error"],
                        &[],
                    ));
                }
                Fault::HtmlPage { .. } => return FaultAction::Edge(html_page()),
                Fault::RedirectTo { location, .. } => {
                    let mut resp = Response::new(Body::empty());
                    *resp.status_mut() = StatusCode::FOUND;
                    if let Ok(v) = HeaderValue::from_str(location) {
                        resp.headers_mut().insert(header::LOCATION, v);
                    }
                    return FaultAction::Edge(resp);
                }
                Fault::ResetConnection { .. } => return FaultAction::Reset,
                Fault::RateLimitedUntilReset { reset_in_secs, .. } => {
                    let mut resp = rate_limited(None);
                    let at = crate::util::iso_seconds(
                        SystemTime::now() + Duration::from_secs(*reset_in_secs),
                    );
                    if let Ok(v) = HeaderValue::from_str(&at) {
                        resp.headers_mut()
                            .insert(HeaderName::from_static("x-ratelimit-reset"), v);
                    }
                    return FaultAction::Jira(resp);
                }
                Fault::SlowBulkCheckOver { .. } => {}
                Fault::EndlessProjects { total } => {
                    return FaultAction::Jira(endless_projects(&self.base_url, *total));
                }
                Fault::HugeNames { name_bytes } => {
                    return FaultAction::Jira(huge_names(&self.base_url, query, *name_bytes));
                }
                Fault::EndlessServiceDesks => {
                    return FaultAction::Jira(endless_desks(&self.base_url));
                }
                Fault::Answer {
                    status,
                    content_type,
                    body,
                    ..
                } => {
                    return FaultAction::Jira(text_response(
                        StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
                        content_type,
                        body.clone(),
                    ));
                }
                Fault::HugeBody { bytes, .. } => {
                    return FaultAction::Jira(huge_body(*bytes, self.streamed.clone()));
                }
            }
        }
        FaultAction::None
    }
}

/// The same page of 100 projects, whatever was asked, never the last.
fn endless_projects(base: &str, total: Option<u64>) -> Response {
    let values: Vec<serde_json::Value> = (0..100u64)
        .map(|i| {
            json!({
                "self": format!("{base}/rest/api/3/project/{}", 90_000 + i),
                "id": (90_000 + i).to_string(),
                "key": format!("LOOP{i}"),
                "name": format!("Loop {i}"),
                "projectTypeKey": "software",
                "simplified": false,
                "style": "classic",
            })
        })
        .collect();
    let mut page = json!({
        "self": format!("{base}/rest/api/3/project/search?startAt=0&maxResults=100"),
        "nextPage": format!("{base}/rest/api/3/project/search?startAt=0&maxResults=100"),
        "maxResults": 100,
        "startAt": 0,
        "isLast": false,
        "values": values,
    });
    if let Some(t) = total {
        page["total"] = json!(t);
    }
    json_response(StatusCode::OK, &page)
}

/// One new space per page, whatever was asked, with a name of `name_bytes` bytes,
/// claiming 1,000 spaces: every page brings a space not seen before, so only caps on
/// what an answer holds and on what the audit reads in all stop a client.
fn huge_names(base: &str, query: Option<&str>, name_bytes: usize) -> Response {
    let start: u64 = query
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("startAt="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let id = 100_000 + start;
    let page = json!({
        "self": format!("{base}/rest/api/3/project/search?startAt={start}"),
        "maxResults": 1,
        "startAt": start,
        "total": 1000,
        "isLast": false,
        "values": [{
            "self": format!("{base}/rest/api/3/project/{id}"),
            "id": id.to_string(),
            "key": format!("N{start}"),
            "name": "n".repeat(name_bytes),
            "projectTypeKey": "software",
            "simplified": false,
            "style": "classic",
        }],
    });
    json_response(StatusCode::OK, &page)
}

/// The same page of 100 service desks, whatever was asked, never the last.
fn endless_desks(base: &str) -> Response {
    let values: Vec<serde_json::Value> = (1..=100u64)
        .map(|d| json!({"id": d.to_string(), "projectId": (90_000 + d).to_string(), "projectKey": format!("LOOP{d}"), "projectName": format!("Loop {d}")}))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"size": 100, "start": 0, "limit": 100, "isLastPage": false, "_links": {"base": format!("{base}/rest/servicedeskapi")}, "values": values}),
    )
}

/// A JSON body of `bytes` bytes in 64 KiB chunks, counting what the connection pulls.
fn huge_body(bytes: u64, streamed: Arc<AtomicU64>) -> Response {
    const CHUNK: u64 = 64 * 1024;
    let head: &'static [u8] = b"{\"permissions\":{\"padding\":\"";
    let stream = futures::stream::unfold(0u64, move |sent| {
        let streamed = streamed.clone();
        async move {
            if sent >= bytes {
                return None;
            }
            let n = CHUNK.min(bytes - sent);
            let mut chunk = vec![b'x'; n as usize];
            if sent == 0 {
                let k = head.len().min(chunk.len());
                chunk[..k].copy_from_slice(&head[..k]);
            }
            streamed.fetch_add(n, Ordering::Relaxed);
            Some((Ok::<_, io::Error>(axum::body::Bytes::from(chunk)), sent + n))
        }
    });
    let mut resp = Response::new(Body::from_stream(stream));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}

/// What the pipeline does with a request after the faults had their say.
pub(crate) enum FaultAction {
    /// No fault applies: serve the request.
    None,
    /// Answered by Jira itself: carries Jira's headers.
    Jira(Response),
    /// Answered by something in front of Jira (proxy, SSO portal): no Jira headers.
    Edge(Response),
    /// Drop the connection without an answer.
    Reset,
}

fn rate_limited(retry_after_secs: Option<u64>) -> Response {
    let mut resp = error_collection(
        StatusCode::TOO_MANY_REQUESTS,
        &["Rate limit exceeded."],
        &[],
    );
    let h = resp.headers_mut();
    h.insert(
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderValue::from_static("100"),
    );
    h.insert(
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderValue::from_static("0"),
    );
    h.insert(
        HeaderName::from_static("x-ratelimit-nearlimit"),
        HeaderValue::from_static("true"),
    );
    h.insert(
        HeaderName::from_static("ratelimit-reason"),
        HeaderValue::from_static("jira-burst-based"),
    );
    if let Some(secs) = retry_after_secs {
        h.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        let reset = rate_limit_reset(SystemTime::now() + Duration::from_secs(secs));
        if let Ok(v) = HeaderValue::from_str(&reset) {
            h.insert(HeaderName::from_static("x-ratelimit-reset"), v);
        }
    }
    resp
}

fn html_page() -> Response {
    let body = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
        <title>Log in with Atlassian account</title></head>\
        <body><div id=\"root\"><h1>Log in to continue</h1>\
        <form method=\"post\" action=\"/login\"><input type=\"email\" name=\"username\">\
        <button type=\"submit\">Continue</button></form></div></body></html>\n";
    text_response(StatusCode::OK, "text/html;charset=UTF-8", body.to_owned())
}
