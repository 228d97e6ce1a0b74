//! The client: shared state and the one request path every operation goes through.

use crate::auth::Auth;
use crate::cancel_token::{CancelToken, Scope};
use crate::config::{ClientBuilder, Config};
use crate::error::{Error, Result};
use crate::models::decode::json_body;
use crate::rate_limit::RateLimiter;
use crate::retry::RetryClass;
use crate::transport::{
    encode_component, encode_component_into, DeprecationNotice, HttpRequest, HttpResponse, Method,
    Transport,
};
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::sync::Arc;

/// A client for one Amperity tenant.
///
/// Cheap to clone (clones share the connection pool, token cache and rate limiter) and safe to
/// use from many threads at once. Every call blocks until it has an answer.
///
/// ```no_run
/// let client = amperity::Client::builder("acme")
///     .token(std::env::var("AMPERITY_TOKEN")?)
///     .build()?;
/// for segment in client.list_segments(amperity::PageOptions::limit(100)).items() {
///     let segment = segment?;
///     println!("{} {}", segment.id, segment.name);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// A client's view of its shared state: the state, and the token its calls carry (see
/// [`Client::with_cancel_token`]).
pub(crate) struct Inner {
    shared: Arc<Shared>,
    token: Option<CancelToken>,
}

/// What every clone and every token view of a client share.
pub(crate) struct Shared {
    config: Config,
    pub(crate) transport: Transport,
    auth: Auth,
    limiter: Option<RateLimiter>,
    /// The Profile API's own budget (see [`ApiSurface::Profile`]).
    profile_limiter: Option<RateLimiter>,
}

impl std::ops::Deref for Inner {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.shared
    }
}

/// Which Amperity API a call belongs to: decides its `api-version` header and rate budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiSurface {
    /// The control plane (segments, workflows, …): `api_version`, `rate_limit`.
    ControlPlane,
    /// The Profile API (indexes, profiles): `profile_api_version`, `profile_rate_limit`.
    Profile,
}

/// One API call before the shared headers and the base URL are added.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub operation: Cow<'static, str>,
    pub method: Method,
    /// Path below the base URL, already percent-encoded, starting with `/`.
    pub path: String,
    pub query: Vec<(Cow<'static, str>, String)>,
    /// A JSON body (POST only).
    pub body: Option<Vec<u8>>,
    pub retry: RetryClass,
    pub surface: ApiSurface,
}

impl Call {
    pub(crate) fn get(operation: &'static str, path: impl Into<String>) -> Self {
        Call {
            operation: Cow::Borrowed(operation),
            method: Method::Get,
            path: path.into(),
            query: Vec::new(),
            body: None,
            retry: RetryClass::Idempotent,
            surface: ApiSurface::ControlPlane,
        }
    }

    /// The same call on the Profile API (its api-version and rate budget).
    pub(crate) fn on_profile_api(mut self) -> Self {
        self.surface = ApiSurface::Profile;
        self
    }

    pub(crate) fn post(
        operation: &'static str,
        path: impl Into<String>,
        retry: RetryClass,
    ) -> Self {
        Call {
            method: Method::Post,
            retry,
            ..Call::get(operation, path)
        }
    }

    /// Adds a query parameter when `value` is set.
    pub(crate) fn param(mut self, name: &'static str, value: Option<impl ToString>) -> Self {
        if let Some(value) = value {
            self.query.push((Cow::Borrowed(name), value.to_string()));
        }
        self
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.inner.config;
        f.debug_struct("Client")
            .field("tenant", &c.tenant)
            .field("base_url", &c.base_url)
            .field("api_version", &c.api_version)
            .field("profile_api_version", &c.profile_api_version)
            .field("credentials", &c.credentials)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts configuring a client for `tenant` (a sandbox is just another tenant id).
    pub fn builder(tenant: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(tenant)
    }

    /// A client from the environment variables of [`EnvSettings`](crate::EnvSettings), with
    /// every other setting at its default; [`ClientBuilder::from_env`] to change more.
    pub fn from_env() -> Result<Self> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_config(config: Config) -> Result<Self> {
        let transport = Transport::new(&config)?;
        let auth = Auth::new(&config.credentials, &config.tenant, &config.token_url);
        let limiter = config.rate_limit.map(RateLimiter::new);
        let profile_limiter = config.profile_rate_limit.map(RateLimiter::new);
        Ok(Client {
            inner: Arc::new(Inner {
                shared: Arc::new(Shared {
                    config,
                    transport,
                    auth,
                    limiter,
                    profile_limiter,
                }),
                token: None,
            }),
        })
    }

    /// This client with `token` carried by every call made through it (the pages and the
    /// read-ahead of its walks, the polls of its waits): `token.cancel()` ends those calls
    /// promptly with [`Error::Cancelled`](crate::Error::Cancelled), whether they sleep or wait
    /// for the network (only their own connection is shut down), and leaves every other call on
    /// the client alone. Cheap: the returned client shares everything else with this one.
    pub fn with_cancel_token(&self, token: &CancelToken) -> Client {
        Client {
            inner: Arc::new(Inner {
                shared: Arc::clone(&self.inner.shared),
                token: Some(token.clone()),
            }),
        }
    }

    /// Cancels every call in progress on this client, from any thread: each returns
    /// [`Error::Cancelled`](crate::Error::Cancelled) promptly, whether it sleeps (backoff,
    /// `Retry-After`, the rate limiter, a wait's polls) or waits for the network (its connection
    /// is shut down). Calls started afterwards run normally; a cancelled walk resumes from its
    /// cursor.
    pub fn cancel(&self) {
        self.inner.transport.cancel();
    }

    /// The tenant id this client sends.
    pub fn tenant(&self) -> &str {
        &self.inner.config.tenant
    }

    /// The API base URL, e.g. `https://app.amperity.com/api`.
    pub fn base_url(&self) -> &str {
        &self.inner.config.base_url
    }

    /// The `api-version` header value.
    pub fn api_version(&self) -> &str {
        &self.inner.config.api_version
    }

    /// The `api-version` header value of Profile API requests.
    pub fn profile_api_version(&self) -> &str {
        &self.inner.config.profile_api_version
    }

    /// The `User-Agent` header value.
    pub fn user_agent(&self) -> &str {
        &self.inner.config.user_agent
    }

    /// `Deprecation`/`Sunset` headers seen so far, one entry per operation (latest values).
    pub fn deprecation_notices(&self) -> Vec<DeprecationNotice> {
        self.inner.transport.deprecations()
    }
}

impl Inner {
    /// Carries this view's token (if any) on this thread until the scope is dropped.
    pub(crate) fn enter_token(&self) -> Option<Scope> {
        self.token.as_ref().map(CancelToken::enter)
    }

