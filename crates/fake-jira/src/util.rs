//! Small helpers: Jira's date formats, request ids, query strings, response builders.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

/// `application/json;charset=UTF-8`, the content type Jira sends.
pub(crate) const JSON: &str = "application/json;charset=UTF-8";

/// A JSON response with Jira's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
    resp
}

/// A Jira `ErrorCollection` body: `{"errorMessages":[...],"errors":{...}}`.
pub(crate) fn error_collection(
    status: StatusCode,
    messages: &[&str],
    errors: &[(&str, &str)],
) -> Response {
    let errors: serde_json::Map<String, Value> = errors
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    json_response(
        status,
        &json!({ "errorMessages": messages, "errors": errors }),
    )
}

/// A plain-text response (Jira's 401 bodies are plain text).
pub(crate) fn text_response(
    status: StatusCode,
    content_type: &'static str,
    body: String,
) -> Response {
    let mut resp = Response::new(Body::from(body));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

/// Parses a query string into decoded pairs (repeated keys are kept).
pub(crate) fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `name` in decoded query pairs.
pub(crate) fn param<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// An integer query parameter: `Ok(None)` when absent, `Err(message)` when not a number
/// (Jira answers 400 for `maxResults=abc`).
pub(crate) fn int_param(pairs: &[(String, String)], name: &str) -> Result<Option<i64>, String> {
    match param(pairs, name) {
        None => Ok(None),
        Some(v) => v
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("The value '{v}' is invalid for the parameter '{name}'.")),
    }
}

/// A random id like Jira's `X-ARequestId` (UUID-shaped hex).
pub(crate) fn request_id() -> String {
    let n: u128 = rand::random();
    let h = format!("{n:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// A random `ATL-TraceId` (32 hex digits).
pub(crate) fn trace_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

/// Civil date and time (UTC) of a point in time: (year, month, day, hour, minute, second, millis).
fn civil(t: SystemTime) -> (i64, u32, u32, u32, u32, u32, u32) {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO);
    let secs = d.as_secs() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400) as u32;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        month,
        day,
        rem / 3600,
        rem / 60 % 60,
        rem % 60,
        d.subsec_millis(),
    )
}

/// Jira's timestamp format, e.g. `2025-06-20T13:05:09.123+0000` (note: no colon in the
/// offset, which is not strict RFC 3339).
pub(crate) fn jira_timestamp(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, ms) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}+0000")
}

/// The `X-RateLimit-Reset` format, `yyyy-MM-ddTHH:mmZ`.
pub(crate) fn rate_limit_reset(t: SystemTime) -> String {
    let (y, mo, d, h, mi, _, _) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}Z")
}

/// An ISO 8601 time to the second (`2025-06-20T13:05:09Z`).
pub(crate) fn iso_seconds(t: SystemTime) -> String {
    let (y, mo, d, h, mi, s, _) = civil(t);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates() {
        let t = UNIX_EPOCH + Duration::from_millis(1_750_424_709_123);
        assert_eq!(jira_timestamp(t), "2025-06-20T13:05:09.123+0000");
        assert_eq!(rate_limit_reset(t), "2025-06-20T13:05Z");
        assert_eq!(
            jira_timestamp(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00.000+0000"
        );
    }

    #[test]
    fn ids_have_jira_shapes() {
        assert_eq!(request_id().len(), 36);
        assert_eq!(trace_id().len(), 32);
    }
}
