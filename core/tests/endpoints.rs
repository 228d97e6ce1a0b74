//! Every endpoint against the mock, and the headers every request carries.

mod common;

use amperity::*;
use common::*;
use std::collections::HashSet;
use std::time::Duration;

#[test]
fn list_segments_walks_every_page_with_limit_and_headers() {
    let server = server();
    let client = client(&server);
    let mut pages = 0;
    let mut ids = HashSet::new();
    let mut without_status = 0;
    for page in client.list_segments(PageOptions::limit(100)).pages() {
        let page = page.unwrap();
        assert!(page.items.len() <= 100);
        pages += 1;
        for segment in page.items {
            assert!(segment.id.starts_with("seg-"), "{}", segment.id);
            without_status += usize::from(segment.status.is_none());
            assert!(ids.insert(segment.id));
        }
    }
    assert_eq!((pages, ids.len()), (3, 250));
    assert!(
        without_status > 0,
        "the mock omits status on some segments; they must still decode"
    );

    let requests = requests_to(&server, "/api/segments");
    assert_eq!(requests.len(), 3);
    let first = &requests[0];
    assert_eq!(first.method, "GET");
    assert_eq!(header(first, "authorization"), Some("Bearer ***"));
    assert_eq!(header(first, "amperity-tenant"), Some("acme"));
    assert_eq!(header(first, "api-version"), Some("2024-04-01"));
    assert_eq!(header(first, "accept"), Some("application/json"));
    let ua = header(first, "user-agent").unwrap();
    assert!(
        ua.starts_with(&format!("amperity-rust/{}", amperity::VERSION)),
        "{ua}"
    );
    assert_eq!(query_param(first, "limit").as_deref(), Some("100"));
    assert_eq!(query_param(first, "next_token"), None);
    assert!(query_param(&requests[1], "next_token").is_some());
}

#[test]
fn fields_the_sdk_does_not_model_are_kept_in_extra() {
    let server = server();
    let client = client(&server);
    let segments: Vec<_> = client
        .list_segments(PageOptions::limit(50))
        .items()
        .take(50)
        .collect::<Result<_, _>>()
        .unwrap();
    // The mock gives every 25th segment a `created_by` object the model does not have.
    for (index, segment) in segments.iter().enumerate() {
        if index % 25 == 24 {
            assert_eq!(
                segment.extra.get("created_by"),
                Some(&serde_json::json!({"kind": "api-key", "id": format!("ak-{:05}", index + 1)})),
                "{segment:?}"
            );
            assert_eq!(segment.extra.len(), 1);
        } else {
            assert!(segment.extra.is_empty(), "{segment:?}");
        }
    }
    // Serialised again (the JSON other languages read), the field is where it was.
    let text = serde_json::to_value(&segments[24]).unwrap();
    assert_eq!(text["created_by"]["kind"], "api-key");
    assert!(text.get("extra").is_none());
}

#[test]
fn campaigns_and_filters() {
    let server = server();
    let client = client(&server);
    let all: Vec<Campaign> = client
        .list_campaigns(CampaignFilter::default(), PageOptions::limit(7))
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(all.len(), 30);
    assert!(all.iter().any(|c| c.deliver_at.is_some()));
    let template = amperity_mock::DATA_TEMPLATE_IDS[0];
    let filter = CampaignFilter {
        destination_data_template_id: Some(template.to_owned()),
    };
    let filtered: Vec<Campaign> = client
        .list_campaigns(filter, PageOptions::default())
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert!(!filtered.is_empty() && filtered.len() < all.len());
    let sent = requests_to(&server, "/api/campaigns");
    assert_eq!(
        query_param(sent.last().unwrap(), "destination_data_template_id").as_deref(),
        Some(template)
    );
}

#[test]
fn campaign_drafts_need_the_unstable_api_version() {
    let server = server();
    let stable = client(&server);
    let err = stable
        .list_campaign_drafts(CampaignFilter::default(), PageOptions::default())
        .next_page()
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let unstable = builder(&server).api_version("unstable").build().unwrap();
    let drafts: Vec<CampaignDraft> = unstable
        .list_campaign_drafts(CampaignFilter::default(), PageOptions::limit(5))
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(drafts.len(), 12);
    let last = server.requests().pop().unwrap();
    assert_eq!(header(&last, "api-version"), Some("unstable"));
}

