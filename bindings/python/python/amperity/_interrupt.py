"""Ctrl-C during a blocking call: turns SIGINT into a native cancel.

A ctypes call holds off Python's signal handlers until it returns, so ``KeyboardInterrupt``
would wait for the native call (a one-hour workflow wait, a 60 s ``Retry-After``). Python's
C-level signal handler still writes the signal number to the wakeup fd
(:func:`signal.set_wakeup_fd`) at once; a daemon thread reads it and cancels the calls in
progress on every open client. The native call returns within milliseconds, and Python raises
the ``KeyboardInterrupt`` as soon as it runs bytecode again.

The watcher is installed from the main thread only, and only when no other wakeup fd is set
(an asyncio event loop sets its own; there, cancel the task instead) and SIGINT has Python's
default handler. Without it, everything works as before, minus the prompt Ctrl-C. An async
client's calls run on its pool's threads, never holding off the main thread's handlers: it is
not watched, so creating one before ``trio.run`` leaves the wakeup fd to trio (which warns when
it finds one set).
"""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import weakref
from typing import Any, Iterator, Optional

_lock = threading.Lock()
_natives: "weakref.WeakSet[Any]" = weakref.WeakSet()
_reader: Optional[socket.socket] = None
_installed = False
_unwatched = threading.local()


@contextlib.contextmanager
def unwatched() -> Iterator[None]:
    """Clients made inside (on this thread) are not watched: the async clients' blocking ones."""
    _unwatched.on = True
    try:
        yield
    finally:
        _unwatched.on = False


def watch(native: Any) -> None:
    """Cancels ``native``'s calls on Ctrl-C (while it is alive)."""
    if getattr(_unwatched, "on", False):
        return
    with _lock:
        _natives.add(native)
    _install()


def _install() -> None:
    global _installed, _reader
    with _lock:
        if _installed or threading.current_thread() is not threading.main_thread():
            return
        _installed = True  # one attempt per process
        if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
            return
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        try:
            previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        except (ValueError, OSError):
            reader.close()
            writer.close()
            return
        if previous != -1:
            # Someone else (an event loop) owns the wakeup fd: give it back.
            signal.set_wakeup_fd(previous)
            reader.close()
            writer.close()
            return
        _reader = reader
        # Keep the write end open for the life of the process.
        globals()["_writer"] = writer
    threading.Thread(target=_watch, args=(reader,), name="amperity-interrupt", daemon=True).start()


def _watch(reader: socket.socket) -> None:
    while True:
        try:
            data = reader.recv(64)
        except OSError:
            return
        if not data:
            return
        if signal.SIGINT in data:
            with _lock:
                natives = list(_natives)
            for native in natives:
                try:
                    native.cancel()
                except Exception:  # noqa: BLE001 - a closed client has nothing to cancel
                    pass
