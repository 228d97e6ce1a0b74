/*
 * test_logging.c: amperity_set_log_callback (a deprecated operation's warning reaches the
 * callback with its target; debug records only when asked for) and the parsed Deprecation and
 * Sunset times of amperity_client_deprecation_notices.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

struct log_seen {
    int warnings;
    int debugs;
    char last_target[128];
    char last_message[512];
};

static void on_log(amperity_log_level level, const char *target, const char *message, void *user_data) {
    struct log_seen *seen = user_data;
    if (level == AMPERITY_LOG_LEVEL_WARN) {
        seen->warnings++;
        snprintf(seen->last_target, sizeof seen->last_target, "%s", target);
        snprintf(seen->last_message, sizeof seen->last_message, "%s", message);
    }
    if (level == AMPERITY_LOG_LEVEL_DEBUG) {
        seen->debugs++;
    }
}

struct requests_seen {
    int count;
    uint16_t statuses[4];
    uint32_t attempts[4];
    int urls_ok;
};

static void on_request(const amperity_request_info *info, void *user_data) {
    struct requests_seen *seen = user_data;
    if (seen->count < 4) {
        seen->statuses[seen->count] = info->status;
        seen->attempts[seen->count] = info->attempt;
    }
    seen->count++;
    seen->urls_ok += strstr(info->url, "/api/segments") != NULL && strcmp(info->method, "GET") == 0 &&
                     strcmp(info->operation, "raw-get") != 0;
}

void test_logging(void) {
    struct log_seen seen;
    memset(&seen, 0, sizeof seen);
    OK(amperity_set_log_callback(on_log, &seen, AMPERITY_LOG_LEVEL_WARN));
    CHECK_RC(amperity_set_log_callback(on_log, &seen, 9), AMPERITY_RESULT_INVALID_ARGUMENT);

    amperity_client *client = mock_client();
    mock_reset();
    mock_fault("path=/api/segments,deprecation,count=1");
    amperity_object *body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    CHECK(seen.warnings == 1 && seen.debugs == 0);
    CHECK(strcmp(seen.last_target, "amperity::deprecation") == 0);
    CHECK(strstr(seen.last_message, "deprecated") != NULL);

    /* The notice, with the header dates parsed. */
    amperity_object *notices = NULL;
    OK(amperity_client_deprecation_notices(client, &notices));
    const char *json = NULL;
    OK(amperity_object_json(notices, &json, NULL));
    CHECK(strstr(json, "\"deprecated_at\":\"2026-09-01T23:59:59Z\"") != NULL);
    CHECK(strstr(json, "\"sunset_at\":\"2027-12-01T23:59:59Z\"") != NULL);
    amperity_object_free(notices);

    /* Debug records when asked for; none after the callback is removed. */
    OK(amperity_set_log_callback(on_log, &seen, AMPERITY_LOG_LEVEL_DEBUG));
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    CHECK(seen.debugs >= 1);
    OK(amperity_set_log_callback(NULL, NULL, AMPERITY_LOG_LEVEL_WARN));
    int debugs = seen.debugs;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    CHECK(seen.debugs == debugs);
    amperity_client_free(client);

    /* The request hook: one report per attempt. */
    struct requests_seen requests;
    memset(&requests, 0, sizeof requests);
    amperity_config *config = mock_config();
    OK(amperity_config_set_request_hook(config, on_request, &requests));
    OK(amperity_client_new(config, &client));
    amperity_config_free(config);
    mock_reset();
    mock_fault("path=/api/segments,status=503,count=1");
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    CHECK(requests.count == 2);
    CHECK(requests.statuses[0] == 503 && requests.attempts[0] == 1);
    CHECK(requests.statuses[1] == 200 && requests.attempts[1] == 2);
    CHECK(requests.urls_ok >= 1);
    CHECK_RC(amperity_config_set_request_hook(NULL, on_request, NULL), AMPERITY_RESULT_NULL_ARGUMENT);

    /* Every exchange error says how many attempts were made: as many as the mock received. */
    mock_reset();
    mock_fault("path=/api/segments,status=503,count=0");
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_SERVER_ERROR);
    uint32_t attempts = 0;
    OK(amperity_last_error_attempts(&attempts));
    CHECK(attempts >= 2 && (long)attempts == mock_api_requests());
    CHECK_RC(amperity_last_error_attempts(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    mock_reset();
    CHECK_RC(amperity_raw_get(client, NULL, NULL, NULL, &body), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_last_error_attempts(&attempts), AMPERITY_RESULT_NO_VALUE);
    amperity_client_free(client);
}
