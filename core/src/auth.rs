//! Bearer tokens: a static token, or OAuth2 client credentials cached until shortly before expiry.

use crate::config::Credentials;
use crate::error::{Error, Result};
use crate::models::decode::json_body;
use crate::transport::{HttpRequest, Transport};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The operation id of the OAuth token request (its errors name it).
pub(crate) const TOKEN_OPERATION: &str = "oauth2-token";

/// A secret string (token or client secret) that never shows in `Debug` or `Display` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(std::sync::Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// The secret itself; only for the `Authorization` header and the token request body.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

/// Hands out the bearer token for each request.
pub(crate) enum Auth {
    Static(Secret),
    OAuth(OAuthClient),
}

pub(crate) struct OAuthClient {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    tenant: String,
    /// Held while a token is fetched, so concurrent callers wait for one refresh.
    cache: Mutex<Option<CachedToken>>,
}

struct CachedToken {
    token: Secret,
    refresh_at: Instant,
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<f64>,
}

impl Auth {
    pub(crate) fn new(credentials: &Credentials, tenant: &str, token_url: &str) -> Self {
        match credentials {
            Credentials::Token(token) => Auth::Static(token.clone()),
            Credentials::ClientCredentials {
                client_id,
                client_secret,
                ..
            } => Auth::OAuth(OAuthClient {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                token_url: token_url.to_owned(),
                tenant: tenant.to_owned(),
                cache: Mutex::new(None),
            }),
        }
    }

    /// True when a 401 can be answered by fetching a new token.
    pub(crate) fn can_refresh(&self) -> bool {
        matches!(self, Auth::OAuth(_))
    }

    /// The token to send now, fetching one when none is cached or it is about to expire.
    pub(crate) fn bearer(&self, transport: &Transport) -> Result<Secret> {
        match self {
            Auth::Static(token) => Ok(token.clone()),
            Auth::OAuth(oauth) => oauth.bearer(transport),
        }
    }

    /// Drops the cached token if it is still `rejected` (another thread may have refreshed it).
    pub(crate) fn invalidate(&self, rejected: &Secret) {
        if let Auth::OAuth(oauth) = self {
            let mut cache = oauth.cache.lock().unwrap_or_else(|e| e.into_inner());
            if cache.as_ref().is_some_and(|c| &c.token == rejected) {
                *cache = None;
            }
        }
    }
}

impl OAuthClient {
    fn bearer(&self, transport: &Transport) -> Result<Secret> {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(cached) = cache.as_ref() {
            if Instant::now() < cached.refresh_at {
                return Ok(cached.token.clone());
            }
        }
        let fetched = self.fetch(transport)?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }

    fn fetch(&self, transport: &Transport) -> Result<CachedToken> {
        const OPERATION: &str = TOKEN_OPERATION;
        let body = format!(
            "grant_type=client_credentials&client_id={}&client_secret={}",
            crate::transport::encode_component(&self.client_id),
            crate::transport::encode_component(self.client_secret.expose())
        );
        let headers = [("X-Amperity-Tenant", self.tenant.as_str())];
        let request = HttpRequest {
            operation: OPERATION,
            method: crate::transport::Method::Post,
            url: &self.token_url,
            headers: &headers,
            body: Some(("application/x-www-form-urlencoded", body.as_bytes())),
        };
        let response =
            transport.send_with_retries(&request, crate::retry::RetryClass::Idempotent)?;
        let parsed: TokenResponse =
            json_body(&response.body).map_err(|e| Error::decode(OPERATION, e))?;
        if parsed.access_token.is_empty() {
            return Err(Error::decode(
                OPERATION,
                "the token endpoint returned an empty access_token",
            ));
        }
        let lifetime = parsed
            .expires_in
            .filter(|s| s.is_finite() && *s > 0.0)
            .map(Duration::from_secs_f64)
            .or_else(|| jwt_lifetime(&parsed.access_token))
            .unwrap_or(Duration::from_secs(300));
        // Refresh a little before the end: a tenth of the lifetime, at most a minute.
        let margin = (lifetime / 10).min(Duration::from_secs(60));
        log::debug!("fetched an OAuth2 access token valid for {lifetime:?}");
        Ok(CachedToken {
            token: Secret::new(parsed.access_token),
            refresh_at: Instant::now() + (lifetime - margin),
        })
    }
}

/// Time left until the `exp` claim of a JWT, when the token is one.
fn jwt_lifetime(token: &str) -> Option<Duration> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url_decode(payload)?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs_f64();
    (exp > now).then(|| Duration::from_secs_f64(exp - now))
}

/// Decodes a JWT segment: base64url, padded or not.
fn base64url_decode(input: &str) -> Option<Vec<u8>> {
    use base64::engine::{
        general_purpose::GeneralPurposeConfig, DecodePaddingMode, GeneralPurpose,
    };
    use base64::Engine;
    const JWT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::URL_SAFE,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    JWT.decode(input).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?} {s}"), "Secret(***) ***");
    }

    #[test]
    fn reads_jwt_exp() {
        let exp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            + 600;
        let payload = format!("{{\"exp\":{exp}}}");
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&payload);
        let padded = base64::engine::general_purpose::URL_SAFE.encode(&payload);
        assert!(jwt_lifetime(&format!("h.{padded}.sig")).is_some());
        let life = jwt_lifetime(&format!("h.{b64}.sig")).unwrap();
        assert!(life > Duration::from_secs(590) && life <= Duration::from_secs(600));
        assert!(jwt_lifetime("opaque-token").is_none());
    }
}
