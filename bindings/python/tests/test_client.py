"""Client construction, configuration errors, context manager, repr, version and docs."""

from __future__ import annotations

import pydoc
import re

import pytest

import amperity


def test_version_and_user_agent(client: amperity.Client, mock) -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", amperity.__version__)
    assert client.user_agent.endswith(f"amperity-python/{amperity.__version__}")
    client.segments.list(limit=5).next_page()
    headers = mock.requests("/api/segments")[0]["headers"]
    assert headers["user-agent"] == client.user_agent
    assert headers["amperity-tenant"] == "acme"
    assert headers["api-version"] == "2024-04-01"
    assert headers["authorization"] == "Bearer ***"


def test_properties(mock) -> None:
    with mock.client(api_version="unstable") as c:
        assert c.tenant == "acme"
        assert c.base_url == mock.base_url
        assert c.api_version == "unstable"


def test_region_base_urls() -> None:
    assert amperity.Client("acme", token="t").base_url == "https://app.amperity.com/api"
    assert amperity.Client("acme", token="t", region="azure").base_url == "https://acme.amperity.com/api"
    assert (
        amperity.Client("acme", token="t", region="Australia").base_url
        == "https://app-aws-apse2.amperity.com/api"
    )


def test_repr_hides_secrets(mock) -> None:
    c = mock.client(token="super-secret-token")
    assert "super-secret-token" not in repr(c)
    assert "acme" in repr(c)
    o = mock.client(client_id="mock-client", client_secret="mock-secret")
    assert "mock-secret" not in repr(o) and "mock-secret" not in str(o)


def test_context_manager_closes(mock) -> None:
    with mock.client() as c:
        assert not c.closed
        assert next(iter(c.segments.list(limit=1))).id.startswith("seg-")
    assert c.closed
    assert "closed" in repr(c)
    with pytest.raises(amperity.AmperityError, match="closed"):
        c.segments.list()


def test_paginator_outlives_closed_client(mock) -> None:
    c = mock.client()
    pages = c.segments.list(limit=10)
    c.close()
    assert len(pages.next_page()) == 10


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(), "no credentials"),
        (dict(token="t", client_id="i", client_secret="s"), "not both"),
        (dict(client_id="i"), "client_secret"),
        (dict(client_secret="s"), "client_id"),
        (dict(token="t", token_url="https://x/token"), "token_url"),
        (dict(token=""), "empty"),
        (dict(token="t", base_url="http://example.com/api"), "http://"),
        (dict(token="t", base_url="not a url"), "URL"),
        (dict(token="t", region="mars"), "region"),
        (dict(token="t", connect_timeout=-1), "connect_timeout"),
        (dict(token="t", request_timeout=0), "timeouts"),
        (dict(token="t", max_attempts=0), "max_attempts"),
        (dict(token="t", initial_backoff=5, max_backoff=1), "backoff"),
        (dict(token="t", rate_limit=0), "rate limit"),
        (dict(token="t", max_response_bytes=0), "max_response_bytes"),
        (dict(token="t", root_certificates=["not a pem"]), "certificate"),
    ],
)
def test_configuration_errors(kwargs, match) -> None:
    with pytest.raises(amperity.ConfigurationError, match=match) as info:
        amperity.Client("acme", **kwargs)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, amperity.AmperityError)


def test_bad_tenant() -> None:
    with pytest.raises(ValueError, match="tenant"):
        amperity.Client("ac me", token="t")


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError):
        amperity.Client("acme", token="t", connect_timeout="10")


def test_help_shows_docstrings() -> None:
    text = pydoc.render_doc(amperity.Client, renderer=pydoc.plaintext)
    assert "A client for one Amperity tenant" in text
    assert "client_secret" in text
    assert "Lists segments lazily" in pydoc.render_doc(amperity._lists.Segments, renderer=pydoc.plaintext)
    assert "lazy walk" in pydoc.render_doc(amperity.Paginator, renderer=pydoc.plaintext)
    assert amperity.NotFoundError.__doc__ and amperity.Segment.__doc__ and amperity.__doc__
    for name in amperity.__all__:
        obj = getattr(amperity, name)
        if isinstance(obj, type):
            assert obj.__doc__, name


def test_a_socks_proxy_is_used_not_a_panic(mock) -> None:
    # Nothing listens on port 1: the SOCKS connection fails as a transport error (it used to
    # panic inside the native library).
    c = mock.client(proxy="socks5://user:pw-in-url@127.0.0.1:1", max_attempts=1)
    with pytest.raises(amperity.TransportError) as info:
        c.segments.list(limit=1).next_page()
    assert "internal error" not in str(info.value)
    assert "pw-in-url" not in str(info.value)


def test_request_hook_sees_every_attempt(mock) -> None:
    seen = []
    mock.fault("path=/api/segments,status=503,count=1")
    with mock.client(on_request=seen.append) as client:
        client.segments.list(limit=5).next_page()
    assert [(i.operation, i.method, i.status, i.attempt) for i in seen] == [
        ("list-segment", "GET", 503, 1),
        ("list-segment", "GET", 200, 2),
    ]
    assert all(isinstance(i, amperity.RequestInfo) and "/api/segments?" in i.url for i in seen)
    assert all("mock-token" not in repr(i) for i in seen)

    def broken(_: amperity.RequestInfo) -> None:
        raise RuntimeError("a hook that fails does not break the call")

    with mock.client(on_request=broken) as client:
        assert client.segments.list(limit=1).next_page() is not None


def test_errors_say_how_many_attempts_were_made(mock) -> None:
    mock.fault("path=/api/segments,status=503,count=0")
    with mock.client() as client:
        with pytest.raises(amperity.ServerError) as info:
            client.segments.list(limit=1).next_page()
    assert info.value.attempts >= 2 and info.value.attempts == len(mock.requests("/api/segments"))
    with amperity.Client("acme", token="t", base_url="http://127.0.0.1:1/api", max_attempts=2, initial_backoff=0.001) as client:
        with pytest.raises(amperity.TransportError) as transport:
            client.segments.list().next_page()
    assert transport.value.attempts == 2
