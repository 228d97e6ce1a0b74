//! `amperity_config`: the settings a client is created from.

use super::error::{amperity_result, guard, LastError};
use super::util::{
    arg_mut, arg_str, check_out, free_handle, into_handle, opt_str, write_out, UserData,
};
use amperity_core::{Client, ClientBuilder, EnvSettings, Region, RetryPolicy};
use std::ffi::CString;
use std::os::raw::{c_char, c_void};
use std::time::Duration;

/// Where a tenant is hosted; decides the default base URL. Values are stable and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum amperity_region {
    /// AWS: `https://app.amperity.com/api` (the default).
    Aws = 0,
    /// Azure: `https://{tenant}.amperity.com/api`.
    Azure = 1,
    /// Australia: `https://app-aws-apse2.amperity.com/api`.
    Australia = 2,
}

/// Client settings, filled by the `amperity_config_set_*` functions and read by
/// `amperity_client_new`.
///
/// The setters check only for NULL and UTF-8; every value is validated by `amperity_client_new`
/// (`AMPERITY_RESULT_INVALID_CONFIG`). A config may create several clients and may be freed as
/// soon as they exist. Thread safety: one thread at a time (not synchronized).
#[derive(Debug, Clone)]
pub struct amperity_config {
    tenant: String,
    // Credentials as set: the core checks the combination when the client is built.
    token: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
    token_url: Option<String>,
    region: Region,
    base_url: Option<String>,
    api_version: Option<String>,
    profile_api_version: Option<String>,
    connect_timeout_ms: Option<u64>,
    request_timeout_ms: Option<u64>,
    retry: Option<RetryPolicy>,
    max_retry_after_ms: Option<u64>,
    rate_limit: Option<Option<f64>>,
    profile_rate_limit: Option<Option<f64>>,
    root_certificates: Vec<String>,
    ca_file: Option<String>,
    platform_verifier: bool,
    request_hook: Option<(RequestCallback, UserData)>,
    proxy: Option<String>,
    user_agent_suffix: Option<String>,
    max_response_bytes: Option<u64>,
}

impl amperity_config {
    /// Every setting at its default.
    fn new(tenant: String) -> Self {
        amperity_config {
            tenant,
            token: None,
            client_id: None,
            client_secret: None,
            token_url: None,
            region: Region::Aws,
            base_url: None,
            api_version: None,
            profile_api_version: None,
            connect_timeout_ms: None,
            request_timeout_ms: None,
            retry: None,
            max_retry_after_ms: None,
            rate_limit: None,
            profile_rate_limit: None,
            root_certificates: Vec::new(),
            ca_file: None,
            platform_verifier: false,
            request_hook: None,
            proxy: None,
            user_agent_suffix: None,
            max_response_bytes: None,
        }
    }

    /// The core builder these settings describe.
    pub(crate) fn builder(&self) -> ClientBuilder {
        let mut b = Client::builder(self.tenant.clone())
            .region(self.region)
            .user_agent_suffix(match &self.user_agent_suffix {
                Some(suffix) => format!("amperity-c/{} {suffix}", amperity_core::VERSION),
                None => format!("amperity-c/{}", amperity_core::VERSION),
            });
        if let Some(token) = &self.token {
            b = b.token(token.clone());
        }
        b = b.client_credential_parts(self.client_id.clone(), self.client_secret.clone());
        if let Some(url) = &self.token_url {
            b = b.token_url(url.clone());
        }
        if let Some(url) = &self.base_url {
            b = b.base_url(url.clone());
        }
        if let Some(version) = &self.api_version {
            b = b.api_version(version.clone());
        }
        if let Some(version) = &self.profile_api_version {
            b = b.profile_api_version(version.clone());
        }
        if let Some(ms) = self.connect_timeout_ms {
            b = b.connect_timeout(Duration::from_millis(ms));
        }
        if let Some(ms) = self.request_timeout_ms {
            b = b.request_timeout(Duration::from_millis(ms));
        }
        if self.retry.is_some() || self.max_retry_after_ms.is_some() {
            let mut policy = self.retry.clone().unwrap_or_default();
            if let Some(ms) = self.max_retry_after_ms {
                policy = policy.with_max_retry_after(Duration::from_millis(ms));
            }
            b = b.retry_policy(policy);
        }
        if let Some(rate) = self.rate_limit {
            b = b.rate_limit(rate);
        }
        if let Some(rate) = self.profile_rate_limit {
            b = b.profile_rate_limit(rate);
        }
        for pem in &self.root_certificates {
            b = b.add_root_certificate_pem(pem.clone());
        }
        if let Some(path) = &self.ca_file {
            b = b.ca_file(path.clone());
        }
        b = b.platform_verifier(self.platform_verifier);
        if let Some((callback, user_data)) = self.request_hook {
            b = b.on_request(move |info| report_request(callback, &user_data, info));
        }
        if let Some(proxy) = &self.proxy {
            b = b.proxy(proxy.clone());
        }
        if let Some(bytes) = self.max_response_bytes {
            b = b.max_response_bytes(bytes);
        }
        b
    }
}

