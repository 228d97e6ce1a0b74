/*
 * test_cancel_token.c: per-call cancellation. amperity_cancel_token_* (NULL-safe) and
 * amperity_client_with_cancel_token: a cancel during a stalled request, during a Retry-After
 * pause and during a walk ends that call within milliseconds, while a call of the same client
 * in flight on another thread goes on; a cancelled walk resumes from its cursor.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <pthread.h>
#include <time.h>

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Cancels `token` after 200 ms and records when. */
struct token_canceller {
    amperity_cancel_token *token;
    double cancelled_at;
};

static void *cancel_token_later(void *arg) {
    struct token_canceller *c = arg;
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    c->cancelled_at = now_seconds();
    OK(amperity_cancel_token_cancel(c->token));
    return NULL;
}

/* A call without a token on the same client, slowed down by the mock: in flight during the
 * cancel, it must succeed. */
struct bystander {
    amperity_client *client;
    amperity_result rc;
};

static void *bystander_main(void *arg) {
    struct bystander *b = arg;
    amperity_object *body = NULL;
    b->rc = amperity_raw_get(b->client, "/campaigns", "{\"limit\": 1}", NULL, &body);
    amperity_object_free(body);
    return NULL;
}

/* Runs a stalled raw GET through `view` while the token is cancelled; returns the latency. */
static double cancelled_get(amperity_client *view, amperity_cancel_token *token, const char *path) {
    struct token_canceller c = {token, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_token_later, &c) == 0);
    amperity_object *body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(view, path, NULL, NULL, &body), AMPERITY_RESULT_CANCELLED);
    double latency = now_seconds() - c.cancelled_at;
    pthread_join(thread, NULL);
    CHECK(body == (amperity_object *)0x1);
    const char *message = last_message();
    CHECK(message != NULL && strstr(message, "was cancelled") != NULL);
    return latency;
}

static void null_arguments(amperity_client *client) {
    CHECK_RC(amperity_cancel_token_new(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_cancel_token_cancel(NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_cancel_token_free(NULL);
    amperity_cancel_token *token = NULL;
    OK(amperity_cancel_token_new(&token));
    bool cancelled = true;
    OK(amperity_cancel_token_is_cancelled(token, &cancelled));
    CHECK(!cancelled);
    CHECK_RC(amperity_cancel_token_is_cancelled(NULL, &cancelled), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_cancel_token_is_cancelled(token, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    amperity_client *view = (amperity_client *)0x1;
    CHECK_RC(amperity_client_with_cancel_token(NULL, token, &view), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_client_with_cancel_token(client, NULL, &view), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK_RC(amperity_client_with_cancel_token(client, token, NULL), AMPERITY_RESULT_NULL_ARGUMENT);
    CHECK(view == (amperity_client *)0x1);

    /* A cancelled token refuses calls at once, without a request; cancelling twice is fine. */
    OK(amperity_client_with_cancel_token(client, token, &view));
    OK(amperity_cancel_token_cancel(token));
    OK(amperity_cancel_token_cancel(token));
    OK(amperity_cancel_token_is_cancelled(token, &cancelled));
    CHECK(cancelled);
    /* The view keeps what it needs: the token may go first. */
    amperity_cancel_token_free(token);
    mock_reset();
    amperity_object *body = NULL;
    CHECK_RC(amperity_raw_get(view, "/segments", NULL, NULL, &body), AMPERITY_RESULT_CANCELLED);
    CHECK(mock_api_requests() == 0);
    /* The view lends the client's settings like the client. */
    const char *tenant = NULL;
    OK(amperity_client_tenant(view, &tenant, NULL));
    CHECK(tenant != NULL && strcmp(tenant, "acme") == 0);
    amperity_client_free(view);
}

void test_cancel_token(void) {
    amperity_client *client = mock_client();
    null_arguments(client);

    /* A stalled response, while another call of the same client is in flight. */
    mock_reset();
    mock_fault("path=/api/segments,delay_ms=20000,count=1");
    mock_fault("path=/api/campaigns,delay_ms=600,count=1");
    amperity_cancel_token *token = NULL;
    OK(amperity_cancel_token_new(&token));
    amperity_client *view = NULL;
    OK(amperity_client_with_cancel_token(client, token, &view));
    struct bystander other = {client, AMPERITY_RESULT_PANIC};
    pthread_t other_thread;
    CHECK(pthread_create(&other_thread, NULL, bystander_main, &other) == 0);
    double latency = cancelled_get(view, token, "/segments");
    printf("  amperity_cancel_token_cancel during a stalled request: returned %.1f ms later\n",
           latency * 1000);
    CHECK(latency < 0.5);
    pthread_join(other_thread, NULL);
    CHECK_RC(other.rc, AMPERITY_RESULT_OK);
    amperity_client_free(view);
    amperity_cancel_token_free(token);

    /* A Retry-After of 30 s: cut short, no second request. */
    amperity_config *config = mock_config();
    OK(amperity_config_set_max_retry_after(config, 60000));
    amperity_client *patient = NULL;
    OK(amperity_client_new(config, &patient));
    amperity_config_free(config);
    mock_reset();
    mock_fault("path=/api/segments,status=429,retry_after=30,count=1");
    OK(amperity_cancel_token_new(&token));
    OK(amperity_client_with_cancel_token(patient, token, &view));
    latency = cancelled_get(view, token, "/segments");
    printf("  amperity_cancel_token_cancel during a Retry-After pause: returned %.1f ms later\n",
           latency * 1000);
    CHECK(latency < 0.5);
    CHECK(mock_api_requests() == 1);
    amperity_client_free(view);
    amperity_cancel_token_free(token);
    amperity_client_free(patient);

    /* A walk: the page in flight is cancelled, and a new iterator resumes from the cursor. */
    mock_reset();
    OK(amperity_cancel_token_new(&token));
    OK(amperity_client_with_cancel_token(client, token, &view));
    amperity_list_options *options = NULL;
    OK(amperity_list_options_new(&options));
    OK(amperity_list_options_set_limit(options, 100));
    amperity_iter *iter = NULL;
    OK(amperity_list_segments(view, options, &iter));
    amperity_page *page = NULL;
    OK(amperity_iter_next_page(iter, &page));
    amperity_page_free(page);
    mock_fault("path=/api/segments,delay_ms=20000,count=1");
    struct token_canceller c = {token, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_token_later, &c) == 0);
    page = (amperity_page *)0x1;
    CHECK_RC(amperity_iter_next_page(iter, &page), AMPERITY_RESULT_CANCELLED);
    latency = now_seconds() - c.cancelled_at;
    pthread_join(thread, NULL);
    printf("  amperity_cancel_token_cancel during a walk: returned %.1f ms later\n", latency * 1000);
    CHECK(latency < 0.5);
    CHECK(page == (amperity_page *)0x1);
    char cursor[256];
    size_t cursor_len = 0;
    OK(amperity_iter_cursor(iter, cursor, sizeof cursor, &cursor_len));
    amperity_iter_free(iter);
    OK(amperity_list_options_set_cursor(options, cursor));
    OK(amperity_list_segments(client, options, &iter));
    size_t rest = drain(iter, AMPERITY_OBJECT_KIND_SEGMENT);
    CHECK(rest + 100 == segment_count);
    amperity_iter_free(iter);
    amperity_list_options_free(options);
    amperity_client_free(view);
    amperity_cancel_token_free(token);
    amperity_client_free(client);
}
