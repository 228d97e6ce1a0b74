//! Shared set-up for the examples: a client for the tenant named in the environment, or for the
//! bundled mock server when no credentials are given.
//!
//! Environment: `AMPERITY_TENANT` plus either `AMPERITY_TOKEN` or `AMPERITY_CLIENT_ID` and
//! `AMPERITY_CLIENT_SECRET`; optionally `AMPERITY_BASE_URL` (or `AMPERITY_REGION` = `aws`,
//! `azure`, `australia`) and `AMPERITY_API_VERSION`.

use amperity::{Client, Region};
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
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let tenant = env("AMPERITY_TENANT");
    let token = env("AMPERITY_TOKEN");
    let client_credentials = env("AMPERITY_CLIENT_ID").zip(env("AMPERITY_CLIENT_SECRET"));
    if let (Some(tenant), true) = (tenant, token.is_some() || client_credentials.is_some()) {
        let mut builder = Client::builder(tenant);
        builder = match (token, client_credentials) {
            (Some(token), _) => builder.token(token),
            (None, Some((id, secret))) => builder.client_credentials(id, secret),
            (None, None) => unreachable!("checked above"),
        };
        if let Some(url) = env("AMPERITY_BASE_URL") {
            builder = builder.base_url(url);
        } else if let Some(region) = env("AMPERITY_REGION") {
            builder = builder.region(match region.to_ascii_lowercase().as_str() {
                "azure" => Region::Azure,
                "australia" | "au" => Region::Australia,
                _ => Region::Aws,
            });
        }
        if let Some(version) = env("AMPERITY_API_VERSION") {
            builder = builder.api_version(version);
        }
        eprintln!("Using tenant credentials from the environment.");
        return Ok(Connection {
            client: builder.build()?,
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