/// Runs `f` on a config argument inside the panic boundary.
fn with_config(
    config: *mut amperity_config,
    f: impl FnOnce(&mut amperity_config) -> Result<(), LastError>,
) -> amperity_result {
    guard(|| {
        let config = unsafe { arg_mut(config, "config")? };
        f(config)
    })
}

/// Creates a config for `tenant` (the tenant id, e.g. `"acme"`; a sandbox is just another tenant
/// id) with every other setting at its default: AWS region, api-version `2024-04-01`, connect
/// timeout 10 s, request timeout 60 s, 3 attempts with backoff from 1 s to 20 s, 10 requests per
/// second, the Profile API at api-version `2025-07-31` and 2000 requests per second, bundled
/// Mozilla roots, proxy from `HTTPS_PROXY`/`ALL_PROXY`. Credentials must be set before
/// `amperity_client_new`. The caller frees `*out_config` with `amperity_config_free`.
#[no_mangle]
pub extern "C" fn amperity_config_new(
    tenant: *const c_char,
    out_config: *mut *mut amperity_config,
) -> amperity_result {
    guard(|| {
        check_out(out_config, "out_config")?;
        let tenant = unsafe { arg_str(tenant, "tenant")? };
        unsafe {
            write_out(
                out_config,
                into_handle(amperity_config::new(tenant.to_owned())),
            )
        };
        Ok(())
    })
}

/// Creates a config from the environment: `AMPERITY_TENANT` (required), `AMPERITY_TOKEN` or
/// `AMPERITY_CLIENT_ID` + `AMPERITY_CLIENT_SECRET` (+ `AMPERITY_TOKEN_URL`), and optionally
/// `AMPERITY_REGION` (`aws`, `azure`, `australia`), `AMPERITY_BASE_URL`, `AMPERITY_API_VERSION`;
/// empty values count as unset, every other setting is at its default (see
/// `amperity_config_new`) and may still be changed. `AMPERITY_RESULT_INVALID_CONFIG` when the
/// tenant is missing or a value cannot be used (the last error says which). The caller frees
/// `*out_config` with `amperity_config_free`.
#[no_mangle]
pub extern "C" fn amperity_config_from_env(
    out_config: *mut *mut amperity_config,
) -> amperity_result {
    guard(|| {
        check_out(out_config, "out_config")?;
        let env = EnvSettings::from_env()?;
        let mut config = amperity_config::new(env.tenant);
        config.token = env.token;
        config.client_id = env.client_id;
        config.client_secret = env.client_secret;
        config.token_url = env.token_url;
        config.region = env.region.unwrap_or_default();
        config.base_url = env.base_url;
        config.api_version = env.api_version;
        unsafe { write_out(out_config, into_handle(config)) };
        Ok(())
    })
}

/// Frees a config. NULL is a no-op. Clients created from it are not affected.
#[no_mangle]
pub extern "C" fn amperity_config_free(config: *mut amperity_config) {
    let _ = guard(|| {
        unsafe { free_handle(config) };
        Ok(())
    });
}

