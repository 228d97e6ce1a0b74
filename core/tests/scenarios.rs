//! The language-neutral scenario table (`tests/scenarios.tsv`): every row against its own
//! in-process mock, over a real socket. The same table runs in the C, Python, Kotlin and Swift
//! harnesses; the format and the procedure are described at the top of the file.

mod common;

use amperity::*;
use common::*;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// The one table from the core's errors to the table's outcome names.
fn outcome_of(error: &Error) -> String {
    let name = match error {
        Error::Api(api) => match api.kind {
            ApiErrorKind::BadRequest => "bad_request",
            ApiErrorKind::Unauthorized => "unauthorized",
            ApiErrorKind::Forbidden => "forbidden",
            ApiErrorKind::NotFound => "not_found",
            ApiErrorKind::Conflict => "conflict",
            ApiErrorKind::RateLimited => "rate_limited",
            ApiErrorKind::ServerError => "server_error",
            _ => "api_other",
        },
        Error::Transport {
            kind: TransportKind::Timeout,
            ..
        } => "timeout",
        Error::Transport { .. } => "transport",
        Error::Decode { .. } => "decode",
        Error::RepeatedCursor { .. } => "repeated_cursor",
        other => return format!("unexpected error: {other}"),
    };
    name.to_owned()
}

const OUTCOMES: &[&str] = &[
    "ok",
    "bad_request",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "rate_limited",
    "server_error",
    "api_other",
    "transport",
    "timeout",
    "decode",
    "repeated_cursor",
];

const CALLS: &[&str] = &[
    "list_segments_first_page",
    "list_segments_walk",
    "get_workflow_run",
    "run_workflow",
    "raw_get",
    "raw_post",
    "raw_post_idempotent",
];

#[derive(Debug)]
struct Scenario {
    line: usize,
    name: String,
    fault: Option<String>,
    call: String,
    settings: BTreeMap<String, String>,
    outcome: String,
    status: Option<u16>,
    requests: usize,
    min_ms: Option<u64>,
    max_ms: Option<u64>,
}

fn dash(value: &str) -> Option<&str> {
    (value != "-").then_some(value)
}

fn table() -> Vec<Scenario> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/scenarios.tsv");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut header: Option<Vec<&str>> = None;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        let Some(columns) = &header else {
            header = Some(cells);
            continue;
        };
        assert_eq!(cells.len(), columns.len(), "line {}: cell count", i + 1);
        let cell = |name: &str| -> &str {
            let at = columns
                .iter()
                .position(|c| *c == name)
                .unwrap_or_else(|| panic!("no column {name}"));
            cells[at]
        };
        let settings = cell("settings")
            .split(',')
            .map(|pair| {
                let (k, v) = pair
                    .split_once('=')
                    .unwrap_or_else(|| panic!("line {}: setting {pair:?}", i + 1));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        rows.push(Scenario {
            line: i + 1,
            name: cell("name").to_owned(),
            fault: dash(cell("fault")).map(str::to_owned),
            call: cell("call").to_owned(),
            settings,
            outcome: cell("outcome").to_owned(),
            status: dash(cell("status")).map(|s| s.parse().expect("status")),
            requests: cell("requests").parse().expect("requests"),
            min_ms: dash(cell("min_ms")).map(|s| s.parse().expect("min_ms")),
            max_ms: dash(cell("max_ms")).map(|s| s.parse().expect("max_ms")),
        });
    }
    rows
}

fn millis(value: &str) -> Duration {
    Duration::from_millis(value.parse().expect("milliseconds"))
}

/// The client a row's settings describe (see the table's header).
fn scenario_client(server: &amperity_mock::MockServer, s: &Scenario) -> Client {
    let mut attempts = None;
    let (mut initial, mut max) = (Duration::from_millis(1), Duration::from_millis(10));
    let mut max_retry_after = None;
    let mut timeout = Duration::from_millis(5000);
    let mut max_bytes = None;
    let mut oauth = false;
    for (key, value) in &s.settings {
        match key.as_str() {
            "attempts" => attempts = Some(value.parse::<u32>().expect("attempts")),
            "backoff_ms" => {
                let (a, b) = value.split_once('-').expect("backoff_ms=A-B");
                (initial, max) = (millis(a), millis(b));
            }
            "timeout_ms" => timeout = millis(value),
            "max_retry_after_ms" => max_retry_after = Some(millis(value)),
            "max_response_bytes" => max_bytes = Some(value.parse::<u64>().expect("bytes")),
            "auth" => {
                oauth = match value.as_str() {
                    "token" => false,
                    "client_credentials" => true,
                    other => panic!("{}: unknown auth {other}", s.name),
                }
            }
            other => panic!("{}: unknown setting {other}", s.name),
        }
    }
    let mut policy = RetryPolicy::new(
        attempts.unwrap_or_else(|| panic!("{}: attempts is required", s.name)),
        initial,
        max,
    );
    if let Some(limit) = max_retry_after {
        policy = policy.with_max_retry_after(limit);
    }
    let mut builder = bare_builder(server)
        .retry_policy(policy)
        .rate_limit(None)
        .connect_timeout(Duration::from_millis(2000))
        .request_timeout(timeout);
    builder = if oauth {
        builder.client_credentials("mock-client", "mock-secret")
    } else {
        builder.token("mock-token")
    };
    if let Some(bytes) = max_bytes {
        builder = builder.max_response_bytes(bytes);
    }
    builder.build().expect("the scenario's client builds")
}

