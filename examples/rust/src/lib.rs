//! Shared set-up for the examples: a client for the tenant named in the environment, or for the
//! bundled mock server when no credentials are given.
//!
//! Environment ([`EnvSettings`]): `AMPERITY_TENANT` plus either `AMPERITY_TOKEN` or
//! `AMPERITY_CLIENT_ID` and `AMPERITY_CLIENT_SECRET`; optionally `AMPERITY_TOKEN_URL`,
//! `AMPERITY_REGION` (`aws`, `azure`, `australia`), `AMPERITY_BASE_URL` and
//! `AMPERITY_API_VERSION`. Streaming Ingest ([`connect_stream`]): `AMPERITY_TENANT`,
//! `AMPERITY_STREAM_TOKEN` and `AMPERITY_STREAM_ID`, optionally `AMPERITY_STREAM_BASE_URL`.

use amperity::{Client, EnvSettings, StreamClient};
use amperity_mock::{MockConfig, MockServer};
use std::time::Duration;

/// A client plus, when it talks to the bundled mock, the server (kept alive with it).
pub struct Connection {
    /// The client to use.
    pub client: Client,
    /// The mock server when no credentials were given.
    pub mock: Option<MockServer>,
}

/// Connects to the tenant in the environment, or starts the bundled mock server.
pub fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    // The core reads the variables (the same set as every language's `from_env`); without a
    // tenant, or without credentials, the example walks the bundled mock instead.
    let settings = match EnvSettings::from_env() {
        Ok(settings) => Some(settings),
        Err(_) if std::env::var_os("AMPERITY_TENANT").is_none_or(|v| v.is_empty()) => None,
        Err(error) => return Err(error.into()),
    };
    if let Some(settings) = settings.filter(|s| s.token.is_some() || s.client_id.is_some()) {
        eprintln!("Using tenant credentials from the environment.");
        return Ok(Connection {
            client: settings.into_builder().build()?,
            mock: None,
        });
    }
    let mock = MockServer::start(MockConfig {
        segments: 1_000,
        workflows: 120,
        run_step: Duration::from_millis(300),
        ..MockConfig::default()
    })?;
    eprintln!(
        "No AMPERITY_TENANT with AMPERITY_TOKEN or AMPERITY_CLIENT_ID/AMPERITY_CLIENT_SECRET set: \
         using the bundled mock Amperity server at {}",
        mock.base_url()
    );
    let client = Client::builder("acme")
        .base_url(mock.base_url())
        .token("mock-token")
        .build()?;
    Ok(Connection {
        client,
        mock: Some(mock),
    })
}

/// A streaming client and the stream to send to, plus the mock when no credentials were given.
pub struct StreamConnection {
    /// The client to use.
    pub client: StreamClient,
    /// The stream to send to.
    pub stream_id: String,
    /// The mock server when no credentials were given.
    pub mock: Option<MockServer>,
}

/// Connects to the stream in the environment (`AMPERITY_TENANT`, `AMPERITY_STREAM_TOKEN`,
/// `AMPERITY_STREAM_ID`, optionally `AMPERITY_STREAM_BASE_URL`), or starts the bundled mock.
pub fn connect_stream() -> Result<StreamConnection, Box<dyn std::error::Error>> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let (Some(tenant), Some(token), Some(stream_id)) = (
        var("AMPERITY_TENANT"),
        var("AMPERITY_STREAM_TOKEN"),
        var("AMPERITY_STREAM_ID"),
    ) {
        eprintln!("Using the streaming credentials from the environment.");
        let mut builder = StreamClient::builder(tenant).token(token);
        if let Some(url) = var("AMPERITY_STREAM_BASE_URL") {
            builder = builder.base_url(url);
        }
        return Ok(StreamConnection {
            client: builder.build()?,
            stream_id,
            mock: None,
        });
    }
    let mock = MockServer::start(MockConfig::default())?;
    eprintln!(
        "No AMPERITY_TENANT with AMPERITY_STREAM_TOKEN and AMPERITY_STREAM_ID set: using the \
         bundled mock Amperity server at {}",
        mock.origin()
    );
    let client = StreamClient::builder("acme")
        .base_url(mock.origin())
        .token("mock-stream-token")
        .build()?;
    Ok(StreamConnection {
        client,
        stream_id: "is-AbCDefGH".to_owned(),
        mock: Some(mock),
    })
}
