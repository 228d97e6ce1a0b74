//! `ClientConfig`: every client setting as one record, turned into the core's builder.

use super::error::{AmperityError, Result};
use crate::{ClientBuilder, EnvSettings, Region, RetryPolicy};
use std::collections::HashMap;
use std::time::Duration;

/// Everything a [`Client`](super::Client) is built from. Unset optional fields take the core's
/// defaults (10 s connect timeout, 60 s request timeout, 3 attempts with 1 s initial and 20 s
/// maximum backoff, 60 s longest `Retry-After`, 64 MiB largest response).
///
/// Exactly one of `token` or `client_id` + `client_secret` must be set.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ClientConfig {
    /// The tenant id, e.g. `acme` (a sandbox is just another tenant id).
    pub tenant: String,
    /// A static bearer token (Settings → Security → API keys → Get token).
    #[uniffi(default = None)]
    pub token: Option<String>,
    /// OAuth2 client id (with `client_secret`): tokens are fetched, cached and refreshed.
    #[uniffi(default = None)]
    pub client_id: Option<String>,
    /// OAuth2 client secret (with `client_id`).
    #[uniffi(default = None)]
    pub client_secret: Option<String>,
    /// OAuth2 token endpoint; defaults from the tenant, or from `base_url` when that is set.
    #[uniffi(default = None)]
    pub token_url: Option<String>,
    /// Hosting region (AWS when unset); ignored when `base_url` is set.
    #[uniffi(default = None)]
    pub region: Option<Region>,
    /// Explicit API base URL such as `https://acme.amperity.com/api`; `http://` only for
    /// loopback hosts.
    #[uniffi(default = None)]
    pub base_url: Option<String>,
    /// The `api-version` header (`2024-04-01` when unset; `unstable` reaches campaign drafts).
    #[uniffi(default = None)]
    pub api_version: Option<String>,
    /// Time allowed to open a connection, in milliseconds.
    #[uniffi(default = None)]
    pub connect_timeout_ms: Option<i64>,
    /// Time allowed for one attempt of a request, body included, in milliseconds.
    #[uniffi(default = None)]
    pub request_timeout_ms: Option<i64>,
    /// Total attempts including the first (1 disables retries).
    #[uniffi(default = None)]
    pub max_attempts: Option<i32>,
    /// Backoff ceiling for the first retry, in milliseconds.
    #[uniffi(default = None)]
    pub initial_backoff_ms: Option<i64>,
    /// Cap on any single backoff, in milliseconds.
    #[uniffi(default = None)]
    pub max_backoff_ms: Option<i64>,
    /// Longest `Retry-After` honoured, in milliseconds; a longer demand returns the 429.
    #[uniffi(default = None)]
    pub max_retry_after_ms: Option<i64>,
    /// Client-side rate limit in requests per second shared by every thread using the client:
    /// 10 (the documented limit) by default, `None` turns it off.
    // uniffi takes a literal here: `default_rate_limit_matches_the_core` keeps it equal to
    // crate::DEFAULT_RATE_LIMIT_PER_SECOND.
    #[uniffi(default = Some(10.0))]
    pub rate_limit_per_second: Option<f64>,
    /// The `api-version` header of Profile API requests (`2025-07-31` when unset; independent
    /// of `api_version`).
    #[uniffi(default = None)]
    pub profile_api_version: Option<String>,
    /// Client-side rate limit of Profile API requests in requests per second, a budget separate
    /// from `rate_limit_per_second`: 2000 (the documented limit) by default, `None` turns it off.
    // A literal, like rate_limit_per_second: `default_rate_limit_matches_the_core` keeps it equal
    // to crate::DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND.
    #[uniffi(default = Some(2000.0))]
    pub profile_rate_limit_per_second: Option<f64>,
    /// Extra trusted root certificates (PEM) on top of the bundled Mozilla roots.
    #[uniffi(default = [])]
    pub extra_root_certs_pem: Vec<String>,
    /// A PEM file of extra trusted root certificates, read when the client is built
    /// (`SSL_CERT_FILE` is read the same way when set).
    #[uniffi(default = None)]
    pub ca_file: Option<String>,
    /// Verify servers with the operating system's trust store instead of the bundled roots
    /// (not together with extra root certificates).
    #[uniffi(default = false)]
    pub platform_verifier: bool,
    /// Proxy URL (`http://user:pass@host:port`, `socks5://…`); the `HTTPS_PROXY`/`ALL_PROXY`/
    /// `NO_PROXY` environment applies when unset.
    #[uniffi(default = None)]
    pub proxy: Option<String>,
    /// Product token appended to the `User-Agent`; each language layer sets its own, e.g.
    /// `amperity-python/0.1.0`.
    #[uniffi(default = None)]
    pub user_agent_suffix: Option<String>,
    /// Largest response body accepted, in bytes.
    #[uniffi(default = None)]
    pub max_response_bytes: Option<i64>,
}

