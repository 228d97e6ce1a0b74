"""Pages and the lazy paginator over a native pager."""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, Optional, TypeVar, cast, overload

from ._calls import _loads
from ._errors import _from_native
from ._native import amperity as _ffi

__all__ = ["Page", "Paginator"]

T = TypeVar("T")

_NativeError = _ffi.AmperityError
_InternalError = _ffi.InternalError


class Page(Generic[T]):
    """One page of a list: a sequence of items plus the cursor of the next page.

    Attributes:
        items: the records of this page.
        next_token: cursor of the next page; ``None`` on the last page. Pass it as ``cursor=``
            to a ``list`` call to resume from there.
        total: total number of records, when requested with ``with_total=True``.
    """

    __slots__ = ("items", "next_token", "total")

    def __init__(self, items: List[T], next_token: Optional[str], total: Optional[int]) -> None:
        self.items = items
        self.next_token = next_token
        self.total = total

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> List[T]: ...

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __repr__(self) -> str:
        return f"Page(items=<{len(self.items)} items>, next_token={self.next_token!r}, total={self.total!r})"


class Paginator(Generic[T]):
    """A lazy walk over a paginated list, one page in memory at a time.

    Iterate it for the items (``for segment in client.segments.list(limit=100)``), or call
    :meth:`pages` for whole pages. Nothing is fetched until the first item or page is asked
    for. A paginator is an iterator: it walks the list once.

    After an error (an exception raised while iterating), the paginator stays where it was:
    iterating again retries the failed page, and :attr:`resume_cursor` tells where to start a
    new walk later (``cursor=...``). A cursor the server already returned ends the walk with
    :class:`RepeatedCursorError` instead of looping forever.

    Blocking calls release the GIL; one paginator should be walked by one thread at a time
    (the native pager serialises concurrent calls).
    """

    __slots__ = ("_native", "_convert", "_current", "_gen")

    def __init__(self, native: Any, convert: Callable[[str], List[T]]) -> None:
        self._native = native
        self._convert = convert
        self._current: Iterator[T] = iter(())
        self._gen: Iterator[T] = self._walk()

    def _fetch(self) -> Optional[Page[T]]:
        try:
            page = self._native.next_page_json()
        except (_NativeError, _InternalError) as error:
            raise _from_native(error) from None
        if page is None:
            return None
        return Page(self._convert(page.items_json), page.next_token, page.total)

    def _walk(self) -> Iterator[T]:
        while True:
            yield from self._current
            try:
                page = self._fetch()
            except BaseException:
                # A generator that raised is finished: give the next iteration a fresh one,
                # which retries the same page (the native pager did not move).
                self._gen = self._walk()
                raise
            if page is None:
                return
            self._current = iter(page.items)

    def __iter__(self) -> Iterator[T]:
        return self._gen

    def __next__(self) -> T:
        return next(self._gen)

    def next_page(self) -> Optional[Page[T]]:
        """Fetches the next page, or returns ``None`` once the list is exhausted.

        Items of the current page not yet yielded by item iteration are skipped.
        """
        self._current = iter(())
        return self._fetch()

    def pages(self) -> Iterator[Page[T]]:
        """Iterates over the remaining pages (each with ``items``, ``next_token``, ``total``)."""
        while True:
            page = self.next_page()
            if page is None:
                return
            yield page

    @property
    def resume_cursor(self) -> Optional[str]:
        """The cursor of the next page to fetch (pass it as ``cursor=`` to resume later).

        ``None`` at the very start or once the list is exhausted.
        """
        return cast(Optional[str], self._native.resume_cursor())

    @property
    def total(self) -> Optional[int]:
        """The ``total`` reported by the server, once a page requested with ``with_total`` came."""
        return cast(Optional[int], self._native.total())

    @property
    def is_done(self) -> bool:
        """True once the last page has been returned."""
        return bool(self._native.is_done())

    def __repr__(self) -> str:
        return f"<Paginator done={self.is_done} resume_cursor={self.resume_cursor!r}>"


def _list_of(item: Callable[[Any], T]) -> Callable[[str], List[T]]:
    """A converter from a JSON array to a list of typed items."""

    def convert(text: str) -> List[T]:
        return [item(d) for d in _loads(text)]

    return convert


def _json_list(text: str) -> List[Any]:
    """Raw pages: the items stay plain JSON values (dicts)."""
    return cast(List[Any], _loads(text))
