//! Shared set-up for the examples: a client for the tenant named in the environment, or for the
//! bundled mock server when no credentials are given.
//!
//! Environment ([`EnvSettings`]): `AMPERITY_TENANT` plus either `AMPERITY_TOKEN` or
//! `AMPERITY_CLIENT_ID` and `AMPERITY_CLIENT_SECRET`; optionally `AMPERITY_TOKEN_URL`,
//! `AMPERITY_REGION` (`aws`, `azure`, `australia`), `AMPERITY_BASE_URL` and
//! `AMPERITY_API_VERSION`.

use amperity::{Client, EnvSettings};
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