/// Authenticates with a static access token (Amperity UI: Settings, Security, API keys, Get
/// token). Replaces a token set before; a config with both a token and client credentials is
/// refused by `amperity_client_new` (`AMPERITY_RESULT_INVALID_CONFIG`).
#[no_mangle]
pub extern "C" fn amperity_config_set_token(
    config: *mut amperity_config,
    token: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        let token = unsafe { arg_str(token, "token")? };
        config.token = Some(token.to_owned());
        Ok(())
    })
}

/// Authenticates with OAuth2 client credentials: tokens are fetched from the token endpoint,
/// cached and refreshed automatically. Replaces client credentials set before; a config with
/// both a token and client credentials is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_client_credentials(
    config: *mut amperity_config,
    client_id: *const c_char,
    client_secret: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        let id = unsafe { arg_str(client_id, "client_id")? };
        let secret = unsafe { arg_str(client_secret, "client_secret")? };
        config.client_id = Some(id.to_owned());
        config.client_secret = Some(secret.to_owned());
        Ok(())
    })
}

/// Overrides the OAuth2 token endpoint (default `{base_url}/v0/oauth2/token` with a base URL,
/// else `https://{tenant}.amperity.com/api/v0/oauth2/token`), in any order with the credentials;
/// with a token instead, `amperity_client_new` refuses the config. NULL restores the default.
#[no_mangle]
pub extern "C" fn amperity_config_set_token_url(
    config: *mut amperity_config,
    url: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.token_url = unsafe { opt_str(url, "url")? }.map(str::to_owned);
        Ok(())
    })
}

/// Chooses the hosting region, one of the `amperity_region` values (ignored when a base URL is
/// set). `AMPERITY_RESULT_INVALID_ARGUMENT` for any other value.
#[no_mangle]
pub extern "C" fn amperity_config_set_region(
    config: *mut amperity_config,
    region: u32,
) -> amperity_result {
    with_config(config, |config| {
        config.region = match region {
            r if r == amperity_region::Aws as u32 => Region::Aws,
            r if r == amperity_region::Azure as u32 => Region::Azure,
            r if r == amperity_region::Australia as u32 => Region::Australia,
            other => return Err(LastError::invalid(format!("unknown region {other}"))),
        };
        Ok(())
    })
}

/// Uses an explicit API base URL such as `https://acme.amperity.com/api` (`http://` only to
/// loopback hosts, for tests). NULL restores the region's URL.
#[no_mangle]
pub extern "C" fn amperity_config_set_base_url(
    config: *mut amperity_config,
    url: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.base_url = unsafe { opt_str(url, "url")? }.map(str::to_owned);
        Ok(())
    })
}

/// Sets the `api-version` header (default `2024-04-01`; `unstable` reaches campaign drafts).
/// NULL restores the default.
#[no_mangle]
pub extern "C" fn amperity_config_set_api_version(
    config: *mut amperity_config,
    api_version: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.api_version = unsafe { opt_str(api_version, "api_version")? }.map(str::to_owned);
        Ok(())
    })
}

/// Sets the `api-version` header of the Profile API calls (`amperity_list_indexes`,
/// `amperity_get_index`, `amperity_list_profiles`, `amperity_get_profile`; default
/// `2025-07-31`), which `amperity_config_set_api_version` does not change. NULL restores the
/// default; an empty value is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_profile_api_version(
    config: *mut amperity_config,
    api_version: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.profile_api_version =
            unsafe { opt_str(api_version, "api_version")? }.map(str::to_owned);
        Ok(())
    })
}

/// Sets the time allowed to open a connection and the time allowed for one attempt of a request
/// (body included), in milliseconds. 0 keeps that setting's default (10 s and 60 s).
#[no_mangle]
pub extern "C" fn amperity_config_set_timeouts(
    config: *mut amperity_config,
    connect_timeout_ms: u64,
    request_timeout_ms: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.connect_timeout_ms = (connect_timeout_ms > 0).then_some(connect_timeout_ms);
        config.request_timeout_ms = (request_timeout_ms > 0).then_some(request_timeout_ms);
        Ok(())
    })
}

