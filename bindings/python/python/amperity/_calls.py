"""The helpers every resource uses: native calls with the public exceptions, times and page
options as the core takes them, and the resource base class."""

from __future__ import annotations

import datetime as _dt
import json as _json
import math
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Union

from . import _logging
from ._errors import InvalidArgumentError, _from_native
from ._native import amperity as _ffi

if TYPE_CHECKING:
    from ._client import Client

_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # PyPy, or an install without it: the standard library's parser
    _orjson = None

_NATIVE_ERRORS = (_ffi.AmperityError, _ffi.InternalError)
_UTC = _dt.timezone.utc

class _Default:
    """The default of a keyword whose ``None`` means something ("no limit", "off"): unset takes
    the native record's default, which is the core's. Its repr is what ``help()`` and IDEs show
    in the signature, e.g. ``rate_limit: Optional[float] = 10.0``."""

    __slots__ = ("_text",)

    def __init__(self, text: str) -> None:
        self._text = text

    def __repr__(self) -> str:
        return self._text


def _is_default(value: Any) -> bool:
    """True for an argument left at one of the :class:`_Default` sentinels."""
    return isinstance(value, _Default)


# The sentinels the signatures show (the values are the core's defaults, checked by a test).
_DEFAULT_RATE_LIMIT: Any = _Default("10.0")
_DEFAULT_PROFILE_RATE_LIMIT: Any = _Default("2000.0")
_DEFAULT_STREAM_RATE_LIMIT: Any = _Default("1000.0")
_DEFAULT_WAIT_TIMEOUT: Any = _Default("3600.0")


def _rate_limits(**limits: Any) -> Dict[str, Optional[float]]:
    """The rate-limit fields of a native config record that were given (``None``: off)."""
    return {
        field: None if value is None else float(value)
        for field, value in limits.items()
        if not _is_default(value)
    }


def _pem_list(root_certificates: Union[str, Sequence[str]]) -> List[str]:
    """Extra root certificates as a list of PEM texts (one text is one certificate bundle)."""
    return [root_certificates] if isinstance(root_certificates, str) else list(root_certificates)


def _loads(text: Union[str, bytes]) -> Any:
    """Parses the JSON the core hands over: with orjson when it is installed (about three times
    faster on a page of records), with the standard library otherwise; the same values either way."""
    if _orjson is not None:
        try:
            return _orjson.loads(text)
        except _orjson.JSONDecodeError:
            pass  # what orjson refuses (an integer beyond 64 bits) the standard parser takes
    return _json.loads(text)


def _call(fn: Any, *args: Any) -> Any:
    """Calls a native function, raising the public exception classes."""
    _logging.refresh()
    try:
        return fn(*args)
    except _NATIVE_ERRORS as error:
        raise _from_native(error) from None


# Milliseconds that stand for "no limit" (about 146 million years).
_NO_LIMIT_MS = 2**62


def _millis(seconds: Optional[float], name: str) -> Optional[int]:
    """Seconds (int/float/timedelta) as integer milliseconds."""
    if seconds is None:
        return None
    if isinstance(seconds, _dt.timedelta):
        seconds = seconds.total_seconds()
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, got {type(seconds).__name__}")
    if math.isnan(seconds) or seconds < 0:
        raise InvalidArgumentError(f"invalid argument: {name} must not be negative, got {seconds}")
    if math.isinf(seconds):
        return _NO_LIMIT_MS
    return int(round(seconds * 1000))


def _utc(value: Optional[_dt.datetime], name: str) -> Optional[_dt.datetime]:
    """An aware datetime for the native layer; naive datetimes are taken as UTC, dates as midnight UTC."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")


def _required_utc(value: _dt.datetime, name: str) -> _dt.datetime:
    """Like ``_utc`` for a required instant."""
    result = _utc(value, name)
    if result is None:
        raise TypeError(f"{name} is required")
    return result


def _page_options(
    limit: Optional[int], cursor: Optional[str], with_total: bool, read_ahead: bool = False
) -> Any:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
        raise TypeError(f"limit must be an int, got {type(limit).__name__}")
    if limit is not None and not 1 <= limit <= 2**31 - 1:
        raise InvalidArgumentError(f"invalid argument: limit must be at least 1, got {limit}")
    return _ffi.PageOptions(
        limit=limit, with_total=bool(with_total), cursor=cursor, read_ahead=bool(read_ahead)
    )


class _Resource:
    """A group of endpoints of one client."""

    __slots__ = ("_client",)

    def __init__(self, client: "Client") -> None:
        self._client = client
