//! Every command against the mock, in every output format.

mod common;

use common::Fixture;

/// Every list operation: its arguments and a field each record has.
fn lists() -> Vec<(Vec<String>, &'static str)> {
    let owned = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    vec![
        (owned(&["segments", "list"]), "id"),
        (owned(&["campaigns", "list"]), "id"),
        (
            owned(&["--api-version", "unstable", "campaign-drafts", "list"]),
            "id",
        ),
        (
            owned(&[
                "audit-events",
                "list",
                "--from",
                "2000-01-01",
                "--to",
                "2100-01-01",
            ]),
            "event_type",
        ),
        (owned(&["ingest-jobs", "list"]), "workflow_id"),
        (
            owned(&["workflow", "runs", "list", "--state", "succeeded"]),
            "state",
        ),
        (owned(&["indexes", "list"]), "name"),
        (
            owned(&["profiles", "list", amperity_mock::CUSTOMERS_INDEX_ID]),
            "attributes",
        ),
        (owned(&["raw-list", "/segments"]), "name"),
    ]
}

#[test]
fn every_list_in_every_format() {
    let f = Fixture::new();
    for (args, field) in lists() {
        let with = |extra: &[&str]| {
            let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
            all.extend_from_slice(extra);
            f.run(&all).ok()
        };
        let json = with(&["--limit", "3", "-o", "json"]).json();
        let records = json.as_array().expect("a JSON array");
        assert!(
            !records.is_empty() && records.len() <= 3,
            "{args:?}: {json}"
        );
        assert!(
            records.iter().all(|r| r.get(field).is_some()),
            "{args:?}: {json}"
        );
        let ndjson = with(&["--limit", "3", "-o", "ndjson"]).ndjson();
        assert_eq!(ndjson, *records, "{args:?}");
        let csv = with(&["--limit", "3", "-o", "csv"]).stdout;
        assert_eq!(csv.lines().count(), records.len() + 1, "{args:?}: {csv}");
        let table = with(&["--limit", "3", "-o", "table"]).stdout;
        let header = table.lines().next().unwrap_or_default();
        assert!(
            header.chars().all(|c| !c.is_lowercase()),
            "{args:?}: {table}"
        );
        assert_eq!(
            table.lines().count(),
            records.len() + 1,
            "{args:?}: {table}"
        );
    }
}

#[test]
fn lists_walk_every_page_and_limit_stops_early() {
    let f = Fixture::new();
    let all = f
        .run(&["segments", "list", "--page-size", "40", "-o", "json"])
        .ok()
        .json();
    assert_eq!(all.as_array().unwrap().len(), 250);
    let requests = |f: &Fixture| {
        f.server
            .requests()
            .iter()
            .filter(|r| r.path == "/api/segments")
            .count()
    };
    assert_eq!(requests(&f), 7, "250 records in pages of 40");

    f.server.clear_requests();
    let first = f
        .run(&["segments", "list", "--limit", "50", "-o", "ndjson"])
        .ok();
    assert_eq!(first.ndjson().len(), 50);
    assert_eq!(requests(&f), 1, "--limit 50 asks for one page of 50");
    let cursor = first
        .stderr
        .split("--cursor ")
        .nth(1)
        .expect("a cursor to continue")
        .trim();
    let next = f
        .run(&[
            "segments", "list", "--limit", "50", "--cursor", cursor, "-o", "ndjson",
        ])
        .ok();
    let (a, b) = (first.ndjson(), next.ndjson());
    assert_eq!(b.len(), 50);
    assert_eq!(b[0], all[50], "the walk continues where it stopped");
    assert!(a.iter().all(|r| !b.contains(r)));

    let csv = f
        .run(&["segments", "list", "--limit", "2", "-o", "csv"])
        .ok()
        .stdout;
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,name,status"));
    assert!(lines.next().unwrap().starts_with("seg-"));
}

#[test]
fn with_total_off_a_terminal_prints_no_bar() {
    let f = Fixture::new();
    let run = f
        .run(&[
            "segments",
            "list",
            "--with-total",
            "--page-size",
            "100",
            "-o",
            "ndjson",
        ])
        .ok();
    assert_eq!(run.ndjson().len(), 250);
    assert!(!run.stderr.contains('\u{1b}'), "{}", run.stderr);
}

#[test]
fn every_get_in_every_format() {
    let f = Fixture::new();
    let job = f
        .run(&["ingest-jobs", "list", "--limit", "1", "-o", "ndjson"])
        .ok()
        .ndjson()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let run = f
        .run(&["workflow", "runs", "list", "--limit", "1", "-o", "ndjson"])
        .ok()
        .ndjson()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let index = amperity_mock::CUSTOMERS_INDEX_ID;
    let profile = f
        .run(&["profiles", "list", index, "--limit", "1", "-o", "ndjson"])
        .ok()
        .ndjson()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let gets: Vec<(Vec<&str>, &str)> = vec![
        (vec!["ingest-jobs", "get", &job], &job),
        (vec!["workflow", "runs", "get", &run], &run),
        (vec!["workflow", "runs", "get", &run, "--overview"], &run),
        (vec!["indexes", "get", index], index),
        (vec!["profiles", "get", index, &profile], &profile),
    ];
    for (args, id) in gets {
        let with = |format: &str| {
            let mut all = args.clone();
            all.extend_from_slice(&["-o", format]);
            f.run(&all).ok()
        };
        let json = with("json").json();
        assert_eq!(json["id"], id, "{args:?}");
        assert_eq!(with("ndjson").ndjson(), vec![json.clone()], "{args:?}");
        let csv = with("csv").stdout;
        assert!(csv.starts_with("id,"), "{args:?}: {csv}");
        assert_eq!(csv.lines().count(), 2, "{args:?}");
        let table = with("table").stdout;
        assert!(
            table.lines().next().unwrap().starts_with("id") && table.contains(id),
            "{args:?}: {table}"
        );
    }
}