/// Sets the retry policy: `max_attempts` in total including the first (1 disables retries; at
/// most 100), and the backoff ceiling of the first retry and of any retry, in milliseconds.
/// Backoff is capped exponential with full jitter; `POST /workflow/runs` is retried only when it
/// was refused (429, connection not opened). Checked by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_retry(
    config: *mut amperity_config,
    max_attempts: u32,
    initial_backoff_ms: u64,
    max_backoff_ms: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.retry = Some(RetryPolicy::new(
            max_attempts,
            Duration::from_millis(initial_backoff_ms),
            Duration::from_millis(max_backoff_ms),
        ));
        Ok(())
    })
}

/// Sets the longest `Retry-After` the client waits for before retrying a 429 or 503 (default
/// 60 000 ms); a longer demand returns the error to the caller at once.
#[no_mangle]
pub extern "C" fn amperity_config_set_max_retry_after(
    config: *mut amperity_config,
    max_retry_after_ms: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.max_retry_after_ms = Some(max_retry_after_ms);
        Ok(())
    })
}

/// Sets the client-side rate limit in requests per second, shared by every thread using the
/// client (default 10, the documented limit). 0 turns the limiter off; a negative or non-finite
/// value is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_rate_limit(
    config: *mut amperity_config,
    requests_per_second: f64,
) -> amperity_result {
    with_config(config, |config| {
        config.rate_limit = Some((requests_per_second != 0.0).then_some(requests_per_second));
        Ok(())
    })
}

/// Sets the client-side rate limit of the Profile API calls in requests per second, shared by
/// every thread using the client (default 2000, the Profile API's documented limit); a budget of
/// its own, apart from `amperity_config_set_rate_limit`'s. 0 turns the limiter off; a negative or
/// non-finite value is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_profile_rate_limit(
    config: *mut amperity_config,
    requests_per_second: f64,
) -> amperity_result {
    with_config(config, |config| {
        config.profile_rate_limit =
            Some((requests_per_second != 0.0).then_some(requests_per_second));
        Ok(())
    })
}

/// Trusts one more root certificate (PEM text, may hold several certificates) on top of the
/// bundled Mozilla roots, for example a TLS-intercepting corporate proxy's. May be called several
/// times; a PEM that does not parse is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_add_root_certificate_pem(
    config: *mut amperity_config,
    pem: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        let pem = unsafe { arg_str(pem, "pem")? };
        config.root_certificates.push(pem.to_owned());
        Ok(())
    })
}

/// Trusts the root certificates of a PEM file too, read by `amperity_client_new` (which fails
/// with `AMPERITY_RESULT_INVALID_CONFIG` when it cannot be read, is not a regular file, is larger
/// than 16 MiB or holds no certificate). NULL removes it.
/// `SSL_CERT_FILE`, when set, is read the same way.
#[no_mangle]
pub extern "C" fn amperity_config_set_ca_file(
    config: *mut amperity_config,
    path: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.ca_file = unsafe { opt_str(path, "path")? }.map(str::to_owned);
        Ok(())
    })
}

/// One HTTP exchange, as a request hook sees it (no secrets). The strings are NUL-terminated
/// UTF-8 and valid during the callback only.
#[repr(C)]
pub struct amperity_request_info {
    /// The operation, e.g. `"list-segment"` (`"oauth2-token"` for a token request).
    pub operation: *const c_char,
    /// `"GET"` or `"POST"`.
    pub method: *const c_char,
    /// The URL requested (no credentials; the query holds filters and cursors only).
    pub url: *const c_char,
    /// The HTTP status, or 0 when no answer came (a network failure or a cancel).
    pub status: u16,
    /// Which attempt of the call this was: 1, then 2 for the first retry, ...
    pub attempt: u32,
    /// Time from sending the request to the end of its answer, in milliseconds.
    pub elapsed_ms: u64,
    /// The answer's request id, or NULL when there is none.
    pub request_id: *const c_char,
}

/// A request hook: called after every HTTP exchange (each attempt and token request) on the
/// thread of the call, with the `user_data` given to `amperity_config_set_request_hook`. It must
/// be thread-safe and must not call back into the library.
pub type amperity_request_fn =
    Option<unsafe extern "C" fn(info: *const amperity_request_info, user_data: *mut c_void)>;

pub(crate) type RequestCallback = unsafe extern "C" fn(*const amperity_request_info, *mut c_void);

