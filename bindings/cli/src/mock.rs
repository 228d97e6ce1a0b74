//! `amperity mock`: the bundled mock server, in process, until Ctrl-C.

use crate::exit::{CliError, CliResult};
use crate::interrupt;
use amperity_mock::{FaultRule, MockConfig, MockServer};
use clap::ArgMatches;
use std::io::Write;
use std::time::Duration;

/// Starts the mock, prints its origin on stdout (the first line) and a hint on stderr, and
/// serves until Ctrl-C.
pub fn mock(leaf: &ArgMatches) -> CliResult {
    let mut config = MockConfig::default();
    if let Some(port) = leaf.get_one::<u16>("port") {
        config.port = *port;
    }
    if let Some(seed) = leaf.get_one::<u64>("seed") {
        config.seed = *seed;
    }
    if let Some(segments) = leaf.get_one::<usize>("segments") {
        config.segments = *segments;
    }
    if let Some(ms) = leaf.get_one::<u64>("run-step-ms") {
        config.run_step = Duration::from_millis(*ms);
    }
    if let Some(ms) = leaf.get_one::<u64>("latency-ms") {
        config.latency = Duration::from_millis(*ms);
    }
    if leaf.get_flag("no-stream-rate-limit") {
        config.stream_rate_limit = None;
    }
    for spec in leaf.get_many::<String>("fault").into_iter().flatten() {
        let rule = FaultRule::parse(spec)
            .map_err(|e| CliError::usage(format!("--fault {spec:?}: {e}")))?;
        config.faults.push(rule);
    }
    let tenant = config.tenant.clone();
    let server = MockServer::start(config)
        .map_err(|e| CliError::usage(format!("the mock server could not start: {e}")))?;
    let origin = server.origin();
    let mut out = std::io::stdout().lock();
    writeln!(out, "{origin}")?;
    out.flush()?;
    drop(out);
    eprintln!(
        "mock Amperity API for tenant {tenant} on {origin} (Ctrl-C stops it). Its well-known test credentials:\n  \
         export AMPERITY_TENANT={tenant} AMPERITY_BASE_URL={} AMPERITY_TOKEN=mock-token\n  \
         export AMPERITY_STREAM_BASE_URL={origin} AMPERITY_STREAM_TOKEN=mock-stream-token\n  \
         amperity segments list --limit 5",
        server.base_url()
    );
    interrupt::wait();
    server.shutdown();
    Ok(())
}
