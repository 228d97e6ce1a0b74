//! Client configuration: a builder validated when it is built.

use crate::auth::Secret;
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The default `api-version` header value.
pub const DEFAULT_API_VERSION: &str = "2024-04-01";

/// The default client-side rate limit, in requests per second: Amperity's documented limit.
pub const DEFAULT_RATE_LIMIT_PER_SECOND: f64 = 10.0;

/// The default `api-version` header value of Profile API requests (`list_indexes`,
/// `list_profiles`, …): the Profile API's own version, independent of [`DEFAULT_API_VERSION`].
pub const DEFAULT_PROFILE_API_VERSION: &str = "2025-07-31";

/// The default client-side rate limit of Profile API requests, in requests per second: the
/// Profile API's documented limit (per tenant, sandboxes included), a budget separate from the
/// control plane's [`DEFAULT_RATE_LIMIT_PER_SECOND`].
pub const DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND: f64 = 2000.0;

/// Where a tenant is hosted; decides the default base URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[non_exhaustive]
pub enum Region {
    /// AWS: `https://app.amperity.com/api` (the default).
    #[default]
    Aws,
    /// Azure: `https://{tenant}.amperity.com/api`.
    Azure,
    /// Australia: `https://app-aws-apse2.amperity.com/api`.
    Australia,
}

impl Region {
    /// The names [`Region::parse`] and [`str::parse`] accept (in any case), in documentation order.
    pub const NAMES: [&'static str; 3] = ["aws", "azure", "australia"];

    /// The region for its name: `aws`, `azure` or `australia`, in any case.
    pub fn parse(name: &str) -> Option<Region> {
        match name.trim().to_ascii_lowercase().as_str() {
            "aws" => Some(Region::Aws),
            "azure" => Some(Region::Azure),
            "australia" => Some(Region::Australia),
            _ => None,
        }
    }

    /// The lowercase name of the region (`aws`, `azure` or `australia`).
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Aws => "aws",
            Region::Azure => "azure",
            Region::Australia => "australia",
        }
    }

    /// The API base URL for `tenant` in this region.
    pub fn base_url(self, tenant: &str) -> String {
        match self {
            Region::Aws => "https://app.amperity.com/api".to_owned(),
            Region::Azure => format!("https://{tenant}.amperity.com/api"),
            Region::Australia => "https://app-aws-apse2.amperity.com/api".to_owned(),
        }
    }
}

impl std::fmt::Display for Region {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.as_str())
    }
}

/// Parses a region name in any case; the error lists the valid names.
///
/// ```
/// use amperity::Region;
///
/// assert_eq!("Azure".parse::<Region>()?, Region::Azure);
/// let err = "europe".parse::<Region>().unwrap_err();
/// assert!(err.to_string().contains("aws, azure, australia"));
/// # Ok::<(), amperity::Error>(())
/// ```
impl std::str::FromStr for Region {
    type Err = Error;

    fn from_str(name: &str) -> Result<Region> {
        Region::parse(name).ok_or_else(|| {
            Error::invalid_argument(format!(
                "unknown region {name:?}: expected one of {}",
                Region::NAMES.join(", ")
            ))
        })
    }
}

/// How the client authenticates.
#[derive(Clone)]
#[non_exhaustive]
pub enum Credentials {
    /// A bearer token generated in the Amperity UI (Settings → Security → API keys → Get token).
    Token(Secret),
    /// OAuth2 client credentials; tokens are fetched, cached and refreshed automatically.
    ClientCredentials {
        /// The OAuth client id.
        client_id: String,
        /// The OAuth client secret.
        client_secret: Secret,
        /// The token endpoint; defaults to `https://{tenant}.amperity.com/api/v0/oauth2/token`,
        /// or `{base_url}/v0/oauth2/token` when an explicit base URL is configured.
        token_url: Option<String>,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Token(_) => f.write_str("Token(***)"),
            Credentials::ClientCredentials {
                client_id,
                token_url,
                ..
            } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .field("token_url", token_url)
                .finish(),
        }
    }
}

