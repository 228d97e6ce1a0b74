/*
 * test_faults.c: the mock's injected faults, for what the scenario table (tests/scenarios.tsv,
 * run by test_scenarios.c: outcomes, retries, request counts) does not check: the Retry-After
 * value, out-parameters left alone, the iterator usable after an error, transport kinds, empty
 * pages, resuming after an error, and deprecation notices.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_faults(void) {
    amperity_client *client = mock_client();
    amperity_object *body = (amperity_object *)0x1;
    amperity_iter *iter = NULL;
    amperity_object *item = (amperity_object *)0x1;
    uint16_t status = 0;
    mock_clear();

    /* A Retry-After longer than allowed comes back at once, with its value. */
    amperity_config *config = mock_config();
    OK(amperity_config_set_max_retry_after(config, 0));
    amperity_client *impatient = NULL;
    OK(amperity_client_new(config, &impatient));
    amperity_config_free(config);
    mock_fault("path=/api/segments,status=503,retry_after=1,count=1");
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(impatient, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_SERVER_ERROR);
    uint64_t retry_after = 0;
    OK(amperity_last_error_retry_after_ms(&retry_after));
    CHECK(retry_after == 1000);
    amperity_client_free(impatient);
    mock_clear();

    /* Malformed and truncated JSON. */
    mock_fault("path=/api/segments,malformed_json");
    item = (amperity_object *)0x1;
    OK(amperity_list_segments(client, NULL, &iter));
    CHECK_RC(amperity_iter_next(iter, &item), AMPERITY_RESULT_DECODE);
    CHECK(item == (amperity_object *)0x1);
    /* The iterator stays usable: the same call is retried and succeeds. */
    item = NULL;
    OK(amperity_iter_next(iter, &item));
    CHECK(item != NULL);
    amperity_object_free(item);
    amperity_iter_free(iter);
    mock_fault("path=/api/campaigns,truncated_json");
    body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/campaigns", NULL, &status, &body), AMPERITY_RESULT_DECODE);
    CHECK(body == (amperity_object *)0x1);
    mock_clear();

    /* The server closes the connection mid-body on every attempt. */
    mock_fault("path=/api/segments,close_mid_body,count=3");
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, &status, &body),
             AMPERITY_RESULT_TRANSPORT);
    CHECK(amperity_last_error_transport_kind() != AMPERITY_TRANSPORT_KIND_NONE);
    CHECK(amperity_last_error_http_status() == 0);
    mock_clear();

    /* An empty page that still has a cursor is skipped by amperity_iter_next. */
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 10));
    mock_fault("path=/api/segments,empty_page,count=1");
    OK(amperity_list_segments(client, options, &iter));
    CHECK(drain(iter, AMPERITY_OBJECT_KIND_SEGMENT) == segment_count);
    amperity_iter_free(iter);
    mock_clear();

    /* A 500 on the second page: the walk resumes from the cursor. */
    OK(amperity_list_options_set_limit(options, 100));
    OK(amperity_list_segments(client, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    amperity_page_free(page);
    mock_fault("path=/api/segments,status=500,count=3");
    page = (amperity_page *)0x1;
    CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_SERVER_ERROR);
    CHECK(page == (amperity_page *)0x1);
    char cursor[256];
    size_t cursor_len = 0;
    OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &cursor_len));
    page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    size_t len = 0;
    OK(amperity_page_len(page, &len));
    CHECK(len > 0);
    amperity_page_free(page);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    mock_clear();

    /* A slow answer and a short request timeout. */
    config = mock_config();
    OK(amperity_config_set_timeouts(config, 1000, 150));
    OK(amperity_config_set_retry(config, 1, 10, 10));
    amperity_client *hasty = NULL;
    OK(amperity_client_new(config, &hasty));
    amperity_config_free(config);
    mock_fault("path=/api/segments,delay_ms=600");
    CHECK_RC(amperity_raw_get(hasty, "/segments", NULL, &status, &body), AMPERITY_RESULT_TIMEOUT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_TIMEOUT);
    amperity_client_free(hasty);
    mock_clear();

    /* Deprecation headers are collected per operation. */
    mock_fault("path=/api/segments,deprecation");
    body = NULL;
    OK(amperity_raw_get(client, "/segments", NULL, &status, &body));
    amperity_object_free(body);
    amperity_object *notices = NULL;
    OK(amperity_client_deprecation_notices(client, &notices));
    OK(amperity_object_len(notices, &len));
    CHECK(len >= 1);
    const char *json = NULL;
    OK(amperity_object_json(notices, &json, NULL));
    CHECK(strstr(json, "\"sunset\"") != NULL);
    amperity_object_free(notices);
    CHECK_RC(amperity_client_deprecation_notices(NULL, &notices), AMPERITY_RESULT_NULL_ARGUMENT);
    mock_clear();
    amperity_client_free(client);
}
