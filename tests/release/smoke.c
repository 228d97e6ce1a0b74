/*
 * Release smoke test of the C tarball, compiled by tests/release.sh against the unpacked tarball
 * alone (pkg-config) and run against the bundled mock server.
 *
 *   smoke BASE_URL EXPECTED_VERSION SEGMENTS
 *
 * Checks the linked library's version against the header's and the expected one, the User-Agent,
 * lists every segment (pages of 100), runs a workflow and waits for it, reads the audit events of
 * the last day, maps a 404, and cancels a call that sleeps on a 30 s Retry-After (the mock is
 * started with a 429 fault on /api/campaigns) from another thread. Exits 0 when all pass, 1
 * otherwise. Built for every platform that runs here (tests/platforms.sh: Linux, musl, Windows
 * under wine), so it uses only C11, POSIX threads and the C API.
 */
#define _POSIX_C_SOURCE 200809L /* gmtime_r, nanosleep, clock_gettime */
#include <amperity.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failed = 0;

static void check(int ok, const char *what) {
    if (!ok) {
        char message[1024];
        size_t len = 0;
        if (amperity_last_error_message(message, sizeof message, &len) != AMPERITY_RESULT_OK) {
            message[0] = '\0';
        }
        fprintf(stderr, "c smoke: FAILED: %s (last error: %s)\n", what, message);
        failed = 1;
    }
}

/* clock_gettime: POSIX, and MinGW-w64's winpthreads (through pthread.h) on Windows, whose C
 * library lacks C11's timespec_get. */
static double seconds_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Cancels the client's calls after 300 ms. */
static void *cancel_later(void *client) {
    struct timespec pause = {0, 300 * 1000 * 1000};
    nanosleep(&pause, NULL);
    amperity_client_cancel((const amperity_client *)client);
    return NULL;
}

