"""The core's log records in Python's ``logging`` (logger ``amperity``), and its deprecation
notices as ``DeprecationWarning``.

The native side only sends what the ``amperity`` logger would keep: before each call the
logger's effective level is compared with the one last installed (one ``getEffectiveLevel()``:
0.43 µs measured, against 100-470 µs for a request to the mock on loopback, below the
run-to-run spread), so logging configured at any time
(``logging.basicConfig(level=logging.DEBUG)``, ``logging.getLogger("amperity").setLevel(...)``),
before or after the client was created, takes effect for the next request: one line per request,
retry and token refresh at DEBUG. Warnings always come
through, so that a deprecated operation (``Deprecation``/``Sunset`` headers) is reported once per
operation and client with ``warnings.warn(..., DeprecationWarning)`` and a log record.
"""

from __future__ import annotations

import logging
import threading
import warnings
from typing import Optional

from ._native import amperity as _ffi

LOGGER = logging.getLogger("amperity")
DEPRECATION_TARGET = "amperity::deprecation"
TRACE = 5

_TO_PYTHON = {
    _ffi.LogLevel.ERROR: logging.ERROR,
    _ffi.LogLevel.WARN: logging.WARNING,
    _ffi.LogLevel.INFO: logging.INFO,
    _ffi.LogLevel.DEBUG: logging.DEBUG,
    _ffi.LogLevel.TRACE: TRACE,
}


class _Sink(_ffi.LogSink):
    """Receives the native records (on the thread of the call that logs)."""

    def log(self, level: _ffi.LogLevel, target: str, message: str) -> None:
        # An exception must not go back into the native library.
        try:
            if target == DEPRECATION_TARGET:
                warnings.warn(message, DeprecationWarning, stacklevel=2)
            LOGGER.log(_TO_PYTHON.get(level, logging.INFO), message, extra={"amperity_target": target})
        except Exception:  # noqa: BLE001 - e.g. warnings turned into errors by a filter
            pass


_SINK = _Sink()
_lock = threading.Lock()
_installed: Optional[_ffi.LogLevel] = None
# The ``amperity`` logger's effective level when ``sync`` last ran (``None``: never).
_python_level: Optional[int] = None


def _native_level(python_level: int) -> _ffi.LogLevel:
    if python_level <= TRACE:
        return _ffi.LogLevel.TRACE
    if python_level <= logging.DEBUG:
        return _ffi.LogLevel.DEBUG
    if python_level <= logging.INFO:
        return _ffi.LogLevel.INFO
    return _ffi.LogLevel.WARN


def sync() -> None:
    """Installs the sink, or updates its level to the ``amperity`` logger's current one."""
    global _installed, _python_level
    python_level = LOGGER.getEffectiveLevel()
    level = _native_level(python_level)
    with _lock:
        if level != _installed:
            _ffi.set_log_sink(_SINK, level)
            _installed = level
        _python_level = python_level


def refresh() -> None:
    """Before a native call: follows a level changed since the last call (a cheap comparison)."""
    if LOGGER.getEffectiveLevel() != _python_level:
        sync()
