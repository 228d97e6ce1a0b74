import AmperityBindings
import Foundation

/// One page of a list.
public struct Page<Element: Sendable>: Sendable {
    /// The records of this page.
    public let items: [Element]
    /// Cursor of the next page; `nil` on the last page. Pass it as `cursor:` to a `list` call to
    /// continue from there later.
    public let nextToken: String?
    /// Total number of records, when the list was asked `withTotal: true`.
    public let total: Int64?
}

/// The operations of one native pager object, whatever its item type.
struct PagerHandle<Element: Sendable>: Sendable {
    let nextPage: @Sendable () throws -> Page<Element>?
    let resumeCursor: @Sendable () -> String?
}

/// A lazy list: nothing is sent until it is walked, and a walk holds one page in memory at a
/// time, fetching the next page when the current one is used up.
///
/// ```swift
/// for try await segment in client.segments.list(limit: 100) { print(segment.name) }
/// ```
///
/// Each walk (each `for try await`, each ``pages()``) starts afresh from the list's starting
/// cursor. An async walk checks `Task` cancellation before every page and throws
/// `CancellationError`; ``pages()`` walks page by page, synchronously or with `await`, and
/// tells where to resume after an error or a cancellation (``PageCursor/resumeCursor``).
public struct PagedList<Element: Sendable>: AsyncSequence, Sendable {
    let native: Native
    let open: @Sendable (AmperityBindings.Client) throws -> PagerHandle<Element>
    let startCursor: String?

    /// A new page-by-page walk from the start of the list.
    public func pages() -> PageCursor<Element> {
        PageCursor(native: native, open: open, startCursor: startCursor)
    }

    /// Walks the records from the start, fetching one page at a time.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(cursor: pages())
    }

    /// Every record, fetched page by page on the caller's thread (blocking).
    public func collect() throws -> [Element] {
        let cursor = pages()
        var all: [Element] = []
        while let page = try cursor.next() { all += page.items }
        return all
    }

    /// Calls `body` with every record, fetching page by page on the caller's thread (blocking).
    public func forEach(_ body: (Element) throws -> Void) throws {
        let cursor = pages()
        while let page = try cursor.next() { try page.items.forEach(body) }
    }

    /// Yields the records of a walk; one page is buffered at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let cursor: PageCursor<Element>
        var buffer: [Element] = []
        var index = 0

        /// The next record, or `nil` at the end; throws `CancellationError` when the task is
        /// cancelled before a page is fetched, or the ``AmperityError`` of a failed page.
        public mutating func next() async throws -> Element? {
            while index == buffer.count {
                guard let page = try await cursor.next() else { return nil }
                buffer = page.items
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }
    }
}

/// Walks a list page by page: `next()` fetches one page (one request). After an error the
/// cursor stays where it was: calling again retries the same page, and ``resumeCursor`` tells
/// where to continue in a new walk (`list(cursor:)`).
///
/// Safe to share between tasks (calls are serialised), but a walk is one sequence of pages.
public final class PageCursor<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable field below is guarded by `lock`.
    private let native: Native
    private let open: @Sendable (AmperityBindings.Client) throws -> PagerHandle<Element>
    private let startCursor: String?
    private let lock = NSLock()
    private var handle: PagerHandle<Element>?
    private var lastTotal: Int64?
    private var done = false

    init(
        native: Native, open: @escaping @Sendable (AmperityBindings.Client) throws -> PagerHandle<Element>,
        startCursor: String?
    ) {
        self.native = native
        self.open = open
        self.startCursor = startCursor
    }

    /// Fetches the next page on the caller's thread (blocking), or returns `nil` once the list
    /// is exhausted.
    public func next() throws -> Page<Element>? {
        lock.lock()
        defer { lock.unlock() }
        if done { return nil }
        let handle = try self.handle ?? native.call(open)
        self.handle = handle
        guard let page = try native.call({ _ in try handle.nextPage() }) else {
            done = true
            return nil
        }
        if let total = page.total { lastTotal = total }
        return page
    }

    /// Fetches the next page on the client's queue; throws `CancellationError` (fetching
    /// nothing) when the task is already cancelled.
    public func next() async throws -> Page<Element>? {
        try Task.checkCancellation()
        return try await native.run { try self.next() }
    }

    /// The cursor of the next page not yet returned: pass it as `cursor:` to a `list` call to
    /// continue there (after an error or a cancellation too). `nil` at the very start of a walk
    /// without a starting cursor, and once the list is exhausted.
    public var resumeCursor: String? {
        lock.lock()
        defer { lock.unlock() }
        if done { return nil }
        return handle?.resumeCursor() ?? startCursor
    }

    /// The `total` the server reported (lists asked `withTotal: true`), once a page is fetched.
    public var total: Int64? {
        lock.lock()
        defer { lock.unlock() }
        return lastTotal
    }

    /// True once the last page has been returned.
    public var isDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }
}

/// Page options for the core; the core checks them (a limit below 1 is an invalid argument).
func pageOptions(limit: Int?, withTotal: Bool, cursor: String?, readAhead: Bool = false) -> PageOptions {
    PageOptions(
        limit: limit.map { Int32(clamping: $0) }, withTotal: withTotal, cursor: cursor, readAhead: readAhead)
}

/// A generated pager object's operations as a ``PagerHandle``.
protocol NativePager: Sendable {
    associatedtype NativePage
    associatedtype Item: Sendable
    func nextPage() throws -> NativePage?
    func resumeCursor() -> String?
    static func page(_ page: NativePage) -> Page<Item>
}

extension NativePager {
    var handle: PagerHandle<Item> {
        PagerHandle(
            nextPage: { try self.nextPage().map(Self.page) },
            resumeCursor: { self.resumeCursor() })
    }
}

extension RawPager: NativePager {
    static func page(_ p: RawPage) -> Page<String> {
        Page(items: p.items, nextToken: p.nextToken, total: p.total)
    }
}
