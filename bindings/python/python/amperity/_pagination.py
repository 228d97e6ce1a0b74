"""Pages and the lazy paginator over a native pager."""

from __future__ import annotations

from typing import Any, Callable, Generic, Iterator, List, Optional, TypeVar, cast, overload

from . import _logging
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
        items: the records of this page (a list, built from the page's JSON when first read).
        next_token: cursor of the next page; ``None`` on the last page. Pass it as ``cursor=``
            to a ``list`` call to resume from there.
        total: total number of records, when requested with ``with_total=True``.
    """

    # A page from a paginator holds the parsed JSON of its records (``_values``) and builds the
    # typed list on first use: item iteration (``for s in client.segments.list()``) then makes
    # one object at a time, which dies young instead of being traced by the cyclic GC as part of
    # a held list (about 15 % of a 1000-record page's CPU when the page holds them all).
    __slots__ = ("_items", "_values", "_item", "next_token", "total")

    def __init__(self, items: List[T], next_token: Optional[str], total: Optional[int]) -> None:
        self._items: Optional[List[T]] = items
        self._values: Optional[List[Any]] = None
        self._item: Optional[Callable[[Any], T]] = None
        self.next_token = next_token
        self.total = total

    @classmethod
    def _of_values(
        cls, values: List[Any], item: Callable[[Any], T], next_token: Optional[str], total: Optional[int]
    ) -> "Page[T]":
        """A page whose items are ``item(v)`` for each JSON value, built when first asked for."""
        page: Page[T] = cls.__new__(cls)
        page._items = None
        page._values = values
        page._item = item
        page.next_token = next_token
        page.total = total
        return page

    @property
    def items(self) -> List[T]:
        """The records of this page."""
        items = self._items
        if items is None:
            item = cast("Callable[[Any], T]", self._item)
            items = [item(v) for v in cast("List[Any]", self._values)]
            self._items, self._values = items, None
        return items

    @items.setter
    def items(self, items: List[T]) -> None:
        self._items, self._values = items, None

    def _each(self) -> Iterator[T]:
        """The items one at a time; the page's list is not built when it does not exist yet."""
        if self._items is not None:
            return iter(self._items)
        return map(cast("Callable[[Any], T]", self._item), cast("List[Any]", self._values))

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self._items if self._items is not None else cast("List[Any]", self._values))

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> List[T]: ...

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __repr__(self) -> str:
        return f"Page(items=<{len(self)} items>, next_token={self.next_token!r}, total={self.total!r})"


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

    __slots__ = ("_native", "_items", "_current", "_gen")

    def __init__(self, native: Any, items: "_Items[T]") -> None:
        self._native = native
        self._items = items
        self._current: Iterator[T] = iter(())
        self._gen: Iterator[T] = self._walk()

    def _fetch(self) -> Optional[Page[T]]:
        _logging.refresh()
        try:
            page = self._native.next_page_json()
        except (_NativeError, _InternalError) as error:
            raise _from_native(error) from None
        if page is None:
            return None
        values = _loads(page.items_json)
        item = self._items.item
        if item is None:
            return Page(values, page.next_token, page.total)
        return Page._of_values(values, item, page.next_token, page.total)

    def _walk(self) -> Iterator[T]:
        while True:
            try:
                yield from self._current
            except Exception:
                # An item that could not be built (a bug: the core validated the page): the
                # next iteration goes on with the page's following items.
                self._gen = self._walk()
                raise
            try:
                page = self._fetch()
            except BaseException:
                # A generator that raised is finished: give the next iteration a fresh one,
                # which retries the same page (the native pager did not move).
                self._gen = self._walk()
                raise
            if page is None:
                return
            self._current = page._each()

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
        return cast("Optional[str]", self._native.resume_cursor())

    @property
    def total(self) -> Optional[int]:
        """The ``total`` reported by the server, once a page requested with ``with_total`` came."""
        return cast("Optional[int]", self._native.total())

    @property
    def is_done(self) -> bool:
        """True once the last page has been returned."""
        return bool(self._native.is_done())

    def __repr__(self) -> str:
        return f"<Paginator done={self.is_done} resume_cursor={self.resume_cursor!r}>"


class _Items(Generic[T]):
    """How a list's JSON items become its items: ``item`` turns one JSON value into a typed
    object (``None``: the items stay plain JSON values)."""

    __slots__ = ("item",)

    def __init__(self, item: Optional[Callable[[Any], T]]) -> None:
        self.item = item


def _list_of(item: Callable[[Any], T]) -> _Items[T]:
    """The items of a typed list: each JSON object becomes ``item(d)``."""
    return _Items(item)


#: Raw pages: the items stay plain JSON values (dicts).
_json_list: _Items[Any] = _Items(None)
