"""Both auth modes: static token and OAuth2 client credentials (cached, refreshed)."""

from __future__ import annotations

import time

import pytest

import amperity


def test_static_token(client: amperity.Client, mock) -> None:
    assert client.segments.list(limit=1).next_page() is not None
    assert mock.requests("/api/v0/oauth2") == []


def test_wrong_static_token(mock) -> None:
    with mock.client(token="wrong") as c:
        with pytest.raises(amperity.AuthenticationError) as info:
            c.segments.list().next_page()
    assert info.value.status == 401 and info.value.request_id


def test_client_credentials_cached(mock) -> None:
    with mock.client(client_id="mock-client", client_secret="mock-secret") as c:
        assert len(list(c.segments.list(limit=500))) == 1234
        c.workflow_runs.list(limit=1).next_page()
    token_requests = mock.requests("/api/v0/oauth2/token")
    assert len(token_requests) == 1
    assert "mock-secret" not in token_requests[0]["body"]
    api = [r for r in mock.requests() if not r["path"].startswith("/api/v0/oauth2")]
    assert len(api) == 4 and all(r["headers"]["authorization"] == "Bearer ***" for r in api)


def test_wrong_client_secret(mock) -> None:
    with mock.client(client_id="mock-client", client_secret="nope") as c:
        with pytest.raises(amperity.AuthenticationError):
            c.segments.list().next_page()


def test_explicit_token_url(mock) -> None:
    with mock.client(
        client_id="mock-client", client_secret="mock-secret", token_url=mock.base_url + "/v0/oauth2/token"
    ) as c:
        assert c.segments.list(limit=1).next_page() is not None


def test_expired_token_is_refreshed(start_mock) -> None:
    server = start_mock("--token-ttl-secs", "1")
    with server.client(client_id="mock-client", client_secret="mock-secret") as c:
        c.segments.list(limit=1).next_page()
        time.sleep(1.5)
        assert c.segments.list(limit=1).next_page() is not None
    assert len(server.requests("/api/v0/oauth2/token")) == 2


def test_other_tenant(start_mock) -> None:
    server = start_mock("--tenant", "globex")
    with server.client(tenant="globex") as c:
        assert c.segments.list(limit=1).next_page() is not None
    with server.client(tenant="acme") as c:
        with pytest.raises(amperity.APIStatusError) as info:
            c.segments.list(limit=1).next_page()
    assert info.value.status in (401, 403, 404)
