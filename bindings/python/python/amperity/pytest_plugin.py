"""The pytest plugin of the amperity package (entry point ``pytest11``): fixtures over the bundled
mock server, see :mod:`amperity.testing`.

- ``amperity_mock``: a :class:`~amperity.testing.MockServer` shared by the session, with its
  faults and recorded requests cleared before each test that uses it;
- ``amperity_client``: a :class:`~amperity.Client` for it, closed after the test.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from ._client import Client
from .testing import MockServer


@pytest.fixture(scope="session")
def _amperity_mock_session() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def amperity_mock(_amperity_mock_session: MockServer) -> MockServer:
    """The session's mock server, with no faults and no recorded requests."""
    _amperity_mock_session.reset()
    return _amperity_mock_session


@pytest.fixture
def amperity_client(amperity_mock: MockServer) -> Iterator[Client]:
    """A client for :func:`amperity_mock` (static token, no rate limit, fast retries)."""
    with amperity_mock.client() as client:
        yield client
