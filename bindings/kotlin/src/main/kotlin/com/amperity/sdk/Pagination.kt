package com.amperity.sdk

import com.amperity.sdk.ffi.Client as FfiClient

/**
 * One page of a list.
 *
 * @property items the records of this page.
 * @property nextToken cursor of the next page; `null` on the last page. Pass it as `cursor` to a
 *   `list` call to continue from there later.
 * @property total total number of records, when the list was asked `withTotal = true`.
 */
data class Page<T>(
    val items: List<T>,
    val nextToken: String?,
    val total: Long?,
)

/** The operations of one native pager object, whatever its item type. */
internal class PagerHandle<T>(
    /** The native client the pager belongs to (cancelled when the walking thread is interrupted). */
    val owner: FfiClient,
    val nextPage: () -> Page<T>?,
    val resumeCursor: () -> String?,
    val total: () -> Long?,
    val close: () -> Unit,
)

/**
 * A lazy list: nothing is sent until it is iterated, and iteration holds one page in memory at
 * a time, fetching the next page when the current one is used up.
 *
 * Every call to [iterator] (every `for` loop, every `toList()`, ...) starts a fresh walk from the
 * list's starting cursor. [pages] walks page by page, with each page's `nextToken` and `total`
 * and the [PageIterator.resumeCursor] to continue from after an error.
 *
 * Java: `for (Segment s : list.asIterable())`, or `list.iterator()`.
 */
class PagedList<T> internal constructor(private val open: () -> PagerHandle<T>) : Sequence<T> {
    /** Walks the records from the start, fetching one page at a time. */
    override fun iterator(): Iterator<T> = ItemIterator(PageIterator(open()))

    /** This list as an [Iterable] (for Java's enhanced `for`); each iteration is a fresh walk. */
    fun asIterable(): Iterable<T> = Iterable { iterator() }

    /** Walks the pages from the start; close it (or exhaust it) to release the native pager. */
    fun pages(): PageIterator<T> = PageIterator(open())

    /** The first page only (one request), or an empty page when the list is empty. */
    fun firstPage(): Page<T> = pages().use { if (it.hasNext()) it.next() else Page(emptyList(), null, null) }

    private class ItemIterator<T>(private val pages: PageIterator<T>) : Iterator<T> {
        private var current: Iterator<T> = emptyList<T>().iterator()

        override fun hasNext(): Boolean {
            while (!current.hasNext()) {
                if (!pages.hasNext()) return false
                current = pages.next().items.iterator()
            }
            return true
        }

        override fun next(): T {
            if (!hasNext()) throw NoSuchElementException("the list is exhausted")
            return current.next()
        }
    }
}

/**
 * Walks a list page by page. [hasNext] fetches the next page (one request) when none is buffered;
 * an error is thrown from [hasNext] or [next], after which the iterator stays where it was:
 * calling again retries the same page, and [resumeCursor] tells where to continue in a new walk.
 *
 * Not for concurrent use by several threads (the client itself is).
 */
class PageIterator<T> internal constructor(private val handle: PagerHandle<T>) : Iterator<Page<T>>, AutoCloseable {
    private var buffered: Page<T>? = null
    private var bufferedFrom: String? = null
    private var done = false
    private var closed = false
    private var lastTotal: Long? = null
    private var closedCursor: String? = null

    // The native pager's cursor, mirrored here so a page costs one native call: every native call
    // allocates JNA structures that only the garbage collector's cleaner frees.
    private var cursor: String? = null
    private var cursorKnown = false

    override fun hasNext(): Boolean {
        if (buffered != null) return true
        if (done) return false
        check(!closed) { "this page iterator is closed" }
        if (!cursorKnown) {
            cursor = handle.resumeCursor()
            cursorKnown = true
        }
        val from = cursor
        val page = interruptible(handle.owner) { ffi { handle.nextPage() } }
        if (page == null) {
            done = true
            close()
            return false
        }
        page.total?.let { lastTotal = it }
        cursor = page.nextToken
        buffered = page
        bufferedFrom = from
        return true
    }

    override fun next(): Page<T> {
        if (!hasNext()) throw NoSuchElementException("the list is exhausted")
        val page = buffered!!
        buffered = null
        bufferedFrom = null
        return page
    }

    /**
     * The cursor of the next page not yet returned by [next]: pass it as `cursor` to a `list` call
     * to continue there (after an error too). `null` at the very start of a walk without a
     * starting cursor, and once the list is exhausted.
     */
    val resumeCursor: String?
        get() = when {
            buffered != null -> bufferedFrom
            done -> null
            closed -> closedCursor
            cursorKnown -> cursor
            else -> handle.resumeCursor()
        }

    /** The `total` the server reported (lists asked `withTotal = true`), once a page is fetched. */
    val total: Long?
        get() = lastTotal

    /** True once the last page has been returned by [next]. */
    val isDone: Boolean
        get() = done && buffered == null

    /** Releases the native pager; further fetches throw [IllegalStateException]. Idempotent. */
    override fun close() {
        if (!closed) {
            closedCursor = if (done) null else resumeCursor
            closed = true
            handle.close()
        }
    }
}