/// Builds a [`Client`](crate::Client); every setting is checked by [`build`](Self::build).
///
/// ```
/// use amperity::{Client, Error, Region};
/// use std::time::Duration;
///
/// let client = Client::builder("acme-sb-12345")          // a sandbox is just another tenant id
///     .region(Region::Azure)                             // https://acme-sb-12345.amperity.com/api
///     .client_credentials("client-id", "client-secret")
///     .request_timeout(Duration::from_secs(30))
///     .rate_limit(Some(5.0))
///     .build()?;
/// assert_eq!(client.base_url(), "https://acme-sb-12345.amperity.com/api");
///
/// // Every setting is checked when the client is built.
/// let refused = Client::builder("acme").token("t").base_url("http://app.amperity.com/api").build();
/// assert!(matches!(refused, Err(Error::Config { .. })));
/// # Ok::<(), amperity::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    tenant: String,
    region: Region,
    base_url: Option<String>,
    // The credential settings are kept apart and combined by `validate`, so the order of the
    // setters never matters (a `token_url` set before `client_credentials` is kept).
    token: Option<Secret>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    token_url: Option<String>,
    api_version: String,
    profile_api_version: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent_suffix: Option<String>,
    retry: RetryPolicy,
    rate_limit: Option<f64>,
    profile_rate_limit: Option<f64>,
    extra_root_certs_pem: Vec<String>,
    ca_file: Option<PathBuf>,
    platform_verifier: bool,
    proxy: Option<String>,
    max_response_bytes: u64,
    request_hook: Option<crate::hook::RequestHook>,
}

/// The validated configuration a client runs with.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub tenant: String,
    pub base_url: String,
    pub token_url: String,
    pub credentials: Credentials,
    pub api_version: String,
    pub profile_api_version: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub user_agent: String,
    pub retry: RetryPolicy,
    pub rate_limit: Option<f64>,
    pub profile_rate_limit: Option<f64>,
    /// Every extra root PEM with where it came from: the builder's, then `ca_file`'s, then
    /// `SSL_CERT_FILE`'s.
    pub extra_root_certs_pem: Vec<(String, String)>,
    pub platform_verifier: bool,
    pub proxy: Option<String>,
    pub max_response_bytes: u64,
    pub request_hook: Option<crate::hook::RequestHook>,
}

impl ClientBuilder {
    pub(crate) fn new(tenant: impl Into<String>) -> Self {
        ClientBuilder {
            tenant: tenant.into(),
            region: Region::Aws,
            base_url: None,
            token: None,
            client_id: None,
            client_secret: None,
            token_url: None,
            api_version: DEFAULT_API_VERSION.to_owned(),
            profile_api_version: DEFAULT_PROFILE_API_VERSION.to_owned(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            user_agent_suffix: None,
            retry: RetryPolicy::default(),
            rate_limit: Some(DEFAULT_RATE_LIMIT_PER_SECOND),
            profile_rate_limit: Some(DEFAULT_PROFILE_RATE_LIMIT_PER_SECOND),
            extra_root_certs_pem: Vec::new(),
            ca_file: None,
            platform_verifier: false,
            proxy: None,
            max_response_bytes: 64 * 1024 * 1024,
            request_hook: None,
        }
    }

    /// Authenticates with a static access token (not together with client credentials).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token));
        self
    }

