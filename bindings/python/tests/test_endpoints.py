"""Every endpoint against the mock: typed results, datetimes, filters, workflows, ingest, raw."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import time

import pytest

import amperity

UTC = dt.timezone.utc


def now() -> dt.datetime:
    return dt.datetime.now(UTC)


def test_fields_the_sdk_does_not_model_are_kept(client: amperity.Client) -> None:
    # The mock gives every 25th segment a `created_by` object the model does not have.
    segments = list(itertools.islice(client.segments.list(limit=50), 50))
    assert segments[24].extra == {"created_by": {"kind": "api-key", "id": "ak-00025"}}
    assert segments[24].raw["created_by"]["id"] == "ak-00025"
    assert segments[24].raw["id"] == segments[24].id
    assert all(s.extra == {} for i, s in enumerate(segments) if i % 25 != 24)
    assert "extra" in segments[24].to_dict() and "_json" not in repr(segments[24])
    built = amperity.Segment(id="seg-1", name="n", extra={"new": 1})
    assert built.extra == {"new": 1} and built.status is None


def test_campaigns(client: amperity.Client) -> None:
    campaigns = list(client.campaigns.list(limit=100))
    assert len(campaigns) == 250
    assert all(isinstance(c, amperity.Campaign) and c.id.startswith("cc-") for c in campaigns)
    times = [c.deliver_at for c in campaigns if c.deliver_at is not None]
    assert times and all(t.tzinfo is not None and t.utcoffset() == dt.timedelta(0) for t in times)


def test_campaign_filter(client: amperity.Client, mock) -> None:
    filtered = list(client.campaigns.list(destination_data_template_id="ptg-2QLLqXBEq"))
    assert 0 < len(filtered) < 250
    assert "destination_data_template_id=ptg-2QLLqXBEq" in mock.requests("/api/campaigns")[0]["query"]


def test_campaign_drafts_need_unstable(client: amperity.Client, mock) -> None:
    with pytest.raises(amperity.BadRequestError, match="unstable"):
        list(client.campaign_drafts.list())
    with mock.client(api_version="unstable") as c:
        drafts = list(c.campaign_drafts.list(limit=10))
    assert len(drafts) == 40 and isinstance(drafts[0], amperity.CampaignDraft)


def test_audit_events_of_the_last_day(client: amperity.Client, mock) -> None:
    start, end = now() - dt.timedelta(days=1), now()
    events = list(client.audit_events.list(limit=200, happened_from=start, happened_to=end))
    assert events
    for e in events:
        assert isinstance(e, amperity.AuditEvent)
        assert start <= e.happened_at < end + dt.timedelta(seconds=1)
        assert e.event_type.startswith(":") and e.tenant
    everything = list(client.audit_events.list(limit=1000))
    assert len(everything) == 5000 > len(events)
    query = mock.requests("/api/audit-events")[0]["query"]
    assert "happened_from=" in query and "happened_to=" in query


def test_naive_datetimes_are_utc(client: amperity.Client) -> None:
    aware = now() - dt.timedelta(hours=6)
    naive = aware.replace(tzinfo=None)
    a = [e.event_id for e in client.audit_events.list(happened_from=aware)]
    b = [e.event_id for e in client.audit_events.list(happened_from=naive)]
    assert a == b and a


def test_workflow_runs_list_and_filter(client: amperity.Client) -> None:
    runs = list(client.workflow_runs.list(limit=100))
    assert len(runs) == 500
    assert all(isinstance(r, amperity.Workflow) and r.created_at.tzinfo for r in runs)
    succeeded = list(client.workflow_runs.list(state=amperity.RunState.SUCCEEDED))
    assert succeeded and all(r.state == "succeeded" and r.is_finished for r in succeeded)
    sends = list(client.workflow_runs.list(workflow_type="campaign.send"))
    assert sends and all(r.workflow_type == "campaign.send" for r in sends)
    window = list(client.workflow_runs.list(created_from=now() - dt.timedelta(days=1)))
    assert all(r.created_at >= now() - dt.timedelta(days=1, seconds=5) for r in window)


def test_get_workflow_run_views(client: amperity.Client) -> None:
    run_id = next(iter(client.workflow_runs.list(state="succeeded"))).id
    overview = client.workflow_runs.get(run_id)
    verbose = client.workflow_runs.get(run_id, verbose=True)
    assert overview.id == verbose.id == run_id
    assert overview.task_instances == [] and overview.principal_id is None
    assert verbose.task_instances and verbose.principal_id
    task = verbose.task_instances[0]
    assert isinstance(task, amperity.WorkflowTaskInstance) and task.state


def test_run_and_wait_succeeds(client: amperity.Client) -> None:
    run = client.workflow_runs.run(
        "cg-123", range_from=now() - dt.timedelta(days=1), run_mode="refresh"
    )
    assert run.id.startswith("wf-") and not run.is_finished
    done = client.workflow_runs.wait(run.id, poll_interval=0.05, timeout=30)
    assert done.state == amperity.RunState.SUCCEEDED and done.is_finished
    assert done.ended_at is not None and done.ended_at >= done.created_at
    assert done.error is None and done.task_instances


def test_wait_without_a_limit_and_with_the_cores_defaults(client: amperity.Client, mock) -> None:
    # timeout=None is no limit (it used to raise WaitTimeoutError at once, "after waiting 1 ms").
    run = client.workflow_runs.run("cg-123")
    done = client.workflow_runs.wait(run.id, poll_interval=0.05, timeout=None)
    assert done.state == amperity.RunState.SUCCEEDED
    # No poll interval: the core's default (5 s) spaces the polls; the mock's runs finish in
    # well under that, so the second overview poll sees the run done (then one verbose GET).
    run = client.workflow_runs.run("cg-123")
    mock.reset()
    start = time.monotonic()
    assert client.workflow_runs.wait(run.id).state == amperity.RunState.SUCCEEDED
    elapsed = time.monotonic() - start
    polls = [r for r in mock.requests("/api/workflow/runs/") if "view=overview" in r["query"]]
    assert len(polls) in (1, 2) and elapsed < 15
    assert len(polls) == 1 or elapsed >= 4.5, f"{len(polls)} polls in {elapsed:.2f} s"


def test_failed_run_carries_the_error(client: amperity.Client) -> None:
    run = client.workflow_runs.run("cg-fail-1")
    done = client.workflow_runs.wait(run.id, poll_interval=0.05, timeout=30)
    assert done.state == "failed"
    assert isinstance(done.error, amperity.WorkflowError)
    assert done.error.attribution == "customer" and "failed" in done.error.message
    assert done.error.error_type == "amperity.workflow.task.courier/fetch"
    assert done.error.data == {"error": {"message": "No files found for the requested range.", "data": None}}


def test_stop_run(client: amperity.Client) -> None:
    run = client.workflow_runs.run("og-42")
    stopped = client.workflow_runs.stop(run.id)
    assert stopped.id == run.id and stopped.state == "canceled"
    with pytest.raises(amperity.ConflictError):
        client.workflow_runs.stop(run.id)


def test_wait_timeout(start_mock) -> None:
    server = start_mock("--run-step-ms", "5000")
    with server.client() as c:
        run = c.workflow_runs.run("cg-slow")
        with pytest.raises(amperity.WaitTimeoutError) as info:
            c.workflow_runs.wait(run.id, poll_interval=0.05, timeout=0.2)
    assert info.value.workflow_id == run.id and info.value.last_state
    assert info.value.waited >= 0.2


def test_run_arguments_checked(client: amperity.Client, mock) -> None:
    with pytest.raises(amperity.InvalidArgumentError):
        client.workflow_runs.run("")
    with pytest.raises(amperity.InvalidArgumentError):
        client.workflow_runs.run("cg-1", range_to=now())
    with pytest.raises(amperity.InvalidArgumentError):
        client.workflow_runs.run("cg-1", run_mode="everything")
    with pytest.raises(amperity.InvalidArgumentError):
        client.workflow_runs.get(" ")
    with pytest.raises(amperity.InvalidArgumentError):
        client.workflow_runs.wait("wf-1", poll_interval=0)
    assert mock.requests() == []


def test_ingest_jobs(client: amperity.Client) -> None:
    jobs = client.ingest_jobs.list(now() - dt.timedelta(days=8), now(), with_total=True)
    assert isinstance(jobs, amperity.IngestJobList)
    assert len(jobs) == jobs.total == 60
    job = next(iter(jobs))
    assert isinstance(job, amperity.IngestJob) and job.tables
    feed = job.tables[0]
    assert isinstance(feed, amperity.IngestFeed) and isinstance(feed.read, int)
    assert feed.started_at is None or feed.started_at.tzinfo is not None
    again = client.ingest_jobs.get(job.id)
    assert again == job
    empty = client.ingest_jobs.list(now() - dt.timedelta(days=30), now() - dt.timedelta(days=20))
    assert len(empty) == 0 and empty.total is None
    with pytest.raises(amperity.InvalidArgumentError):
        client.ingest_jobs.list(now(), now() - dt.timedelta(days=1))
    with pytest.raises(amperity.NotFoundError):
        client.ingest_jobs.get("isj-nope")


def test_raw_requests(client: amperity.Client, mock) -> None:
    response = client.raw("GET", "/segments", query={"limit": 3, "with_total": True})
    assert isinstance(response, amperity.RawResponse) and response.status == 200
    assert len(response.json["data"]) == 3 and response.json["total"] == 1234
    created = client.raw("POST", "/workflow/runs", json={"config_id": "cg-raw"})
    assert created.status == 201 and created.json["id"].startswith("wf-")
    with pytest.raises(amperity.NotFoundError):
        client.raw("GET", "/nothing-here")
    with pytest.raises(amperity.InvalidArgumentError):
        client.raw("GET", "segments?limit=1")
    with pytest.raises(amperity.InvalidArgumentError):
        client.raw("DELETE", "/segments")
    assert [r["method"] for r in mock.requests()] == ["GET", "POST", "GET"]


def test_raw_pages(client: amperity.Client) -> None:
    pages = list(client.raw_pages("/segments", limit=500).pages())
    assert [len(p) for p in pages] == [500, 500, 234]
    assert isinstance(pages[0][0], dict) and pages[0][0]["id"].startswith("seg-")
    typed = [s.id for s in client.segments.list(limit=500)]
    assert [d["id"] for p in pages for d in p] == typed


def test_deprecation_notices(client: amperity.Client, mock, caplog) -> None:
    assert client.deprecation_notices() == []
    mock.fault("path=/api/segments,deprecation")
    with caplog.at_level(logging.WARNING, logger="amperity"):
        with pytest.warns(DeprecationWarning, match="list-segment"):
            client.segments.list(limit=1).next_page()
    records = [r for r in caplog.records if getattr(r, "amperity_target", "") == "amperity::deprecation"]
    assert len(records) == 1 and records[0].levelno == logging.WARNING and records[0].name == "amperity"
    notices = client.deprecation_notices()
    assert len(notices) == 1 and isinstance(notices[0], amperity.DeprecationNotice)
    assert notices[0].operation == "list-segment" and notices[0].deprecation and notices[0].sunset
    # The header dates, parsed by the core.
    assert notices[0].deprecated_at == dt.datetime(2026, 9, 1, 23, 59, 59, tzinfo=UTC)
    assert notices[0].sunset_at == dt.datetime(2027, 12, 1, 23, 59, 59, tzinfo=UTC)


def test_debug_logging_shows_each_request(mock, caplog) -> None:
    logging.getLogger("amperity").setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG, logger="amperity"), mock.client() as client:
            client.segments.list(limit=1).next_page()
        lines = [r.getMessage() for r in caplog.records if r.name == "amperity"]
        assert any(line.startswith("list-segment: Get http://127.0.0.1") for line in lines), lines
        assert all("mock-token" not in line for line in lines)
    finally:
        logging.getLogger("amperity").setLevel(logging.NOTSET)
        with mock.client():
            pass  # back to warnings only


def test_run_state_helpers() -> None:
    assert amperity.RunState.is_terminal("succeeded") and amperity.RunState.is_terminal("Canceled")
    assert not amperity.RunState.is_terminal("running")
    assert not amperity.RunState.is_terminal("warping")
    assert amperity.RunState.normalize("In progress") == amperity.RunState.IN_PROGRESS
    assert amperity.RunState.normalize("warping") == "warping"


def test_models_behave(client: amperity.Client) -> None:
    a = next(iter(client.segments.list(limit=1)))
    b = next(iter(client.segments.list(limit=1)))
    assert a == b and a is not b
    assert a.to_dict() == {"id": a.id, "name": a.name, "status": a.status, "extra": {}}
    assert repr(a).startswith("Segment(id=")
    built = amperity.Segment(id=a.id, name=a.name, status=a.status)
    assert built == a
    with pytest.raises(TypeError):
        amperity.Segment(identifier="x")
    with pytest.raises(AttributeError):
        a.colour = "blue"


def test_wait_reports_progress_and_raises_on_failure(client: amperity.Client) -> None:
    seen = []
    run = client.workflow_runs.run("cg-progress")
    done = client.workflow_runs.wait(run.id, poll_interval=0.01, on_progress=seen.append)
    assert done.is_finished and len(seen) >= 2
    assert all(isinstance(p, amperity.WaitProgress) for p in seen)
    assert [(p.workflow.state, p.tasks_finished) for p in seen] == sorted(
        {(p.workflow.state, p.tasks_finished) for p in seen}, key=[(q.workflow.state, q.tasks_finished) for q in seen].index
    )
    assert seen[-1].workflow.state == done.state and seen[-1].tasks_finished == seen[-1].tasks_total >= 1

    # An exception in the callback ends the wait and comes out unchanged.
    class Stop(Exception):
        pass

    def stop(_: amperity.WaitProgress) -> None:
        raise Stop("enough")

    run = client.workflow_runs.run("cg-progress")
    with pytest.raises(Stop, match="enough"):
        client.workflow_runs.wait(run.id, poll_interval=0.01, on_progress=stop)

    failing = client.workflow_runs.run("cg-fail-example")
    with pytest.raises(amperity.RunFailedError) as info:
        client.workflow_runs.wait(failing.id, poll_interval=0.01, raise_on_failure=True)
    assert info.value.workflow.id == failing.id and info.value.workflow.state == "failed"
    assert info.value.error is not None and info.value.error.message in str(info.value)
    assert "ended failed" in str(info.value)
    failing = client.workflow_runs.run("cg-fail-example")
    assert client.workflow_runs.wait(failing.id, poll_interval=0.01).state == "failed"


def test_wait_timeout_carries_the_last_workflow(start_mock) -> None:
    server = start_mock("--run-step-ms", "60000")
    with server.client() as client:
        run = client.workflow_runs.run("cg-slow")
        with pytest.raises(amperity.WaitTimeoutError) as info:
            client.workflow_runs.wait(run.id, poll_interval=0.01, timeout=0.05)
        last = info.value.last_workflow
        assert last is not None and last.id == run.id and last.state == info.value.last_state
        assert last.created_at.tzinfo is not None and isinstance(last.extra, dict)