#[test]
fn workflow_run_wait_stop_and_exit_status() {
    let f = Fixture::new();
    let started = f
        .run(&["workflow", "runs", "run", "cg-123", "-o", "json"])
        .ok()
        .json();
    let id = started["id"].as_str().unwrap();
    let stopped = f
        .run(&["workflow", "runs", "stop", id, "-o", "json"])
        .ok()
        .json();
    assert_eq!(stopped["id"], started["id"]);

    let done = f
        .run(&[
            "workflow",
            "runs",
            "run",
            "cg-123",
            "--wait",
            "--poll-interval",
            "0.02",
            "-o",
            "json",
        ])
        .ok();
    assert_eq!(done.json()["state"], "succeeded");
    // Not a terminal: one plain line per change, no escape sequences.
    assert!(
        done.stderr.contains("tasks") && done.stderr.contains("succeeded"),
        "{}",
        done.stderr
    );
    assert!(!done.stderr.contains('\u{1b}'));

    let failed = f
        .run(&[
            "workflow",
            "runs",
            "run",
            "cg-fail-1",
            "--wait",
            "--poll-interval",
            "0.02",
            "-o",
            "json",
        ])
        .code(9);
    assert_eq!(failed.json()["state"], "failed", "the run is printed");
    assert!(
        failed.stderr.contains("amperity: run failed: workflow run"),
        "{}",
        failed.stderr
    );
}

#[test]
fn raw_get_and_post() {
    let f = Fixture::new();
    let got = f
        .run(&[
            "raw",
            "GET",
            "/segments",
            "--query",
            "limit=2",
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert_eq!(got["status"], 200);
    assert_eq!(got["body"]["data"].as_array().unwrap().len(), 2);
    let posted = f
        .run(&[
            "raw",
            "post",
            "/workflow/runs",
            "--body",
            r#"{"config_id": "cg-9"}"#,
            "-o",
            "json",
        ])
        .ok()
        .json();
    assert!(posted["body"]["id"].as_str().unwrap().starts_with("wf-"));
    let bad = f
        .run(&["raw", "POST", "/workflow/runs", "--body", "{nope"])
        .code(2);
    assert!(bad.stderr.contains("--body is not JSON"), "{}", bad.stderr);
}

#[test]
fn completions_for_bash_zsh_and_fish() {
    let f = Fixture::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = f.run(&["completions", shell]).ok().stdout;
        assert!(
            script.contains("segments") && script.contains("audit-events"),
            "{shell}"
        );
    }
}

#[test]
fn help_documents_exit_statuses_and_an_example_per_command() {
    let f = Fixture::new();
    let help = f.run(&["--help"]).ok().stdout;
    for needle in [
        "Exit status:",
        "130",
        "not found",
        "AMPERITY_PROFILE",
        "--token-stdin",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
    let commands: &[&[&str]] = &[
        &["segments", "list"],
        &["campaigns", "list"],
        &["audit-events", "list"],
        &["ingest-jobs", "get"],
        &["workflow", "runs", "run"],
        &["profiles", "list"],
        &["raw"],
        &["stream", "send"],
        &["mock"],
        &["config", "show"],
        &["completions"],
    ];
    for command in commands {
        let mut args = command.to_vec();
        args.push("--help");
        let help = f.run(&args).ok().stdout;
        assert!(help.contains("Example"), "{command:?}: {help}");
        assert!(
            help.contains(&format!("amperity {}", command.join(" "))),
            "{command:?}"
        );
    }
    let version = f.run(&["--version"]).ok().stdout;
    assert!(version.starts_with("amperity "), "{version}");
}

#[test]
fn mock_command_serves_until_ctrl_c() {
    use std::io::BufRead;
    let f = Fixture::new();
    let mut child = f
        .bare()
        .args(["mock", "--segments", "30"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut origin = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut origin)
        .unwrap();
    let origin = origin.trim();
    assert!(origin.starts_with("http://127.0.0.1:"), "{origin}");
    let listed = common::Run::of(
        f.bare()
            .env("AMPERITY_TENANT", "acme")
            .env("AMPERITY_BASE_URL", format!("{origin}/api"))
            .env("AMPERITY_TOKEN", "mock-token")
            .args(["segments", "list", "-o", "ndjson"])
            .output()
            .unwrap(),
    )
    .ok();
    assert_eq!(listed.ndjson().len(), 30);
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "Ctrl-C is how the mock stops");
}
