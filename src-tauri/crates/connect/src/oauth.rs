//! OAuth2 client credentials (RFC 6749 §4.4): a bearer token fetched from the source's token
//! endpoint, reused until shortly before it expires, fetched again when the source says it is no
//! longer valid.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::http::summarize;
use crate::{ConnectError, HttpPolicy};

#[derive(Clone)]
pub(crate) struct TokenSource {
    token_url: String,
    client_id: String,
    client_secret: String,
    http: reqwest::Client,
    policy: HttpPolicy,
    cached: Arc<tokio::sync::Mutex<Option<(String, Instant)>>>,
}

impl TokenSource {
    pub fn new(token_url: String, client_id: String, client_secret: String, policy: HttpPolicy) -> TokenSource {
        TokenSource {
            token_url,
            client_id,
            client_secret,
            http: policy.client(),
            policy,
            cached: Arc::default(),
        }
    }

    /// A token valid for at least the next 30 seconds.
    pub async fn token(&self) -> Result<String, ConnectError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, expires)) = cached.as_ref() {
            if *expires > Instant::now() + Duration::from_secs(30) {
                return Ok(token.clone());
            }
        }
        #[derive(Deserialize)]
        struct Answer {
            access_token: String,
            token_type: String,
            expires_in: Option<u64>,
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.as_str()),
        ];
        let (status, text) = self
            .policy
            .send_text(&self.token_url, || self.http.post(&self.token_url).form(&form))
            .await?;
        if !(200..300).contains(&status) {
            let message = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("error_description").and_then(|d| d.as_str()).map(str::to_string))
                .unwrap_or_else(|| summarize(&text));
            return Err(ConnectError::Auth {
                endpoint: self.token_url.clone(),
                message: format!("token endpoint answered {status}: {message}"),
            });
        }
        let answer: Answer = serde_json::from_str(&text).map_err(|e| ConnectError::Auth {
            endpoint: self.token_url.clone(),
            message: format!("unreadable token answer: {e}"),
        })?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(ConnectError::Auth {
                endpoint: self.token_url.clone(),
                message: format!("token type {} is not supported", answer.token_type),
            });
        }
        let expires = Instant::now() + Duration::from_secs(answer.expires_in.unwrap_or(300));
        *cached = Some((answer.access_token.clone(), expires));
        Ok(answer.access_token)
    }

    /// Forgets `token` after the source refused it, so the next call fetches a new one.
    pub async fn invalidate(&self, token: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = None;
        }
    }
}
