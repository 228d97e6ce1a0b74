/*
 * test_errors.c: the version, the result names and the thread-local last error.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

void test_version_and_names(void) {
    CHECK(strcmp(amperity_version(), AMPERITY_VERSION_STRING) == 0);
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", AMPERITY_VERSION_MAJOR,
             AMPERITY_VERSION_MINOR, AMPERITY_VERSION_PATCH);
    CHECK(strcmp(amperity_version(), expected) == 0);
    CHECK(strcmp(amperity_result_name(AMPERITY_RESULT_NOT_FOUND), "AMPERITY_RESULT_NOT_FOUND") ==
          0);
    CHECK(strcmp(amperity_result_name(AMPERITY_RESULT_OK), "AMPERITY_RESULT_OK") == 0);
    CHECK(strcmp(amperity_result_name(4242), "AMPERITY_RESULT_UNRECOGNIZED") == 0);
    CHECK(amperity_result_is_api_error(AMPERITY_RESULT_RATE_LIMITED));
    CHECK(amperity_result_is_api_error(AMPERITY_RESULT_API_OTHER));
    CHECK(!amperity_result_is_api_error(AMPERITY_RESULT_TRANSPORT));
    CHECK(!amperity_result_is_api_error(AMPERITY_RESULT_OK));
    /* The published values. */
    CHECK(AMPERITY_RESULT_OK == 0 && AMPERITY_RESULT_NULL_ARGUMENT == 1 &&
          AMPERITY_RESULT_BUFFER_TOO_SMALL == 5 && AMPERITY_RESULT_PANIC == 7 &&
          AMPERITY_RESULT_NOT_FOUND == 103 && AMPERITY_RESULT_TRANSPORT == 200 &&
          AMPERITY_RESULT_WAIT_TIMEOUT == 302);
}

void test_last_error(void) {
    amperity_last_error_clear();
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK);
    char buf[256];
    size_t len = 12345;
    CHECK_RC(amperity_last_error_message(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    CHECK(len == 12345);
    /* A length query (buf = NULL) needs out_len, whatever is stored, as the header promises. */
    CHECK_RC(amperity_last_error_message(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_request_id(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_trace_id(NULL, 0, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK); /* and the last error is kept */

    /* A failure: NULL tenant. The out-parameter is left alone. */
    amperity_config *config = (amperity_config *)0x1;
    CHECK_RC(amperity_config_new(NULL, &config), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(config == (amperity_config *)0x1);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);

    /* Measure, then copy. */
    OK(amperity_last_error_message(NULL, 0, &len));
    CHECK(len == strlen("tenant must not be NULL"));
    OK(amperity_last_error_message(buf, len + 1, &len));
    CHECK(strcmp(buf, "tenant must not be NULL") == 0);

    /* Too small: nothing written, the last error is unchanged. */
    memset(buf, 'x', sizeof buf);
    size_t small_len = 99;
    CHECK_RC(amperity_last_error_message(buf, 4, &small_len), AMPERITY_RESULT_BUFFER_TOO_SMALL);
    CHECK(buf[0] == 'x' && small_len == 99);
    CHECK_RC(amperity_last_error_message(buf, len, &small_len), AMPERITY_RESULT_BUFFER_TOO_SMALL);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_message(NULL, 10, &len), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);
    /* With a buffer, out_len is optional, like every other length out-parameter (issue 29). */
    memset(buf, 'x', sizeof buf);
    OK(amperity_last_error_message(buf, sizeof buf, NULL));
    CHECK(strcmp(buf, "tenant must not be NULL") == 0);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_NULL_ARGUMENT);

    /* Not an API error: no status, ids, Retry-After or transport kind. */
    CHECK(amperity_last_error_http_status() == 0);
    CHECK_RC(amperity_last_error_request_id(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    CHECK_RC(amperity_last_error_trace_id(buf, sizeof buf, &len), AMPERITY_RESULT_NO_VALUE);
    uint64_t ms = 7;
    CHECK_RC(amperity_last_error_retry_after_ms(&ms), AMPERITY_RESULT_NO_VALUE);
    CHECK(ms == 7);
    CHECK_RC(amperity_last_error_retry_after_ms(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(amperity_last_error_transport_kind() == AMPERITY_TRANSPORT_KIND_NONE);

    /* Invalid UTF-8. */
    CHECK_RC(amperity_config_new(invalid_utf8, &config), AMPERITY_RESULT_INVALID_UTF8);
    CHECK(config == (amperity_config *)0x1);
    CHECK(strstr(last_message(), "UTF-8") != NULL);

    amperity_last_error_clear();
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_OK);
}
