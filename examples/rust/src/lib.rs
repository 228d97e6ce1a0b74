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

/// The variables that name a tenant's credentials: when any of them is set, the examples use the
/// tenant (and refuse a half-set configuration); only when none is set do they use the mock.
pub const CREDENTIAL_VARIABLES: [&str; 4] = [
    "AMPERITY_TENANT",
    "AMPERITY_TOKEN",
    "AMPERITY_CLIENT_ID",
    "AMPERITY_CLIENT_SECRET",
];

/// Connects to the tenant in the environment, or starts the bundled mock server when none of
/// [`CREDENTIAL_VARIABLES`] is set. Credentials half-set (a tenant without a token, a client id
/// without its secret, a token without a tenant) are an error naming what is missing.
pub fn connect() -> Result<Connection, Box<dyn std::error::Error>> {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    if CREDENTIAL_VARIABLES.iter().any(|name| set(name)) {
        // The core reads the variables (the same set as every language's `from_env`) and
        // refuses a half-set configuration with a message that names the missing part.
        let client = EnvSettings::from_env()?.into_builder().build()?;
        eprintln!("Using tenant credentials from the environment.");
        return Ok(Connection { client, mock: None });
    }
    let mock = MockServer::start(MockConfig {
        segments: 1_000,
        workflows: 120,
        run_step: Duration::from_millis(300),
        ..MockConfig::default()
    })?;
    eprintln!(
        "None of AMPERITY_TENANT, AMPERITY_TOKEN, AMPERITY_CLIENT_ID, AMPERITY_CLIENT_SECRET is \
         set: using the bundled mock Amperity server at {}",
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

/// The exit of an example: success, or the error's text (and the text of its causes) on stderr
/// with exit code 1, never a `Debug` dump.
pub fn report(result: Result<(), Box<dyn std::error::Error>>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            let mut source = error.source();
            while let Some(cause) = source {
                eprintln!("  caused by: {cause}");
                source = cause.source();
            }
            std::process::ExitCode::FAILURE
        }
    }
}