    /// Authenticates with OAuth2 client credentials (token URL from the region or base URL,
    /// unless [`token_url`](Self::token_url) is set; not together with a token).
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.client_id = Some(client_id.into());
        self.client_secret = Some(Secret::new(client_secret));
        self
    }

    /// Sets the client-credential halves that are given, for settings read from elsewhere
    /// (the environment, a foreign-language record): [`build`](Self::build) refuses a pair
    /// with a half missing. Prefer [`client_credentials`](Self::client_credentials).
    pub fn client_credential_parts(
        mut self,
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> Self {
        self.client_id = client_id.or(self.client_id);
        self.client_secret = client_secret.map(Secret::new).or(self.client_secret);
        self
    }

    /// Sets the credentials directly (the same as [`token`](Self::token) or
    /// [`client_credentials`](Self::client_credentials) plus [`token_url`](Self::token_url)).
    pub fn credentials(self, credentials: Credentials) -> Self {
        match credentials {
            Credentials::Token(secret) => Self {
                token: Some(secret),
                ..self
            },
            Credentials::ClientCredentials {
                client_id,
                client_secret,
                token_url,
            } => Self {
                client_id: Some(client_id),
                client_secret: Some(client_secret),
                token_url: token_url.or(self.token_url),
                ..self
            },
        }
    }

    /// Overrides the OAuth2 token endpoint; only valid with client credentials, in any order.
    pub fn token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = Some(url.into());
        self
    }

    /// Chooses the hosting region (ignored when [`base_url`](Self::base_url) is set).
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// Uses an explicit API base URL such as `https://acme.amperity.com/api`.
    ///
    /// `http://` is accepted only for loopback hosts (tests and the bundled mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `api-version` header (default `2024-04-01`; `unstable` reaches campaign drafts).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// The `api-version` header of Profile API requests (default `2025-07-31`, the Profile API's
    /// own version; [`api_version`](Self::api_version) does not apply to them).
    pub fn profile_api_version(mut self, version: impl Into<String>) -> Self {
        self.profile_api_version = version.into();
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt of a request, body included (default 60 s).
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Appends a product token to the `User-Agent` (bindings add `amperity-python/…` and the like).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// The retry policy (default: 3 attempts, full jitter, 20 s cap).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side rate limit in requests per second shared by all threads using the client
    /// (default 10, the documented limit); `None` turns it off.
    pub fn rate_limit(mut self, requests_per_second: Option<f64>) -> Self {
        self.rate_limit = requests_per_second;
        self
    }

    /// Client-side rate limit of Profile API requests in requests per second, shared by all
    /// threads using the client (default 2000, the Profile API's documented limit); `None` turns
    /// it off. A budget of its own: Profile API calls never wait for the control plane's
    /// [`rate_limit`](Self::rate_limit), nor the other way round.
    pub fn profile_rate_limit(mut self, requests_per_second: Option<f64>) -> Self {
        self.profile_rate_limit = requests_per_second;
        self
    }

    /// Trusts one more root certificate (PEM), on top of the bundled Mozilla roots, for example
    /// the one a TLS-intercepting corporate proxy signs with. May hold several certificates.
    pub fn add_root_certificate_pem(mut self, pem: impl Into<String>) -> Self {
        self.extra_root_certs_pem.push(pem.into());
        self
    }

    /// Trusts the root certificates of a PEM file too (read when the client is built: a regular
    /// file of at most 16 MiB), on top of the bundled Mozilla roots. `SSL_CERT_FILE`, when set,
    /// is read the same way.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Verifies servers with the operating system's trust store and policies instead of the
    /// bundled Mozilla roots (`rustls-platform-verifier`): what a managed corporate machine
    /// trusts, this client trusts. Not together with extra root certificates (put them in the
    /// system store); on Linux the system store honours `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    pub fn platform_verifier(mut self, enabled: bool) -> Self {
        self.platform_verifier = enabled;
        self
    }

    /// Sends every request through this proxy: HTTP CONNECT (`http://user:pass@host:port`) or
    /// SOCKS (`socks5://`, `socks5h://` to let the proxy resolve the host, `socks4://`,
    /// `socks4a://`); the tunnel keeps the bearer token encrypted end to end. Without it, the
    /// environment decides:
    /// `HTTPS_PROXY`/`https_proxy`, then `ALL_PROXY`/`all_proxy` (for a loopback `http://` base
    /// URL: `http_proxy`, then `ALL_PROXY`), unless the base URL's host matches `NO_PROXY`.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Largest response body accepted, in bytes (default 64 MiB).
    pub fn max_response_bytes(mut self, bytes: u64) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Calls `hook` after every HTTP exchange (each attempt and token request) with its
    /// operation, method, URL, status, attempt number, elapsed time and request id (see
    /// [`RequestInfo`](crate::RequestInfo)); for metrics and tracing. It runs on the calling
    /// thread: keep it short.
    pub fn on_request(
        mut self,
        hook: impl Fn(&crate::RequestInfo) + Send + Sync + 'static,
    ) -> Self {
        self.request_hook = Some(crate::hook::RequestHook(std::sync::Arc::new(hook)));
        self
    }

    /// Validates the configuration and creates the client.
    pub fn build(self) -> Result<crate::Client> {
        crate::Client::from_config(self.validate()?)
    }

    pub(crate) fn validate(self) -> Result<Config> {
        validate_tenant(&self.tenant)?;
        let base_url = match &self.base_url {
            Some(url) => normalize_url(url, "base URL")?,
            None => self.region.base_url(&self.tenant),
        };
        let credentials = self.resolved_credentials()?;
        let default_token_url = match &self.base_url {
            Some(_) => format!("{base_url}/v0/oauth2/token"),
            None => format!("https://{}.amperity.com/api/v0/oauth2/token", self.tenant),
        };
        let token_url = match &credentials {
            Credentials::Token(secret) => {
                if secret.expose().trim().is_empty() {
                    return Err(Error::config("the access token is empty"));
                }
                check_header_value(secret.expose(), "access token", false)?;
                default_token_url
            }
            Credentials::ClientCredentials {
                client_id,
                client_secret,
                token_url,
            } => {
                if client_id.trim().is_empty() {
                    return Err(Error::config("the OAuth client id is empty"));
                }
                if client_secret.expose().is_empty() {
                    return Err(Error::config("the OAuth client secret is empty"));
                }
                match token_url {
                    Some(url) => normalize_url(url, "token URL")?,
                    None => default_token_url,
                }
            }
        };
        check_header_value(&self.api_version, "api-version", true)?;
        if self.api_version.is_empty() {
            return Err(Error::config("api-version is empty"));
        }
        check_header_value(&self.profile_api_version, "profile api-version", true)?;
        if self.profile_api_version.is_empty() {
            return Err(Error::config("profile api-version is empty"));
        }
        let mut user_agent = format!("amperity-rust/{}", crate::VERSION);
        if let Some(suffix) = &self.user_agent_suffix {
            check_header_value(suffix, "user agent suffix", false)?;
            if !suffix.is_empty() {
                user_agent.push(' ');
                user_agent.push_str(suffix);
            }
        }
        if self.connect_timeout.is_zero() || self.request_timeout.is_zero() {
            return Err(Error::config("timeouts must be greater than zero"));
        }
        self.retry.validate()?;
        check_rate_limit(self.rate_limit, "rate limit")?;
        check_rate_limit(self.profile_rate_limit, "profile rate limit")?;
        if self.max_response_bytes == 0 {
            return Err(Error::config(
                "max_response_bytes must be greater than zero",
            ));
        }
        let extra_root_certs_pem = self.root_pems(|name| std::env::var_os(name))?;
        Ok(Config {
            tenant: self.tenant,
            base_url,
            token_url,
            credentials,
            api_version: self.api_version,
            profile_api_version: self.profile_api_version,
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
            user_agent,
            retry: self.retry,
            rate_limit: self.rate_limit,
            profile_rate_limit: self.profile_rate_limit,
            extra_root_certs_pem,
            platform_verifier: self.platform_verifier,
            proxy: self.proxy,
            max_response_bytes: self.max_response_bytes,
            request_hook: self.request_hook,
        })
    }
}

