/*
 * test_stream.c: Streaming Ingest: the stream config and client, single sends and their local
 * refusals, and the stream sender (volume from two threads, back-pressure, a full queue, close
 * with events still queued, failures in the delivery report, cancel), single sends carrying a
 * cancel token (amperity_stream_send_*_with_token), checked against what the mock's stream route
 * counted (GET /__mock/streams: accepted, duplicates, checksum).
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define STREAM_TOKEN "mock-stream-token"
#define MAX_EVENT_BYTES 1000000

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* 64-bit FNV-1a, and the mock's checksum: the wrapping sum of the bodies' hashes. */
static uint64_t fnv1a(const char *text) {
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        hash = (hash ^ *p) * 0x00000100000001b3ULL;
    }
    return hash;
}

/* What the mock's stream route accepted for `stream_id`. */
struct stream_count {
    long accepted;
    long duplicates;
    uint64_t checksum;
};

/* Reads a number after `"key":` in `text` (before `end`); -1 when absent. */
static long json_number(const char *text, const char *end, const char *key) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(text, pattern);
    if (at == NULL || at > end) {
        return -1;
    }
    return strtol(at + strlen(pattern), NULL, 10);
}

static struct stream_count mock_stream(const char *stream_id) {
    struct stream_count count = {0, 0, 0};
    int status = 0;
    char *body = mock_http_body("GET", "/__mock/streams", &status);
    CHECK(body != NULL && status == 200);
    if (body == NULL) {
        return count;
    }
    char key[128];
    snprintf(key, sizeof key, "\"%s\":{", stream_id);
    const char *at = strstr(body, key);
    if (at != NULL) {
        const char *end = strchr(at, '}');
        count.accepted = json_number(at, end, "accepted");
        count.duplicates = json_number(at, end, "duplicates");
        const char *checksum = strstr(at, "\"checksum\":\"");
        if (checksum != NULL && checksum < end) {
            count.checksum = strtoull(checksum + strlen("\"checksum\":\""), NULL, 16);
        }
    }
    free(body);
    return count;
}

/* Recorded requests to the stream route; -1 on failure. */
static long mock_stream_requests(void) {
    int status = 0;
    char *body = mock_http_body("GET", "/__mock/requests", &status);
    if (body == NULL || status != 200) {
        free(body);
        return -1;
    }
    static const char stream[] = "\"path\":\"/stream/";
    long count = 0;
    for (const char *at = strstr(body, stream); at != NULL; at = strstr(at + 1, stream)) {
        count++;
    }
    free(body);
    return count;
}

/* A stream config for the mock: its streaming token, fast retries. */
static amperity_stream_config *stream_config(void) {
    amperity_stream_config *config = NULL;
    OK(amperity_stream_config_new("acme", &config));
    OK(amperity_stream_config_set_token(config, STREAM_TOKEN));
    OK(amperity_stream_config_set_base_url(config, origin));
    OK(amperity_stream_config_set_retry(config, 3, 10, 50));
    OK(amperity_stream_config_set_timeouts(config, 2000, 10000));
    return config;
}

static amperity_stream_client *stream_client(void) {
    amperity_stream_config *config = stream_config();
    amperity_stream_client *client = NULL;
    OK(amperity_stream_client_new(config, &client));
    amperity_stream_config_free(config);
    return client;
}

static void event_text(char *out, size_t len, int producer, int n) {
    snprintf(out, len, "{\"producer\":%d,\"n\":%d,\"email\":\"p%d.%d@example.com\"}", producer, n,
             producer, n);
}

static atomic_int hook_calls;
static atomic_int hook_bad;

static void count_request(const amperity_request_info *info, void *user_data) {
    atomic_fetch_add(&hook_calls, 1);
    if (user_data != (void *)&hook_calls || strcmp(info->operation, "stream-ingest") != 0 ||
        strcmp(info->method, "POST") != 0 || strstr(info->url, "/stream/v0/data/") == NULL) {
        atomic_fetch_add(&hook_bad, 1);
    }
}

