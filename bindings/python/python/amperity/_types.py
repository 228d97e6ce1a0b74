"""The closed sets of the API as ``Literal`` types, so that mypy, pyright and IDEs catch a value
outside the set (``region="europe"``) before anything runs."""

from __future__ import annotations

from typing import Literal

__all__ = ["Region", "RunMode", "RunStateName", "ErrorKind", "TransportKindName"]

Region = Literal["aws", "azure", "australia"]
"""Where a tenant is hosted (``Client(region=...)``)."""

RunMode = Literal["source", "refresh", "full"]
"""How a courier group runs (``client.workflow_runs.run(..., run_mode=...)``)."""

RunStateName = Literal[
    "scheduled",
    "started",
    "in-progress",
    "running",
    "running-with-failures",
    "finalizing",
    "stopping",
    "stopped",
    "canceling",
    "canceled",
    "paused",
    "up-for-retry",
    "succeeded",
    "failed",
    "skipped",
]
"""The documented run states (``RunState``'s constants). Amperity may add states: a
``Workflow.state`` it sends is kept as received, so compare it as a ``str``."""

ErrorKind = Literal[
    "bad_request", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited", "server_error", "other"
]
"""``APIStatusError.kind``."""

TransportKindName = Literal["dns", "connect", "tls", "timeout", "connection_reset", "proxy", "other"]
"""``TransportError.kind``."""