impl ClientBuilder {
    /// The extra root PEMs: the builder's, `ca_file`'s and `SSL_CERT_FILE`'s (unless the platform
    /// verifier reads the system store, `SSL_CERT_FILE` included, itself).
    fn root_pems(
        &self,
        env: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Vec<(String, String)>> {
        let mut pems: Vec<(String, String)> = self
            .extra_root_certs_pem
            .iter()
            .map(|pem| ("the extra root certificate PEM".to_owned(), pem.clone()))
            .collect();
        if let Some(path) = &self.ca_file {
            pems.push(read_pem_file(path, "ca_file")?);
        }
        if self.platform_verifier {
            if !pems.is_empty() {
                return Err(Error::config(
                    "extra root certificates cannot be combined with the platform verifier: add them to the system trust store",
                ));
            }
            return Ok(pems);
        }
        if let Some(path) = env("SSL_CERT_FILE").filter(|p| !p.is_empty()) {
            pems.push(read_pem_file(Path::new(&path), "SSL_CERT_FILE")?);
        }
        Ok(pems)
    }

    /// Exactly one kind of credentials, whatever order the setters were called in.
    fn resolved_credentials(&self) -> Result<Credentials> {
        match (&self.token, &self.client_id, &self.client_secret) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(Error::config(
                "set either a token or client credentials, not both",
            )),
            (Some(token), None, None) => match self.token_url {
                Some(_) => Err(Error::config(
                    "token_url is only used with client credentials",
                )),
                None => Ok(Credentials::Token(token.clone())),
            },
            (None, Some(client_id), Some(client_secret)) => Ok(Credentials::ClientCredentials {
                client_id: client_id.clone(),
                client_secret: client_secret.clone(),
                token_url: self.token_url.clone(),
            }),
            (None, Some(_), None) => Err(Error::config("client_id needs a client_secret")),
            (None, None, Some(_)) => Err(Error::config("client_secret needs a client_id")),
            (None, None, None) => Err(Error::config(
                "no credentials: set a token or client_id and client_secret",
            )),
        }
    }
}