static void rfc3339(time_t t, char out[32]) {
    struct tm utc;
    gmtime_r(&t, &utc);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &utc);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s BASE_URL EXPECTED_VERSION SEGMENTS\n", argv[0]);
        return 2;
    }
    const char *base_url = argv[1];
    const char *expected = argv[2];
    long segments_expected = strtol(argv[3], NULL, 10);

    check(strcmp(amperity_version(), AMPERITY_VERSION_STRING) == 0, "amperity_version() differs from the header");
    check(strcmp(amperity_version(), expected) == 0, "amperity_version() differs from the release version");
    char macro_version[64];
    snprintf(macro_version, sizeof macro_version, "%d.%d.%d", AMPERITY_VERSION_MAJOR, AMPERITY_VERSION_MINOR,
             AMPERITY_VERSION_PATCH);
    check(strcmp(macro_version, expected) == 0, "AMPERITY_VERSION_MAJOR/MINOR/PATCH differ from the release version");

    amperity_config *config = NULL;
    amperity_client *client = NULL;
    check(amperity_config_new("acme", &config) == AMPERITY_RESULT_OK, "amperity_config_new");
    check(amperity_config_set_token(config, "mock-token") == AMPERITY_RESULT_OK, "set_token");
    check(amperity_config_set_base_url(config, base_url) == AMPERITY_RESULT_OK, "set_base_url");
    check(amperity_config_set_rate_limit(config, 0) == AMPERITY_RESULT_OK, "set_rate_limit");
    if (failed || amperity_client_new(config, &client) != AMPERITY_RESULT_OK) {
        check(0, "amperity_client_new");
        amperity_config_free(config);
        return 1;
    }

    const char *ua = NULL;
    size_t ua_len = 0;
    char want_rust[64], want_c[64];
    snprintf(want_rust, sizeof want_rust, "amperity-rust/%s", expected);
    snprintf(want_c, sizeof want_c, "amperity-c/%s", expected);
    check(amperity_client_user_agent(client, &ua, &ua_len) == AMPERITY_RESULT_OK && ua != NULL &&
              strstr(ua, want_rust) != NULL && strstr(ua, want_c) != NULL,
          "User-Agent names amperity-rust/VERSION and amperity-c/VERSION");

    /* Every segment, 100 per page. */
    amperity_list_options *options = NULL;
    amperity_iter *iter = NULL;
    amperity_object *item = NULL;
    long segments = 0;
    amperity_result rc;
    check(amperity_list_options_new(&options) == AMPERITY_RESULT_OK &&
              amperity_list_options_set_limit(options, 100) == AMPERITY_RESULT_OK &&
              amperity_list_segments(client, options, &iter) == AMPERITY_RESULT_OK,
          "amperity_list_segments");
    while (iter != NULL && (rc = amperity_iter_next(iter, &item)) == AMPERITY_RESULT_OK && item != NULL) {
        const char *id = NULL;
        check(amperity_object_id(item, &id, NULL) == AMPERITY_RESULT_OK && strncmp(id, "seg-", 4) == 0, "segment id");
        segments++;
        amperity_object_free(item);
    }
    check(segments == segments_expected, "segment count");
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    /* Run a workflow and wait for it. */
    amperity_object *run = NULL;
    amperity_object *done = NULL;
    const char *run_id = NULL;
    const char *state = NULL;
    check(amperity_run_workflow(client, "cg-example", NULL, NULL, AMPERITY_RUN_MODE_DEFAULT, &run) ==
              AMPERITY_RESULT_OK,
          "amperity_run_workflow");
    if (run != NULL && amperity_object_id(run, &run_id, NULL) == AMPERITY_RESULT_OK) {
        check(amperity_wait_for_workflow_run(client, run_id, 50, 60000, &done) == AMPERITY_RESULT_OK,
              "amperity_wait_for_workflow_run");
        check(done != NULL && amperity_object_state(done, &state, NULL) == AMPERITY_RESULT_OK &&
                  strcmp(state, "succeeded") == 0,
              "the run succeeded");
    }

    /* Audit events of the last day. */
    char from[32], to[32];
    time_t now = time(NULL);
    rfc3339(now - 24 * 60 * 60, from);
    rfc3339(now + 1, to);
    long events = 0;
    options = NULL;
    iter = NULL;
    check(amperity_list_options_new(&options) == AMPERITY_RESULT_OK &&
              amperity_list_options_set_limit(options, 1000) == AMPERITY_RESULT_OK &&
              amperity_list_options_add_filter(options, "happened_from", from) == AMPERITY_RESULT_OK &&
              amperity_list_options_add_filter(options, "happened_to", to) == AMPERITY_RESULT_OK &&
              amperity_list_audit_events(client, options, &iter) == AMPERITY_RESULT_OK,
          "amperity_list_audit_events");
    while (iter != NULL && (rc = amperity_iter_next(iter, &item)) == AMPERITY_RESULT_OK && item != NULL) {
        events++;
        amperity_object_free(item);
    }
    check(events > 0, "audit events of the last day");
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    /* A missing run maps to NOT_FOUND with status 404. */
    amperity_object *missing = NULL;
    rc = amperity_get_workflow_run(client, "wf-20240101-00000-nothere", AMPERITY_WORKFLOW_VIEW_OVERVIEW, &missing);
    check(rc != AMPERITY_RESULT_OK && missing == NULL, "a missing run is an error");
    check(rc == AMPERITY_RESULT_NOT_FOUND, "a missing run is NOT_FOUND");

    /* Cancellation: the campaigns call sleeps on the mock's Retry-After of 30 s until another
     * thread cancels it. */
    pthread_t canceller;
    double started = seconds_now();
    options = NULL;
    iter = NULL;
    item = NULL;
    check(pthread_create(&canceller, NULL, cancel_later, client) == 0, "pthread_create");
    rc = amperity_list_options_new(&options);
    if (rc == AMPERITY_RESULT_OK) rc = amperity_list_campaigns(client, options, &iter);
    if (rc == AMPERITY_RESULT_OK) rc = amperity_iter_next(iter, &item);
    double cancelled_after = seconds_now() - started;
    pthread_join(canceller, NULL);
    check(rc == AMPERITY_RESULT_CANCELLED && item == NULL, "a call sleeping on Retry-After is CANCELLED");
    check(cancelled_after < 5.0, "the cancelled call returned within 5 s");
    amperity_object_free(item);
    amperity_iter_free(iter);
    amperity_list_options_free(options);

    if (!failed) {
        printf("c smoke: libamperity %s: %ld segments, run %s %s, %ld audit events, a call cancelled after "
               "%.2f s; User-Agent %s\n",
               amperity_version(), segments, run_id, state, events, cancelled_after, ua);
    }
    amperity_object_free(done);
    amperity_object_free(run);
    amperity_client_free(client);
    amperity_config_free(config);
    return failed;
}
