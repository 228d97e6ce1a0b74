"""Hand-written parts of the model classes: the common base, time parsing and RunState's helpers.

The classes themselves are generated into ``_schema.py``.
"""

from __future__ import annotations

import datetime as _dt
import sys
from typing import Any, Dict, FrozenSet, Optional, Tuple

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

    def to_dict(self) -> Dict[str, Any]:
        """The fields as a dict (nested models as dicts too)."""
        out: Dict[str, Any] = {}
        for name in self._fields():
            value = getattr(self, name)
            if isinstance(value, _Model):
                value = value.to_dict()
            elif isinstance(value, list):
                value = [v.to_dict() if isinstance(v, _Model) else v for v in value]
            out[name] = value
        return out


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