    /// The same shared state carrying `token` instead of this view's.
    pub(crate) fn with_token(&self, token: Option<CancelToken>) -> Inner {
        Inner {
            shared: Arc::clone(&self.shared),
            token,
        }
    }

    /// Sends `call` with auth, the shared headers, rate limiting, retries and one token refresh
    /// on 401 (client credentials only).
    pub(crate) fn execute(&self, call: &Call) -> Result<HttpResponse> {
        self.execute_with(call, &[])
    }

    /// [`execute`](Self::execute) with extra query parameters (a page's `limit`, cursor, …).
    pub(crate) fn execute_with(
        &self,
        call: &Call,
        extra_query: &[(&str, &str)],
    ) -> Result<HttpResponse> {
        let _token = self.enter_token();
        let url = self.url(call, extra_query);
        let mut refreshed = false;
        self.transport.retrying(&call.operation, call.retry, || {
            let token = self.auth.bearer(&self.transport)?;
            match self.send(call, &url, token.expose()) {
                Err(Error::Api(e)) if e.status == 401 && self.auth.can_refresh() && !refreshed => {
                    refreshed = true;
                    log::debug!("{}: 401, refreshing the access token once", call.operation);
                    self.auth.invalidate(&token);
                    let token = self.auth.bearer(&self.transport)?;
                    self.send(call, &url, token.expose())
                }
                other => other,
            }
        })
    }

    /// Sends `call` and decodes the JSON answer.
    pub(crate) fn execute_json<T: DeserializeOwned>(&self, call: &Call) -> Result<T> {
        let response = self.execute(call)?;
        json_body(&response.body).map_err(|e| Error::decode(&call.operation, e))
    }

    fn send(&self, call: &Call, url: &str, token: &str) -> Result<HttpResponse> {
        let config = &self.config;
        let (limiter, api_version) = match call.surface {
            ApiSurface::ControlPlane => (&self.limiter, &config.api_version),
            ApiSurface::Profile => (&self.profile_limiter, &config.profile_api_version),
        };
        if let Some(limiter) = limiter {
            self.transport.sleep(limiter.reserve(), &call.operation)?;
        }
        let authorization = format!("Bearer {token}");
        let headers = [
            ("Authorization", authorization.as_str()),
            ("Amperity-Tenant", config.tenant.as_str()),
            ("api-version", api_version.as_str()),
        ];
        let request = HttpRequest {
            operation: &call.operation,
            method: call.method,
            url,
            headers: &headers,
            body: call.body.as_deref().map(|body| ("application/json", body)),
        };
        self.transport.send_once(&request)
    }

    fn url(&self, call: &Call, extra_query: &[(&str, &str)]) -> String {
        let mut url = String::with_capacity(self.config.base_url.len() + call.path.len() + 64);
        url.push_str(&self.config.base_url);
        url.push_str(&call.path);
        let params = call.query.iter().map(|(n, v)| (n.as_ref(), v.as_str()));
        for (i, (name, value)) in params.chain(extra_query.iter().copied()).enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            encode_component_into(&mut url, name);
            url.push('=');
            encode_component_into(&mut url, value);
        }
        url
    }
}

/// `/prefix/{id}` with the id percent-encoded; refuses an empty id.
pub(crate) fn path_with_id(prefix: &str, id: &str, suffix: &str, what: &str) -> Result<String> {
    if id.trim().is_empty() {
        return Err(Error::invalid_argument(format!("{what} is empty")));
    }
    Ok(format!("{prefix}/{}{suffix}", encode_component(id)))
}
