"""The language-neutral scenario table (``tests/scenarios.tsv``; its header says the format and
the procedure): one test per row, against the session's mock, reset before every row."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import pytest

import amperity

from conftest import REPO, Mock

TABLE = REPO / "tests" / "scenarios.tsv"

# The one table from the exception classes to the table's outcome names (exact classes: a
# subclass of its own would be a mapping change this test should notice).
OUTCOMES: Dict[type, str] = {
    amperity.BadRequestError: "bad_request",
    amperity.AuthenticationError: "unauthorized",
    amperity.PermissionDeniedError: "forbidden",
    amperity.NotFoundError: "not_found",
    amperity.ConflictError: "conflict",
    amperity.RateLimitError: "rate_limited",
    amperity.ServerError: "server_error",
    amperity.APIStatusError: "api_other",
    amperity.TransportError: "transport",
    amperity.AmperityTimeoutError: "timeout",
    amperity.DecodeError: "decode",
    amperity.RepeatedCursorError: "repeated_cursor",
}


@dataclass
class Scenario:
    name: str
    fault: Optional[str]
    call: str
    settings: Dict[str, str]
    outcome: str
    status: Optional[int]
    requests: int
    min_ms: Optional[int]
    max_ms: Optional[int]


def _dash(value: str) -> Optional[str]:
    return None if value == "-" else value


def load() -> List[Scenario]:
    header: Optional[List[str]] = None
    rows = []
    for number, line in enumerate(TABLE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        assert len(cells) == len(header), f"{TABLE}:{number}: {len(cells)} cells"
        row = dict(zip(header, cells))
        status, min_ms, max_ms = _dash(row["status"]), _dash(row["min_ms"]), _dash(row["max_ms"])
        rows.append(
            Scenario(
                name=row["name"],
                fault=_dash(row["fault"]),
                call=row["call"],
                settings=dict(pair.split("=", 1) for pair in row["settings"].split(",")),
                outcome=row["outcome"],
                status=None if status is None else int(status),
                requests=int(row["requests"]),
                min_ms=None if min_ms is None else int(min_ms),
                max_ms=None if max_ms is None else int(max_ms),
            )
        )
    return rows


SCENARIOS = load()


def scenario_client(mock: Mock, s: Scenario) -> amperity.Client:
    """The client a row's settings describe (see the table's header)."""
    options: Dict[str, Any] = dict(
        base_url=mock.base_url, rate_limit=None, initial_backoff=0.001, max_backoff=0.01,
        connect_timeout=2.0, request_timeout=5.0,
    )
    auth = "token"
    for key, value in s.settings.items():
        if key == "attempts":
            options["max_attempts"] = int(value)
        elif key == "backoff_ms":
            low, high = value.split("-")
            options["initial_backoff"], options["max_backoff"] = int(low) / 1000, int(high) / 1000
        elif key == "timeout_ms":
            options["request_timeout"] = int(value) / 1000
        elif key == "max_retry_after_ms":
            options["max_retry_after"] = int(value) / 1000
        elif key == "max_response_bytes":
            options["max_response_bytes"] = int(value)
        elif key == "auth" and value in ("token", "client_credentials"):
            auth = value
        else:
            raise AssertionError(f"scenario {s.name}: unknown setting {key}={value}")
    assert "max_attempts" in options, f"scenario {s.name}: attempts is required"
    if auth == "client_credentials":
        return amperity.Client("acme", client_id="mock-client", client_secret="mock-secret", **options)
    return amperity.Client("acme", token="mock-token", **options)


def _walk(client: amperity.Client) -> None:
    for _ in client.segments.list(limit=100).pages():
        pass


CALLS: Dict[str, Callable[[amperity.Client, str], Any]] = {
    "list_segments_first_page": lambda c, _: c.segments.list(limit=10).next_page(),
    "list_segments_walk": lambda c, _: _walk(c),
    "get_workflow_run": lambda c, workflow_id: c.workflow_runs.get(workflow_id),
    "run_workflow": lambda c, _: c.workflow_runs.run("cg-scenario"),
    "raw_get": lambda c, _: c.raw("GET", "/segments"),
    "raw_post": lambda c, _: c.raw("POST", "/workflow/runs", json={"config_id": "cg-scenario"}),
    "raw_post_idempotent": lambda c, _: c.raw(
        "POST", "/workflow/runs", json={"config_id": "cg-scenario"}, idempotent=True
    ),
}


def test_the_table_is_well_formed() -> None:
    assert len(SCENARIOS) >= 40
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)
    for s in SCENARIOS:
        assert s.call in CALLS, s.name
        assert s.outcome == "ok" or s.outcome in OUTCOMES.values(), s.name


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(mock: Mock, s: Scenario) -> None:
    # The autouse fixture has reset the mock (faults and recorded requests).
    workflow_id = ""
    if s.call == "get_workflow_run":
        with mock.client() as setup:
            workflow_id = next(iter(setup.workflow_runs.list(limit=1))).id
    mock.clear_requests()
    if s.fault is not None:
        mock.fault(s.fault)
    outcome, status, error = "ok", None, None
    with scenario_client(mock, s) as client:
        started = time.monotonic()
        try:
            CALLS[s.call](client, workflow_id)
        except amperity.AmperityError as e:
            error = e
            outcome = OUTCOMES.get(type(e), f"unexpected {type(e).__name__}")
            status = getattr(e, "status", None)
        took_ms = (time.monotonic() - started) * 1000
    sent = [r for r in mock.requests("/api/") if not r["path"].startswith("/api/v0/oauth2/")]
    problems = []
    if outcome != s.outcome:
        problems.append(f"outcome {outcome}, expected {s.outcome} ({error})")
    if status != s.status:
        problems.append(f"status {status}, expected {s.status}")
    if len(sent) != s.requests:
        problems.append(f"{len(sent)} requests, expected {s.requests}")
    if s.min_ms is not None and took_ms < s.min_ms:
        problems.append(f"took {took_ms:.0f} ms, expected at least {s.min_ms} ms")
    if s.max_ms is not None and took_ms > s.max_ms:
        problems.append(f"took {took_ms:.0f} ms, expected at most {s.max_ms} ms")
    assert not problems, f"scenario {s.name}: " + "; ".join(problems)
