/*
 * test_pagination.c: the segments item by item and page by page, resuming from a cursor,
 * read-ahead, and the list options.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <time.h>

static void check_segment(const amperity_object *segment) {
    amperity_object_kind kind = 99;
    OK(amperity_object_get_kind(segment, &kind));
    CHECK(kind == AMPERITY_OBJECT_KIND_SEGMENT);
    const char *json = NULL;
    size_t json_len = 0;
    OK(amperity_object_json(segment, &json, &json_len));
    CHECK(json_len == strlen(json) && json[0] == '{' && strstr(json, "\"id\":\"seg-") != NULL);
    const char *id = NULL;
    size_t id_len = 0;
    OK(amperity_object_id(segment, &id, &id_len));
    CHECK(strncmp(id, "seg-", 4) == 0 && id_len == strlen(id));
    const char *same = NULL;
    OK(amperity_object_get_string(segment, "id", &same, NULL));
    CHECK(same == id);
    const char *name = NULL;
    size_t name_len = 0;
    OK(amperity_object_name(segment, &name, &name_len));
    CHECK(strlen(name) > 0 && name_len == strlen(name));
    OK(amperity_object_get_string(segment, "name", &same, NULL));
    CHECK(same == name);
    const char *status = NULL;
    OK(amperity_object_state(segment, &status, NULL));
    CHECK(strlen(status) > 0);
}

void test_segments_by_item(void) {
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_options_set_with_total(options, true));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_list_options_free(options);

    char cursor[256];
    size_t len = 0;
    CHECK_RC(amperity_iter_cursor(iter, cursor, sizeof cursor, &len), AMPERITY_RESULT_NO_VALUE);
    int64_t total = -1;
    CHECK_RC(amperity_iter_total(iter, &total), AMPERITY_RESULT_NO_VALUE);
    CHECK(total == -1);
    bool done = true;
    OK(amperity_iter_is_done(iter, &done));
    CHECK(!done);

    size_t count = 0;
    for (;;) {
        amperity_object *segment = NULL;
        amperity_result rc = amperity_iter_next(iter, &segment);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK || segment == NULL) {
            break;
        }
        if (count == 0) {
            check_segment(segment);
            OK(amperity_iter_total(iter, &total));
            CHECK(total == (int64_t)segment_count);
            OK(amperity_iter_cursor(iter, NULL, 0, &len));
            CHECK(len > 0);
            CHECK_RC(amperity_iter_cursor(iter, cursor, 2, &len),
                     AMPERITY_RESULT_BUFFER_TOO_SMALL);
            OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &len));
            CHECK(strlen(cursor) == len);
            /* With a buffer, out_len is optional (issue 29). */
            memset(cursor, 0, sizeof cursor);
            OK(amperity_iter_cursor(iter, cursor, sizeof cursor, NULL));
            CHECK(strlen(cursor) == len);
            CHECK_RC(amperity_iter_cursor(iter, NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
        }
        count++;
        amperity_object_free(segment);
    }
    CHECK(count == segment_count);
    OK(amperity_iter_is_done(iter, &done));
    CHECK(done);
    CHECK_RC(amperity_iter_cursor(iter, cursor, sizeof cursor, &len), AMPERITY_RESULT_NO_VALUE);
    amperity_object *after = (amperity_object *)0x1;
    OK(amperity_iter_next(iter, &after));
    CHECK(after == NULL);

    CHECK_RC(amperity_iter_next(NULL, &after), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_next(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_total(NULL, &total), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_is_done(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_cursor(NULL, cursor, sizeof cursor, &len),
             AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_iter_free(iter);

    /* NULL options mean the defaults; NULL client or out-parameter is refused. */
    iter = NULL;
    OK(amperity_list_segments(client, NULL, &iter));
    amperity_object *first = NULL;
    OK(amperity_iter_next(iter, &first));
    CHECK(first != NULL);
    amperity_object_free(first);
    amperity_iter_free(iter);
    CHECK_RC(amperity_list_segments(NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_segments(client, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}

/* Walks the segments page by page; fills ids[] with the first id of each page. */
static size_t walk_pages(amperity_client *client, const char *cursor, char ids[][64],
                         size_t max_pages, char *second_cursor, size_t cursor_len) {
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_options_set_cursor(options, cursor));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_list_options_free(options);
    size_t pages = 0;
    size_t records = 0;
    for (;;) {
        amperity_page *page = NULL;
        amperity_result rc = amperity_iter_next_page(iter, &page);
        CHECK(rc == AMPERITY_RESULT_OK);
        if (rc != AMPERITY_RESULT_OK || page == NULL) {
            break;
        }
        size_t len = 0;
        OK(amperity_page_len(page, &len));
        records += len;
        const amperity_object *item = NULL;
        if (len > 0 && pages < max_pages) {
            OK(amperity_page_item(page, 0, &item));
            check_segment(item); /* a page's record lends its id and name from the page */
            const char *id = NULL;
            OK(amperity_object_id(item, &id, NULL));
            snprintf(ids[pages], 64, "%s", id);
        }
        CHECK_RC(amperity_page_item(page, len, &item), AMPERITY_RESULT_INVALID_ARGUMENT);
        const char *next = NULL;
        size_t next_len = 0;
        amperity_result next_rc = amperity_page_next_token(page, &next, &next_len);
        if (next_rc == AMPERITY_RESULT_OK) {
            CHECK(next_len == strlen(next) && next_len > 0);
            if (pages == 0 && second_cursor != NULL) {
                snprintf(second_cursor, cursor_len, "%s", next);
            }
        } else {
            CHECK(next_rc == AMPERITY_RESULT_NO_VALUE);
        }
        int64_t total = 0;
        CHECK_RC(amperity_page_total(page, &total), AMPERITY_RESULT_NO_VALUE);
        amperity_page_free(page);
        pages++;
    }
    amperity_iter_free(iter);
    CHECK(cursor != NULL || records == segment_count);
    return pages;
}

/* The objects a page lends and the objects the iterator hands out one by one are the same
 * records: every index of the first pages, compared by JSON text, id and name. */
void test_page_items_match_iterated_items(void) {
    enum { PAGES = 3, LIMIT = 30 };
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, LIMIT));
    amperity_iter *by_page = NULL;
    amperity_iter *by_item = NULL;
    OK(amperity_list_segments(client, options, &by_page));
    OK(amperity_list_segments(client, options, &by_item));
    amperity_list_options_free(options);
    amperity_object *kept = NULL; /* an item of the first page, read after later pages */
    char *kept_json = NULL;
    size_t compared = 0;
    for (int p = 0; p < PAGES; p++) {
        amperity_page *page = NULL;
        OK(amperity_iter_next_page(by_page, &page));
        if (page == NULL) {
            CHECK(page != NULL);
            break;
        }
        size_t len = 0;
        OK(amperity_page_len(page, &len));
        CHECK(len == LIMIT);
        for (size_t i = 0; i < len; i++) {
            const amperity_object *lent = NULL;
            const amperity_object *again = NULL;
            OK(amperity_page_item(page, i, &lent));
            OK(amperity_page_item(page, i, &again));
            CHECK(lent == again);
            amperity_object *owned = NULL;
            OK(amperity_iter_next(by_item, &owned));
            if (owned == NULL) {
                CHECK(owned != NULL);
                break;
            }
            const char *a = NULL, *b = NULL;
            OK(amperity_object_json(lent, &a, NULL));
            OK(amperity_object_json(owned, &b, NULL));
            CHECK(strcmp(a, b) == 0);
            OK(amperity_object_id(lent, &a, NULL));
            OK(amperity_object_id(owned, &b, NULL));
            CHECK(strcmp(a, b) == 0 && strncmp(a, "seg-", 4) == 0);
            OK(amperity_object_name(lent, &a, NULL));
            OK(amperity_object_name(owned, &b, NULL));
            CHECK(strcmp(a, b) == 0);
            compared++;
            if (p == 0 && i == LIMIT / 2) {
                kept = owned;
                OK(amperity_object_json(kept, &a, NULL));
                kept_json = strdup(a);
            } else {
                amperity_object_free(owned);
            }
        }
        amperity_page_free(page);
    }
    CHECK(compared == PAGES * LIMIT);
    /* An item taken from the iterator owns its record: still readable after later pages. */
    const char *json = NULL;
    CHECK(kept != NULL && kept_json != NULL);
    if (kept != NULL && kept_json != NULL) {
        OK(amperity_object_json(kept, &json, NULL));
        CHECK(strcmp(json, kept_json) == 0);
    }
    free(kept_json);
    amperity_object_free(kept);
    amperity_iter_free(by_page);
    amperity_iter_free(by_item);
    amperity_client_free(client);
}

void test_pages_and_resume(void) {
    amperity_client *client = mock_client();
    char ids[16][64];
    char resumed_ids[16][64];
    char cursor[256] = "";
    size_t pages = walk_pages(client, NULL, ids, 16, cursor, sizeof cursor);
    CHECK(pages == (segment_count + 99) / 100);
    CHECK(strlen(cursor) > 0);
    /* Resuming at the first page's next_token starts at the second page. */
    size_t resumed = walk_pages(client, cursor, resumed_ids, 16, NULL, 0);
    CHECK(resumed == pages - 1);
    CHECK(resumed > 0 && strcmp(resumed_ids[0], ids[1]) == 0);

    /* with_total: the first page carries it. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_with_total(options, true));
    OK(amperity_list_options_set_limit(options, 7));
    OK(amperity_list_options_set_cursor(options, ""));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    int64_t total = 0;
    OK(amperity_page_total(page, &total));
    CHECK(total == (int64_t)segment_count);
    size_t len = 0;
    OK(amperity_page_len(page, &len));
    CHECK(len == 7);
    amperity_page_free(page);
    CHECK_RC(amperity_iter_next_page(iter, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_iter_next_page(NULL, &page), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_len(NULL, &len), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_item(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_next_token(NULL, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_page_total(NULL, &total), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_iter_free(iter);

    CHECK_RC(amperity_list_options_new(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_limit(NULL, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_with_total(NULL, true), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_set_cursor(options, invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_list_options_add_filter(options, NULL, "x"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_list_options_add_filter(options, "x", invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    /* A filter the endpoint does not take is refused before any request. */
    OK(amperity_list_options_add_filter(options, "colour", "blue"));
    iter = (amperity_iter *)0x1;
    CHECK_RC(amperity_list_segments(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(iter == (amperity_iter *)0x1);
    CHECK_RC(amperity_list_campaigns(client, options, &iter), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "destination_data_template_id") != NULL);
    amperity_list_options_free(options);
    amperity_client_free(client);
}

/* Read-ahead: the same records; while the caller holds page 1, page 2 is requested unasked,
   and no further page. */
void test_read_ahead(void) {
    amperity_client *client = mock_client();
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_options_set_read_ahead(options, true));
    CHECK_RC(amperity_list_options_set_read_ahead(NULL, true), AMPERITY_RESULT_NULL_ARGUMENT);
    mock_reset();
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(client, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    long seen = 0;
    for (int i = 0; i < 500 && (seen = mock_api_requests()) < 2; i++) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    CHECK(seen == 2);
    struct timespec settle = {0, 100 * 1000 * 1000};
    nanosleep(&settle, NULL);
    CHECK(mock_api_requests() == 2);
    size_t records = 0, len = 0;
    OK(amperity_page_len(page, &len));
    records += len;
    amperity_page_free(page);
    for (;;) {
        page = NULL;
        OK(amperity_iter_next_page(iter, &page));
        if (page == NULL) break;
        OK(amperity_page_len(page, &len));
        records += len;
        amperity_page_free(page);
    }
    CHECK(records == segment_count);
    CHECK(mock_api_requests() == (long)((segment_count + 99) / 100));
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    amperity_client_free(client);
}
