/*
 * test_raw.c: the raw escape hatch: amperity_raw_get, amperity_raw_post and amperity_raw_pages.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_raw(void) {
    amperity_client *client = mock_client();
    amperity_object *body = NULL;
    uint16_t status = 0;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 2, \"with_total\": true}", &status,
                        &body));
    CHECK(status == 200);
    amperity_object *data = NULL;
    OK(amperity_object_get(body, "data", &data));
    size_t len = 0;
    OK(amperity_object_len(data, &len));
    CHECK(len == 2);
    amperity_object *first = NULL;
    OK(amperity_object_at(data, 0, &first));
    const char *id = NULL;
    OK(amperity_object_id(first, &id, NULL));
    CHECK(strncmp(id, "seg-", 4) == 0);
    CHECK_RC(amperity_object_at(data, 2, &first), AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_object_free(first);
    amperity_object_free(data);
    int64_t total = 0;
    OK(amperity_object_get_int(body, "total", &total));
    CHECK(total == (int64_t)segment_count);
    amperity_object_free(body);

    body = NULL;
    OK(amperity_raw_get(client, "/segments", NULL, NULL, &body));
    CHECK(body != NULL);
    amperity_object_free(body);

    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", "{not json", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", "[1]", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", "{\"a\": {}}", &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "segments", NULL, &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/../x", NULL, &status, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/no-such-endpoint", NULL, &status, &body),
             AMPERITY_RESULT_NOT_FOUND);
    CHECK_RC(amperity_raw_get(client, NULL, NULL, &status, &body), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(body == (amperity_object *)0x1);

    body = NULL;
    OK(amperity_raw_post(client, "/workflow/runs", "{\"config_id\": \"cg-raw\"}", false, &status,
                         &body));
    CHECK(status >= 200 && status < 300);
    const char *state = NULL;
    OK(amperity_object_state(body, &state, NULL));
    OK(amperity_object_id(body, &id, NULL));
    char stop_path[128];
    snprintf(stop_path, sizeof stop_path, "/workflow/runs/%s/stop", id);
    amperity_object *stopped = NULL;
    OK(amperity_raw_post(client, stop_path, NULL, true, NULL, &stopped));
    amperity_object_free(stopped);
    amperity_object_free(body);
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_post(client, "/workflow/runs", "{", false, NULL, &body),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_raw_post(client, "/workflow/runs", "{}", false, NULL, &body),
             AMPERITY_RESULT_BAD_REQUEST);
    CHECK(amperity_last_error_http_status() == 400);
    CHECK_RC(amperity_raw_post(NULL, "/x", NULL, false, NULL, &body),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_raw_post(client, invalid_utf8, NULL, false, NULL, &body),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK(body == (amperity_object *)0x1);

    /* Raw pages: filters become query parameters. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    amperity_iter *iter = NULL;
    OK(amperity_raw_pages(client, "/segments", options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_JSON) == segment_count);
    amperity_iter_free(iter);
    OK(amperity_list_options_add_filter(options, "with_total", "true"));
    OK(amperity_raw_pages(client, "/segments", options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    OK(amperity_page_total(page, &total));
    CHECK(total == (int64_t)segment_count);
    amperity_page_free(page);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    OK(amperity_raw_pages(client, "no-slash", NULL, &iter));
    page = (amperity_page *)0x1;
    CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(page == (amperity_page *)0x1);
    amperity_iter_free(iter);
    CHECK_RC(amperity_raw_pages(client, NULL, NULL, &iter), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client_free(client);
}