fn validate_tenant(tenant: &str) -> Result<()> {
    if tenant.is_empty() {
        return Err(Error::config("tenant id is empty"));
    }
    if tenant.len() > 128 {
        return Err(Error::config("tenant id is longer than 128 characters"));
    }
    if let Some(bad) = tenant
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(Error::config(format!(
            "tenant id {tenant:?} contains {bad:?}; only letters, digits, '-', '_' and '.' are allowed"
        )));
    }
    Ok(())
}

/// Refuses a rate limit that is not a positive, finite number of requests per second.
fn check_rate_limit(rate: Option<f64>, what: &str) -> Result<()> {
    match rate {
        Some(rate) if !(rate.is_finite() && rate > 0.0) => Err(Error::config(format!(
            "{what} must be a positive number of requests per second, got {rate}"
        ))),
        _ => Ok(()),
    }
}

pub(crate) fn check_header_value(value: &str, what: &str, no_spaces: bool) -> Result<()> {
    let ok = value
        .bytes()
        .all(|b| (b.is_ascii_graphic() || (b == b' ' && !no_spaces)) && b != 0x7f);
    if ok {
        Ok(())
    } else {
        Err(Error::config(format!(
            "{what} contains characters not allowed in an HTTP header"
        )))
    }
}

/// Checks scheme and host and strips trailing slashes; refuses `http://` to non-loopback hosts.
fn normalize_url(url: &str, what: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    // Userinfo (`user:password@`) is refused before anything else, and a URL that has any is
    // never echoed in a message: the password would travel with the error.
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    if rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .contains('@')
    {
        return Err(Error::config(format!("{what} must not carry credentials")));
    }
    // Every message shows the URL through `shown`: without a query (it may carry a key) and
    // without anything that looks like userinfo.
    let shown = shown_url(url);
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| Error::config(format!("{what} {shown:?} is not an absolute http(s) URL")))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if rest.contains(['?', '#']) {
        return Err(Error::config(format!(
            "{what} {shown:?} must not have a query or fragment"
        )));
    }
    let host_port = authority;
    let host = if let Some(stripped) = host_port.strip_prefix('[') {
        stripped.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    if host.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(format!("{what} {shown:?} has no valid host")));
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(url.to_owned()),
        "http" if is_loopback(host) => Ok(url.to_owned()),
        "http" => Err(Error::config(format!(
            "{what} {shown:?} uses plain http:// to a non-loopback host; a bearer token never travels in clear text, use https://"
        ))),
        _ => Err(Error::config(format!("{what} {shown:?} must use https://"))),
    }
}