pub(crate) fn report_request(
    callback: RequestCallback,
    user_data: &UserData,
    info: &amperity_core::RequestInfo,
) {
    let text = |s: &str| CString::new(s).unwrap_or_default();
    let (operation, method, url) = (text(&info.operation), text(&info.method), text(&info.url));
    let request_id = info.request_id.as_deref().map(text);
    let c_info = amperity_request_info {
        operation: operation.as_ptr(),
        method: method.as_ptr(),
        url: url.as_ptr(),
        status: info.status.unwrap_or(0),
        attempt: info.attempt,
        elapsed_ms: u64::try_from(info.elapsed.as_millis()).unwrap_or(u64::MAX),
        request_id: request_id
            .as_ref()
            .map_or(std::ptr::null(), |id| id.as_ptr()),
    };
    unsafe { callback(&c_info, user_data.get()) };
}

/// Calls `callback` with `user_data` after every HTTP exchange of the clients made from this
/// config (see `amperity_request_fn`); NULL removes it.
#[no_mangle]
pub extern "C" fn amperity_config_set_request_hook(
    config: *mut amperity_config,
    callback: amperity_request_fn,
    user_data: *mut c_void,
) -> amperity_result {
    with_config(config, |config| {
        config.request_hook = callback.map(|callback| (callback, UserData(user_data)));
        Ok(())
    })
}

/// Verifies servers with the operating system's trust store and policies instead of the
/// bundled Mozilla roots (`enabled` true), or not (false, the default). Not together with extra
/// root certificates: `amperity_client_new` refuses the combination.
#[no_mangle]
pub extern "C" fn amperity_config_set_platform_verifier(
    config: *mut amperity_config,
    enabled: bool,
) -> amperity_result {
    with_config(config, |config| {
        config.platform_verifier = enabled;
        Ok(())
    })
}

/// Sends requests through this proxy (`http://user:pass@host:port`, `socks5://...`). NULL
/// restores the default: `HTTPS_PROXY`/`ALL_PROXY`/`NO_PROXY` from the environment.
#[no_mangle]
pub extern "C" fn amperity_config_set_proxy(
    config: *mut amperity_config,
    proxy_url: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.proxy = unsafe { opt_str(proxy_url, "proxy_url")? }.map(str::to_owned);
        Ok(())
    })
}

/// Appends a product token such as `"myapp/1.2"` to the `User-Agent` (which always carries
/// `amperity-rust/VERSION amperity-c/VERSION`). NULL removes it.
#[no_mangle]
pub extern "C" fn amperity_config_set_user_agent_suffix(
    config: *mut amperity_config,
    suffix: *const c_char,
) -> amperity_result {
    with_config(config, |config| {
        config.user_agent_suffix = unsafe { opt_str(suffix, "suffix")? }.map(str::to_owned);
        Ok(())
    })
}

/// Sets the largest response body accepted, in bytes (default 64 MiB); a larger body fails with
/// `AMPERITY_RESULT_DECODE`. 0 is refused by `amperity_client_new`.
#[no_mangle]
pub extern "C" fn amperity_config_set_max_response_bytes(
    config: *mut amperity_config,
    max_bytes: u64,
) -> amperity_result {
    with_config(config, |config| {
        config.max_response_bytes = Some(max_bytes);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_roundtrip_and_errors() {
        let mut config: *mut amperity_config = std::ptr::null_mut();
        assert_eq!(
            amperity_config_new(c"acme".as_ptr(), &mut config),
            amperity_result::Ok
        );
        assert_eq!(
            amperity_config_set_region(config, 99),
            amperity_result::InvalidArgument
        );
        assert_eq!(
            amperity_config_set_token(config, std::ptr::null()),
            amperity_result::NullArgument
        );
        let bad = [0xffu8, 0];
        assert_eq!(
            amperity_config_set_token(config, bad.as_ptr().cast()),
            amperity_result::InvalidUtf8
        );
        assert_eq!(
            amperity_config_set_token(config, c"tok".as_ptr()),
            amperity_result::Ok
        );
        let built = unsafe { &*config }.builder().build();
        assert!(built.is_ok(), "{built:?}");
        amperity_config_free(config);
        amperity_config_free(std::ptr::null_mut());
    }
}