#[test]
fn audit_events_honour_the_time_window() {
    let server = server();
    let client = client(&server);
    let all: Vec<AuditEvent> = client
        .list_audit_events(AuditEventFilter::default(), PageOptions::limit(1000))
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(all.len(), 300);
    let now = Timestamp::now();
    let from = Timestamp::from_unix(now.unix_seconds() - 86_400, 0);
    let filter = AuditEventFilter {
        happened_from: Some(from),
        happened_to: Some(now),
    };
    let last_day: Vec<AuditEvent> = client
        .list_audit_events(filter, PageOptions::limit(50))
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert!(!last_day.is_empty() && last_day.len() < all.len());
    assert!(last_day
        .iter()
        .all(|e| e.happened_at >= from && e.happened_at < now));
    let sent = requests_to(&server, "/api/audit-events");
    let q = query_param(sent.last().unwrap(), "happened_from").unwrap();
    assert!(q.ends_with('Z') && q.contains("T"), "{q}");
}

#[test]
fn workflow_runs_list_with_filters() {
    let server = server();
    let client = client(&server);
    let all: Vec<Workflow> = client
        .list_workflow_runs(
            WorkflowRunFilter::default(),
            PageOptions::limit(25).with_total(),
        )
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(all.len(), 60);
    let failed = WorkflowRunFilter {
        state: Some("failed".into()),
        ..Default::default()
    };
    let runs: Vec<Workflow> = client
        .list_workflow_runs(failed, PageOptions::default())
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert!(!runs.is_empty());
    assert!(runs.iter().all(|w| w.state == RunState::Failed));
    let states: HashSet<String> = all.iter().map(|w| w.state.to_string()).collect();
    assert!(states.len() >= 4, "{states:?}");
}

#[test]
fn ingest_jobs_list_and_get() {
    let server = server();
    let client = client(&server);
    let now = Timestamp::now();
    let week_ago = Timestamp::from_unix(now.unix_seconds() - 7 * 86_400, 0);
    let mut query = IngestJobQuery::new(week_ago, Timestamp::from_unix(now.unix_seconds() + 60, 0));
    query.with_total = true;
    let jobs = client.list_ingest_jobs(query).unwrap();
    assert_eq!(jobs.items.len(), 20);
    assert_eq!(jobs.total, Some(20));
    let job = &jobs.items[0];
    assert!(job.id.starts_with("isj-"));
    assert!(!job.tables.is_empty() && !job.tables[0].files.is_empty());
    let fetched = client.get_ingest_job(&job.id).unwrap();
    assert_eq!(&fetched, job);
    let missing = client.get_ingest_job("isj-does-not-exist").unwrap_err();
    let api = missing.as_api().unwrap();
    assert_eq!((api.status, api.kind), (404, ApiErrorKind::NotFound));
    assert!(api.request_id.is_some() && api.trace_id.is_some());
    assert_eq!(api.operation, "get-ingest-job");
    let bad = client
        .list_ingest_jobs(IngestJobQuery::new(now, week_ago))
        .unwrap_err();
    assert!(matches!(bad, Error::InvalidArgument { .. }));
}

