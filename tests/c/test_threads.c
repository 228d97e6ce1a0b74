/*
 * test_threads.c: 8 threads sharing one client; the last error is per thread.
 */
#define _POSIX_C_SOURCE 200809L

#include "test_support.h"

#include <pthread.h>
#include <sched.h>

struct worker {
    amperity_client *client;
    int index;
    size_t segments;
    int own_error_seen;
    int failures;
};

static void *worker_main(void *arg) {
    struct worker *w = arg;
    amperity_list_options *options = NULL;
    if (amperity_list_options_new(&options) != AMPERITY_RESULT_OK) {
        w->failures++;
        return NULL;
    }
    amperity_list_options_set_limit(options, 50);
    for (int round = 0; round < 2; round++) {
        amperity_iter *iter = NULL;
        if (amperity_list_segments(w->client, options, &iter) != AMPERITY_RESULT_OK) {
            w->failures++;
            continue;
        }
        for (;;) {
            amperity_object *segment = NULL;
            if (amperity_iter_next(iter, &segment) != AMPERITY_RESULT_OK) {
                w->failures++;
                break;
            }
            if (segment == NULL) {
                break;
            }
            w->segments++;
            amperity_object_free(segment);
        }
        amperity_iter_free(iter);
    }
    amperity_list_options_free(options);

    /* The last error is per thread: each thread sees its own 404. */
    char job[64];
    snprintf(job, sizeof job, "isj-thread-%d", w->index);
    amperity_object *missing = NULL;
    if (amperity_get_ingest_job(w->client, job, &missing) == AMPERITY_RESULT_NOT_FOUND) {
        char message[512];
        size_t len = 0;
        sched_yield();
        if (amperity_last_error_message(message, sizeof message, &len) == AMPERITY_RESULT_OK &&
            strstr(message, job) != NULL && amperity_last_error_http_status() == 404) {
            w->own_error_seen = 1;
        }
    }
    return NULL;
}

void test_threads(void) {
    amperity_client *client = mock_client();
    pthread_t threads[8];
    struct worker workers[8];
    for (int i = 0; i < 8; i++) {
        workers[i] = (struct worker){client, i, 0, 0, 0};
        CHECK(pthread_create(&threads[i], NULL, worker_main, &workers[i]) == 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        CHECK(workers[i].failures == 0);
        CHECK(workers[i].segments == 2 * segment_count);
        CHECK(workers[i].own_error_seen);
    }
    amperity_client_free(client);
}
