use crate::client::{ApiSurface, Call};
use crate::error::{Error, Result};
use crate::models::decode::json_body;
use crate::retry::RetryClass;
use crate::transport::Method;
use crate::{Client, PageOptions, Pager};
use std::borrow::Cow;

/// Method of a [`RawRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RawMethod {
    /// GET (retried as idempotent).
    Get,
    /// POST (retried only on 429 unless [`RawRequest::idempotent`] is set).
    Post,
}

/// A request to any path of the API, for endpoints this SDK does not model yet. It gets the same
/// headers, authentication, rate limiting and retries as every typed call.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRequest {
    /// GET or POST.
    pub method: RawMethod,
    /// Path below the base URL, such as `/segments`; percent-encode ids yourself.
    pub path: String,
    /// Query parameters (encoded by the client).
    pub query: Vec<(String, String)>,
    /// JSON body (POST only).
    pub body: Option<serde_json::Value>,
    /// Marks a POST as safe to retry on 5xx and connection failures.
    pub idempotent: bool,
}

impl RawRequest {
    /// A GET of `path`.
    pub fn get(path: impl Into<String>) -> Self {
        RawRequest {
            method: RawMethod::Get,
            path: path.into(),
            query: Vec::new(),
            body: None,
            idempotent: true,
        }
    }

    /// A POST of `body` to `path`.
    pub fn post(path: impl Into<String>, body: Option<serde_json::Value>) -> Self {
        RawRequest {
            method: RawMethod::Post,
            path: path.into(),
            query: Vec::new(),
            body,
            idempotent: false,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((name.into(), value.into()));
        self
    }

    fn into_call(self) -> Result<Call> {
        let path = &self.path;
        let valid = path.starts_with('/')
            && !path.contains(['?', '#'])
            && !path.chars().any(|c| c.is_whitespace() || c.is_control())
            && !path.split('/').any(|segment| segment == "..");
        if !valid {
            return Err(Error::invalid_argument(format!(
                "raw path {path:?} must start with '/' and hold no query, fragment, whitespace or '..'"
            )));
        }
        let (method, retry) = match self.method {
            RawMethod::Get => (Method::Get, RetryClass::Idempotent),
            RawMethod::Post if self.idempotent => (Method::Post, RetryClass::Idempotent),
            RawMethod::Post => (Method::Post, RetryClass::OnlyWhenRefused),
        };
        if method == Method::Get && self.body.is_some() {
            return Err(Error::invalid_argument("a raw GET cannot carry a body"));
        }
        let body = match &self.body {
            Some(value) => Some(
                serde_json::to_vec(value).map_err(|e| Error::invalid_argument(e.to_string()))?,
            ),
            None => None,
        };
        let operation = format!(
            "{} {}",
            if method == Method::Get { "GET" } else { "POST" },
            self.path
        );
        Ok(Call {
            operation: Cow::Owned(operation),
            method,
            path: self.path,
            query: self
                .query
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), v))
                .collect(),
            body,
            retry,
            surface: ApiSurface::ControlPlane,
        })
    }
}

/// The answer to a [`RawRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct RawResponse {
    /// HTTP status (2xx; errors come back as [`Error::Api`]).
    pub status: u16,
    /// The JSON body (`Null` when empty).
    pub body: serde_json::Value,
}

impl Client {
    /// Sends a request to any path and returns its JSON answer.
    ///
    /// ```
    /// # let server = amperity_mock::MockServer::start(Default::default()).unwrap();
    /// # let client = amperity::Client::builder("acme").base_url(server.base_url()).token("mock-token").rate_limit(None).build()?;
    /// use amperity::RawRequest;
    /// let response = client.raw(RawRequest::get("/segments").query("limit", "2"))?;
    /// assert_eq!(response.body["data"].as_array().unwrap().len(), 2);
    /// # Ok::<(), amperity::Error>(())
    /// ```
    pub fn raw(&self, request: RawRequest) -> Result<RawResponse> {
        let call = request.into_call()?;
        let response = self.inner.execute(&call)?;
        let body = if response.body.iter().all(u8::is_ascii_whitespace) {
            serde_json::Value::Null
        } else {
            json_body(&response.body).map_err(|e| Error::decode(&call.operation, e))?
        };
        Ok(RawResponse {
            status: response.status,
            body,
        })
    }

    /// Walks a paginated GET endpoint that is not modelled yet, with the usual cursor handling.
    pub fn raw_pages(&self, request: RawRequest, page: PageOptions) -> Pager<serde_json::Value> {
        match request.into_call() {
            Ok(call) => Pager::new(self.inner.clone(), call, page),
            Err(error) => Pager::failed(self.inner.clone(), error),
        }
    }
}