fn raw_post(idempotent: bool) -> RawRequest {
    let mut request = RawRequest::post(
        "/workflow/runs",
        Some(serde_json::json!({"config_id": "cg-scenario"})),
    );
    request.idempotent = idempotent;
    request
}

/// Runs one row; `Err` says what differs.
fn run(s: &Scenario) -> std::result::Result<(), String> {
    let server = server();
    // Setup (before the recorded requests are cleared).
    let workflow_id = if s.call == "get_workflow_run" {
        let setup = client(&server);
        let page = setup
            .list_workflow_runs(WorkflowRunFilter::default(), PageOptions::limit(1))
            .next_page()
            .map_err(|e| format!("setup: {e}"))?
            .ok_or("setup: no workflow run")?;
        page.items[0].id.clone()
    } else {
        String::new()
    };
    server.clear_requests();
    if let Some(spec) = &s.fault {
        fault(&server, spec);
    }
    let client = scenario_client(&server, s);
    let started = Instant::now();
    let result: Result<()> = match s.call.as_str() {
        "list_segments_first_page" => client
            .list_segments(PageOptions::limit(10))
            .next_page()
            .map(drop),
        "list_segments_walk" => {
            let mut pager = client.list_segments(PageOptions::limit(100));
            loop {
                match pager.next_page() {
                    Ok(Some(_)) => continue,
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        }
        "get_workflow_run" => client
            .get_workflow_run(&workflow_id, WorkflowView::Overview)
            .map(drop),
        "run_workflow" => client
            .run_workflow(&WorkflowRunRequest::new("cg-scenario"))
            .map(drop),
        "raw_get" => client.raw(RawRequest::get("/segments")).map(drop),
        "raw_post" => client.raw(raw_post(false)).map(drop),
        "raw_post_idempotent" => client.raw(raw_post(true)).map(drop),
        other => return Err(format!("unknown call {other}")),
    };
    let took = started.elapsed();
    let mut problems = Vec::new();
    let (outcome, status) = match &result {
        Ok(()) => ("ok".to_owned(), None),
        Err(e) => (outcome_of(e), e.status()),
    };
    if outcome != s.outcome {
        let detail = result.as_ref().err().map(ToString::to_string);
        problems.push(format!(
            "outcome {outcome}, expected {} ({detail:?})",
            s.outcome
        ));
    }
    if status != s.status {
        problems.push(format!("status {status:?}, expected {:?}", s.status));
    }
    let sent = server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/api/") && !r.path.starts_with("/api/v0/oauth2/"))
        .count();
    if sent != s.requests {
        problems.push(format!("{sent} requests, expected {}", s.requests));
    }
    if let Some(min) = s.min_ms {
        if took < Duration::from_millis(min) {
            problems.push(format!("took {took:?}, expected at least {min} ms"));
        }
    }
    if let Some(max) = s.max_ms {
        if took > Duration::from_millis(max) {
            problems.push(format!("took {took:?}, expected at most {max} ms"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn the_table_is_well_formed() {
    let rows = table();
    assert!(rows.len() >= 40, "{} rows", rows.len());
    let mut names = HashSet::new();
    for s in &rows {
        let at = format!("tests/scenarios.tsv:{} ({})", s.line, s.name);
        assert!(names.insert(s.name.clone()), "{at}: duplicate name");
        assert!(CALLS.contains(&s.call.as_str()), "{at}: unknown call");
        assert!(
            OUTCOMES.contains(&s.outcome.as_str()),
            "{at}: unknown outcome"
        );
        assert!(s.settings.contains_key("attempts"), "{at}: no attempts");
        if let Some(spec) = &s.fault {
            amperity_mock::FaultRule::parse(spec).unwrap_or_else(|e| panic!("{at}: {e}"));
        }
        let api_error = !matches!(
            s.outcome.as_str(),
            "ok" | "transport" | "timeout" | "decode" | "repeated_cursor"
        );
        assert_eq!(s.status.is_some(), api_error, "{at}: status column");
    }
}

#[test]
fn every_scenario_of_the_table() {
    let rows = table();
    // Two rows at a time (each on its own mock): the table's delays overlap.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let (even, odd): (Vec<_>, Vec<_>) = rows.iter().enumerate().partition(|(i, _)| i % 2 == 0);
        let workers: Vec<_> = [even, odd]
            .into_iter()
            .map(|half| {
                scope.spawn(move || {
                    half.into_iter()
                        .filter_map(|(_, s)| {
                            run(s).err().map(|e| format!("scenario {}: {e}", s.name))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("worker"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
