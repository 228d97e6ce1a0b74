"""Client.from_env: the core reads the one documented set of AMPERITY_* variables."""

import pytest

import amperity


def test_from_env_reads_the_variables_and_talks_to_the_mock(mock) -> None:
    env = {"AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "mock-token", "AMPERITY_BASE_URL": mock.base_url,
           "AMPERITY_API_VERSION": "unstable", "AMPERITY_CLIENT_ID": "", "UNRELATED": "x"}
    with amperity.Client.from_env(env, rate_limit=None) as client:
        assert client.tenant == "acme"
        assert client.base_url == mock.base_url
        assert client.api_version == "unstable"
        assert len(client.segments.list(limit=3).next_page()) == 3
    assert mock.requests("/api/segments")[0]["headers"]["api-version"] == "unstable"


def test_from_env_oauth_with_token_url(mock) -> None:
    env = {"AMPERITY_TENANT": "acme", "AMPERITY_CLIENT_ID": "mock-client",
           "AMPERITY_CLIENT_SECRET": "mock-secret", "AMPERITY_BASE_URL": mock.base_url,
           "AMPERITY_TOKEN_URL": mock.base_url + "/v0/oauth2/token"}
    with amperity.Client.from_env(env, rate_limit=None) as client:
        assert len(client.segments.list(limit=2).next_page()) == 2
    assert len(mock.requests("/api/v0/oauth2/token")) == 1


def test_from_env_region() -> None:
    client = amperity.Client.from_env({"AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t", "AMPERITY_REGION": "Azure"})
    assert client.base_url == "https://acme.amperity.com/api"


def test_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMPERITY_TENANT", "acme")
    monkeypatch.setenv("AMPERITY_TOKEN", "t")
    monkeypatch.setenv("AMPERITY_REGION", "australia")
    assert amperity.Client.from_env().base_url == "https://app-aws-apse2.amperity.com/api"


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "invalid configuration: AMPERITY_TENANT is not set"),
        ({"AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t", "AMPERITY_REGION": "mars"},
         "invalid configuration: AMPERITY_REGION must be aws, azure or australia, got \"mars\""),
        ({"AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t", "AMPERITY_CLIENT_ID": "i",
          "AMPERITY_CLIENT_SECRET": "s3cret"},
         "invalid configuration: set either a token or client credentials, not both"),
        ({"AMPERITY_TENANT": "acme", "AMPERITY_CLIENT_ID": "i"},
         "invalid configuration: client_id needs a client_secret"),
        ({"AMPERITY_TENANT": "acme"}, "invalid configuration: no credentials: set a token or client_id and client_secret"),
    ],
)
def test_from_env_refusals_carry_the_core_message(env, message) -> None:
    with pytest.raises(amperity.ConfigurationError) as info:
        amperity.Client.from_env(env)
    assert str(info.value) == message
    assert "s3cret" not in str(info.value)


def test_an_argument_may_not_repeat_the_environment() -> None:
    with pytest.raises(amperity.ConfigurationError, match="token is given both"):
        amperity.Client.from_env({"AMPERITY_TENANT": "acme", "AMPERITY_TOKEN": "t"}, token="u")


def test_default_rate_limit_is_the_cores(mock) -> None:
    # 12 requests at the default of 10/s take at least ~0.1 s more than the burst allows; with the
    # limit off they take a few ms. The default comes from the core, not from this layer.
    import time

    limited = amperity.Client("acme", token="mock-token", base_url=mock.base_url)
    start = time.perf_counter()
    for _ in range(12):
        limited.raw("GET", "/segments", query={"limit": "1"})
    assert time.perf_counter() - start >= 0.1