#[test]
fn run_get_stop_and_wait_for_workflow_runs() {
    let server = server();
    let client = client(&server);
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-123").run_mode(RunMode::Refresh))
        .unwrap();
    assert!(run.id.starts_with("wf-"));
    assert_eq!(run.state, RunState::Scheduled);
    let post = requests_to(&server, "/api/workflow/runs").pop().unwrap();
    assert_eq!(post.method, "POST");
    assert_eq!(header(&post, "content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_str(&post.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"config_id": "cg-123", "run_mode": "refresh"})
    );

    let overview = client
        .get_workflow_run(&run.id, WorkflowView::Overview)
        .unwrap();
    assert_eq!(overview.id, run.id);
    let options = WaitOptions {
        poll_interval: Duration::from_millis(20),
        timeout: Duration::from_secs(20),
        ..WaitOptions::default()
    };
    let done = client.wait_for_workflow_run(&run.id, &options).unwrap();
    assert_eq!(done.state, RunState::Succeeded);
    assert!(done.ended_at.is_some());
    let conflict = client.stop_workflow_run(&run.id).unwrap_err();
    assert_eq!(conflict.as_api().unwrap().kind, ApiErrorKind::Conflict);

    let failing = client
        .run_workflow(&WorkflowRunRequest::new("cg-fail-1"))
        .unwrap();
    let failed = client.wait_for_workflow_run(&failing.id, &options).unwrap();
    assert_eq!(failed.state, RunState::Failed);
    let error = failed.error.expect("failed runs carry an error");
    assert!(!error.message.is_empty());
    assert!(error.data.is_some());

    let to_stop = client
        .run_workflow(&WorkflowRunRequest::new("cg-9"))
        .unwrap();
    let stopped = client.stop_workflow_run(&to_stop.id).unwrap();
    assert_eq!(stopped.state, RunState::Canceled);
    assert!(stopped.is_finished());

    let slow = client
        .run_workflow(&WorkflowRunRequest::new("cg-10"))
        .unwrap();
    let short = WaitOptions {
        poll_interval: Duration::from_millis(5),
        timeout: Duration::from_millis(30),
        ..WaitOptions::default()
    };
    match client.wait_for_workflow_run(&slow.id, &short).unwrap_err() {
        Error::WaitTimeout {
            workflow_id,
            last_state,
            last_workflow,
            ..
        } => {
            assert_eq!(workflow_id, slow.id);
            assert_eq!(last_workflow.id, slow.id);
            assert_eq!(last_workflow.state.as_str(), last_state);
        }
        other => panic!("expected WaitTimeout, got {other:?}"),
    }
}

#[test]
fn a_wait_reports_progress_and_can_fail_on_an_unsuccessful_end() {
    // Steps long enough that the first poll lands before the run ends, even under emulation
    // (tests/platforms.sh runs this suite under qemu-aarch64 and wine) on a loaded machine.
    let server = server_with(|c| c.run_step = Duration::from_millis(300));
    let client = client(&server);
    let fast = WaitOptions {
        poll_interval: Duration::from_millis(10),
        ..WaitOptions::default()
    };
    // Progress: the first poll, then every change of state or finished tasks, ending finished.
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-progress"))
        .unwrap();
    let mut seen = Vec::new();
    let done = client
        .wait_for_workflow_run_with_progress(&run.id, &fast, |p| {
            seen.push((p.workflow.state.clone(), p.tasks_finished, p.tasks_total));
            true
        })
        .unwrap();
    assert!(done.is_finished());
    assert!(seen.len() >= 2, "{seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] != w[1]),
        "only changes are reported: {seen:?}"
    );
    let (last_state, finished, total) = seen.last().unwrap().clone();
    assert_eq!(last_state, done.state);
    assert!(total >= 1 && finished == total, "{seen:?}");

    // A callback returning false ends the wait (the run goes on).
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-stop-watching"))
        .unwrap();
    let stopped = client.wait_for_workflow_run_with_progress(&run.id, &fast, |_| false);
    assert!(
        matches!(stopped, Err(Error::Cancelled { .. })),
        "{stopped:?}"
    );

    // fail_on_unsuccessful: a failed run is an error carrying the run and its error.
    let failing = client
        .run_workflow(&WorkflowRunRequest::new("cg-fail-example"))
        .unwrap();
    let strict = WaitOptions {
        fail_on_unsuccessful: true,
        ..fast.clone()
    };
    match client
        .wait_for_workflow_run(&failing.id, &strict)
        .unwrap_err()
    {
        Error::RunFailed { workflow } => {
            assert_eq!(workflow.state, RunState::Failed);
            let error = workflow
                .error
                .as_ref()
                .expect("the failed run has its error");
            let message = Error::RunFailed {
                workflow: workflow.clone(),
            }
            .to_string();
            assert!(message.contains("ended failed"), "{message}");
            assert!(message.contains(&error.message), "{message}");
        }
        other => panic!("expected RunFailed, got {other:?}"),
    }
    // Without it, the failed run is returned.
    let failing = client
        .run_workflow(&WorkflowRunRequest::new("cg-fail-example"))
        .unwrap();
    assert_eq!(
        client
            .wait_for_workflow_run(&failing.id, &fast)
            .unwrap()
            .state,
        RunState::Failed
    );
}

#[test]
fn verbose_view_has_task_instances() {
    let server = server();
    let client = client(&server);
    let first = client
        .list_workflow_runs(WorkflowRunFilter::default(), PageOptions::limit(60))
        .next_page()
        .unwrap()
        .unwrap();
    let id = &first
        .items
        .iter()
        .find(|w| w.state == RunState::Failed)
        .unwrap()
        .id;
    let verbose = client.get_workflow_run(id, WorkflowView::Verbose).unwrap();
    assert!(!verbose.task_instances.is_empty());
    assert!(verbose.error.is_some());
    let sent = requests_to(&server, &format!("/api/workflow/runs/{id}"))
        .pop()
        .unwrap();
    assert_eq!(query_param(&sent, "view").as_deref(), Some("verbose"));
}

#[test]
fn run_request_arguments_are_checked_before_sending() {
    let server = server();
    let client = client(&server);
    let to = Timestamp::parse("2026-04-10").unwrap();
    let bad = WorkflowRunRequest {
        range_to: Some(to),
        ..WorkflowRunRequest::new("cg-1")
    };
    assert!(matches!(
        client.run_workflow(&bad),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.run_workflow(&WorkflowRunRequest::new(" ")),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(matches!(
        client.get_workflow_run("", WorkflowView::Overview),
        Err(Error::InvalidArgument { .. })
    ));
    assert!(server.requests().is_empty());
    let ranged =
        WorkflowRunRequest::new("cg-1").range(Timestamp::parse("2026-04-09").unwrap(), Some(to));
    client.run_workflow(&ranged).unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&server.requests().pop().unwrap().body).unwrap();
    assert_eq!(body["range_from"], "2026-04-09T00:00:00Z");
    assert!(
        body.get("run_mode").is_none(),
        "run_mode is omitted unless set"
    );
}

#[test]
fn path_parameters_are_percent_encoded() {
    let server = server();
    let client = client(&server);
    let err = client
        .get_workflow_run("wf-1/../../segments", WorkflowView::Overview)
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    let sent = server.requests().pop().unwrap();
    assert!(!sent.path.ends_with("/segments"), "{}", sent.path);
}

#[test]
fn raw_escape_hatch() {
    let server = server();
    let client = client(&server);
    let response = client
        .raw(RawRequest::get("/segments").query("limit", "3"))
        .unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.body["data"].as_array().unwrap().len(), 3);
    let created = client
        .raw(RawRequest::post(
            "/workflow/runs",
            Some(serde_json::json!({"config_id": "og-1"})),
        ))
        .unwrap();
    assert_eq!(created.status, 201);
    assert!(created.body["id"].as_str().unwrap().starts_with("wf-"));
    let walked: Vec<serde_json::Value> = client
        .raw_pages(RawRequest::get("/campaigns"), PageOptions::limit(4))
        .items()
        .collect::<Result<_>>()
        .unwrap();
    assert_eq!(walked.len(), 30);
    let err = client
        .raw(RawRequest::get("/segments?limit=1"))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));
    let err = client
        .raw_pages(RawRequest::get("../x"), PageOptions::default())
        .next_page()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { .. }));
}

