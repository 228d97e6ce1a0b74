"""Trust stores over real TLS (the mock's self-signed certificate written to a file): ca_file,
SSL_CERT_FILE and the opt-in platform verifier."""

from __future__ import annotations

import pytest

import amperity


@pytest.fixture
def tls_mock(start_mock, tmp_path, monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    pem = tmp_path / "mock.pem"
    server = start_mock("--tls", "--cert-out", str(pem), "--segments", "15")
    assert server.base_url.startswith("https://")
    return server, pem


def test_ca_file_is_trusted(tls_mock) -> None:
    server, pem = tls_mock
    with server.client(ca_file=pem) as client:
        assert len(list(client.segments.list(limit=10))) == 15
    with server.client(max_attempts=1) as client:
        with pytest.raises(amperity.TransportError) as info:
            client.segments.list().next_page()
        assert info.value.kind == "tls"


def test_a_missing_ca_file_is_a_configuration_error(tls_mock, tmp_path) -> None:
    server, _ = tls_mock
    with pytest.raises(amperity.ConfigurationError, match="ca_file .*nope.pem"):
        server.client(ca_file=tmp_path / "nope.pem")


def test_ssl_cert_file_and_the_platform_verifier(tls_mock, monkeypatch) -> None:
    server, pem = tls_mock
    with server.client(platform_verifier=True, max_attempts=1) as client:
        with pytest.raises(amperity.TransportError):
            client.segments.list().next_page()
    with pytest.raises(amperity.ConfigurationError, match="platform verifier"):
        server.client(platform_verifier=True, ca_file=pem)
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    with server.client() as client:
        assert client.segments.list(limit=5).next_page() is not None
    with server.client(platform_verifier=True) as client:
        assert client.segments.list(limit=5).next_page() is not None