/// The `AMPERITY_*` variables of the process environment as a config: `AMPERITY_TENANT`
/// (required), `AMPERITY_TOKEN` or `AMPERITY_CLIENT_ID` + `AMPERITY_CLIENT_SECRET`
/// (+ `AMPERITY_TOKEN_URL`), and optionally `AMPERITY_REGION` (`aws`, `azure`, `australia`),
/// `AMPERITY_BASE_URL`, `AMPERITY_API_VERSION`; empty values count as unset and every other
/// field is at its default. A `Config` error when the tenant is missing or the region unknown.
#[uniffi::export]
pub fn client_config_from_env() -> Result<ClientConfig> {
    Ok(ClientConfig::from_env_settings(EnvSettings::from_env()?))
}

/// Like [`client_config_from_env`], reading the variables from `variables` instead (a copy of
/// the environment, or settings a program keeps elsewhere).
#[uniffi::export]
pub fn client_config_from_variables(variables: HashMap<String, String>) -> Result<ClientConfig> {
    let settings = EnvSettings::from_lookup(|name| variables.get(name).cloned())?;
    Ok(ClientConfig::from_env_settings(settings))
}

/// A configuration field in milliseconds as a `Duration`; a negative value is a `Config` error.
pub(super) fn millis(value: i64, what: &str) -> Result<Duration> {
    u64::try_from(value)
        .map(Duration::from_millis)
        .map_err(|_| AmperityError::config(format!("{what} must not be negative, got {value}")))
}

impl ClientConfig {
    /// The settings read from the environment, every other field at its default (the same
    /// defaults as the record's `#[uniffi(default)]`s above).
    fn from_env_settings(env: EnvSettings) -> Self {
        ClientConfig {
            tenant: env.tenant,
            token: env.token,
            client_id: env.client_id,
            client_secret: env.client_secret,
            token_url: env.token_url,
            region: env.region,
            base_url: env.base_url,
            api_version: env.api_version,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            max_attempts: None,
            initial_backoff_ms: None,
            max_backoff_ms: None,
            max_retry_after_ms: None,
            rate_limit_per_second: Some(crate::DEFAULT_RATE_LIMIT_PER_SECOND),
            profile_api_version: None,
            profile_rate_limit_per_second: Some(crate::DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND),
            extra_root_certs_pem: Vec::new(),
            ca_file: None,
            platform_verifier: false,
            proxy: None,
            user_agent_suffix: None,
            max_response_bytes: None,
        }
    }

