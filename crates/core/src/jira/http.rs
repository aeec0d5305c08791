//! Transport helpers of the Jira client: capped body reads, Basic auth, retry waits,
//! and short texts of headers, error bodies and transport errors.

use std::time::Duration;

use rand::Rng;
use reqwest::header::HeaderMap;

use super::dto::ErrorCollection;

/// Reads a body chunk by chunk: a server that streams without end costs at most `cap`
/// bytes of memory before the request fails.
pub(super) async fn read_capped(mut resp: reqwest::Response, cap: usize) -> Result<Vec<u8>, Sent> {
    if resp.content_length().is_some_and(|n| n > cap as u64) {
        return Err(Sent::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(Sent::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(Sent::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Why one request got no usable answer.
#[derive(Debug)]
pub(super) enum Sent {
    Transport(reqwest::Error),
    /// The body exceeded [`super::ClientConfig::max_body`].
    TooLarge,
}

pub(super) fn basic_auth(email: &str, token: &str) -> String {
    use base64::Engine;
    let raw = format!("{email}:{token}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(raw.as_bytes())
    )
}

/// A server-given wait with jitter, never shorter than asked: 1 to 1.3 times `d`.
pub(super) fn jittered(d: Duration) -> Duration {
    d.mul_f64(rand::rng().random_range(1.0..=1.3))
}

/// How long until an `X-RateLimit-Reset` time (ISO 8601, to the second or, as Jira also
/// sends it, to the minute: `2025-06-20T13:05Z`); `None` when unreadable.
pub(super) fn until_reset(value: &str) -> Option<Duration> {
    let v = value.trim();
    // To the minute (`...T13:05Z`): add the seconds RFC 3339 wants.
    let full = match v.strip_suffix('Z') {
        Some(head) if head.len() == 16 => format!("{head}:00Z"),
        _ => v.to_owned(),
    };
    let millis = chrono::DateTime::parse_from_rfc3339(&full)
        .ok()?
        .timestamp_millis();
    let at = std::time::UNIX_EPOCH + Duration::from_millis(u64::try_from(millis).ok()?);
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or_default(),
    )
}

pub(super) fn header_str<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// A short text of an error body: plain text first, then Jira's JSON shapes; cut to 300
/// characters with control and bidi characters escaped (the server chose these bytes).
pub(super) fn body_text(body: &[u8]) -> Option<String> {
    let head = &body[..body.len().min(64 * 1024)];
    let text = String::from_utf8_lossy(head);
    let t = text.trim();
    if t.is_empty() || t.starts_with('<') {
        return None;
    }
    let msg = match serde_json::from_str::<ErrorCollection>(t) {
        Ok(ec) => ec.text()?,
        Err(_) => t.to_owned(),
    };
    Some(crate::text::from_server(&msg, 300))
}

pub(super) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        src = s.source();
    }
    parts.join(": ")
}

pub(super) fn is_connection_reset(e: &reqwest::Error) -> bool {
    if e.is_timeout() || e.is_builder() || e.is_redirect() {
        return false;
    }
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            ) {
                return true;
            }
        }
        let t = s.to_string();
        if t.contains("connection closed before message completed")
            || t.contains("connection reset")
        {
            return true;
        }
        src = s.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_given_wait_gets_jitter_but_never_shrinks() {
        let asked = Duration::from_secs(10);
        let waits: Vec<Duration> = (0..200).map(|_| jittered(asked)).collect();
        assert!(waits
            .iter()
            .all(|w| *w >= asked && *w <= asked.mul_f64(1.3)));
        let distinct: std::collections::BTreeSet<_> = waits.iter().collect();
        assert!(
            distinct.len() > 100,
            "workers told the same time do not come back in lockstep"
        );
    }

    #[test]
    fn rate_limit_reset_times_are_read_to_the_second_or_the_minute() {
        assert!(
            until_reset("2000-01-01T00:00Z") == Some(Duration::ZERO),
            "in the past: now"
        );
        assert!(until_reset("2999-01-01T00:00:00Z").is_some_and(|d| d > Duration::from_secs(3600)));
        assert!(until_reset("2999-01-01T00:00Z").is_some_and(|d| d > Duration::from_secs(3600)));
        assert_eq!(until_reset("soon"), None);
    }
}