#[test]
fn deprecation_headers_are_surfaced() {
    let server = server();
    let client = client(&server);
    fault(&server, "path=/api/segments,deprecation");
    client
        .list_segments(PageOptions::limit(1))
        .next_page()
        .unwrap();
    let notices = client.deprecation_notices();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].operation, "list-segment");
    assert_eq!(
        notices[0].deprecation.as_deref(),
        Some(amperity_mock::DEFAULT_DEPRECATION)
    );
    assert_eq!(
        notices[0].sunset.as_deref(),
        Some(amperity_mock::DEFAULT_SUNSET)
    );
}

#[test]
fn tls_with_an_extra_root_certificate() {
    let server = server_with(|c| c.tls = true);
    let pem = server.ca_cert_pem().unwrap();
    assert!(server.base_url().starts_with("https://"));
    let trusted = builder(&server)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    assert_eq!(
        trusted
            .list_segments(PageOptions::limit(10))
            .next_page()
            .unwrap()
            .unwrap()
            .items
            .len(),
        10
    );
    let untrusted = builder(&server)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    match untrusted
        .list_segments(PageOptions::limit(10))
        .next_page()
        .unwrap_err()
    {
        Error::Transport { kind, .. } => assert_eq!(kind, TransportKind::Tls),
        other => panic!("expected a TLS error, got {other:?}"),
    }
    let bad = builder(&server)
        .add_root_certificate_pem("not a pem")
        .build()
        .unwrap_err();
    assert!(matches!(bad, Error::Config { .. }));
}

#[test]
fn a_wait_outlasts_a_few_missed_polls_but_not_a_broken_endpoint() {
    // Found by the soak (tests/soak.sh): one poll whose body came back cut ended the whole wait.
    let server = server();
    let client = client(&server);
    let options = WaitOptions {
        poll_interval: Duration::from_millis(10),
        timeout: Duration::from_secs(20),
        ..WaitOptions::default()
    };
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-missed"))
        .unwrap();
    let path = format!("/api/workflow/runs/{}", run.id);
    fault(&server, &format!("path={path},truncated_json,count=2"));
    fault(&server, &format!("path={path},status=503,count=1"));
    let done = client.wait_for_workflow_run(&run.id, &options).unwrap();
    assert_eq!(done.state, RunState::Succeeded);

    // Every poll failing: the error after MAX_MISSED_POLLS missed polls, not a hang.
    let run = client
        .run_workflow(&WorkflowRunRequest::new("cg-broken"))
        .unwrap();
    fault(
        &server,
        &format!("path=/api/workflow/runs/{},truncated_json,count=0", run.id),
    );
    let before = requests_to(&server, &format!("/api/workflow/runs/{}", run.id)).len();
    let err = client.wait_for_workflow_run(&run.id, &options).unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    let polls = requests_to(&server, &format!("/api/workflow/runs/{}", run.id)).len() - before;
    assert_eq!(polls, MAX_MISSED_POLLS as usize + 1);

    // A refusal that no poll will change (404) still ends the wait at once.
    let err = client
        .wait_for_workflow_run("wf-20240101-1-nope", &options)
        .unwrap_err();
    assert_eq!(err.as_api().unwrap().status, 404);
}
