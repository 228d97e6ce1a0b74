"""The Profile API over the mock: indexes, profiles, filters, gets, its own api-version and budget."""

from __future__ import annotations

import time
import urllib.parse

import pytest

import amperity

CUSTOMERS = "idx-3kPq7Zt2c"  # amperity_mock::CUSTOMERS_INDEX_ID
LOYALTY = "idx-8Wm4Rx1cL"  # LOYALTY_INDEX_ID: attributes sent as an array of objects
EMPTY = "idx-5Hn2Yv9bE"


def test_indexes_list_and_get(client: amperity.Client, mock) -> None:
    indexes = list(client.indexes.list())
    assert [i.id for i in indexes] == [CUSTOMERS, LOYALTY, EMPTY]
    assert all(isinstance(i, amperity.ProfileIndex) for i in indexes)
    loyalty = client.indexes.get(LOYALTY)
    assert loyalty.id == LOYALTY and loyalty.name
    assert "build_id" in loyalty.extra  # unmodelled fields are kept
    empty = client.indexes.get(EMPTY)
    assert empty.description is None and empty.created_at is None
    sent = mock.requests("/api/indexes")
    assert sent and all(r["headers"]["api-version"] == "2025-07-31" for r in sent)


def test_profiles_filtered_by_email_with_reserved_characters(client: amperity.Client, mock) -> None:
    found = list(client.profiles.list(CUSTOMERS, conditions={"email": "a+b@x.com"}))
    assert len(found) == 1
    profile = found[0]
    assert isinstance(profile, amperity.Profile)
    assert profile.index_id == CUSTOMERS and profile.attributes["email"] == "a+b@x.com"
    query = mock.requests(f"/api/indexes/{CUSTOMERS}/profiles")[0]["query"]
    assert urllib.parse.parse_qs(query)["filter[email]"] == ["a+b@x.com"]
    assert "a%2Bb%40x.com" in query  # '+' and '@' are percent-encoded, not sent raw

    ampersand = list(client.profiles.list(CUSTOMERS, conditions={"family_name": "Smith & Jones"}))
    assert [p.attributes["family_name"] for p in ampersand] == ["Smith & Jones"] * len(ampersand)
    assert ampersand
    both = list(client.profiles.list(CUSTOMERS, conditions={"given_name": "Mary Ann", "email": "nobody@x"}))
    assert both == []  # conditions are ANDed


def test_profiles_pages_default_to_25_and_walk_everything(client: amperity.Client, mock) -> None:
    pages = client.profiles.list(CUSTOMERS, with_total=True).pages()
    first = next(pages)
    assert len(first.items) == 25 and first.total == 3000
    assert "limit" not in urllib.parse.parse_qs(mock.requests("/api/indexes")[0]["query"])
    gold = client.profiles.list(CUSTOMERS, 1000, conditions={"loyalty_tier": "gold"})
    ids = [p.id for p in gold]
    assert ids and len(ids) == len(set(ids))
    assert all(p.attributes["loyalty_tier"] == "gold" for p in client.profiles.list(CUSTOMERS, 500, conditions={"loyalty_tier": "gold"}))


def test_array_shaped_attributes_are_merged(client: amperity.Client) -> None:
    profile = next(iter(client.profiles.list(LOYALTY, limit=1)))
    assert isinstance(profile.attributes, dict) and "email" in profile.attributes
    again = client.profiles.get(LOYALTY, profile.id)
    assert again.attributes == profile.attributes and again.id == profile.id


def test_unknown_index_or_profile_is_not_found(client: amperity.Client) -> None:
    with pytest.raises(amperity.NotFoundError) as raised:
        client.indexes.get("idx-nope")
    assert raised.value.status == 404
    assert "The requested entity does not exist." in str(raised.value)
    with pytest.raises(amperity.NotFoundError):
        client.profiles.get(CUSTOMERS, "cl-nope")
    with pytest.raises(amperity.NotFoundError):
        list(client.profiles.list("idx-nope"))


def test_a_bad_filter_attribute_is_refused_before_sending(client: amperity.Client, mock) -> None:
    for attribute in ("", "a[b]"):
        with pytest.raises(amperity.InvalidArgumentError):
            list(client.profiles.list(CUSTOMERS, conditions={attribute: "x"}))
    assert mock.requests("/api/indexes") == []


def test_profile_api_version_is_its_own_setting(mock) -> None:
    # The control plane's api_version does not apply to Profile calls...
    with mock.client(api_version="unstable") as c:
        assert list(c.indexes.list())
    # ...their own does (the mock takes only 2025-07-31).
    with mock.client(profile_api_version="2024-04-01") as c:
        with pytest.raises(amperity.BadRequestError):
            list(c.indexes.list())
    assert mock.requests("/api/indexes")[-1]["headers"]["api-version"] == "2024-04-01"


def _seconds_for_pages(paginator, pages: int) -> float:
    start = time.monotonic()
    walk = paginator.pages()
    for _ in range(pages):
        next(walk)
    return time.monotonic() - start


def test_profile_calls_have_their_own_rate_budget(mock) -> None:
    # Bursts equal the rate: at 2 requests/s, 5 pages wait 3 x 0.5 s.
    with mock.client(rate_limit=2, profile_rate_limit=None) as c:
        assert _seconds_for_pages(c.profiles.list(CUSTOMERS, 10), 5) < 0.6
        assert _seconds_for_pages(c.segments.list(limit=10), 5) >= 1.2
    with mock.client(rate_limit=None, profile_rate_limit=2) as c:
        assert _seconds_for_pages(c.segments.list(limit=10), 5) < 0.6
        assert _seconds_for_pages(c.profiles.list(CUSTOMERS, 10), 5) >= 1.2
