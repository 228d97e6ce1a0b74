/*
 * test_cancel.c: amperity_client_cancel from another thread during a stalled request and during a
 * wait; amperity_wait_for_workflow_run_with (progress callback, stopping it, failing on an
 * unsuccessful run) and amperity_last_error_workflow.
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

/* Cancels `client` after 200 ms and records when. */
struct canceller {
    amperity_client *client;
    double cancelled_at;
};

static void *cancel_later(void *arg) {
    struct canceller *c = arg;
    struct timespec pause = {0, 200 * 1000 * 1000};
    nanosleep(&pause, NULL);
    c->cancelled_at = now_seconds();
    OK(amperity_client_cancel(c->client));
    return NULL;
}

/* Progress callback: counts calls, checks the lent object, stops when asked to. */
struct progress {
    int calls;
    size_t last_finished;
    size_t last_total;
    int stop_after;
};

static bool on_progress(const amperity_object *workflow, size_t tasks_finished, size_t tasks_total,
                        uint64_t waited_ms, void *user_data) {
    struct progress *p = user_data;
    p->calls++;
    p->last_finished = tasks_finished;
    p->last_total = tasks_total;
    amperity_object_kind kind = AMPERITY_OBJECT_KIND_JSON;
    CHECK(amperity_object_get_kind(workflow, &kind) == AMPERITY_RESULT_OK);
    CHECK(kind == AMPERITY_OBJECT_KIND_WORKFLOW);
    CHECK(waited_ms < 60000);
    return p->stop_after == 0 || p->calls < p->stop_after;
}

void test_cancel(void) {
    amperity_client *client = mock_client();

    /* A stalled response: the call returns CANCELLED soon after the cancel. */
    mock_reset();
    mock_fault("path=/api/segments,delay_ms=20000,count=1");
    struct canceller c = {client, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, cancel_later, &c) == 0);
    amperity_object *body = (amperity_object *)0x1;
    CHECK_RC(amperity_raw_get(client, "/segments", NULL, NULL, &body), AMPERITY_RESULT_CANCELLED);
    double latency = now_seconds() - c.cancelled_at;
    pthread_join(thread, NULL);
    printf("  amperity_client_cancel during a stalled request: returned %.0f ms later\n", latency * 1000);
    CHECK(latency < 2.0);
    CHECK(body == (amperity_object *)0x1);
    const char *message = last_message();
    CHECK(message != NULL && strstr(message, "was cancelled") != NULL);
    /* The client goes on working. */
    body = NULL;
    OK(amperity_raw_get(client, "/segments", "{\"limit\": 1}", NULL, &body));
    amperity_object_free(body);
    CHECK_RC(amperity_client_cancel(NULL), AMPERITY_RESULT_NULL_ARGUMENT);

    /* A wait between polls. */
    amperity_object *run = NULL;
    OK(amperity_run_workflow(client, "cg-cancel", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run));
    const char *id = NULL;
    OK(amperity_object_id(run, &id, NULL));
    c.cancelled_at = 0;
    CHECK(pthread_create(&thread, NULL, cancel_later, &c) == 0);
    amperity_object *done = (amperity_object *)0x1;
    CHECK_RC(amperity_wait_for_workflow_run(client, id, 30000, 0, &done), AMPERITY_RESULT_CANCELLED);
    latency = now_seconds() - c.cancelled_at;
    pthread_join(thread, NULL);
    printf("  amperity_client_cancel during a workflow wait: returned %.0f ms later\n", latency * 1000);
    CHECK(latency < 2.0);
    CHECK(done == (amperity_object *)0x1);

    /* Progress: after the first poll and on every change, ending with every task finished. */
    struct progress p = {0, 0, 0, 0};
    done = NULL;
    OK(amperity_wait_for_workflow_run_with(client, id, 10, 0, 0, on_progress, &p, &done));
    CHECK(p.calls >= 1 && p.last_total >= 1 && p.last_finished == p.last_total);
    bool finished = false;
    OK(amperity_object_is_finished(done, &finished));
    CHECK(finished);
    amperity_object_free(done);
    amperity_object_free(run);

    /* A callback returning false stops the wait. */
    OK(amperity_run_workflow(client, "cg-stop-watching", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run));
    OK(amperity_object_id(run, &id, NULL));
    struct progress stop = {0, 0, 0, 1};
    done = (amperity_object *)0x1;
    CHECK_RC(amperity_wait_for_workflow_run_with(client, id, 10, 0, 0, on_progress, &stop, &done),
             AMPERITY_RESULT_CANCELLED);
    CHECK(stop.calls == 1 && done == (amperity_object *)0x1);
    CHECK_RC(amperity_wait_for_workflow_run_with(client, id, 10, 0, 0x80, NULL, NULL, &done),
             AMPERITY_RESULT_INVALID_ARGUMENT);
    amperity_object *last = (amperity_object *)0x1;
    CHECK_RC(amperity_last_error_workflow(&last), AMPERITY_RESULT_NO_VALUE);
    CHECK(last == (amperity_object *)0x1);
    CHECK_RC(amperity_last_error_workflow(NULL), AMPERITY_RESULT_NULL_ARGUMENT);

    /* A timeout keeps the last run seen (a fresh run, still going after 1 ms). */
    amperity_object_free(run);
    OK(amperity_run_workflow(client, "cg-slow", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run));
    OK(amperity_object_id(run, &id, NULL));
    CHECK_RC(amperity_wait_for_workflow_run(client, id, 5, 1, &done), AMPERITY_RESULT_WAIT_TIMEOUT);
    OK(amperity_last_error_workflow(&last));
    const char *last_id = NULL;
    OK(amperity_object_id(last, &last_id, NULL));
    CHECK(strcmp(last_id, id) == 0);
    amperity_object_free(last);
    amperity_object_free(run);

    /* Failing on an unsuccessful end: RUN_FAILED, and the run with its error. */
    OK(amperity_run_workflow(client, "cg-fail-example", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run));
    OK(amperity_object_id(run, &id, NULL));
    CHECK_RC(amperity_wait_for_workflow_run_with(client, id, 10, 0, AMPERITY_WAIT_FAIL_ON_UNSUCCESSFUL,
                                                  NULL, NULL, &done),
             AMPERITY_RESULT_RUN_FAILED);
    message = last_message();
    CHECK(message != NULL && strstr(message, "ended failed") != NULL);
    last = NULL;
    OK(amperity_last_error_workflow(&last));
    const char *state = NULL;
    OK(amperity_object_state(last, &state, NULL));
    CHECK(strcmp(state, "failed") == 0);
    amperity_object_free(last);
    amperity_object_free(run);
    amperity_client_free(client);
}
