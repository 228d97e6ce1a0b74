"""Release smoke test of the Python wheel, run by tests/release.sh in a fresh venv that holds
only the wheel and its dependency (orjson). Environment: AMPERITY_BASE_URL (the mock),
AMPERITY_EXPECTED_VERSION, AMPERITY_SMOKE_SEGMENTS (how many segments the mock serves),
AMPERITY_SMOKE_VENV."""

import datetime as dt
import os
import sys

import amperity

expected = os.environ["AMPERITY_EXPECTED_VERSION"]
venv = os.path.realpath(os.environ["AMPERITY_SMOKE_VENV"])
segments_expected = int(os.environ["AMPERITY_SMOKE_SEGMENTS"])


def check(ok: bool, what: str) -> None:
    if not ok:
        sys.exit(f"python smoke: FAILED: {what}")


check(os.path.realpath(amperity.__file__).startswith(venv + os.sep),
      f"amperity imported from {amperity.__file__}, not from the fresh venv {venv}")
check(amperity.__version__ == expected, f"amperity.__version__ is {amperity.__version__!r}, expected {expected!r}")
from amperity import _calls  # noqa: E402

check(_calls._orjson is not None, "orjson, the wheel's dependency, was not installed with it")

with amperity.Client("acme", token="mock-token", base_url=os.environ["AMPERITY_BASE_URL"], rate_limit=None) as client:
    ua = client.user_agent
    check(f"amperity-rust/{expected}" in ua and f"amperity-python/{expected}" in ua, f"User-Agent {ua!r}")

    segments = [s.id for s in client.segments.list(limit=100)]
    check(len(segments) == segments_expected, f"listed {len(segments)} segments, expected {segments_expected}")
    check(len(set(segments)) == len(segments), "duplicate segment ids across pages")

    run = client.workflow_runs.run("cg-example")
    done = client.workflow_runs.wait(run.id, poll_interval=0.05, timeout=60)
    check(done.id == run.id and done.state == amperity.RunState.SUCCEEDED, f"run {run.id} ended {done.state}")

    now = dt.datetime.now(dt.timezone.utc)
    events = list(client.audit_events.list(limit=500, happened_from=now - dt.timedelta(days=1), happened_to=now))
    check(len(events) > 0, "no audit events in the last day")
    check(all(now - dt.timedelta(days=1) <= e.happened_at <= now for e in events), "audit event outside the window")

    try:
        client.workflow_runs.get("wf-20240101-00000-nothere")
    except amperity.NotFoundError as error:
        check(error.status == 404, f"status {error.status}")
    else:
        check(False, "expected NotFoundError for a missing run")

print(f"python smoke: amperity {amperity.__version__}: {len(segments)} segments, run {done.id} {done.state}, "
      f"{len(events)} audit events; User-Agent {ua}")
