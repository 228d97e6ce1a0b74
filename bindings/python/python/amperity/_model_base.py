"""Hand-written parts of the model classes: the common base, time parsing and RunState's helpers.

The classes themselves are generated into ``_schema.py``.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Dict, FrozenSet, Iterable, List, Literal, Optional, Tuple

from ._native import amperity as _ffi

_new = object.__new__
_fromiso = _dt.datetime.fromisoformat

if sys.version_info >= (3, 11):

    def _time(text: str) -> _dt.datetime:
        """An RFC 3339 UTC timestamp from the core (always ``...Z``) as an aware datetime."""
        return _fromiso(text)

else:

    def _time(text: str) -> _dt.datetime:
        """An RFC 3339 UTC timestamp from the core (always ``...Z``) as an aware datetime."""
        body = text[:-1]
        dot = body.find(".")
        if dot != -1 and len(body) - dot > 7:
            body = body[: dot + 7]
        return _fromiso(body + "+00:00")


def _opt_time(text: Optional[str]) -> Optional[_dt.datetime]:
    return None if text is None else _time(text)


def _utc(time: _dt.datetime) -> _dt.datetime:
    """A time lifted by uniffi as an aware UTC datetime (like the ones parsed from JSON)."""
    return time.replace(tzinfo=_dt.timezone.utc) if time.tzinfo is None else time.astimezone(_dt.timezone.utc)


def _state_name(state: Any) -> str:
    """A uniffi ``RunState`` as its wire string (like ``Workflow.state`` from JSON)."""
    return str(_ffi.run_state_name(state))


class _RunStateMethods:
    """The helpers of ``RunState`` (its constants are generated)."""

    @staticmethod
    def is_terminal(state: str) -> bool:
        """True for states a run does not leave: succeeded, failed, canceled, stopped, skipped."""
        return bool(_ffi.run_state_is_terminal(_ffi.run_state_parse(state)))

    @staticmethod
    def normalize(state: str) -> str:
        """The lowercase wire form of a wire or display value (``"In progress"`` -> ``"in-progress"``)."""
        return str(_ffi.run_state_name(_ffi.run_state_parse(state)))


class _Model:
    """Common behaviour: keyword construction, repr, equality and ``to_dict``."""

    __slots__ = ()

    def _fields(self) -> Tuple[str, ...]:
        return self.__slots__

    def __init__(self, **fields: Any) -> None:
        stored: Tuple[str, ...] = self.__slots__
        for name in stored:
            setattr(self, name, fields.pop(name, None))
        if fields:
            raise TypeError(f"{type(self).__name__} has no field(s) {', '.join(sorted(fields))}")

    def __repr__(self) -> str:
        parts = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields())
        return f"{type(self).__name__}({parts})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self._fields())

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self, mode: Literal["python", "json"] = "python") -> Dict[str, Any]:
        """The fields as a dict (nested models as dicts too).

        Args:
            mode: ``"python"`` keeps Python values (``datetime``); ``"json"`` gives only what
                ``json.dumps`` takes: times as RFC 3339 text (``"2026-01-02T03:04:05Z"``).
        """
        if mode not in ("python", "json"):
            raise ValueError(f'mode must be "python" or "json", got {mode!r}')
        out: Dict[str, Any] = {}
        for name in self._fields():
            out[name] = _plain(getattr(self, name), mode == "json")
        return out


def _plain(value: Any, json: bool) -> Any:
    """A field value as ``to_dict`` gives it."""
    if isinstance(value, _Model):
        return value.to_dict("json" if json else "python")
    if isinstance(value, list):
        return [_plain(v, json) for v in value]
    if json:
        if isinstance(value, _dt.datetime):
            text = value.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(value, dict):
            return {k: _plain(v, json) for k, v in value.items()}
    return value


def records(items: Iterable[Any], mode: Literal["python", "json"] = "python") -> List[Dict[str, Any]]:
    """The models of ``items`` (a walk, a page, a list) as a list of dicts, one per model: what
    ``pandas.DataFrame`` takes as rows, with no pandas dependency here::

        df = pd.DataFrame(amperity.records(client.segments.list()))

    Args:
        items: models (``Segment``, ``Workflow``, ...); dicts pass through unchanged.
        mode: as in :meth:`to_dict` (``"json"``: times as RFC 3339 text).
    """
    return [item.to_dict(mode) if isinstance(item, _Model) else item for item in items]


class _JsonModel(_Model):
    """A model built from the core's JSON: also keeps that object, for ``extra`` and ``raw``."""

    __slots__ = ("_json",)
    _json: Dict[str, Any]
    #: The JSON names of the modelled fields (generated per class).
    _KNOWN: FrozenSet[str] = frozenset()

    def __init__(self, **fields: Any) -> None:
        extra = fields.pop("extra", None) or {}
        super().__init__(**fields)
        self._json = dict(extra)

    def _fields(self) -> Tuple[str, ...]:
        return self.__slots__ + ("extra",)

    @property
    def extra(self) -> Dict[str, Any]:
        """Fields of the response this SDK does not model yet, exactly as received."""
        known = self._KNOWN
        return {k: v for k, v in self._json.items() if k not in known}

    @property
    def raw(self) -> Dict[str, Any]:
        """The whole object as the core passed it on: the modelled fields in their JSON form
        (times as RFC 3339 text, states as wire strings) and the ``extra`` ones."""
        return dict(self._json)