/// A URL as configuration errors show it: cut before any query or fragment, and with everything
/// up to an `@` replaced by `***` (a malformed URL may still carry a password).
fn shown_url(url: &str) -> String {
    let base = url.split(['?', '#']).next().unwrap_or_default();
    match base.rfind('@') {
        Some(at) => {
            let start = base.find("://").map_or(0, |i| i + 3);
            if at >= start {
                format!("{}***{}", &base[..start], &base[at..])
            } else {
                base.to_owned()
            }
        }
        None => base.to_owned(),
    }
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The most a root-certificate file may hold: far above any real bundle (Mozilla's is about
/// 220 KB), low enough that a mistaken path (a device, a log) fails at once instead of filling
/// memory.
const MAX_PEM_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The text of a PEM file of root certificates with a description of where it came from, or a
/// configuration error naming `setting`. The file must be a regular file (not a device or a
/// pipe, which could block or never end) of at most [`MAX_PEM_FILE_BYTES`], UTF-8.
fn read_pem_file(path: &Path, setting: &str) -> Result<(String, String)> {
    use std::io::Read;
    let source = format!("{setting} ({})", path.display());
    let refuse = |why: String| {
        Error::config(format!(
            "could not read the root certificates of {source}: {why}"
        ))
    };
    // Before opening: Windows does not open a directory as a file at all.
    let metadata = std::fs::metadata(path).map_err(|e| refuse(e.to_string()))?;
    if !metadata.is_file() {
        return Err(refuse("it is not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| refuse(e.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_PEM_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(e.to_string()))?;
    if bytes.len() as u64 > MAX_PEM_FILE_BYTES {
        return Err(refuse(format!(
            "it is larger than {} MiB",
            MAX_PEM_FILE_BYTES / (1024 * 1024)
        )));
    }
    let pem = String::from_utf8(bytes)
        .map_err(|_| refuse("it is not UTF-8 text (a PEM file is)".into()))?;
    Ok((source, pem))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A root-certificate path that is not a readable PEM file of sane size fails at once,
    /// naming the setting, instead of blocking or filling memory.
    #[test]
    fn pem_files_are_regular_bounded_utf8() {
        let dir = std::env::temp_dir().join(format!("amperity-pem-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let refused = |path: &Path| match read_pem_file(path, "ca_file") {
            Err(Error::Config { detail }) => {
                assert!(detail.contains("ca_file"), "{detail}");
                detail
            }
            other => panic!("{other:?}"),
        };
        assert!(refused(&dir).contains("not a regular file"));
        #[cfg(unix)]
        assert!(refused(Path::new("/dev/zero")).contains("not a regular file"));
        let big = dir.join("big.pem");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_PEM_FILE_BYTES + 1)
            .unwrap();
        assert!(refused(&big).contains("larger than 16 MiB"));
        let binary = dir.join("binary.pem");
        std::fs::write(&binary, [0xff, 0xfe, 0x00]).unwrap();
        assert!(refused(&binary).contains("not UTF-8"));
        let good = dir.join("good.pem");
        std::fs::write(&good, "-----BEGIN CERTIFICATE-----\n").unwrap();
        assert_eq!(
            read_pem_file(&good, "ca_file").unwrap().1,
            "-----BEGIN CERTIFICATE-----\n"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn urls() {
        assert_eq!(
            normalize_url("https://acme.amperity.com/api/", "u").unwrap(),
            "https://acme.amperity.com/api"
        );
        assert!(normalize_url("http://127.0.0.1:8080/api", "u").is_ok());
        assert!(normalize_url("http://[::1]:8080/api", "u").is_ok());
        assert!(normalize_url("http://localhost/api", "u").is_ok());
        assert!(normalize_url("http://app.amperity.com/api", "u").is_err());
        assert!(normalize_url("http://127.0.0.1.evil.com/api", "u").is_err());
        assert!(normalize_url("ftp://x/api", "u").is_err());
        assert!(normalize_url("app.amperity.com", "u").is_err());
        assert!(normalize_url("https://u:p@host/api", "u").is_err());
        for secret_url in [
            "https://user:hunter2@host.example/api?x=1",
            "user:hunter2@host.example/api",
            "http://user:hunter2@example.com/api#frag",
        ] {
            let message = normalize_url(secret_url, "base URL")
                .unwrap_err()
                .to_string();
            assert!(!message.contains("hunter2"), "{message}");
            assert!(message.contains("must not carry credentials"), "{message}");
        }
    }

    #[test]
    fn tenants() {
        assert!(validate_tenant("acme-sb-12345").is_ok());
        assert!(validate_tenant("a.b_c").is_ok());
        for bad in ["", "acme\r\nX-Evil: 1", "ac me", "acme/..", "é"] {
            assert!(validate_tenant(bad).is_err(), "{bad:?}");
        }
    }
}