    /// Checks the FFI-level shape of the settings and fills the core's builder; the core
    /// validates the values themselves when the client is built.
    pub(crate) fn into_builder(self) -> Result<ClientBuilder> {
        // Credentials go to the core as given: it checks their combination (one kind, a
        // token URL only with client credentials), whatever the order.
        let mut builder = crate::Client::builder(self.tenant);
        if let Some(token) = self.token {
            builder = builder.token(token);
        }
        builder = builder.client_credential_parts(self.client_id, self.client_secret);
        if let Some(url) = self.token_url {
            builder = builder.token_url(url);
        }
        if let Some(region) = self.region {
            builder = builder.region(region);
        }
        if let Some(url) = self.base_url {
            builder = builder.base_url(url);
        }
        if let Some(version) = self.api_version {
            builder = builder.api_version(version);
        }
        if let Some(ms) = self.connect_timeout_ms {
            builder = builder.connect_timeout(millis(ms, "connect_timeout_ms")?);
        }
        if let Some(ms) = self.request_timeout_ms {
            builder = builder.request_timeout(millis(ms, "request_timeout_ms")?);
        }
        let mut retry = RetryPolicy::default();
        if let Some(attempts) = self.max_attempts {
            retry.max_attempts = u32::try_from(attempts).map_err(|_| {
                AmperityError::config(format!("max_attempts must be at least 1, got {attempts}"))
            })?;
        }
        if let Some(ms) = self.initial_backoff_ms {
            retry.initial_backoff = millis(ms, "initial_backoff_ms")?;
        }
        if let Some(ms) = self.max_backoff_ms {
            retry.max_backoff = millis(ms, "max_backoff_ms")?;
        }
        if let Some(ms) = self.max_retry_after_ms {
            retry.max_retry_after = millis(ms, "max_retry_after_ms")?;
        }
        builder = builder
            .retry_policy(retry)
            .rate_limit(self.rate_limit_per_second)
            .profile_rate_limit(self.profile_rate_limit_per_second);
        if let Some(version) = self.profile_api_version {
            builder = builder.profile_api_version(version);
        }
        for pem in self.extra_root_certs_pem {
            builder = builder.add_root_certificate_pem(pem);
        }
        if let Some(path) = self.ca_file {
            builder = builder.ca_file(path);
        }
        builder = builder.platform_verifier(self.platform_verifier);
        if let Some(proxy) = self.proxy {
            builder = builder.proxy(proxy);
        }
        if let Some(suffix) = self.user_agent_suffix {
            builder = builder.user_agent_suffix(suffix);
        }
        if let Some(bytes) = self.max_response_bytes {
            let bytes = u64::try_from(bytes).map_err(|_| {
                AmperityError::config(format!(
                    "max_response_bytes must be greater than zero, got {bytes}"
                ))
            })?;
            builder = builder.max_response_bytes(bytes);
        }
        Ok(builder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ClientConfig {
        ClientConfig {
            tenant: "acme".into(),
            token: Some("t".into()),
            client_id: None,
            client_secret: None,
            token_url: None,
            region: None,
            base_url: None,
            api_version: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            max_attempts: None,
            initial_backoff_ms: None,
            max_backoff_ms: None,
            max_retry_after_ms: None,
            rate_limit_per_second: Some(10.0),
            profile_api_version: None,
            profile_rate_limit_per_second: Some(2000.0),
            extra_root_certs_pem: Vec::new(),
            ca_file: None,
            platform_verifier: false,
            proxy: None,
            user_agent_suffix: None,
            max_response_bytes: None,
        }
    }

    fn refused(config: ClientConfig) -> String {
        match config.into_builder().and_then(|b| Ok(b.build()?)) {
            Err(AmperityError::Config { detail }) => detail,
            other => panic!("expected a Config error, got {other:?}"),
        }
    }

    #[test]
    fn default_rate_limit_matches_the_core() {
        let source = include_str!("config.rs");
        for (default, field) in [
            (
                crate::DEFAULT_RATE_LIMIT_PER_SECOND,
                "rate_limit_per_second",
            ),
            (
                crate::DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND,
                "profile_rate_limit_per_second",
            ),
        ] {
            let literal = format!("#[uniffi(default = Some({default:?}))]\n    pub {field}:");
            assert!(source.contains(&literal), "expected {literal} in config.rs");
        }
    }

    #[test]
    fn from_variables_reads_the_core_set() {
        let vars = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>()
        };
        let config = client_config_from_variables(vars(&[
            ("AMPERITY_TENANT", "acme"),
            ("AMPERITY_TOKEN", "t"),
            ("AMPERITY_REGION", "azure"),
        ]))
        .unwrap();
        assert_eq!(config.region, Some(Region::Azure));
        let client = config.into_builder().unwrap().build().unwrap();
        assert_eq!(client.base_url(), "https://acme.amperity.com/api");
        match client_config_from_variables(vars(&[])) {
            Err(AmperityError::Config { detail }) => {
                assert_eq!(detail, "AMPERITY_TENANT is not set")
            }
            other => panic!("expected a Config error, got {other:?}"),
        }
    }

    #[test]
    fn builds_with_defaults_and_suffix() {
        let client = ClientConfig {
            region: Some(Region::Azure),
            user_agent_suffix: Some("amperity-test/1".into()),
            ..config()
        }
        .into_builder()
        .and_then(|b| Ok(b.build()?))
        .unwrap();
        assert_eq!(client.base_url(), "https://acme.amperity.com/api");
        assert!(client.user_agent().ends_with(" amperity-test/1"));
    }

    #[test]
    fn credentials_shape() {
        assert!(refused(ClientConfig {
            token: None,
            ..config()
        })
        .contains("no credentials"));
        assert!(refused(ClientConfig {
            client_id: Some("i".into()),
            client_secret: Some("s".into()),
            ..config()
        })
        .contains("not both"));
        assert!(refused(ClientConfig {
            token: None,
            client_id: Some("i".into()),
            ..config()
        })
        .contains("client_secret"));
        assert!(refused(ClientConfig {
            token_url: Some("https://x/token".into()),
            ..config()
        })
        .contains("token_url"));
        let oauth = ClientConfig {
            token: None,
            client_id: Some("i".into()),
            client_secret: Some("s".into()),
            token_url: Some("https://login.example.com/token".into()),
            ..config()
        };
        assert!(oauth.into_builder().unwrap().build().is_ok());
    }

    #[test]
    fn negative_numbers_are_config_errors() {
        assert!(refused(ClientConfig {
            connect_timeout_ms: Some(-1),
            ..config()
        })
        .contains("connect_timeout_ms"));
        assert!(refused(ClientConfig {
            max_attempts: Some(-3),
            ..config()
        })
        .contains("max_attempts"));
        assert!(refused(ClientConfig {
            max_response_bytes: Some(-1),
            ..config()
        })
        .contains("max_response_bytes"));
        // Values the core refuses arrive as the core's own Config error.
        assert!(refused(ClientConfig {
            max_attempts: Some(0),
            ..config()
        })
        .contains("max_attempts"));
        assert!(refused(ClientConfig {
            rate_limit_per_second: Some(0.0),
            ..config()
        })
        .contains("rate limit"));
    }
}