static void stream_settings(void) {
    amperity_stream_config_free(NULL);
    amperity_stream_client_free(NULL);
    amperity_stream_sender_free(NULL);
    amperity_stream_sender_options_free(NULL);
    amperity_delivery_report_free(NULL);

    amperity_stream_config *config = NULL;
    amperity_stream_client *client = (amperity_stream_client *)0x1;
    CHECK_RC(amperity_stream_config_new(NULL, &config), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_new("acme", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_new(invalid_utf8, &config), AMPERITY_RESULT_INVALID_UTF8);
    OK(amperity_stream_config_new("acme", &config));

    /* No token yet. */
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(strstr(last_message(), "streaming token") != NULL);
    CHECK(client == (amperity_stream_client *)0x1);

    /* Every setter: NULL handle, NULL or invalid strings. */
    CHECK_RC(amperity_stream_config_set_token(NULL, "t"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_token(config, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_token(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_config_set_base_url(NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_base_url(config, invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_config_set_timeouts(NULL, 1, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_retry(NULL, 1, 1, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_rate_limit(NULL, 1.0), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_add_root_certificate_pem(config, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_ca_file(config, invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_config_set_platform_verifier(NULL, true),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_proxy(config, invalid_utf8), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_config_set_user_agent_suffix(NULL, "x"),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_config_set_request_hook(NULL, NULL, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_client_new(NULL, &client), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_client_new(config, NULL), AMPERITY_RESULT_NULL_ARGUMENT);

    /* The defaults: the tenant's own host (on AWS too); no I/O when the client is built. */
    OK(amperity_stream_config_set_token(config, "streaming-token"));
    OK(amperity_stream_config_set_user_agent_suffix(config, "c-tests/1.0"));
    OK(amperity_stream_config_set_platform_verifier(config, false));
    OK(amperity_stream_config_set_ca_file(config, NULL));
    OK(amperity_stream_config_set_proxy(config, NULL));
    client = NULL;
    OK(amperity_stream_client_new(config, &client));
    const char *url = NULL;
    size_t url_len = 0;
    OK(amperity_stream_client_base_url(client, &url, &url_len));
    CHECK(strcmp(url, "https://acme.amperity.com") == 0 && url_len == strlen(url));
    CHECK_RC(amperity_stream_client_base_url(NULL, &url, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_client_base_url(client, NULL, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    OK(amperity_stream_client_cancel(client)); /* nothing in progress: a no-op */
    CHECK_RC(amperity_stream_client_cancel(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_stream_client_free(client);

    /* Refused settings: INVALID_CONFIG from amperity_stream_client_new. */
    client = (amperity_stream_client *)0x1;
    OK(amperity_stream_config_set_token(config, " "));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_stream_config_set_token(config, "streaming-token"));
    OK(amperity_stream_config_set_base_url(config, "http://example.com"));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_stream_config_set_base_url(config, NULL));
    OK(amperity_stream_config_set_rate_limit(config, -1.0));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(strstr(last_message(), "rate limit") != NULL);
    OK(amperity_stream_config_set_rate_limit(config, NAN));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_stream_config_set_rate_limit(config, 0.0)); /* off: accepted */
    OK(amperity_stream_config_set_retry(config, 0, 10, 10));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    OK(amperity_stream_config_set_retry(config, 3, 10, 50));
    OK(amperity_stream_config_add_root_certificate_pem(
        config, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n"));
    CHECK_RC(amperity_stream_client_new(config, &client), AMPERITY_RESULT_INVALID_CONFIG);
    CHECK(client == (amperity_stream_client *)0x1);
    amperity_stream_config_free(config);
}

static void single_sends(void) {
    mock_reset();
    atomic_store(&hook_calls, 0);
    atomic_store(&hook_bad, 0);
    amperity_stream_config *config = stream_config();
    OK(amperity_stream_config_set_request_hook(config, count_request, &hook_calls));
    amperity_stream_client *client = NULL;
    OK(amperity_stream_client_new(config, &client));

    OK(amperity_stream_send_json(client, "is-c-single", "{\"order_id\":\"o-1\",\"total\":12.5}"));
    OK(amperity_stream_send_json(client, "is-c-single", " {\"order_id\":\"o-2\"}\n"));
    OK(amperity_stream_send_xml(client, "is-c-xml",
                                "<records><record><id>1</id></record></records>"));
    struct stream_count single = mock_stream("is-c-single");
    CHECK(single.accepted == 2 && single.duplicates == 0);
    CHECK(single.checksum ==
          fnv1a("{\"order_id\":\"o-1\",\"total\":12.5}") + fnv1a(" {\"order_id\":\"o-2\"}\n"));
    CHECK(mock_stream("is-c-xml").accepted == 1);
    CHECK(atomic_load(&hook_calls) == 3 && atomic_load(&hook_bad) == 0);

    /* Local refusals: INVALID_ARGUMENT, no request, the event never quoted. */
    mock_reset();
    char *big = malloc(MAX_EVENT_BYTES + 2);
    CHECK(big != NULL);
    if (big != NULL) {
        /* {"p":"xxx...x"} of exactly MAX_EVENT_BYTES + 1 bytes. */
        memset(big, 'x', MAX_EVENT_BYTES + 1);
        memcpy(big, "{\"p\":\"", 6);
        memcpy(big + MAX_EVENT_BYTES + 1 - 2, "\"}", 2);
        big[MAX_EVENT_BYTES + 1] = '\0';
        CHECK_RC(amperity_stream_send_json(client, "is-c-single", big),
                 AMPERITY_RESULT_INVALID_ARGUMENT);
        CHECK(strstr(last_message(), "1 MB") != NULL);
        CHECK_RC(amperity_stream_send_xml(client, "is-c-xml", big),
                 AMPERITY_RESULT_INVALID_ARGUMENT);
        /* One byte less fits (the mock takes up to 1 000 000 bytes). */
        memcpy(big + MAX_EVENT_BYTES - 2, "\"}", 3);
        OK(amperity_stream_send_json(client, "is-c-big", big));
        free(big);
    }
    CHECK(mock_stream_requests() == 1);
    mock_reset();
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "{\"a\":1}\n{\"a\":2}\n"),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "NDJSON") != NULL);
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "[{\"a\":1}]"),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "42"),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "{\"secret\": hunter2}"),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_message(), "hunter2") == NULL);
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", ""),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_send_xml(client, "is-c-xml", "  "), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, "", "{}"), AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(NULL, "is-c-single", "{}"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, NULL, "{}"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_send_json(client, invalid_utf8, "{}"), AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_send_xml(client, "is-c-xml", invalid_utf8),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_send_xml(NULL, "is-c-xml", "<a/>"), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(mock_stream_requests() == 0);
    CHECK(mock_stream("is-c-single").accepted == 2);
    amperity_stream_client_free(client);

    /* The service's refusals, typed: a control-plane token (401), another tenant (403); a
     * stream that took JSON refuses XML (400). Not retried. */
    OK(amperity_stream_config_set_token(config, "mock-token"));
    OK(amperity_stream_config_set_request_hook(config, NULL, NULL));
    OK(amperity_stream_client_new(config, &client));
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "{}"),
             AMPERITY_RESULT_UNAUTHORIZED);
    CHECK(amperity_last_error_http_status() == 401);
    uint32_t attempts = 0;
    OK(amperity_last_error_attempts(&attempts));
    CHECK(attempts == 1);
    CHECK(strstr(last_message(), "mock-token") == NULL);
    amperity_stream_client_free(client);
    amperity_stream_config_free(config);
    OK(amperity_stream_config_new("other", &config));
    OK(amperity_stream_config_set_token(config, STREAM_TOKEN));
    OK(amperity_stream_config_set_base_url(config, origin));
    OK(amperity_stream_client_new(config, &client));
    CHECK_RC(amperity_stream_send_json(client, "is-c-single", "{}"), AMPERITY_RESULT_FORBIDDEN);
    amperity_stream_client_free(client);
    amperity_stream_config_free(config);
    client = stream_client();
    CHECK_RC(amperity_stream_send_xml(client, "is-c-single", "<a/>"),
             AMPERITY_RESULT_BAD_REQUEST);

    /* 503 then success: retried. */
    mock_fault("path=/stream/v0/data/is-c-retry,status=503,count=1");
    OK(amperity_stream_send_json(client, "is-c-retry", "{\"a\":1}"));
    CHECK(mock_stream("is-c-retry").accepted == 1);
    amperity_stream_client_free(client);
    mock_clear();
}

static void sender_options(void) {
    amperity_stream_client *client = stream_client();
    amperity_stream_sender_options *options = NULL;
    amperity_stream_sender *sender = (amperity_stream_sender *)0x1;
    CHECK_RC(amperity_stream_sender_options_new(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    OK(amperity_stream_sender_options_new(&options));
    CHECK_RC(amperity_stream_sender_options_set_format(options, 9),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_sender_options_set_format(NULL, AMPERITY_PAYLOAD_FORMAT_JSON),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_options_set_queue_capacity(NULL, 1),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_options_set_workers(NULL, 1), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_options_set_rate_limit(NULL, 1.0),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_options_set_max_retries(NULL, 1),
             AMPERITY_RESULT_NULL_ARGUMENT);

    /* Out of range: refused by amperity_stream_sender_new, nothing started. */
    OK(amperity_stream_sender_options_set_workers(options, 0));
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    OK(amperity_stream_sender_options_set_workers(options, 257));
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    OK(amperity_stream_sender_options_set_workers(options, 2));
    OK(amperity_stream_sender_options_set_queue_capacity(options, 0));
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    OK(amperity_stream_sender_options_set_queue_capacity(options, 10));
    OK(amperity_stream_sender_options_set_rate_limit(options, -5.0));
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    OK(amperity_stream_sender_options_set_rate_limit(options, 0.0));
    OK(amperity_stream_sender_options_set_max_retries(options, 100));
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    OK(amperity_stream_sender_options_set_max_retries(options, 2));
    CHECK_RC(amperity_stream_sender_new(client, "", options, &sender),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_stream_sender_new(NULL, "is-c-x", options, &sender),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_new(client, NULL, options, &sender),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_new(client, invalid_utf8, options, &sender),
             AMPERITY_RESULT_INVALID_UTF8);
    CHECK_RC(amperity_stream_sender_new(client, "is-c-x", options, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(sender == (amperity_stream_sender *)0x1);

    /* XML events with a rate limit of the sender's own: 20/s (bursts of 20) paces 30 events. */
    OK(amperity_stream_sender_options_set_format(options, AMPERITY_PAYLOAD_FORMAT_XML));
    OK(amperity_stream_sender_options_set_rate_limit(options, 20.0));
    OK(amperity_stream_sender_options_set_queue_capacity(options, 100));
    sender = NULL;
    OK(amperity_stream_sender_new(client, "is-c-sender-xml", options, &sender));
    amperity_stream_sender_options_free(options);
    double start = now_ms();
    for (int n = 0; n < 30; n++) {
        char event[96];
        snprintf(event, sizeof event, "<records><record><n>%d</n></record></records>", n);
        OK(amperity_stream_sender_send(sender, event, NULL));
    }
    CHECK_RC(amperity_stream_sender_send(sender, "", NULL), AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_delivery_report *report = NULL;
    OK(amperity_stream_sender_close(sender, &report));
    CHECK(now_ms() - start >= 400.0);
    uint64_t accepted = 0;
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == 30);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    CHECK(mock_stream("is-c-sender-xml").accepted == 30);
    amperity_stream_client_free(client);
}

/* ---- volume: 10 000 events from 2 threads --------------------------------------------------- */

#define PRODUCERS 2
#define EVENTS_EACH 5000

struct producer {
    const amperity_stream_sender *sender;
    int id;
    uint64_t *sequences;
    int failures;
};

static void *produce(void *arg) {
    struct producer *p = arg;
    for (int n = 0; n < EVENTS_EACH; n++) {
        char event[128];
        event_text(event, sizeof event, p->id, n);
        uint64_t sequence = UINT64_MAX;
        if (amperity_stream_sender_send(p->sender, event, &sequence) != AMPERITY_RESULT_OK) {
            p->failures++;
        }
        p->sequences[n] = sequence;
    }
    return NULL;
}

static void sender_volume(void) {
    mock_reset();
    /* The defaults on both sides: the client's 1000/s limiter, the mock's 1000/s budget. */
    amperity_stream_client *client = stream_client();
    amperity_stream_sender *sender = NULL;
    OK(amperity_stream_sender_new(client, "is-c-volume", NULL, &sender));
    uint64_t *sequences = calloc(PRODUCERS * EVENTS_EACH, sizeof *sequences);
    struct producer producers[PRODUCERS];
    pthread_t threads[PRODUCERS];
    double start = now_ms();
    for (int i = 0; i < PRODUCERS; i++) {
        producers[i] = (struct producer){sender, i, sequences + i * EVENTS_EACH, 0};
        CHECK(pthread_create(&threads[i], NULL, produce, &producers[i]) == 0);
    }
    for (int i = 0; i < PRODUCERS; i++) {
        pthread_join(threads[i], NULL);
        CHECK(producers[i].failures == 0);
    }
    amperity_delivery_report *report = NULL;
    OK(amperity_stream_sender_close(sender, &report));
    double elapsed = now_ms() - start;
    uint64_t accepted = 0;
    uint64_t retried = 0;
    size_t failed = 99;
    OK(amperity_delivery_report_accepted(report, &accepted));
    OK(amperity_delivery_report_retried(report, &retried));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(accepted == PRODUCERS * EVENTS_EACH);
    CHECK(failed == 0);
    amperity_delivery_report_free(report);
    printf("  %d events from %d threads in %.0f ms (%.0f events/s), %" PRIu64 " retries\n",
           PRODUCERS * EVENTS_EACH, PRODUCERS, elapsed,
           PRODUCERS * EVENTS_EACH / (elapsed / 1000.0), retried);
    /* 10 000 at 1000/s with a burst of 1000: at least 9 s. */
    CHECK(elapsed >= 8500.0);

    /* Every sequence number once: 0 .. 9999. */
    unsigned char *seen = calloc(PRODUCERS * EVENTS_EACH, 1);
    int bad_sequences = 0;
    for (size_t i = 0; i < PRODUCERS * EVENTS_EACH; i++) {
        if (sequences[i] >= PRODUCERS * EVENTS_EACH || seen[sequences[i]]) {
            bad_sequences++;
        } else {
            seen[sequences[i]] = 1;
        }
    }
    CHECK(bad_sequences == 0);
    free(seen);
    free(sequences);

    /* What the mock counted: every event once, the same bodies. */
    struct stream_count count = mock_stream("is-c-volume");
    CHECK(count.accepted == PRODUCERS * EVENTS_EACH);
    CHECK(count.duplicates == 0);
    uint64_t checksum = 0;
    for (int p = 0; p < PRODUCERS; p++) {
        for (int n = 0; n < EVENTS_EACH; n++) {
            char event[128];
            event_text(event, sizeof event, p, n);
            checksum += fnv1a(event);
        }
    }
    CHECK(count.checksum == checksum);
    /* Every request was an accepted event or a retry the report counted. */
    CHECK(mock_stream_requests() == (long)(accepted + retried));

    /* Closed: no more events; a second close and a flush report nothing. */
    uint64_t sequence = 77;
    CHECK_RC(amperity_stream_sender_send(sender, "{}", &sequence), AMPERITY_RESULT_SENDER_CLOSED);
    CHECK(strstr(last_message(), "closed") != NULL);
    CHECK_RC(amperity_stream_sender_try_send(sender, "{}", &sequence),
             AMPERITY_RESULT_SENDER_CLOSED);
    CHECK(sequence == 77);
    OK(amperity_stream_sender_close(sender, &report));
    OK(amperity_delivery_report_accepted(report, &accepted));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(accepted == 0 && failed == 0);
    amperity_delivery_report_free(report);
    OK(amperity_stream_sender_flush(sender, &report));
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == 0);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    amperity_stream_client_free(client);
}

/* ---- back-pressure, close with events queued, flush --------------------------------------- */

static void sender_queue(void) {
    amperity_stream_client *client = stream_client();
    amperity_stream_sender_options *options = NULL;
    amperity_stream_sender *sender = NULL;
    amperity_delivery_report *report = NULL;
    uint64_t accepted = 0;
    size_t failed = 0;
    size_t pending = 0;

    /* flush waits for what was sent before it; sequence numbers count from 0, a refused event
     * takes none; reports are incremental. */
    OK(amperity_stream_sender_new(client, "is-c-flush", NULL, &sender));
    uint64_t checksum = 0;
    for (int n = 0; n < 100; n++) {
        char event[128];
        event_text(event, sizeof event, 9, n);
        uint64_t sequence = 999;
        OK(amperity_stream_sender_send(sender, event, &sequence));
        CHECK(sequence == (uint64_t)n);
        checksum += fnv1a(event);
        if (n == 50) {
            CHECK_RC(amperity_stream_sender_send(sender, "{\"a\":1}\n{\"a\":2}", &sequence),
                     AMPERITY_RESULT_INVALID_ARGUMENT);
            CHECK(strstr(last_message(), "NDJSON") != NULL);
            CHECK(sequence == 50);
        }
    }
    OK(amperity_stream_sender_flush(sender, &report));
    OK(amperity_stream_sender_pending(sender, &pending));
    CHECK(pending == 0);
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == 100);
    amperity_delivery_report_free(report);
    struct stream_count count = mock_stream("is-c-flush");
    CHECK(count.accepted == 100 && count.checksum == checksum);
    OK(amperity_stream_sender_send(sender, "{\"last\":true}", NULL));
    OK(amperity_stream_sender_close(sender, &report));
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == 1);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);

    /* close with events still queued delivers them all (a slow stream, 2 workers). */
    mock_fault("path=/stream/v0/data/is-c-queued,delay_ms=20,count=0");
    OK(amperity_stream_sender_options_new(&options));
    OK(amperity_stream_sender_options_set_workers(options, 2));
    OK(amperity_stream_sender_new(client, "is-c-queued", options, &sender));
    checksum = 0;
    for (int n = 0; n < 60; n++) {
        char event[128];
        event_text(event, sizeof event, 7, n);
        OK(amperity_stream_sender_send(sender, event, NULL));
        checksum += fnv1a(event);
    }
    OK(amperity_stream_sender_pending(sender, &pending));
    CHECK(pending > 30);
    OK(amperity_stream_sender_close(sender, &report));
    OK(amperity_stream_sender_pending(sender, &pending));
    CHECK(pending == 0);
    OK(amperity_delivery_report_accepted(report, &accepted));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(accepted == 60 && failed == 0);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    count = mock_stream("is-c-queued");
    CHECK(count.accepted == 60 && count.duplicates == 0 && count.checksum == checksum);

    /* Freeing an open sender closes it: nothing queued is lost. */
    mock_fault("path=/stream/v0/data/is-c-dropped,delay_ms=20,count=0");
    OK(amperity_stream_sender_new(client, "is-c-dropped", options, &sender));
    for (int n = 0; n < 20; n++) {
        OK(amperity_stream_sender_send(sender, "{\"dropped\":true}", NULL));
    }
    amperity_stream_sender_free(sender);
    CHECK(mock_stream("is-c-dropped").accepted == 20);
    mock_clear();

    /* A full queue: try_send answers QUEUE_FULL, send waits (one worker, busy with a first
     * event for 400 ms, and a queue of 2). */
    mock_fault("path=/stream/v0/data/is-c-full,delay_ms=400,count=0");
    OK(amperity_stream_sender_options_set_workers(options, 1));
    OK(amperity_stream_sender_options_set_queue_capacity(options, 2));
    OK(amperity_stream_sender_new(client, "is-c-full", options, &sender));
    amperity_stream_sender_options_free(options);
    uint64_t sequence = 555;
    OK(amperity_stream_sender_try_send(sender, "{\"full\":0}", &sequence));
    CHECK(sequence == 0);
    sleep_ms(150); /* the worker takes it */
    OK(amperity_stream_sender_try_send(sender, "{\"full\":1}", &sequence));
    OK(amperity_stream_sender_try_send(sender, "{\"full\":2}", &sequence));
    CHECK(sequence == 2);
    sequence = 555;
    CHECK_RC(amperity_stream_sender_try_send(sender, "{\"full\":3}", &sequence),
             AMPERITY_RESULT_QUEUE_FULL);
    CHECK(amperity_last_error_code() == AMPERITY_RESULT_QUEUE_FULL);
    CHECK(strstr(last_message(), "queue is full") != NULL);
    CHECK(sequence == 555);
    int queued = 3;
    double start = now_ms();
    OK(amperity_stream_sender_send(sender, "{\"full\":false}", &sequence));
    CHECK(now_ms() - start >= 100.0);
    CHECK(sequence == (uint64_t)queued);
    queued++;
    OK(amperity_stream_sender_close(sender, &report));
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == (uint64_t)queued);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
    CHECK(mock_stream("is-c-full").accepted == queued);
    mock_clear();

    /* NULL arguments. */
    CHECK_RC(amperity_stream_sender_send(NULL, "{}", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_try_send(NULL, "{}", NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_pending(NULL, &pending), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_flush(NULL, &report), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_sender_close(NULL, &report), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_stream_client_free(client);
}

/* ---- failures in the report, cancel, a sender outliving its client ------------------------ */

static void sender_failures(void) {
    amperity_stream_client *client = stream_client();
    amperity_stream_sender_options *options = NULL;
    amperity_stream_sender *sender = NULL;
    amperity_delivery_report *report = NULL;
    OK(amperity_stream_sender_options_new(&options));
    OK(amperity_stream_sender_options_set_workers(options, 1));
    OK(amperity_stream_sender_options_set_max_retries(options, 2));
    OK(amperity_stream_sender_new(client, "is-c-fail", options, &sender));

    /* Refused by the service (400, not retried): failed with its sequence, code, payload. */
    mock_fault("path=/stream/v0/data/is-c-fail,status=400,count=2");
    char events[3][128];
    for (int n = 0; n < 3; n++) {
        event_text(events[n], sizeof events[n], 5, n);
        OK(amperity_stream_sender_send(sender, events[n], NULL));
    }
    OK(amperity_stream_sender_flush(sender, &report));
    uint64_t accepted = 0;
    uint64_t retried = 9;
    size_t failed = 0;
    OK(amperity_delivery_report_accepted(report, &accepted));
    OK(amperity_delivery_report_retried(report, &retried));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(accepted == 1 && retried == 0 && failed == 2);
    for (size_t i = 0; i < failed && i < 2; i++) {
        uint64_t sequence = 99;
        amperity_result code = AMPERITY_RESULT_OK;
        const char *message = NULL;
        size_t message_len = 0;
        const char *payload = NULL;
        size_t payload_len = 0;
        OK(amperity_delivery_report_failure_sequence(report, i, &sequence));
        OK(amperity_delivery_report_failure_code(report, i, &code));
        OK(amperity_delivery_report_failure_message(report, i, &message, &message_len));
        OK(amperity_delivery_report_failure_payload(report, i, &payload, &payload_len));
        CHECK(sequence == i);
        CHECK(code == AMPERITY_RESULT_BAD_REQUEST);
        CHECK(message_len > 0 && strlen(message) == message_len);
        CHECK(strstr(message, "example.com") == NULL); /* never the event */
        CHECK(strcmp(payload, events[i]) == 0 && payload_len == strlen(events[i]));
    }
    uint64_t sequence = 99;
    const char *text = NULL;
    amperity_result code = AMPERITY_RESULT_OK;
    CHECK_RC(amperity_delivery_report_failure_sequence(report, 2, &sequence),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failure_code(report, 2, &code),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failure_message(report, 2, &text, NULL),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failure_payload(report, 2, &text, NULL),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    CHECK(sequence == 99 && code == AMPERITY_RESULT_OK && text == NULL);
    CHECK_RC(amperity_delivery_report_accepted(NULL, &accepted), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_delivery_report_retried(report, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failed_count(NULL, &failed), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failure_message(report, 0, NULL, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_delivery_report_failure_payload(NULL, 0, &text, NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_delivery_report_free(report);

    /* Unavailable for good: the sender's own retries (2) run out. */
    mock_fault("path=/stream/v0/data/is-c-fail,status=503,count=0");
    OK(amperity_stream_sender_send(sender, "{\"unavailable\":true}", &sequence));
    CHECK(sequence == 3);
    OK(amperity_stream_sender_flush(sender, &report));
    OK(amperity_delivery_report_retried(report, &retried));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(retried == 2 && failed == 1);
    OK(amperity_delivery_report_failure_code(report, 0, &code));
    CHECK(code == AMPERITY_RESULT_SERVER_ERROR);
    amperity_delivery_report_free(report);
    mock_clear();
    amperity_stream_sender_free(sender);

    /* Cancel: the event in flight fails with CANCELLED; the client works on afterwards. */
    mock_fault("path=/stream/v0/data/is-c-cancel,delay_ms=3000,count=1");
    OK(amperity_stream_sender_new(client, "is-c-cancel", options, &sender));
    amperity_stream_sender_options_free(options);
    OK(amperity_stream_sender_send(sender, "{\"cancelled\":true}", NULL));
    sleep_ms(300);
    OK(amperity_stream_client_cancel(client));
    OK(amperity_stream_sender_flush(sender, &report));
    OK(amperity_delivery_report_failed_count(report, &failed));
    CHECK(failed == 1);
    if (failed == 1) {
        OK(amperity_delivery_report_failure_code(report, 0, &code));
        CHECK(code == AMPERITY_RESULT_CANCELLED);
    }
    amperity_delivery_report_free(report);
    mock_clear();

    /* The sender outlives its client. */
    amperity_stream_client_free(client);
    OK(amperity_stream_sender_send(sender, "{\"after\":\"free\"}", NULL));
    OK(amperity_stream_sender_close(sender, &report));
    OK(amperity_delivery_report_accepted(report, &accepted));
    CHECK(accepted == 1);
    amperity_delivery_report_free(report);
    amperity_stream_sender_free(sender);
}

/* ---- single sends with a cancel token ------------------------------------------------------ */

struct stream_canceller {
    amperity_cancel_token *token;
    double cancelled_at_ms;
};

static void *cancel_stream_token_later(void *arg) {
    struct stream_canceller *c = arg;
    sleep_ms(200);
    c->cancelled_at_ms = now_ms();
    OK(amperity_cancel_token_cancel(c->token));
    return NULL;
}

/* A send without a token on the same client, slowed by the mock: it must go through. */
struct stream_bystander {
    const amperity_stream_client *client;
    amperity_result rc;
};

static void *stream_bystander_main(void *arg) {
    struct stream_bystander *b = arg;
    b->rc = amperity_stream_send_json(b->client, "is-c-bystander", "{\"bystander\":true}");
    return NULL;
}

static void token_sends(void) {
    mock_reset();
    amperity_stream_client *client = stream_client();
    amperity_cancel_token *token = NULL;
    OK(amperity_cancel_token_new(&token));

    /* NULL arguments; a live token sends like the plain calls. */
    CHECK_RC(amperity_stream_send_json_with_token(client, "is-c-token", "{}", NULL),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_send_xml_with_token(NULL, "is-c-token", "<a/>", token),
             AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_stream_send_json_with_token(client, NULL, "{}", token),
             AMPERITY_RESULT_NULL_ARGUMENT);
    OK(amperity_stream_send_json_with_token(client, "is-c-token", "{\"n\":1}", token));
    OK(amperity_stream_send_xml_with_token(client, "is-c-token-xml", "<a>1</a>", token));
    CHECK(mock_stream("is-c-token").accepted == 1);
    CHECK(mock_stream("is-c-token-xml").accepted == 1);
    /* The local checks come first, as without a token. */
    CHECK_RC(amperity_stream_send_json_with_token(client, "is-c-token", "[1]", token),
             AMPERITY_RESULT_INVALID_ARGUMENT);

    /* A stalled send is cancelled within milliseconds; a send of the same client in flight on
     * another thread goes through. */
    mock_fault("path=/stream/v0/data/is-c-stalled,delay_ms=20000,count=1");
    mock_fault("path=/stream/v0/data/is-c-bystander,delay_ms=600,count=1");
    struct stream_bystander other = {client, AMPERITY_RESULT_PANIC};
    pthread_t other_thread;
    CHECK(pthread_create(&other_thread, NULL, stream_bystander_main, &other) == 0);
    struct stream_canceller c = {token, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_stream_token_later, &c) == 0);
    CHECK_RC(amperity_stream_send_json_with_token(client, "is-c-stalled", "{\"n\":2}", token),
             AMPERITY_RESULT_CANCELLED);
    double latency = now_ms() - c.cancelled_at_ms;
    pthread_join(thread, NULL);
    printf("  amperity_cancel_token_cancel during a stalled stream send: returned %.1f ms later\n",
           latency);
    CHECK(latency < 500);
    const char *message = last_message();
    CHECK(message != NULL && strstr(message, "was cancelled") != NULL);
    pthread_join(other_thread, NULL);
    CHECK_RC(other.rc, AMPERITY_RESULT_OK);
    CHECK(mock_stream("is-c-bystander").accepted == 1);

    /* A cancelled token refuses at once, without a request; the client goes on. */
    long before = mock_stream_requests();
    CHECK_RC(amperity_stream_send_json_with_token(client, "is-c-token", "{\"n\":3}", token),
             AMPERITY_RESULT_CANCELLED);
    CHECK(mock_stream_requests() == before);
    OK(amperity_stream_send_json(client, "is-c-token", "{\"n\":4}"));
    CHECK(mock_stream("is-c-token").accepted == 2);
    amperity_cancel_token_free(token);
    amperity_stream_client_free(client);
    mock_clear();
}

void test_stream(void) {
    CHECK(mock_http("DELETE", "/__mock/streams", NULL) == 204);
    stream_settings();
    single_sends();
    token_sends();
    sender_options();
    sender_queue();
    sender_failures();
    sender_volume();
}
