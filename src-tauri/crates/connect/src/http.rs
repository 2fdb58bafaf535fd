//! How every connector talks HTTP: a timeout per request, retries with exponential backoff and
//! full jitter on outages, timeouts and throttling, and the source's `Retry-After` honoured.

use std::time::Duration;

use rand::Rng;
use reqwest::{RequestBuilder, Response, StatusCode};

use crate::ConnectError;

#[derive(Debug, Clone)]
pub struct HttpPolicy {
    pub timeout: Duration,
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The connection's request rate limit, shared by all its clients.
    pub limiter: Option<std::sync::Arc<crate::rate::RateLimiter>>,
}

impl Default for HttpPolicy {
    fn default() -> Self {
        HttpPolicy {
            timeout: Duration::from_secs(20),
            max_attempts: 4,
            base_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            limiter: None,
        }
    }
}

impl HttpPolicy {
    /// Full-jitter exponential backoff for the given (1-based) attempt.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .base_backoff
            .saturating_mul(1u32 << attempt.min(16))
            .min(self.max_backoff);
        let millis = cap.as_millis().max(1) as u64;
        Duration::from_millis(rand::thread_rng().gen_range(millis / 2..=millis))
    }

    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.timeout.min(Duration::from_secs(5)))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    }

    /// Sends the request built by `make` and reads its answer, retrying outages, throttling,
    /// timeouts and answers cut off mid-body, all within one attempt budget. Returns the status
    /// and text of the first answer that is not transient (2xx or a final 4xx), or the last error.
    pub async fn send_text(
        &self,
        endpoint: &str,
        make: impl Fn() -> RequestBuilder,
    ) -> Result<(u16, String), ConnectError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            if let Some(limiter) = &self.limiter {
                limiter.acquire().await;
            }
            let last = attempt >= self.max_attempts;
            let wait = match make().send().await {
                Ok(resp) if !is_transient(resp.status()) => {
                    let status = resp.status().as_u16();
                    match resp.text().await {
                        Ok(text) => return Ok((status, text)),
                        Err(source) if last => {
                            return Err(ConnectError::Transport {
                                endpoint: endpoint.into(),
                                source,
                            })
                        }
                        Err(e) => {
                            tracing::warn!(endpoint, attempt, error = %e, "answer cut off, retrying");
                            self.backoff(attempt)
                        }
                    }
                }
                Ok(resp) => {
                    let retry_after = retry_after(&resp);
                    let status = resp.status().as_u16();
                    let message = resp.text().await.unwrap_or_default();
                    if last {
                        return Err(ConnectError::Status {
                            endpoint: endpoint.into(),
                            status,
                            message: summarize(&message),
                        });
                    }
                    tracing::warn!(endpoint, status, attempt, "transient answer, retrying");
                    retry_after
                        .map(|d| d.min(self.max_backoff * 6))
                        .unwrap_or_else(|| self.backoff(attempt))
                }
                Err(source) if last => {
                    return Err(ConnectError::Transport {
                        endpoint: endpoint.into(),
                        source,
                    })
                }
                Err(source) => {
                    tracing::warn!(endpoint, attempt, error = %source, "request failed, retrying");
                    self.backoff(attempt)
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()
}

fn retry_after(resp: &Response) -> Option<Duration> {
    resp.headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

/// The source's error text, shortened for logs and screens.
pub fn summarize(body: &str) -> String {
    let msg = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
        .unwrap_or_else(|| body.trim().to_string());
    msg.chars().take(300).collect()
}

/// The text of a 2xx answer; any other status is an error carrying the source's message.
pub(crate) fn ok_text(endpoint: &str, (status, text): (u16, String)) -> Result<String, ConnectError> {
    if (200..300).contains(&status) {
        return Ok(text);
    }
    Err(ConnectError::Status {
        endpoint: endpoint.into(),
        status,
        message: summarize(&text),
    })
}

/// GETs `endpoint` with an API key under the policy; a non-2xx answer is an error.
pub(crate) async fn get_with_key(
    policy: &HttpPolicy,
    http: &reqwest::Client,
    endpoint: &str,
    api_key: &str,
    query: &[(&str, String)],
) -> Result<String, ConnectError> {
    let answer = policy
        .send_text(endpoint, || {
            http.get(endpoint).header("x-api-key", api_key).query(query)
        })
        .await?;
    ok_text(endpoint, answer)
}

/// A write-back request: its idempotency key, the version the person saw (in the source's own
/// ETag form), and the body.
pub(crate) fn write_request(
    req: RequestBuilder,
    idempotency_key: &str,
    if_match: Option<String>,
    body: &serde_json::Value,
) -> RequestBuilder {
    let req = req.header("idempotency-key", idempotency_key).json(body);
    match if_match {
        Some(etag) => req.header("if-match", etag),
        None => req,
    }
}

/// POSTs a write-back with an API key under the policy; the version goes as a quoted ETag.
pub(crate) async fn post_with_key(
    policy: &HttpPolicy,
    http: &reqwest::Client,
    endpoint: &str,
    api_key: &str,
    idempotency_key: &str,
    if_match: Option<i64>,
    body: &serde_json::Value,
) -> Result<(u16, String), ConnectError> {
    policy
        .send_text(endpoint, || {
            let req = http.post(endpoint).header("x-api-key", api_key);
            write_request(req, idempotency_key, if_match.map(|v| format!("\"{v}\"")), body)
        })
        .await
}

/// A base URL a connector may call: http or https, without a trailing slash.
pub(crate) fn checked_base_url(base_url: &str) -> Result<String, ConnectError> {
    let url = reqwest::Url::parse(base_url).map_err(|e| ConnectError::BadUrl {
        url: base_url.into(),
        reason: e.to_string(),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(ConnectError::BadUrl {
            url: base_url.into(),
            reason: "expected http or https".into(),
        });
    }
    Ok(base_url.trim_end_matches('/').into())
}

/// Fetches and parses a page; a page that does not parse is fetched again (a proxy may have cut
/// it), and if it stays broken the error names the endpoint, cursor and position.
pub(crate) async fn page_with_retries<F, Fut>(
    policy: &HttpPolicy,
    endpoint: &str,
    cursor: &str,
    fetch: F,
) -> Result<crate::source::Page, ConnectError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Result<crate::source::Page, String>, ConnectError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match fetch().await? {
            Ok(page) => return Ok(page),
            Err(reason) if attempt >= policy.max_attempts => {
                return Err(ConnectError::MalformedPage {
                    endpoint: endpoint.into(),
                    cursor: cursor.into(),
                    reason,
                })
            }
            Err(reason) => {
                tracing::warn!(endpoint, cursor, %reason, attempt, "malformed page, fetching again");
                tokio::time::sleep(policy.backoff(attempt)).await;
            }
        }
    }
}

/// What a source's answer to a write means: applied with the target as it is now, refused for a
/// person to look at, or (401) a credential problem the outbox retries after it is fixed.
pub(crate) fn write_outcome(
    endpoint: &str,
    status: u16,
    text: &str,
    map: impl FnOnce(&str) -> Result<crate::source::Record, String>,
) -> Result<crate::source::WriteOutcome, ConnectError> {
    use crate::source::WriteOutcome;
    if (200..300).contains(&status) {
        let record = map(text).map_err(|reason| ConnectError::MalformedPage {
            endpoint: endpoint.into(),
            cursor: "-".into(),
            reason,
        })?;
        return Ok(WriteOutcome::Applied {
            status,
            record: Box::new(record),
        });
    }
    if status == 401 {
        return Err(ConnectError::Status {
            endpoint: endpoint.into(),
            status,
            message: summarize(text),
        });
    }
    Ok(WriteOutcome::Refused {
        status,
        message: summarize(text),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = HttpPolicy {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..Default::default()
        };
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(
                b1 >= Duration::from_millis(100) && b1 <= Duration::from_millis(200),
                "{b1:?}"
            );
            let b10 = p.backoff(10);
            assert!(
                b10 >= Duration::from_millis(500) && b10 <= Duration::from_secs(1),
                "{b10:?}"
            );
        }
    }

    #[test]
    fn source_messages_are_summarized() {
        assert_eq!(
            summarize(r#"{"error":"x","message":"already approved"}"#),
            "already approved"
        );
        assert_eq!(summarize("  plain text "), "plain text");
        assert_eq!(summarize(&"a".repeat(1000)).len(), 300);
    }
}
